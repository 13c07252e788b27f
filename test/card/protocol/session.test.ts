/**
 * Full reads through openSecureSession against the chip simulator (test/card/simulator/):
 * BAC, PACE on several curves and cipher suites, MRZ and CAN passwords, the exact APDU counts
 * the card's maximum response length allows, and every error path.
 */
import { describe, expect, it } from 'vitest';
import { TabibError } from '../../../main/errors';
import { isFileNotFound, openSecureSession, type SecureSession } from '../../../main/card/protocol';
import { maxProtectedPlaintext } from '../../../main/card/protocol/secure-messaging';
import type { MrzPassword } from '../../../main/card/protocol/mrz-password';
import { ChipSimulator, type ChipSimulatorOptions } from '../simulator/chip-simulator';
import { fakeFiles, SIM_CAN, SIM_MRZ } from '../simulator/fake-files';

const mrz: MrzPassword = { kind: 'mrz', ...SIM_MRZ };
const can = { kind: 'can' as const, can: SIM_CAN };

function chip(options: Partial<ChipSimulatorOptions> = {}): ChipSimulator {
  return new ChipSimulator({ mrz: SIM_MRZ, can: SIM_CAN, files: fakeFiles(), ...options });
}

async function errorOf(promise: Promise<unknown>): Promise<TabibError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TabibError);
  return error as TabibError;
}

/** Reads a file and returns it with the number of APDUs the read took. */
async function measuredRead(
  session: SecureSession,
  file: number,
): Promise<{ bytes: Uint8Array; apdus: number }> {
  const before = session.apduCount;
  const bytes = await session.readFile(file);
  return { bytes, apdus: session.apduCount - before };
}

/** APDUs to read a file of `size` bytes: optional SELECT, then full chunks, the first included. */
const expectedReads = (size: number, chunk: number, select: boolean): number =>
  (select ? 1 : 0) + Math.ceil(size / chunk);

describe('chunk sizes for the card’s maximum response', () => {
  it('fits a protected READ BINARY response in 256 bytes', () => {
    // DO'87' 87 81 E9 01 ‖ 232 (231 padded) + DO'99' 4 + DO'8E' 10 = 250 ≤ 256; 232 would need 258.
    expect(maxProtectedPlaintext('3DES', 256)).toBe(231);
    // AES pads to 16: 223 → 224 + 18 = 242 ≤ 256; 224 → 240 + … = 258.
    expect(maxProtectedPlaintext('AES', 256)).toBe(223);
    expect(maxProtectedPlaintext('AES', 1024)).toBe(991);
  });
});

describe('BAC-only card', () => {
  it('reads EF.COM, DG1, DG2 (15 kB), DG11 and EF.SOD with the minimum of APDUs', async () => {
    // 15 019 = 4 + 65 × 231: one byte less per chunk would take one APDU more, one more is refused (6700).
    const files = fakeFiles(15_019);
    const card = chip({ pace: null, files });
    const session = await openSecureSession(card, mrz);
    expect(session.protocol).toBe('BAC');
    expect(session.cipherSuite).toBe('3DES');
    expect(session.cardAccess).toBeNull();
    // READ EF.CardAccess (6A82), SELECT application, GET CHALLENGE, EXTERNAL AUTHENTICATE.
    expect(session.apduCount).toBe(4);

    const dg2 = await measuredRead(session, 0x0102);
    expect(dg2.bytes).toEqual(files.get(0x0102));
    // SELECT + 4-byte header read + (15019 − 4) / 231 = 1 + 1 + 65.
    expect(dg2.apdus).toBe(67);
    expect(dg2.apdus).toBe(expectedReads(15_019, 231, true));

    const dg2BySfi = await measuredRead(session, 0x02);
    expect(dg2BySfi.bytes).toEqual(files.get(0x0102));
    expect(dg2BySfi.apdus).toBe(66);

    for (const [fid, bytes] of files) expect(await session.readFile(fid)).toEqual(bytes);
    expect(session.apduCount).toBe(card.apduCount);
  });

  it('reports every byte read to the progress callback', async () => {
    const session = await openSecureSession(chip({ pace: null }), mrz);
    const seen: number[] = [];
    await session.readFile(0x0101, (p) => {
      expect(p.total).toBe(93);
      seen.push(p.read);
    });
    // A 93-byte file comes whole in the first chunk.
    expect(seen).toEqual([93]);
  });

  it('refuses a wrong MRZ with CARD_ACCESS_DENIED', async () => {
    const error = await errorOf(openSecureSession(chip({ pace: null }), { ...mrz, birthDate: '850316' }));
    expect(error.code).toBe('CARD_ACCESS_DENIED');
  });

  it('cannot be opened with a CAN: CARD_ACCESS_DENIED asking for the MRZ', async () => {
    const card = chip({ pace: null });
    const error = await errorOf(openSecureSession(card, can));
    expect(error.code).toBe('CARD_ACCESS_DENIED');
    expect(error.details).toEqual({ reason: 'mrz-required' });
    expect(card.apduCount).toBe(1);
  });
});

