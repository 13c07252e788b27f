/**
 * Basic Access Control (ICAO 9303-11 §4.3; worked example Appendix D): the terminal proves it
 * read the MRZ, both sides exchange key material, and secure messaging starts with 3DES keys.
 */
import { TabibError } from '../../errors';
import { type ApduSender, SW, statusError } from './apdu';
import { bytesEqual, concat, xor } from './bytes';
import {
  KDF_ENC,
  KDF_MAC,
  kdf,
  type RandomSource,
  retailMac,
  secureRandom,
  tdesDecrypt,
  tdesEncrypt,
} from './crypto';
import { bacKeySeed, type MrzPassword } from './mrz-password';
import type { SessionKeys } from './secure-messaging';

/** K_enc and K_mac of BAC, derived from K_seed (§9.7.1, Appendix D.2). */
export function bacKeys(password: MrzPassword): { kEnc: Uint8Array; kMac: Uint8Array } {
  const seed = bacKeySeed(password);
  return { kEnc: kdf(seed, KDF_ENC, '3DES', 112), kMac: kdf(seed, KDF_MAC, '3DES', 112) };
}

export interface BacResult {
  keys: SessionKeys;
  /** The initial send sequence counter: the 4 last bytes of RND.IC ‖ the 4 last of RND.IFD (§9.8.2). */
  ssc: Uint8Array;
}

/**
 * Performs BAC over an unprotected channel (§4.3.3, Appendix D.3), the eMRTD application being
 * selected already:
 * 1. GET CHALLENGE → RND.IC (8 bytes);
 * 2. EXTERNAL AUTHENTICATE with E_IFD = 3DES(K_enc, RND.IFD ‖ RND.IC ‖ K.IFD) and its MAC M_IFD;
 * 3. checks the chip's answer (MAC, then RND.IFD and RND.IC) and derives KS_enc, KS_mac from
 *    K.IFD ⊕ K.IC.
 * The chip answers 6300 (or 6982) when the MRZ is wrong: CARD_ACCESS_DENIED.
 */
export async function performBac(
  channel: ApduSender,
  password: MrzPassword,
  random: RandomSource = secureRandom,
): Promise<BacResult> {
  const { kEnc, kMac } = bacKeys(password);

  const challenge = await channel.send({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, ne: 8 });
  if (challenge.sw !== SW.OK) throw statusError(challenge.sw, 'GET CHALLENGE');
  if (challenge.data.length !== 8) {
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      `GET CHALLENGE returned ${challenge.data.length} bytes, not 8.`,
    );
  }
  const rndIc = challenge.data;
  const rndIfd = random(8);
  const kIfd = random(16);

  const eIfd = tdesEncrypt(kEnc, concat(rndIfd, rndIc, kIfd));
  const mIfd = retailMac(kMac, eIfd);
  const answer = await channel.send({
    cla: 0x00,
    ins: 0x82,
    p1: 0x00,
    p2: 0x00,
    data: concat(eIfd, mIfd),
    ne: 40,
  });
  if (answer.sw !== SW.OK) {
    // 6300 authentication failed / 6982: the keys from the MRZ do not match the chip's.
    const denied = (answer.sw & 0xff00) === 0x6300 || answer.sw === SW.SECURITY_NOT_SATISFIED;
    throw statusError(
      answer.sw,
      'EXTERNAL AUTHENTICATE (BAC, wrong MRZ?)',
      denied ? 'CARD_ACCESS_DENIED' : undefined,
    );
  }
  if (answer.data.length !== 40) {
    throw new TabibError(
      'CARD_PROTOCOL_ERROR',
      `EXTERNAL AUTHENTICATE returned ${answer.data.length} bytes, not 40.`,
    );
  }
  const eIc = answer.data.subarray(0, 32);
  const mIc = answer.data.subarray(32, 40);
  if (!bytesEqual(retailMac(kMac, eIc), mIc)) {
    throw new TabibError('CARD_PROTOCOL_ERROR', 'The chip’s BAC answer has a wrong MAC.');
  }
  const r = tdesDecrypt(kEnc, eIc);
  if (!bytesEqual(r.subarray(0, 8), rndIc) || !bytesEqual(r.subarray(8, 16), rndIfd)) {
    throw new TabibError('CARD_PROTOCOL_ERROR', 'The chip’s BAC answer does not return the challenges.');
  }
  const kIc = r.subarray(16, 32);
  const seed = xor(kIfd, kIc);
  return {
    keys: { cipher: '3DES', ksEnc: kdf(seed, KDF_ENC, '3DES', 112), ksMac: kdf(seed, KDF_MAC, '3DES', 112) },
    ssc: concat(rndIc.subarray(4, 8), rndIfd.subarray(4, 8)),
  };
}
