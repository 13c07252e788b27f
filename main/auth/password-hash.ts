/**
 * Password hashes: scrypt (RFC 7914) from node:crypto, kept as a PHC string that carries its own
 * parameters — `$scrypt$ln=15,r=8,p=1$<salt>$<hash>` (salt and hash in unpadded base64, as the
 * PHC string format writes them) — so the cost can be raised later: a hash made with lower
 * parameters still verifies, and `needsRehash` says it should be replaced at the next sign-in.
 *
 * Parameters: N = 2^15, r = 8, p = 1, a 16-byte random salt, a 32-byte key: ~32 MiB and ~0.12 s
 * per hash on this machine kind (2^16: 0.24 s, 2^17: 0.5 s). That is below the OWASP Password
 * Storage Cheat Sheet's 2^17 for a password database, which an attacker takes whole; here the
 * hashes live inside the encrypted record, whose key the OS keychain holds, and a quick unlock
 * must stay quick on a clinic's old PC. Raise `currentScryptParameters` when the PCs allow. The password is
 * normalised to Unicode NFKC first (NIST SP 800-63B §5.1.1.2), so the same Arabic or accented
 * password typed on two keyboards hashes alike. Comparison is constant-time.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

export interface ScryptParameters {
  /** log2 of the CPU/memory cost N. */
  logN: number;
  /** Block size. */
  r: number;
  /** Parallelisation. */
  p: number;
}

/** What new hashes use. Raise it here; older hashes are upgraded as their owners sign in. */
export const currentScryptParameters: ScryptParameters = { logN: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse absurd parameters read back from the record (a damaged row must not exhaust memory). */
const MAX_LOG_N = 22;

function scryptAsync(
  password: string,
  salt: Buffer,
  keyLength: number,
  options: ScryptOptions,
): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

function derive(
  password: string,
  salt: Buffer,
  parameters: ScryptParameters,
  keyLength: number,
): Promise<Buffer> {
  const N = 2 ** parameters.logN;
  return scryptAsync(password.normalize('NFKC'), salt, keyLength, {
    N,
    r: parameters.r,
    p: parameters.p,
    // scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly 2^15·8·128, too tight.
    maxmem: 256 * N * parameters.r + 1024 * 1024,
  });
}

const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

export async function hashPassword(
  password: string,
  parameters: ScryptParameters = currentScryptParameters,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, parameters, KEY_BYTES);
  return `$scrypt$ln=${parameters.logN},r=${parameters.r},p=${parameters.p}$${b64(salt)}$${b64(key)}`;
}

interface ParsedHash {
  parameters: ScryptParameters;
  salt: Buffer;
  key: Buffer;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,})\$([A-Za-z0-9+/]{16,})$/;

export function parsePasswordHash(encoded: string): ParsedHash | null {
  const match = PHC.exec(encoded);
  if (!match) return null;
  const [logN, r, p] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (logN < 10 || logN > MAX_LOG_N || r < 1 || p < 1) return null;
  const salt = Buffer.from(match[4] as string, 'base64');
  const key = Buffer.from(match[5] as string, 'base64');
  // A shortened key would compare only its prefix: a hash is whole or it is nothing.
  if (salt.length < SALT_BYTES || key.length < KEY_BYTES) return null;
  return { parameters: { logN, r, p }, salt, key };
}

/** True when `password` is the one `encoded` was made from. A malformed hash verifies nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.parameters, parsed.key.length);
  return key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
}

/** A hash made with weaker parameters than today's: replace it once the password is known again. */
export function needsRehash(
  encoded: string,
  parameters: ScryptParameters = currentScryptParameters,
): boolean {
  const parsed = parsePasswordHash(encoded);
  if (!parsed) return true;
  const used = parsed.parameters;
  return used.logN < parameters.logN || used.r < parameters.r || used.p < parameters.p;
}

/**
 * A hash of nothing anyone knows, computed once: a sign-in with an unknown user name verifies
 * against it, so that it takes as long as one with a known name and a wrong password.
 */
let decoy: Promise<string> | null = null;
export function decoyPasswordHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64'));
  return decoy;
}
