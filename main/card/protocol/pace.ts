/**
 * PACE with Generic Mapping over elliptic curves (ICAO 9303-11 §4.4; worked example Appendix
 * G.1), for the standardized domain parameters 8–18 (§9.5.1) and the cipher suites
 * id-PACE-ECDH-GM-3DES-CBC-CBC and id-PACE-ECDH-GM-AES-CBC-CMAC-128/192/256 (§9.2.3).
 *
 * 1. MSE:Set AT selects the protocol, the password (01 MRZ / 02 CAN) and, when the chip offers
 *    several, the domain parameters (§4.4.4.1).
 * 2. GENERAL AUTHENTICATE (chained, CLA 10) #1: the chip's nonce z = E(K_π, s) (§4.4.3.3).
 * 3. #2: mapping keys exchanged; H = SK_map·PK_map(chip); G' = s·G + H (§4.4.3.3.2).
 * 4. #3: ephemeral keys on G'; K = x(SK_eph·PK_eph(chip)); KS_enc, KS_mac = KDF(K, 1/2).
 * 5. #4 (CLA 00): authentication tokens T = MAC(KS_mac, 7F49{06 OID, 86 PK}) exchanged and
 *    checked (§4.4.3.4, §9.7.4). A wrong password makes the chip answer 6300: CARD_ACCESS_DENIED.
 * Secure messaging then starts with SSC = 0.
 */
import { TabibError } from '../../errors';
import { type ApduSender, SW, statusError } from './apdu';
import { bytesEqual, bytesToBigInt, bigIntToBytes, concat, toHex } from './bytes';
import type { PaceAlgorithm, PaceInfo } from './card-access';
import {
  type BlockCipher,
  decryptZeroIv,
  KDF_ENC,
  KDF_MAC,
  KDF_PACE,
  kdf,
  type KeyLength,
  mac8,
  type RandomSource,
  secureRandom,
} from './crypto';
import {
  decodePoint,
  type DomainParameters,
  ecDomainParameters,
  encodePoint,
  type Point,
  randomScalar,
} from './curves';
import { type AccessPassword, pacePasswordBytes, pacePasswordReference } from './mrz-password';
import type { SessionKeys } from './secure-messaging';
import { parseTlv, tlv } from './tlv';

/** K_π = KDF_π(K) (§9.7.3): the key that encrypts the PACE nonce. */
export function pacePasswordKey(
  password: AccessPassword,
  cipher: BlockCipher,
  keyLength: KeyLength,
): Uint8Array {
  return kdf(pacePasswordBytes(password), KDF_PACE, cipher, keyLength);
}

/**
 * Generic mapping for ECDH (§4.4.3.3.2): G' = s·G + H, with H = SK_map(terminal)·PK_map(chip).
 * Throws if H is the point at infinity.
 */
export function genericMapping(domain: DomainParameters, nonce: Uint8Array, shared: Point): Point {
  if (shared.is0())
    throw new TabibError('CARD_PROTOCOL_ERROR', 'PACE mapping produced the point at infinity.');
  const s = bytesToBigInt(nonce) % domain.n;
  return domain.Point.BASE.multiply(s).add(shared);
}

/** The public key data object of §4.4.5.1 for ECDH: 7F49 { 06 OID, 86 uncompressed point }. */
export function publicKeyDataObject(oidBytes: Uint8Array, point: Uint8Array): Uint8Array {
  return tlv(0x7f49, tlv(0x06, oidBytes), tlv(0x86, point));
}

/** The authentication token of §4.4.3.4: 8-byte MAC over the other side's public key object. */
export function authenticationToken(
  cipher: BlockCipher,
  ksMac: Uint8Array,
  oidBytes: Uint8Array,
  otherPublicKey: Uint8Array,
): Uint8Array {
  return mac8(cipher, ksMac, publicKeyDataObject(oidBytes, otherPublicKey));
}

/** Test hooks: fixed private keys to replay Appendix G. */
export interface PaceOptions {
  random?: RandomSource;
  /** Returns the terminal's private key for the mapping ('mapping') and the ephemeral ('ephemeral') step. */
  privateKey?: (step: 'mapping' | 'ephemeral', domain: DomainParameters) => bigint;
  /** Whether to send the domain parameter id in MSE:Set AT (required when the chip offers several, §4.4.4.1). */
  sendParameterId?: boolean;
}

