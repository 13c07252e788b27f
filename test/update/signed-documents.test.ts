/**
 * What a signature covers and who may sign: canonical JSON (RFC 8785, its published sorting
 * vector and properties), Ed25519 signatures over it, key-list rotation (TUF §5.3.4), and the
 * manifest's rules in the order a workstation applies them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../main/update/canonical-json';
import { evaluateManifest, MANIFEST_TYPE, type ManifestContext } from '../../main/update/release-manifest';
import {
  checkSignatures,
  generateSigningKey,
  signDocument,
  signingKeyFromPem,
  type PublicKeyEntry,
} from '../../main/update/signed-document';
import {
  adoptKeyList,
  followKeyChain,
  KEY_LIST_TYPE,
  signKeyList,
  type KeyList,
} from '../../main/update/trusted-keys';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts members by UTF-16 code units: the RFC’s own vector (§3.2.3)', () => {
    const input = JSON.parse(
      '{"\\u20ac":"Euro Sign","\\r":"Carriage Return","\\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One",' +
        '"\\ud83d\\ude00":"Emoji: Grinning Face","\\u0080":"Control","\\u00f6":"Latin Small Letter O With Diaeresis"}',
    ) as Record<string, string>;
    // Read the order off the canonical text (an object would put the integer-like key "1" first).
    const values = [...canonicalJson(input).matchAll(/":"([^"]+)"/g)].map((match) => match[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
  });

  it('has no whitespace, escapes as JSON.stringify, and writes -0 as 0', () => {
    expect(canonicalJson({ b: [1, 'x\n"y"', null, true], a: { d: -0, c: 'é' } })).toBe(
      '{"a":{"c":"é","d":0},"b":[1,"x\\n\\"y\\"",null,true]}',
    );
  });

  it('refuses numbers that are not safe integers, so no signer can format a float differently', () => {
    expect(() => canonicalJson({ rollout: 12.5 })).toThrow(TypeError);
    expect(() => canonicalJson({ n: 2 ** 53 })).toThrow(TypeError);
  });

  const jsonValue = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.string(),
      fc.array(tie('value'), { maxLength: 4 }),
      fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
    ),
  })).value;

  it('is a fixed point: parsing and re-serialising gives the same bytes (property)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });

  it('does not depend on the order members were written in (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer(), { maxKeys: 8 }), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(record));
      }),
    );
  });
});

describe('Ed25519 signatures over canonical JSON', () => {
  const alice = generateSigningKey();
  const mallory = generateSigningKey();
  const trusted: PublicKeyEntry[] = [alice.publicEntry];

  it('verify with the signer’s key, whatever the file’s whitespace and member order', () => {
    const envelope = signDocument({ b: 2, a: 'one' }, [alice.signingKey]);
    expect(checkSignatures(envelope, trusted)).toEqual({ valid: true, keyIds: [alice.signingKey.keyId] });
    const rewritten = JSON.parse(
      JSON.stringify({ signatures: envelope.signatures, signed: { a: 'one', b: 2 } }, null, 4),
    );
    expect(checkSignatures(rewritten, trusted).valid).toBe(true);
  });

  it('a changed document, or a signature made by another key under a trusted key id, is SIGNATURE_INVALID', () => {
    const envelope = signDocument({ version: '1.0.0' }, [alice.signingKey]);
    expect(checkSignatures({ ...envelope, signed: { version: '1.0.1' } }, trusted)).toMatchObject({
      valid: false,
      reason: 'SIGNATURE_INVALID',
    });
    const forged = signDocument({ version: '1.0.0' }, [mallory.signingKey]);
    const impersonating = {
      ...forged,
      signatures: [{ ...forged.signatures[0]!, keyId: alice.signingKey.keyId }],
    };
    expect(checkSignatures(impersonating, trusted)).toMatchObject({
      valid: false,
      reason: 'SIGNATURE_INVALID',
    });
  });

  it('signatures only by keys nobody trusts are UNKNOWN_SIGNING_KEY', () => {
    expect(checkSignatures(signDocument({ a: 1 }, [mallory.signingKey]), trusted)).toMatchObject({
      valid: false,
      reason: 'UNKNOWN_SIGNING_KEY',
    });
    expect(checkSignatures(signDocument({ a: 1 }, []), trusted)).toMatchObject({
      reason: 'UNKNOWN_SIGNING_KEY',
    });
  });

  it('the private key survives its PEM file, with the same key id', () => {
    const reread = signingKeyFromPem(alice.privatePem);
    expect(reread.keyId).toBe(alice.signingKey.keyId);
    expect(checkSignatures(signDocument({ a: 1 }, [reread]), trusted).valid).toBe(true);
  });
});

describe('key rotation (TUF §5.3.4, threshold 1)', () => {
  const k1 = generateSigningKey();
  const k2 = generateSigningKey();
  const k3 = generateSigningKey();
  const list = (version: number, ...keys: PublicKeyEntry[]): KeyList => ({
    type: KEY_LIST_TYPE,
    version,
    keys,
  });
  const v1 = list(1, k1.publicEntry);

  it('adopts list n+1 signed by a key of list n and by a key of its own', () => {
    const v2 = signKeyList(list(2, k2.publicEntry), [k1.signingKey, k2.signingKey]);
    expect(adoptKeyList(v1, v2)).toEqual({ ok: true, list: v2.signed });
  });

  it('refuses a list signed only by the new key, only by the old one, or by neither', () => {
    expect(adoptKeyList(v1, signKeyList(list(2, k2.publicEntry), [k2.signingKey]))).toEqual({
      ok: false,
      why: 'notSignedByCurrentKey',
    });
    expect(adoptKeyList(v1, signKeyList(list(2, k2.publicEntry), [k1.signingKey]))).toEqual({
      ok: false,
      why: 'notSignedByNewKey',
    });
    expect(adoptKeyList(v1, signKeyList(list(2, k3.publicEntry), [k3.signingKey]))).toMatchObject({
      ok: false,
    });
  });

  it('refuses a version that is not the next one, and an empty list', () => {
    expect(adoptKeyList(v1, signKeyList(list(3, k1.publicEntry), [k1.signingKey]))).toEqual({
      ok: false,
      why: 'notNextVersion',
    });
    expect(adoptKeyList(v1, signKeyList(list(2), [k1.signingKey]))).toEqual({ ok: false, why: 'empty' });
  });

  it('follows a chain link by link; a link already shipped is skipped; a bad link stops the walk', () => {
    const v2 = signKeyList(list(2, k1.publicEntry, k2.publicEntry), [k1.signingKey]);
    const v3 = signKeyList(list(3, k3.publicEntry), [k2.signingKey, k3.signingKey]);
    expect(followKeyChain(v1, [v2, v3]).list.version).toBe(3);
    expect(followKeyChain(v2.signed, [v2, v3])).toMatchObject({ list: { version: 3 }, adopted: [v3] });
    const bad = signKeyList(list(4, k1.publicEntry), [k1.signingKey]); // k1 retired at v3
    expect(followKeyChain(v1, [v2, v3, bad])).toMatchObject({
      list: { version: 3 },
      refused: { version: 4, why: 'notSignedByCurrentKey' },
    });
  });
});

describe('a manifest, judged for one installation', () => {
  const key = generateSigningKey();
  const now = new Date('2026-11-23T10:00:00Z');
  const manifest = {
    type: MANIFEST_TYPE,
    channel: 'stable',
    version: '1.2.0',
    releaseDate: '2026-11-20T10:00:00.000Z',
    expires: '2026-12-20T10:00:00.000Z',
    minimumVersion: null,
    rollout: 50,
    files: [{ url: 'Tabib-1.2.0.AppImage', sha512: `${'A'.repeat(86)}==`, size: 1000 }],
  };
  const context: ManifestContext = {
    trustedKeys: [key.publicEntry],
    channel: 'stable',
    installedVersion: '1.1.0',
    now,
    newestReleaseDate: null,
    rolloutBucket: 10,
  };
  const bytes = (signed: Record<string, unknown>) =>
    Buffer.from(JSON.stringify(signDocument(signed, [key.signingKey])));
  const judge = (signed: Record<string, unknown>, overrides: Partial<ManifestContext> = {}) =>
    evaluateManifest(bytes(signed), { ...context, ...overrides });

  it('accepts a current, newer release for an installation inside the rollout', () => {
    expect(judge(manifest)).toMatchObject({ outcome: 'accepted', keyId: key.signingKey.keyId });
  });

  it('refuses, with one reason each', () => {
    expect(evaluateManifest(Buffer.from('not json'), context)).toMatchObject({
      reason: 'MANIFEST_MALFORMED',
    });
    expect(judge(manifest, { trustedKeys: [] })).toMatchObject({ reason: 'NO_TRUSTED_KEYS' });
    // A float slipped into a signed document: no canonical form, so no signature can cover it.
    const floated = { ...signDocument(manifest, [key.signingKey]), signed: { ...manifest, rollout: 12.5 } };
    expect(evaluateManifest(Buffer.from(JSON.stringify(floated)), context)).toMatchObject({
      reason: 'SIGNATURE_INVALID',
    });
    expect(judge({ ...manifest, type: KEY_LIST_TYPE })).toMatchObject({ reason: 'MANIFEST_MALFORMED' });
    expect(judge({ ...manifest, files: [{ url: '../../etc/passwd', sha512: 'x', size: 1 }] })).toMatchObject({
      reason: 'MANIFEST_MALFORMED',
    });
    expect(judge({ ...manifest, channel: 'pilot' })).toMatchObject({ reason: 'CHANNEL_MISMATCH' });
    expect(judge({ ...manifest, expires: '2026-11-23T09:59:59.000Z' })).toMatchObject({
      reason: 'MANIFEST_EXPIRED',
    });
    expect(judge(manifest, { newestReleaseDate: '2026-11-21T00:00:00.000Z' })).toMatchObject({
      reason: 'MANIFEST_REPLAYED',
    });
    expect(judge({ ...manifest, version: '1.0.9' })).toMatchObject({ reason: 'DOWNGRADE_REFUSED' });
  });

  it('skips the installed version, a halted rollout, and an installation outside the rollout', () => {
    expect(judge({ ...manifest, version: '1.1.0' })).toMatchObject({
      outcome: 'skipped',
      reason: 'UP_TO_DATE',
    });
    expect(judge({ ...manifest, rollout: 0 })).toMatchObject({
      outcome: 'skipped',
      reason: 'ROLLOUT_HALTED',
    });
    expect(judge(manifest, { rolloutBucket: 50 })).toMatchObject({
      outcome: 'skipped',
      reason: 'NOT_IN_ROLLOUT',
    });
  });

  it('below minimumVersion, an installation outside the rollout takes it; a halt stops even that', () => {
    expect(judge({ ...manifest, minimumVersion: '1.1.1' }, { rolloutBucket: 99 })).toMatchObject({
      outcome: 'accepted',
      belowMinimumVersion: true,
    });
    expect(judge({ ...manifest, minimumVersion: '1.1.1', rollout: 0 })).toMatchObject({
      reason: 'ROLLOUT_HALTED',
    });
  });

  it('compares versions by semver precedence, pre-releases included (semver.org §11)', () => {
    expect(
      judge({ ...manifest, version: '1.2.0-pilot.2' }, { installedVersion: '1.2.0-pilot.10' }),
    ).toMatchObject({
      reason: 'DOWNGRADE_REFUSED',
    });
    expect(judge({ ...manifest, version: '1.2.0' }, { installedVersion: '1.2.0-pilot.10' })).toMatchObject({
      outcome: 'accepted',
    });
  });
});
