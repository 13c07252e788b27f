import { constants, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as pkijs from 'pkijs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { dataGroupsOf, encodeTlv, parseSod } from '../../../main/card/lds';
import {
  loadTrustList,
  passiveAuthentication,
  trustAnchorsFrom,
  verifySignature,
  type PassiveAuthenticationResult,
  type TrustAnchor,
} from '../../../main/card/passive-authentication';
import {
  FILE_IDS,
  algerianIdCard,
  createCsca,
  createDocumentSigner,
  dg11,
  masterList,
  moroccanCnie,
  tunisianPassport,
  type TestDocument,
} from '../fixtures';

const anchorsOf = (...pems: string[]): TrustAnchor[] =>
  trustAnchorsFrom(pems.map((pem, index) => ({ name: `csca-${index}.pem`, bytes: Buffer.from(pem) })));

function check(
  document: TestDocument,
  anchors: TrustAnchor[],
  files = document.files,
  at?: Date,
): PassiveAuthenticationResult {
  return passiveAuthentication({
    sod: files.get(FILE_IDS['EF.SOD'])!,
    dataGroups: dataGroupsOf(files),
    trustAnchors: anchors,
    at,
  });
}

function withFile(document: TestDocument, fileId: number, bytes: Uint8Array): Map<number, Uint8Array> {
  const files = new Map(document.files);
  files.set(fileId, bytes);
  return files;
}

let cnie: TestDocument;

beforeAll(async () => {
  cnie = await moroccanCnie();
});

describe('verified', () => {
  test('ECDSA P-256 document signer chained to the configured CSCA', () => {
    const result = check(cnie, anchorsOf(cnie.cscaPem));
    expect(result).toMatchObject({
      status: 'verified',
      reason: 'verified',
      code: null,
      documentSigner: 'C=MA, O=Tabib Test, CN=Test Document Signer CNIE',
      csca: 'C=MA, O=Tabib Test, CN=Test CSCA Maroc',
      hashAlgorithm: 'SHA-256',
      signatureAlgorithm: 'ECDSA with SHA-256',
    });
    expect(result.dataGroups).toEqual([
      { dataGroup: 1, name: 'DG1', inSod: true, hashValid: true },
      { dataGroup: 2, name: 'DG2', inSod: true, hashValid: true },
      { dataGroup: 11, name: 'DG11', inSod: true, hashValid: true },
      { dataGroup: 12, name: 'DG12', inSod: true, hashValid: true },
    ]);
    expect(result.signingTime).not.toBeNull();
  });

  test.each([
    ['rsa-pkcs1', 'SHA-384', 'RSA PKCS#1 v1.5 with SHA-256'],
    ['rsa-pss', 'SHA-512', 'RSA-PSS with SHA-256'],
  ] as const)('%s signer, %s data group hashes', async (scheme, hash, algorithm) => {
    const document = await tunisianPassport({ scheme, hash });
    const result = check(document, anchorsOf(document.cscaPem));
    expect(result).toMatchObject({ status: 'verified', hashAlgorithm: hash, signatureAlgorithm: algorithm });
  });

  test('a SignerInfo that names its certificate by subject key identifier', async () => {
    const document = await algerianIdCard({ signerIdentifier: 'subject-key-identifier' });
    const sod = parseSod(document.files.get(FILE_IDS['EF.SOD'])!);
    expect(sod.signedData.signerInfos[0]?.version).toBe(3);
    expect(check(document, anchorsOf(document.cscaPem))).toMatchObject({
      status: 'verified',
      documentSigner: 'C=DZ, O=Tabib Test, CN=Test Document Signer CNIBE',
    });
  });

  test('only the data groups read are compared; a CSCA among others in the trust list', async () => {
    const other = await createCsca('C=DZ, O=Tabib Test, CN=Another CSCA');
    const files = new Map(cnie.files);
    files.delete(FILE_IDS.DG2);
    files.delete(FILE_IDS.DG12);
    const result = check(cnie, anchorsOf(other.pem, cnie.cscaPem), files);
    expect(result.status).toBe('verified');
    expect(result.dataGroups.map((entry) => entry.name)).toEqual(['DG1', 'DG11']);
  });

  test('without a signing time attribute, the signer is checked at `at`', async () => {
    const day = 24 * 3600 * 1000;
    const notBefore = new Date(Date.now() - 200 * day);
    const document = await algerianIdCard({
      signingTime: null,
      signerValidity: { notBefore, notAfter: new Date(Date.now() - 100 * day) },
    });
    const anchors = anchorsOf(document.cscaPem);
    expect(check(document, anchors, document.files, new Date(Date.now() - 150 * day)).status).toBe(
      'verified',
    );
    // `at` defaults to now, after the signer expired.
    const later = check(document, anchors);
    expect(later).toMatchObject({
      status: 'failed',
      reason: 'signer-not-valid-at-signing-time',
      code: null,
    });
  });
});

describe('not verifiable', () => {
  test('no CSCA configured', () => {
    expect(check(cnie, [])).toMatchObject({
      status: 'not-verifiable',
      reason: 'no-trust-anchor',
      code: null,
      documentSigner: 'C=MA, O=Tabib Test, CN=Test Document Signer CNIE',
      csca: null,
    });
  });

  test('only CSCAs of other issuers configured', async () => {
    const other = await createCsca('C=TN, O=Tabib Test, CN=Test CSCA Tunisie');
    expect(check(cnie, anchorsOf(other.pem))).toMatchObject({
      status: 'not-verifiable',
      reason: 'no-trust-anchor',
    });
  });

  test('a CSCA of the same name but another key (a rollover the trust list has not caught up with)', async () => {
    const previous = await createCsca('C=MA, O=Tabib Test, CN=Test CSCA Maroc');
    const result = check(cnie, anchorsOf(previous.pem));
    expect(result).toMatchObject({ status: 'not-verifiable', reason: 'no-trust-anchor' });
    expect(result.detail).toMatch(/not the key/);
  });

  test('an EF.SOD without the document signer certificate', async () => {
    const contentInfo = pkijs.ContentInfo.fromBER(cnie.files.get(FILE_IDS['EF.SOD'])!.subarray(4));
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    signedData.certificates = undefined;
    const stripped = new pkijs.ContentInfo({
      contentType: contentInfo.contentType,
      content: signedData.toSchema(true),
    });
    const files = withFile(
      cnie,
      FILE_IDS['EF.SOD'],
      encodeTlv(0x77, new Uint8Array(stripped.toSchema().toBER(false))),
    );
    expect(check(cnie, anchorsOf(cnie.cscaPem), files)).toMatchObject({
      status: 'not-verifiable',
      reason: 'no-signer-certificate',
    });
  });
});

describe('failed', () => {
  test('a tampered data group: CARD_DATA_TAMPERED, and which one', () => {
    const original = cnie.files.get(FILE_IDS.DG11)!;
    const tampered = dg11({ fullName: 'EL<IDRISSI<<FATIMA', personalNumber: 'XY999999' });
    expect(tampered).not.toEqual(original);
    const result = check(cnie, anchorsOf(cnie.cscaPem), withFile(cnie, FILE_IDS.DG11, tampered));
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'data-group-hash-mismatch',
      code: 'CARD_DATA_TAMPERED',
    });
    expect(result.dataGroups.find((entry) => entry.name === 'DG11')).toEqual({
      dataGroup: 11,
      name: 'DG11',
      inSod: true,
      hashValid: false,
    });
    expect(result.dataGroups.filter((entry) => entry.hashValid).map((entry) => entry.name)).toEqual([
      'DG1',
      'DG2',
      'DG12',
    ]);
    expect(result.detail).toBe('DG11 does not match its hash in EF.SOD');
  });

  test('one flipped bit in DG2, even with no CSCA configured', () => {
    const dg2 = new Uint8Array(cnie.files.get(FILE_IDS.DG2)!);
    dg2[dg2.length - 10] = (dg2[dg2.length - 10] as number) ^ 0x01;
    const result = check(cnie, [], withFile(cnie, FILE_IDS.DG2, dg2));
    expect(result).toMatchObject({ status: 'failed', code: 'CARD_DATA_TAMPERED' });
  });

  test('a data group EF.SOD does not cover', () => {
    const files = withFile(cnie, 0x0103, new Uint8Array([0x63, 0x00]));
    expect(check(cnie, anchorsOf(cnie.cscaPem), files)).toMatchObject({
      status: 'failed',
      reason: 'data-group-not-in-sod',
      detail: 'DG3 has no hash in EF.SOD',
    });
  });

  test('a bad signature', async () => {
    const forged = await moroccanCnie({ corruptSignature: true, csca: cnie.csca });
    expect(check(forged, anchorsOf(cnie.cscaPem))).toMatchObject({
      status: 'failed',
      reason: 'signature-invalid',
      code: 'CARD_DATA_TAMPERED',
    });
  });

  test('a bad RSA-PSS signature', async () => {
    const forged = await tunisianPassport({ corruptSignature: true, scheme: 'rsa-pss' });
    expect(check(forged, anchorsOf(forged.cscaPem))).toMatchObject({
      status: 'failed',
      reason: 'signature-invalid',
    });
  });

  test('EF.SOD content changed under an intact signature (message digest)', () => {
    const sod = new Uint8Array(cnie.files.get(FILE_IDS['EF.SOD'])!);
    const dg1Hash = Buffer.from(sod).indexOf(Buffer.from([0x02, 0x01, 0x01, 0x04, 0x20]));
    expect(dg1Hash).toBeGreaterThan(0);
    sod[dg1Hash + 5] = (sod[dg1Hash + 5] as number) ^ 0xff;
    const result = check(cnie, anchorsOf(cnie.cscaPem), withFile(cnie, FILE_IDS['EF.SOD'], sod));
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'message-digest-mismatch',
      code: 'CARD_DATA_TAMPERED',
    });
  });

  test('a document signer from another CSCA that copies the trusted one’s name and key identifier', async () => {
    const forged = await moroccanCnie({ csca: cnie.csca, rogueCsca: true });
    expect(forged.rogueCsca?.certificate.subject).toBe(cnie.csca.certificate.subject);
    const result = check(forged, anchorsOf(cnie.cscaPem));
    expect(result).toMatchObject({
      status: 'failed',
      reason: 'signer-not-issued-by-csca',
      code: 'CARD_DATA_TAMPERED',
      csca: null,
    });
    // The EF.SOD signature itself is sound: the failure is the chain.
    expect(result.signatureAlgorithm).toBe('ECDSA with SHA-256');
    // Against the impostor's own certificate the key identifier (copied from the genuine CSCA) does not match.
    expect(check(forged, anchorsOf(forged.rogueCsca!.pem)).status).toBe('not-verifiable');
  });

  test('a CSCA that was not yet valid when it issued the signer', async () => {
    const csca = await createCsca('C=MA, O=Tabib Test, CN=Late CSCA', 'ecdsa-p256', {
      notBefore: new Date(Date.now() - 24 * 3600 * 1000),
    });
    const document = await moroccanCnie({
      csca,
      signerValidity: {
        notBefore: new Date(Date.now() - 30 * 24 * 3600 * 1000),
        notAfter: new Date(Date.now() + 1e11),
      },
    });
    expect(check(document, anchorsOf(csca.pem))).toMatchObject({
      status: 'failed',
      reason: 'csca-not-valid-when-signer-issued',
    });
  });

  test('an EF.SOD that is not CMS', () => {
    const files = withFile(
      cnie,
      FILE_IDS['EF.SOD'],
      encodeTlv(0x77, new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x00])),
    );
    expect(check(cnie, anchorsOf(cnie.cscaPem), files)).toMatchObject({
      status: 'failed',
      reason: 'sod-malformed',
      code: 'CARD_PROTOCOL_ERROR',
    });
  });
});