describe('PACE cards', () => {
  it('brainpoolP256r1 + AES-128 with the MRZ: full read, 15 kB DG2 in ceil(14945 / 223) APDUs', async () => {
    // 14 945 = 67 × 223 + 4: 68 reads, the minimum for 256-byte responses under AES secure messaging.
    const files = fakeFiles(14_945);
    const card = chip({ pace: { parameterId: 13, cipher: 'AES-128' }, files });
    const session = await openSecureSession(card, mrz);
    expect(session.protocol).toBe('PACE');
    expect(session.cipherSuite).toBe('id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1');
    expect(session.cardAccess).not.toBeNull();
    // EF.CardAccess (one read), MSE:Set AT, 4 × GENERAL AUTHENTICATE, SELECT application.
    expect(session.apduCount).toBe(7);
    const dg2 = await measuredRead(session, 0x02);
    expect(dg2.bytes).toEqual(files.get(0x0102));
    expect(dg2.apdus).toBe(68);
    expect(dg2.apdus).toBe(expectedReads(14_945, 223, false));
    for (const [fid, bytes] of files) expect(await session.readFile(fid)).toEqual(bytes);
  });

  it('NIST P-256 + 3DES with the CAN', async () => {
    const files = fakeFiles(15_019);
    const card = chip({ pace: { parameterId: 12, cipher: '3DES' }, files });
    const session = await openSecureSession(card, can);
    expect(session.protocol).toBe('PACE');
    expect(session.cipherSuite).toBe('id-PACE-ECDH-GM-3DES-CBC-CBC on NIST P-256');
    const dg2 = await measuredRead(session, 0x02);
    expect(dg2.bytes).toEqual(files.get(0x0102));
    expect(dg2.apdus).toBe(66);
    expect(dg2.apdus).toBe(expectedReads(15_019, 231, false));
  });

  it.each([
    [8, 'AES-128', 'NIST P-192'],
    [9, 'AES-128', 'brainpoolP192r1'],
    [10, '3DES', 'NIST P-224'],
    [11, 'AES-192', 'brainpoolP224r1'],
    [14, 'AES-256', 'brainpoolP320r1'],
    [15, 'AES-192', 'NIST P-384'],
    [16, 'AES-256', 'brainpoolP384r1'],
    [17, 'AES-256', 'brainpoolP512r1'],
    [18, 'AES-256', 'NIST P-521'],
  ] as const)('domain parameters %i with %s (%s)', async (parameterId, cipher, curve) => {
    const session = await openSecureSession(chip({ pace: { parameterId, cipher } }), can);
    expect(session.cipherSuite).toContain(curve);
    expect(await session.readFile(0x01)).toEqual(fakeFiles().get(0x0101));
  });

  it('refuses a wrong MRZ and a wrong CAN with CARD_ACCESS_DENIED', async () => {
    const card = () => chip({ pace: { parameterId: 13, cipher: 'AES-128' } });
    expect((await errorOf(openSecureSession(card(), { ...mrz, expiryDate: '310102' }))).code).toBe(
      'CARD_ACCESS_DENIED',
    );
    expect((await errorOf(openSecureSession(card(), { kind: 'can', can: '654321' }))).code).toBe(
      'CARD_ACCESS_DENIED',
    );
  });

  it('refuses a CAN the chip does not hold (6A88 to MSE:Set AT): CARD_ACCESS_DENIED asking for the MRZ', async () => {
    const card = chip({ pace: { parameterId: 13, cipher: 'AES-128' }, can: undefined });
    const error = await errorOf(openSecureSession(card, can));
    expect(error.code).toBe('CARD_ACCESS_DENIED');
    expect(error.details).toMatchObject({ sw: '6A88', reason: 'mrz-required' });
  });

  it('prefers PACE when the chip offers both, and falls back to BAC when EF.CardAccess is absent', async () => {
    const both = await openSecureSession(chip({ pace: { parameterId: 13, cipher: 'AES-128' } }), mrz);
    expect(both.protocol).toBe('PACE');
    const noCardAccess = await openSecureSession(chip({ pace: null }), mrz);
    expect(noCardAccess.protocol).toBe('BAC');
    expect(await noCardAccess.readFile(0x1e)).toEqual(fakeFiles().get(0x011e));
  });
});

