/**
 * ICAO Doc 9303 Part 11, Appendix G.1 (worked example: PACE, ECDH generic mapping on
 * brainpoolP256r1, id-PACE-ECDH-GM-AES-CBC-CMAC-128, MRZ password T22000129 / 640812 / 101031),
 * reproduced byte for byte. The published figures are copied from open-source eMRTD readers
 * that quote the appendix:
 * - ZeroPass/dmrtd test/pace_test_ecdh.dart (K, K_π, encrypted and decrypted nonce, terminal and
 *   chip mapping key pairs, shared secret H, mapped generator, ephemeral key pairs, shared secret,
 *   EF.CardAccess, KS_enc, KS_mac, token input data, T_IFD, T_IC and every APDU of the exchange);
 * - gmrtd/gmrtd pace/pace_test.go TestDoPace_GM_ECDH, TestDoGenericMappingEC, TestBuild7F49 and
 *   TestDecryptNonce, and cryptoutils/kdf_test.go (the same figures, independently transcribed).
 * And a real-world 3DES vector: gmrtd/gmrtd pace/pace_test.go TestDoPace_GM_ECDH_TDES_CBC_NZ
 * (id-PACE-ECDH-GM-3DES-CBC-CBC on brainpoolP256r1, a New Zealand passport's recorded exchange).
 * None of these values is computed by Tabib's code.
 */
import { describe, expect, it } from 'vitest';
import { ApduChannel } from '../../../main/card/protocol/apdu';
import { bytesToBigInt, fromHex, toHex } from '../../../main/card/protocol/bytes';
import { parseCardAccess } from '../../../main/card/protocol/card-access';
import { aesDecrypt, KDF_ENC, KDF_MAC, kdf } from '../../../main/card/protocol/crypto';
import { ecDomainParameters, encodePoint } from '../../../main/card/protocol/curves';
import { pacePasswordBytes, type MrzPassword } from '../../../main/card/protocol/mrz-password';
import {
  authenticationToken,
  genericMapping,
  pacePasswordKey,
  performPace,
  publicKeyDataObject,
} from '../../../main/card/protocol/pace';
import { ScriptedTransport } from './scripted-transport';

const password: MrzPassword = {
  kind: 'mrz',
  documentNumber: 'T22000129',
  birthDate: '640812',
  expiryDate: '101031',
};
const CARD_ACCESS = '31143012060A04007F0007020204020202010202010D';
const OID = '04007F00070202040202';

const K = '7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD';
const K_PI = '89DED1B26624EC1E634C1989302849DD';
const Z = '95A3A016522EE98D01E76CB6B98B42C3';
const S = '3F00C4D39D153F2B2A214A078D899B22';
const TERMINAL_MAP_SK = '7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99';
const TERMINAL_MAP_PK =
  '7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E' +
  '544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D';
const CHIP_MAP_SK = '498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560';
const CHIP_MAP_PK =
  '824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57' +
  '30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54';
const H =
  '60332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD5' +
  '0840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181';
const MAPPED_G =
  '8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2' +
  '8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522';
const TERMINAL_EPH_SK = 'A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595';
const TERMINAL_EPH_PK =
  '2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C' +
  '3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462';
const CHIP_EPH_SK = '107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A';
const CHIP_EPH_PK =
  '9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB' +
  '7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094';
const SHARED = '28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925';
const KS_ENC = 'F5F0E35C0D7161EE6724EE513A0D9A7F';
const KS_MAC = 'FE251C7858B356B24514B3BD5F4297D1';
const T_IFD = 'C2B0BD78D94BA866';
const T_IC = '3ABB9674BCE93C08';

const brainpool = ecDomainParameters(13)!;
const point = (xy: string) => brainpool.Point.fromBytes(fromHex('04' + xy));

