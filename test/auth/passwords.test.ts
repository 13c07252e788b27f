/**
 * Passwords: scrypt hashes that carry their parameters (so the cost can be raised), verified in
 * constant time, and the policy (length, not the user name) refused with a stable code.
 */
import { scryptSync } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  currentScryptParameters,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  verifyPassword,
} from '../../main/auth/password-hash';
import {
  assertPasswordAcceptable,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
} from '../../main/auth/password-policy';
import { TabibError } from '../../main/errors';

/** Cheap parameters for the property test (the format and the check are the same at any cost). */
const cheap = { logN: 10, r: 8, p: 1 };

describe('password hashes', () => {
  it('are scrypt with N = 2^15, r = 8, p = 1, a 16-byte salt, in a PHC string that states them', async () => {
    expect(currentScryptParameters).toEqual({ logN: 15, r: 8, p: 1 });
    const encoded = await hashPassword('correct horse battery');
    expect(encoded).toMatch(/^\$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    const parsed = parsePasswordHash(encoded)!;
    expect(parsed.salt).toHaveLength(16);
    expect(parsed.key).toHaveLength(32);
    // The key is RFC 7914 scrypt of the password with that salt: recomputed independently here.
    const expected = scryptSync('correct horse battery', parsed.salt, 32, {
      N: 2 ** 15,
      r: 8,
      p: 1,
      maxmem: 64 * 1024 * 1024,
    });
    expect(parsed.key.equals(expected)).toBe(true);
  });

  it('verify the right password only, and salt every hash differently', async () => {
    const first = await hashPassword('correct horse battery');
    const second = await hashPassword('correct horse battery');
    expect(first).not.toBe(second);
    expect(await verifyPassword('correct horse battery', first)).toBe(true);
    expect(await verifyPassword('correct horse battery', second)).toBe(true);
    expect(await verifyPassword('correct horse batterY', first)).toBe(false);
    expect(await verifyPassword('', first)).toBe(false);
  });

  it('verify whatever parameters a hash was made with, and ask for a rehash below today’s', async () => {
    const weak = await hashPassword('ancien mot de passe', { logN: 12, r: 8, p: 1 });
    expect(weak.startsWith('$scrypt$ln=12,r=8,p=1$')).toBe(true);
    expect(await verifyPassword('ancien mot de passe', weak)).toBe(true);
    expect(needsRehash(weak)).toBe(true);
    expect(needsRehash(await hashPassword('ancien mot de passe'))).toBe(false);
    // Raising the cost later makes today's hashes due for a rehash.
    expect(needsRehash(await hashPassword('x', cheap), { logN: 16, r: 8, p: 1 })).toBe(true);
  });

  it('verify nothing against a malformed or tampered hash', async () => {
    const good = await hashPassword('correct horse battery', cheap);
    const [, , params, salt, key] = good.split('$') as [string, string, string, string, string];
    const flipped = `${key[0] === 'A' ? 'B' : 'A'}${key.slice(1)}`;
    for (const bad of [
      '',
      'correct horse battery',
      `$argon2id$${params}$${salt}$${key}`,
      `$scrypt$ln=40,r=8,p=1$${salt}$${key}`,
      `$scrypt$ln=15,r=8,p=1$${salt}`,
      `$scrypt$${params}$${salt}$${flipped}`,
      `$scrypt$${params}$${salt}$${key.slice(0, 20)}`,
    ])
      expect(await verifyPassword('correct horse battery', bad), bad).toBe(false);
  });

  it('normalise to NFKC: the same password typed as composed or decomposed characters verifies', async () => {
    const composed = 'mot-de-passe-\u00e9t\u00e9';
    const decomposed = 'mot-de-passe-e\u0301te\u0301';
    expect(composed).not.toBe(decomposed);
    expect(await verifyPassword(decomposed, await hashPassword(composed, cheap))).toBe(true);
  });

  it('round-trip any password, in any script (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 40, unit: 'grapheme' }), async (password) => {
        const encoded = await hashPassword(password, cheap);
        expect(await verifyPassword(password, encoded)).toBe(true);
        expect(await verifyPassword(`${password}x`, encoded)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });
});

describe('the password policy', () => {
  it('wants at least 10 characters, counted as characters, not bytes', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(10);
    expect(passwordProblem('123456789', 'amina')).toBe('tooShort');
    expect(passwordProblem('1234567890', 'amina')).toBeNull();
    // Ten Arabic letters are ten characters (twenty bytes in UTF-8).
    expect(passwordProblem('كلمةسرطويل', 'amina')).toBeNull();
    expect(passwordProblem('كلمةسرطوي', 'amina')).toBe('tooShort');
  });

  it('refuses the user name, or a password containing it, whatever the case', () => {
    expect(passwordProblem('dr.benali2026', 'dr.benali')).toBe('containsUsername');
    expect(passwordProblem('DR.BENALI-secret', 'Dr.Benali')).toBe('containsUsername');
    expect(passwordProblem('dr.benali!', 'dr.benali')).toBe('containsUsername');
    expect(passwordProblem('un autre secret', 'dr.benali')).toBeNull();
  });

  it('answers PASSWORD_TOO_WEAK with the broken rule, for the renderer to say it', () => {
    const refusal = (() => {
      try {
        assertPasswordAcceptable('court', 'amina');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(refusal).toBeInstanceOf(TabibError);
    expect((refusal as TabibError).code).toBe('PASSWORD_TOO_WEAK');
    expect((refusal as TabibError).details).toEqual({ rule: 'tooShort', minLength: 10 });
    expect(() => assertPasswordAcceptable('amina-amina-amina', 'amina')).toThrow(
      expect.objectContaining({
        code: 'PASSWORD_TOO_WEAK',
        details: { rule: 'containsUsername', minLength: 10 },
      }),
    );
    expect(() => assertPasswordAcceptable('une phrase assez longue', 'amina')).not.toThrow();
  });
});