describe('signature algorithms', () => {
  test('ECDSA on brainpoolP256r1 (through @noble/curves), and a wrong one', () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'brainpoolP256r1' });
    const data = Buffer.from('LDS security object');
    const signature = sign('sha256', data, { key: privateKey, dsaEncoding: 'der' });
    const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ format: 'der', type: 'spki' }));
    const algorithm = new pkijs.AlgorithmIdentifier({ algorithmId: '1.2.840.10045.4.3.2' });
    expect(verifySignature({ algorithm, publicKey: spki, data, signature })).toEqual({
      valid: true,
      algorithm: 'ECDSA with SHA-256 on brainpool',
    });
    expect(verifySignature({ algorithm, publicKey: spki, data: Buffer.from('other'), signature }).valid).toBe(
      false,
    );
  });

  test('RSA-PSS with SHA-384 parameters', () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const data = Buffer.from('tbs');
    const signature = sign('sha384', data, {
      key: privateKey,
      padding: constants.RSA_PKCS1_PSS_PADDING,
      saltLength: 48,
    });
    const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ format: 'der', type: 'spki' }));
    const sha384 = new pkijs.AlgorithmIdentifier({ algorithmId: '2.16.840.1.101.3.4.2.2' });
    const params = new pkijs.RSASSAPSSParams({
      hashAlgorithm: sha384,
      maskGenAlgorithm: new pkijs.AlgorithmIdentifier({
        algorithmId: '1.2.840.113549.1.1.8',
        algorithmParams: sha384.toSchema(),
      }),
      saltLength: 48,
    });
    const algorithm = new pkijs.AlgorithmIdentifier({
      algorithmId: '1.2.840.113549.1.1.10',
      algorithmParams: params.toSchema(),
    });
    expect(verifySignature({ algorithm, publicKey: spki, data, signature })).toEqual({
      valid: true,
      algorithm: 'RSA-PSS with SHA-384',
    });
  });

  test('an unknown algorithm is unsupported, not invalid', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const spki = pkijs.PublicKeyInfo.fromBER(publicKey.export({ format: 'der', type: 'spki' }));
    const outcome = verifySignature({
      algorithm: new pkijs.AlgorithmIdentifier({ algorithmId: '1.3.101.112' }),
      publicKey: spki,
      data: new Uint8Array(1),
      signature: new Uint8Array(64),
    });
    expect(outcome.valid).toBeNull();
  });
});