export interface PaceResult {
  keys: SessionKeys;
  ssc: Uint8Array;
  algorithm: PaceAlgorithm;
  domain: DomainParameters;
  /** e.g. 'id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1'. */
  cipherSuite: string;
}

/** Whether this code can run PACE for a PACEInfo (ECDH generic mapping, known domain parameters). */
export function supportsPaceInfo(info: PaceInfo): boolean {
  return (
    info.algorithm !== null &&
    info.algorithm.mapping === 'GM' &&
    info.algorithm.agreement === 'ECDH' &&
    info.parameterId !== null &&
    ecDomainParameters(info.parameterId) !== null
  );
}

/** Dynamic authentication data 7C { tag value } of GENERAL AUTHENTICATE (§4.4.4.2). */
function dynamicAuthenticationData(response: Uint8Array, tag: number, what: string): Uint8Array {
  try {
    const outer = parseTlv(response, 0);
    if (outer.tag !== 0x7c) throw new Error('not 7C');
    const inner = parseTlv(outer.value, 0);
    if (inner.tag !== tag) throw new Error(`expected tag ${tag.toString(16)}`);
    return inner.value;
  } catch {
    throw new TabibError('CARD_PROTOCOL_ERROR', `PACE ${what}: malformed dynamic authentication data.`);
  }
}

async function generalAuthenticate(
  channel: ApduSender,
  last: boolean,
  data: Uint8Array,
  what: string,
): Promise<Uint8Array> {
  // CLA 10 = command chaining for all but the last step (§4.4.4.2).
  const response = await channel.send({
    cla: last ? 0x00 : 0x10,
    ins: 0x86,
    p1: 0x00,
    p2: 0x00,
    data: tlv(0x7c, data),
    ne: 256,
  });
  if (response.sw !== SW.OK) {
    const denied =
      (response.sw & 0xff00) === 0x6300 ||
      response.sw === SW.SECURITY_NOT_SATISFIED ||
      response.sw === SW.AUTH_BLOCKED;
    throw statusError(
      response.sw,
      `PACE GENERAL AUTHENTICATE (${what})`,
      denied ? 'CARD_ACCESS_DENIED' : 'CARD_PROTOCOL_ERROR',
    );
  }
  return response.data;
}