describe('ICAO 9303-11 Appendix G.1: PACE ECDH generic mapping, brainpoolP256r1', () => {
  it('parses EF.CardAccess into the PACEInfo of the example', () => {
    const [info] = parseCardAccess(fromHex(CARD_ACCESS)).paceInfos;
    expect(info!.oid).toBe('0.4.0.127.0.7.2.2.4.2.2');
    expect(toHex(info!.oidBytes)).toBe(OID);
    expect(info!.version).toBe(2);
    expect(info!.parameterId).toBe(13);
    expect(info!.algorithm!.name).toBe('id-PACE-ECDH-GM-AES-CBC-CMAC-128');
  });

  it('derives K and K_π from the MRZ and decrypts the nonce', () => {
    expect(toHex(pacePasswordBytes(password))).toBe(K);
    expect(toHex(pacePasswordKey(password, 'AES', 128))).toBe(K_PI);
    expect(toHex(aesDecrypt(fromHex(K_PI), fromHex(Z)))).toBe(S);
  });

  it('computes the mapping keys, H and the mapped generator on both sides', () => {
    const G = brainpool.Point.BASE;
    expect(toHex(encodePoint(brainpool, G.multiply(bytesToBigInt(fromHex(TERMINAL_MAP_SK)))))).toBe(
      '04' + TERMINAL_MAP_PK,
    );
    expect(toHex(encodePoint(brainpool, G.multiply(bytesToBigInt(fromHex(CHIP_MAP_SK)))))).toBe(
      '04' + CHIP_MAP_PK,
    );
    const hTerminal = point(CHIP_MAP_PK).multiply(bytesToBigInt(fromHex(TERMINAL_MAP_SK)));
    const hChip = point(TERMINAL_MAP_PK).multiply(bytesToBigInt(fromHex(CHIP_MAP_SK)));
    expect(toHex(encodePoint(brainpool, hTerminal))).toBe('04' + H);
    expect(hChip.equals(hTerminal)).toBe(true);
    expect(toHex(encodePoint(brainpool, genericMapping(brainpool, fromHex(S), hTerminal)))).toBe(
      '04' + MAPPED_G,
    );
  });

  it('computes the ephemeral keys, the shared secret and the session keys', () => {
    const mapped = point(MAPPED_G);
    expect(toHex(encodePoint(brainpool, mapped.multiply(bytesToBigInt(fromHex(TERMINAL_EPH_SK)))))).toBe(
      '04' + TERMINAL_EPH_PK,
    );
    expect(toHex(encodePoint(brainpool, mapped.multiply(bytesToBigInt(fromHex(CHIP_EPH_SK)))))).toBe(
      '04' + CHIP_EPH_PK,
    );
    const shared = point(CHIP_EPH_PK).multiply(bytesToBigInt(fromHex(TERMINAL_EPH_SK)));
    expect(shared.x.toString(16).toUpperCase().padStart(64, '0')).toBe(SHARED);
    expect(toHex(kdf(fromHex(SHARED), KDF_ENC, 'AES', 128))).toBe(KS_ENC);
    expect(toHex(kdf(fromHex(SHARED), KDF_MAC, 'AES', 128))).toBe(KS_MAC);
  });

  it('computes both authentication tokens', () => {
    expect(toHex(publicKeyDataObject(fromHex(OID), fromHex('04' + CHIP_EPH_PK)))).toBe(
      '7F494F060A04007F00070202040202864104' + CHIP_EPH_PK,
    );
    expect(
      toHex(authenticationToken('AES', fromHex(KS_MAC), fromHex(OID), fromHex('04' + CHIP_EPH_PK))),
    ).toBe(T_IFD);
    expect(
      toHex(authenticationToken('AES', fromHex(KS_MAC), fromHex(OID), fromHex('04' + TERMINAL_EPH_PK))),
    ).toBe(T_IC);
  });

  it('runs PACE over exactly the published APDUs', async () => {
    const transport = new ScriptedTransport([
      ['0022C1A40F800A04007F00070202040202830101', '9000'],
      ['10860000027C0000', '7C128010' + Z + '9000'],
      ['10860000457C43814104' + TERMINAL_MAP_PK + '00', '7C43824104' + CHIP_MAP_PK + '9000'],
      ['10860000457C43834104' + TERMINAL_EPH_PK + '00', '7C43844104' + CHIP_EPH_PK + '9000'],
      ['008600000C7C0A8508' + T_IFD + '00', '7C0A8608' + T_IC + '9000'],
    ]);
    const [info] = parseCardAccess(fromHex(CARD_ACCESS)).paceInfos;
    const result = await performPace(new ApduChannel(transport), password, info!, {
      privateKey: (step) => bytesToBigInt(fromHex(step === 'mapping' ? TERMINAL_MAP_SK : TERMINAL_EPH_SK)),
    });
    expect(transport.finished).toBe(true);
    expect(toHex(result.keys.ksEnc)).toBe(KS_ENC);
    expect(toHex(result.keys.ksMac)).toBe(KS_MAC);
    expect(toHex(result.ssc)).toBe('00'.repeat(16));
    expect(result.cipherSuite).toBe('id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1');
  });

  it('refuses a chip whose authentication token is wrong', async () => {
    const transport = new ScriptedTransport([
      ['0022C1A40F800A04007F00070202040202830101', '9000'],
      ['10860000027C0000', '7C128010' + Z + '9000'],
      ['10860000457C43814104' + TERMINAL_MAP_PK + '00', '7C43824104' + CHIP_MAP_PK + '9000'],
      ['10860000457C43834104' + TERMINAL_EPH_PK + '00', '7C43844104' + CHIP_EPH_PK + '9000'],
      ['008600000C7C0A8508' + T_IFD + '00', '7C0A8608' + T_IC.slice(0, -1) + '9' + '9000'],
    ]);
    const [info] = parseCardAccess(fromHex(CARD_ACCESS)).paceInfos;
    await expect(
      performPace(new ApduChannel(transport), password, info!, {
        privateKey: (step) => bytesToBigInt(fromHex(step === 'mapping' ? TERMINAL_MAP_SK : TERMINAL_EPH_SK)),
      }),
    ).rejects.toMatchObject({ code: 'CARD_PROTOCOL_ERROR' });
  });

  it('reports a wrong password as the chip refuses the terminal token (6300 → CARD_ACCESS_DENIED)', async () => {
    const wrong: MrzPassword = { ...password, expiryDate: '101030' };
    const transport = new ScriptedTransport([
      ['0022C1A40F800A04007F00070202040202830101', '9000'],
      ['10860000027C0000', '7C128010' + Z + '9000'],
      ['*', '7C43824104' + CHIP_MAP_PK + '9000'],
      ['*', '7C43844104' + CHIP_EPH_PK + '9000'],
      ['*', '6300'],
    ]);
    const [info] = parseCardAccess(fromHex(CARD_ACCESS)).paceInfos;
    await expect(performPace(new ApduChannel(transport), wrong, info!)).rejects.toMatchObject({
      code: 'CARD_ACCESS_DENIED',
    });
    expect(transport.finished).toBe(true);
  });
});