describe('extended length and large files', () => {
  it('reads in chunks as large as EF.ATR/INFO announces', async () => {
    // 14 868 = 4 + 15 × 991.
    const files = fakeFiles(14_868);
    const card = chip({
      pace: { parameterId: 13, cipher: 'AES-128' },
      files,
      extendedLength: true,
      maxResponseLength: 1024,
    });
    const session = await openSecureSession(card, mrz);
    expect(session.maxResponseLength).toBe(1024);
    // SELECT EF.ATR/INFO + READ BINARY, then the 7 APDUs of PACE.
    expect(session.apduCount).toBe(9);
    const dg2 = await measuredRead(session, 0x02);
    expect(dg2.bytes).toEqual(files.get(0x0102));
    expect(dg2.apdus).toBe(16);
  });

  it('reads past offset 32767 with READ BINARY B1 (short and extended length)', async () => {
    const big = fakeFiles(40_000);
    for (const extendedLength of [false, true]) {
      const card = chip({
        pace: { parameterId: 12, cipher: 'AES-256' },
        files: big,
        extendedLength,
        maxResponseLength: extendedLength ? 4096 : 256,
      });
      const session = await openSecureSession(card, can);
      expect(await session.readFile(0x0102)).toEqual(big.get(0x0102));
      expect(card.log).toContain(0xb1);
    }
  });
});