/** Runs PACE-GM-ECDH with the chip over an unprotected channel; returns the session keys. */
export async function performPace(
  channel: ApduSender,
  password: AccessPassword,
  info: PaceInfo,
  options: PaceOptions = {},
): Promise<PaceResult> {
  const algorithm = info.algorithm;
  const domain = info.parameterId === null ? null : ecDomainParameters(info.parameterId);
  if (!supportsPaceInfo(info) || !algorithm || !domain) {
    throw new TabibError(
      'CARD_UNSUPPORTED',
      `PACE protocol ${info.oid} (parameters ${info.parameterId}) is not supported.`,
    );
  }
  const random = options.random ?? secureRandom;
  const privateKey = options.privateKey ?? ((_step, d: DomainParameters) => randomScalar(d, random));
  const { cipher, keyLength } = algorithm;

  // 1. MSE:Set AT (§4.4.4.1): 80 protocol OID, 83 password reference, [84 domain parameter id].
  const mse = concat(
    tlv(0x80, info.oidBytes),
    tlv(0x83, Uint8Array.of(pacePasswordReference(password))),
    options.sendParameterId ? tlv(0x84, Uint8Array.of(domain.id)) : new Uint8Array(0),
  );
  const set = await channel.send({ cla: 0x00, ins: 0x22, p1: 0xc1, p2: 0xa4, data: mse });
  if (set.sw !== SW.OK) {
    // 6A88 etc.: the chip does not hold this password (e.g. no CAN) or protocol.
    if (set.sw === SW.REF_DATA_NOT_FOUND && password.kind === 'can') {
      // The chip holds no CAN (e.g. a passport): only the MRZ opens it.
      const error = statusError(set.sw, 'PACE MSE:Set AT (the chip has no CAN)', 'CARD_ACCESS_DENIED');
      throw new TabibError('CARD_ACCESS_DENIED', error.message, {
        ...(error.details as object),
        reason: 'mrz-required',
      });
    }
    const denied =
      (set.sw & 0xff00) === 0x6300 || set.sw === SW.AUTH_BLOCKED || set.sw === SW.REF_DATA_NOT_USABLE;
    throw statusError(set.sw, 'PACE MSE:Set AT', denied ? 'CARD_ACCESS_DENIED' : 'CARD_PROTOCOL_ERROR');
  }

  // 2. Encrypted nonce; s = D(K_π, z) with a zero IV.
  const z = dynamicAuthenticationData(
    await generalAuthenticate(channel, false, new Uint8Array(0), 'nonce'),
    0x80,
    'nonce',
  );
  const block = cipher === '3DES' ? 8 : 16;
  if (z.length === 0 || z.length % block !== 0)
    throw new TabibError('CARD_PROTOCOL_ERROR', 'PACE nonce has a bad length.');
  const s = decryptZeroIv(cipher, pacePasswordKey(password, cipher, keyLength), z);

  // 3. Mapping: exchange mapping keys, H = SK·PK(chip), G' = s·G + H.
  const mapPrivate = privateKey('mapping', domain);
  const mapPublic = encodePoint(domain, domain.Point.BASE.multiply(mapPrivate));
  const chipMapBytes = dynamicAuthenticationData(
    await generalAuthenticate(channel, false, tlv(0x81, mapPublic), 'map nonce'),
    0x82,
    'map nonce',
  );
  const chipMap = decodeChipPoint(domain, chipMapBytes, 'mapping');
  const mappedGenerator = genericMapping(domain, s, chipMap.multiply(mapPrivate));

  // 4. Key agreement on G'.
  const ephPrivate = privateKey('ephemeral', domain);
  const ephPublic = encodePoint(domain, mappedGenerator.multiply(ephPrivate));
  const chipEphBytes = dynamicAuthenticationData(
    await generalAuthenticate(channel, false, tlv(0x83, ephPublic), 'key agreement'),
    0x84,
    'key agreement',
  );
  const chipEph = decodeChipPoint(domain, chipEphBytes, 'ephemeral');
  if (bytesEqual(chipEphBytes, ephPublic)) {
    // §4.4.3.3: the terminal SHALL check that the chip's ephemeral key differs from its own.
    throw new TabibError('CARD_PROTOCOL_ERROR', 'PACE: the chip returned the terminal’s own ephemeral key.');
  }
  const sharedPoint = chipEph.multiply(ephPrivate);
  if (sharedPoint.is0())
    throw new TabibError('CARD_PROTOCOL_ERROR', 'PACE key agreement gave the point at infinity.');
  const shared = bigIntToBytes(sharedPoint.x, domain.fieldBytes);
  const keys: SessionKeys = {
    cipher,
    ksEnc: kdf(shared, KDF_ENC, cipher, keyLength),
    ksMac: kdf(shared, KDF_MAC, cipher, keyLength),
  };

  // 5. Mutual authentication with tokens.
  const tIfd = authenticationToken(cipher, keys.ksMac, info.oidBytes, chipEphBytes);
  const tIc = dynamicAuthenticationData(
    await generalAuthenticate(channel, true, tlv(0x85, tIfd), 'mutual authentication'),
    0x86,
    'mutual authentication',
  );
  if (!bytesEqual(tIc, authenticationToken(cipher, keys.ksMac, info.oidBytes, ephPublic))) {
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      'PACE: the chip’s authentication token is wrong (the chip may not be genuine).',
    );
  }
  return {
    keys,
    ssc: new Uint8Array(block),
    algorithm,
    domain,
    cipherSuite: `${algorithm.name} on ${domain.name}`,
  };
}

function decodeChipPoint(domain: DomainParameters, bytes: Uint8Array, what: string): Point {
  try {
    return decodePoint(domain, bytes);
  } catch (error) {
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      `PACE: the chip’s ${what} public key is invalid (${String(error)}: ${toHex(bytes.subarray(0, 8))}…).`,
    );
  }
}