describe('the trust list folder', () => {
  let folder: string;
  beforeAll(() => {
    folder = mkdtempSync(join(tmpdir(), 'tabib-csca-'));
  });
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  test('PEM (several per file), DER, a master list; other files reported, README ignored', async () => {
    const [dz, tn, ma2] = await Promise.all([
      createCsca('C=DZ, O=Tabib Test, CN=Test CSCA Algerie'),
      createCsca('C=TN, O=Tabib Test, CN=Test CSCA Tunisie', 'rsa-pkcs1'),
      createCsca('C=MA, O=Tabib Test, CN=Test CSCA Maroc 2'),
    ]);
    writeFileSync(join(folder, 'README.md'), '# not a certificate');
    writeFileSync(join(folder, 'maghreb.pem'), `${cnie.cscaPem}\n${dz.pem}`);
    writeFileSync(join(folder, 'tunisie.der'), Buffer.from(tn.certificate.rawData));
    writeFileSync(join(folder, 'notes.txt'), 'hello');
    writeFileSync(join(folder, 'broken.crt'), 'not a certificate');
    const signer = await createDocumentSigner(ma2, 'C=MA, O=Tabib Test, CN=Master List Signer');
    writeFileSync(join(folder, 'icao.ml'), await masterList([ma2, dz], signer));

    const list = loadTrustList(folder);
    expect(list.anchors.map((entry) => [entry.subject, entry.source])).toEqual([
      ['C=MA, O=Tabib Test, CN=Test CSCA Maroc 2', 'icao.ml#1'],
      ['C=DZ, O=Tabib Test, CN=Test CSCA Algerie', 'icao.ml#2'],
      // maghreb.pem#2 is the Algerian CSCA again: kept once.
      ['C=MA, O=Tabib Test, CN=Test CSCA Maroc', 'maghreb.pem#1'],
      ['C=TN, O=Tabib Test, CN=Test CSCA Tunisie', 'tunisie.der'],
    ]);
    expect(list.problems.map((problem) => problem.file)).toEqual(['broken.crt', 'notes.txt']);
    expect(check(cnie, list.anchors).status).toBe('verified');
  });

  test('a master list whose signer is not issued by a CSCA in it is refused', async () => {
    const [listed, outsider] = await Promise.all([
      createCsca('C=MA, O=T, CN=Listed'),
      createCsca('C=MA, O=T, CN=Outsider'),
    ]);
    const signer = await createDocumentSigner(outsider, 'C=MA, O=T, CN=ML Signer');
    const dir = mkdtempSync(join(tmpdir(), 'tabib-csca-'));
    try {
      writeFileSync(join(dir, 'list.ml'), await masterList([listed], signer));
      const bytes = await masterList(
        [listed],
        await createDocumentSigner(listed, 'C=MA, O=T, CN=ML Signer 2'),
      );
      bytes[bytes.length - 3] = (bytes[bytes.length - 3] as number) ^ 0x01;
      writeFileSync(join(dir, 'damaged.ml'), bytes);
      const list = loadTrustList(dir);
      expect(list.anchors).toEqual([]);
      expect(list.problems).toEqual([
        { file: 'damaged.ml', reason: 'the master list signature does not verify' },
        { file: 'list.ml', reason: 'the master list signer was not issued by a CSCA in the list' },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a missing folder is an empty trust list; a non-CA certificate is not an anchor', async () => {
    expect(loadTrustList(join(folder, 'nope'))).toEqual({ anchors: [], problems: [] });
    const dir = mkdtempSync(join(tmpdir(), 'tabib-csca-'));
    try {
      writeFileSync(join(dir, 'signer.pem'), cnie.documentSigner.pem);
      expect(loadTrustList(dir).problems).toEqual([]);
      // The DS certificate has no basicConstraints: accepted as given, but it issued nothing.
      expect(check(cnie, loadTrustList(dir).anchors).status).toBe('not-verifiable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