describe('PACE-GM-ECDH with 3DES (recorded exchange with a New Zealand passport, from gmrtd)', () => {
  it('runs id-PACE-ECDH-GM-3DES-CBC-CBC on brainpoolP256r1 over the recorded APDUs', async () => {
    const transport = new ScriptedTransport([
      ['0022c1a40f800a04007f00070202040201830101', '9000'],
      ['10860000027c0000', '7c128010b88382812290017af1cc906ff00e7f4d9000'],
      [
        '10860000457c438141047706b2b6246ab4612229b8a11212ddba7fea0568c9c0975dee22c0e3dd3a3f0321e8afee836e373b570d24000d56fb195104d486e63321ff8c819dd5ee018dcb00',
        '7c43824104780b4edec9b926f9f964fad826d9990a667608d96ba7b397ae8609b6533e0d036d148365ddf4e5ff6611c2b62aa17fc9899f327bc929db543e7abd0ee724e4be9000',
      ],
      [
        '10860000457c43834104507a0156efae8fb8acc519036c0b2fe0393c878744c7f91878ee4e07a41412ba5c0753d68a44a91e9f57f3f992ab689e6c2065d3b2a27c3658a4fd632931ee3800',
        '7c438441042dbaf62e6fdfb31eb66f206493b9e7721586f0e5c93754d7bd5a884ca251ee4d720ab539a60561bc46812fa289b58ac69f0c6e32adbaf7241049a31211f80f5b9000',
      ],
      ['008600000c7c0a85088d7c617d43efe09e00', '7c0a8608cb57047c809079f69000'],
    ]);
    const [info] = parseCardAccess(fromHex('31143012060a04007f0007020204020102010202010d')).paceInfos;
    const nz: MrzPassword = {
      kind: 'mrz',
      documentNumber: 'LM277954',
      birthDate: '781214',
      expiryDate: '271115',
    };
    const result = await performPace(new ApduChannel(transport), nz, info!, {
      privateKey: (step) =>
        BigInt(
          '0x' +
            (step === 'mapping'
              ? '2808272c0ec20e01a3450030ef32855e9feb5cb17719e985389b1cf47609e69f'
              : '8f89449052df6c7983750c7b042c3cea12b36819174424c7cd28153f7b70b402'),
        ),
    });
    expect(transport.finished).toBe(true);
    expect(result.keys.cipher).toBe('3DES');
    expect(toHex(result.keys.ksEnc)).toBe('430E4C8C38DFEFAED92067B919A897F8');
    expect(toHex(result.keys.ksMac)).toBe('C1BC1F075797B970B5A45E64A764B0CB');
    expect(toHex(result.ssc)).toBe('00'.repeat(8));
  });
});