describe('errors', () => {
  it('an absent optional file reads as null; readFile reports it as not found', async () => {
    const session = await openSecureSession(chip({ pace: null }), mrz);
    expect(await session.readOptionalFile(0x010c)).toBeNull();
    const error = await errorOf(session.readFile(0x0c));
    expect(isFileNotFound(error)).toBe(true);
    // The session survives the 6A82 (it came under secure messaging).
    expect(await session.readFile(0x01)).toEqual(fakeFiles().get(0x0101));
  });

  it('recovers from a chip that answers 6A82 in clear and drops its keys, by opening access again', async () => {
    for (const pace of [null, { parameterId: 13, cipher: 'AES-128' as const }]) {
      const card = chip({ pace, smErrorsInClear: true });
      const session = await openSecureSession(card, mrz);
      expect(await session.readOptionalFile(0x010c)).toBeNull();
      expect(card.secured).toBe(false);
      const before = session.apduCount;
      expect(await session.readFile(0x01)).toEqual(fakeFiles().get(0x0101));
      // Access again (BAC: SELECT + 2; PACE: 5 + SELECT) then the one read of DG1.
      expect(session.apduCount - before).toBe(pace ? 7 : 4);
    }
  });

  it('does not reopen access after a MAC failure, even on such a chip', async () => {
    let tamperAt = Infinity;
    const card = chip({
      pace: null,
      smErrorsInClear: true,
      fault: (n) => (n === tamperAt ? 'tamper-mac' : undefined),
    });
    const session = await openSecureSession(card, mrz);
    tamperAt = session.apduCount + 1;
    expect((await errorOf(session.readFile(0x01))).code).toBe('CARD_PROTOCOL_ERROR');
    const count = card.apduCount;
    expect((await errorOf(session.readFile(0x01))).message).toMatch(/session has ended/);
    expect(card.apduCount).toBe(count);
  });

  it('a card removed during access surfaces as CARD_REMOVED', async () => {
    const card = chip({
      pace: { parameterId: 13, cipher: 'AES-128' },
      fault: (n) => (n === 5 ? 'remove' : undefined),
    });
    expect((await errorOf(openSecureSession(card, can))).code).toBe('CARD_REMOVED');
  });

  it('a card removed mid-read surfaces as CARD_REMOVED', async () => {
    let removeAt = Infinity;
    const card = chip({
      pace: { parameterId: 13, cipher: 'AES-128' },
      fault: (n) => (n >= removeAt ? 'remove' : undefined),
    });
    const session = await openSecureSession(card, mrz);
    removeAt = session.apduCount + 20;
    const error = await errorOf(session.readFile(0x02));
    expect(error.code).toBe('CARD_REMOVED');
    expect((await errorOf(session.readFile(0x01))).code).toBe('CARD_REMOVED');
  });

  it('a response MAC altered by the card is refused with CARD_PROTOCOL_ERROR, and the session ends', async () => {
    let tamperAt = Infinity;
    const card = chip({ pace: null, fault: (n) => (n === tamperAt ? 'tamper-mac' : undefined) });
    const session = await openSecureSession(card, mrz);
    tamperAt = session.apduCount + 5;
    const error = await errorOf(session.readFile(0x02));
    expect(error.code).toBe('CARD_PROTOCOL_ERROR');
    expect(error.message).toMatch(/MAC/);
    expect((await errorOf(session.readFile(0x01))).code).toBe('CARD_PROTOCOL_ERROR');
  });

  it('garbage from the card is CARD_PROTOCOL_ERROR', async () => {
    let garbageAt = Infinity;
    const card = chip({
      pace: { parameterId: 13, cipher: 'AES-128' },
      fault: (n) => (n === garbageAt ? 'garbage' : undefined),
    });
    const session = await openSecureSession(card, mrz);
    garbageAt = session.apduCount + 1;
    expect((await errorOf(session.readFile(0x01))).code).toBe('CARD_PROTOCOL_ERROR');
    // During access: GET CHALLENGE answers 6 bytes.
    const bac = chip({ pace: null, fault: (n) => (n === 3 ? 'garbage' : undefined) });
    expect((await errorOf(openSecureSession(bac, mrz))).code).toBe('CARD_PROTOCOL_ERROR');
  });

  it('a refusal in clear during a protected read is an error, not data', async () => {
    let refuseAt = Infinity;
    const card = chip({ pace: null, fault: (n) => (n === refuseAt ? { sw: 0x6985 } : undefined) });
    const session = await openSecureSession(card, mrz);
    refuseAt = session.apduCount + 1;
    const error = await errorOf(session.readFile(0x01));
    expect(error.code).toBe('CARD_PROTOCOL_ERROR');
    expect(error.details).toMatchObject({ sw: '6985' });
  });

  it('a card without the eMRTD application is CARD_UNSUPPORTED', async () => {
    const noApp = chip({ pace: null, emrtdApplication: false });
    expect((await errorOf(openSecureSession(noApp, mrz))).code).toBe('CARD_UNSUPPORTED');
    const paceNoApp = chip({ pace: { parameterId: 13, cipher: 'AES-128' }, emrtdApplication: false });
    expect((await errorOf(openSecureSession(paceNoApp, can))).code).toBe('CARD_UNSUPPORTED');
  });

  it('a malformed MRZ or CAN is refused before any APDU', async () => {
    const card = chip();
    expect((await errorOf(openSecureSession(card, { ...mrz, birthDate: '8503' }))).code).toBe('MRZ_INVALID');
    expect((await errorOf(openSecureSession(card, { ...mrz, documentNumber: 'AB-12' }))).code).toBe(
      'MRZ_INVALID',
    );
    expect((await errorOf(openSecureSession(card, { kind: 'can', can: '12345' }))).code).toBe('CAN_INVALID');
    expect(card.apduCount).toBe(0);
  });
});
