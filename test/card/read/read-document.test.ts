/**
 * Whole reads of test documents in the chip simulator, as the card service and `tabib card read`
 * do them: access (PACE or BAC, by MRZ or CAN), the files, the identity and passive
 * authentication against a trust folder holding the test CSCA.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardReadProgress } from '../../../main/card/card-identity';
import { identityReportFromMrz, readIdentityDocument } from '../../../main/card/read-document';
import { TabibError } from '../../../main/errors';
import { algerianIdCard, FILE_IDS, moroccanCnie, tunisianPassport, type TestDocument } from '../fixtures';
import { ChipSimulator, type ChipSimulatorOptions } from '../simulator/chip-simulator';

const PACE_BRAINPOOL_AES = { parameterId: 13, cipher: 'AES-128' } as const;
const PACE_NIST_3DES = { parameterId: 12, cipher: '3DES' } as const;

let trustDir: string;
let emptyTrustDir: string;
const folders: string[] = [];

function trustFolderWith(...documents: TestDocument[]): string {
  const folder = mkdtempSync(join(tmpdir(), 'tabib-csca-'));
  folders.push(folder);
  documents.forEach((document, index) => writeFileSync(join(folder, `csca-${index}.pem`), document.cscaPem));
  return folder;
}

function chip(document: TestDocument, options: Partial<ChipSimulatorOptions> = {}): ChipSimulator {
  return new ChipSimulator({
    mrz: document.mrzAccess,
    can: document.can,
    files: document.files,
    ...options,
  });
}

async function expectError(promise: Promise<unknown>, code: string): Promise<TabibError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TabibError);
  expect((error as TabibError).code).toBe(code);
  return error as TabibError;
}

let cnie: TestDocument;
let dz: TestDocument;
let passport: TestDocument;

beforeAll(async () => {
  [cnie, dz, passport] = await Promise.all([moroccanCnie(), algerianIdCard(), tunisianPassport()]);
  trustDir = trustFolderWith(cnie, dz, passport);
  emptyTrustDir = trustFolderWith();
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('reading a document in the reader', () => {
  it('reads a Moroccan CNIE (TD1) over BAC with its MRZ: identity, photo, national ID, verified', async () => {
    const card = chip(cnie, { pace: null });
    const report = await readIdentityDocument(card, { mrz: cnie.mrz }, { trustDir });
    expect(report.accessProtocol).toBe('BAC');
    expect(report.identity).toMatchObject({
      kind: 'id-card',
      issuingState: 'MAR',
      documentNumber: cnie.person.documentNumber,
      nationalId: { country: 'MA', value: cnie.person.nationalId },
      familyName: cnie.person.familyName,
      givenNames: cnie.person.givenNames,
      familyNameArabic: cnie.person.familyNameArabic,
      givenNamesArabic: cnie.person.givenNamesArabic,
      birthDate: cnie.person.birthDate,
      sex: cnie.person.sex,
      expiryDate: cnie.person.expiryDate,
    });
    expect(report.identity.nationalId?.value).not.toBe(report.identity.documentNumber);
    expect(report.identity.photo?.mediaType).toBe('image/jpeg');
    expect(report.passiveAuthentication.status).toBe('verified');
    expect(report.dataGroups.map((group) => group.name)).toEqual(
      expect.arrayContaining(['EF.COM', 'DG1', 'DG2', 'DG11', 'EF.SOD']),
    );
    for (const group of report.dataGroups.filter((entry) => /^DG/.test(entry.name)))
      expect(group.hashValid, group.name).toBe(true);
    expect(report.apduCount).toBe(card.apduCount);
  });

  it('reads an Algerian ID card (TD1) over PACE on brainpoolP256r1 with AES, by CAN', async () => {
    const report = await readIdentityDocument(
      chip(dz, { pace: PACE_BRAINPOOL_AES }),
      { can: dz.can },
      { trustDir },
    );
    expect(report.accessProtocol).toBe('PACE');
    expect(report.cipherSuite).toMatch(/AES.*brainpoolP256r1/);
    expect(report.identity.nationalId).toEqual({ country: 'DZ', value: dz.person.nationalId });
    expect(report.passiveAuthentication.status).toBe('verified');
  });

  it('reads a Tunisian passport (TD3) over PACE on NIST P-256 with 3DES, by MRZ, and over BAC', async () => {
    for (const pace of [PACE_NIST_3DES, null]) {
      const report = await readIdentityDocument(
        chip(passport, { pace }),
        { mrz: passport.mrz },
        { trustDir },
      );
      expect(report.accessProtocol).toBe(pace ? 'PACE' : 'BAC');
      expect(report.identity).toMatchObject({
        kind: 'passport',
        documentCode: 'P<',
        issuingState: 'TUN',
        familyName: passport.person.familyName,
      });
      expect(report.passiveAuthentication.status).toBe('verified');
    }
  });

  it('decodes a JPEG 2000 face for display (PNG)', async () => {
    const document = await moroccanCnie({ face: 'jpeg2000' });
    const report = await readIdentityDocument(
      chip(document),
      { mrz: document.mrz },
      { trustDir: emptyTrustDir },
    );
    expect(report.identity.photo?.mediaType).toBe('image/png');
    expect(
      Buffer.from(report.identity.photo?.base64 ?? '', 'base64')
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });

  it('reports progress that only goes forward and ends at its total', async () => {
    const seen: CardReadProgress[] = [];
    await readIdentityDocument(chip(cnie), { mrz: cnie.mrz }, { trustDir, onProgress: (p) => seen.push(p) });
    const reading = seen.filter((p) => p.step === 'reading');
    expect(reading.length).toBeGreaterThan(5);
    expect(new Set(reading.map((p) => p.file))).toEqual(new Set(['DG1', 'DG11', 'DG12', 'DG2', 'EF.SOD']));
    for (let index = 1; index < reading.length; index++)
      expect((reading[index] as CardReadProgress).done).toBeGreaterThanOrEqual(
        (reading[index - 1] as CardReadProgress).done,
      );
    const last = seen.at(-1) as CardReadProgress;
    expect(last.step).toBe('done');
    expect(last.done).toBe(last.total);
  });
});

describe('passive authentication of what was read', () => {
  it('is not verifiable without the issuing CSCA in the trust folder', async () => {
    const report = await readIdentityDocument(chip(cnie), { mrz: cnie.mrz }, { trustDir: emptyTrustDir });
    expect(report.passiveAuthentication.status).toBe('not-verifiable');
    expect(report.identity.nationalId?.value).toBe(cnie.person.nationalId);
  });

  it('fails, naming CARD_DATA_TAMPERED, when a data group was changed after signing', async () => {
    const files = new Map(cnie.files);
    const dg11 = new Uint8Array(files.get(FILE_IDS.DG11) as Uint8Array);
    dg11[dg11.length - 1] = (dg11[dg11.length - 1] as number) ^ 0x01;
    files.set(FILE_IDS.DG11, dg11);
    const report = await readIdentityDocument(chip({ ...cnie, files }), { mrz: cnie.mrz }, { trustDir });
    expect(report.passiveAuthentication.status).toBe('failed');
    expect(report.passiveAuthentication.detail).toContain('CARD_DATA_TAMPERED');
    expect(report.dataGroups.find((group) => group.name === 'DG11')?.hashValid).toBe(false);
    expect(report.dataGroups.find((group) => group.name === 'DG1')?.hashValid).toBe(true);
  });

  it('fails for a document signer issued by an impostor CSCA with the real one’s name', async () => {
    const rogue = await moroccanCnie({ csca: cnie.csca, rogueCsca: true });
    const report = await readIdentityDocument(chip(rogue), { mrz: rogue.mrz }, { trustDir });
    expect(report.passiveAuthentication.status).toBe('failed');
  });
});

describe('errors a person can act on', () => {
  it('refuses a malformed MRZ or CAN before sending anything to the card', async () => {
    const card = chip(cnie);
    const wrongCheckDigit = [...cnie.mrz];
    const line = wrongCheckDigit[0] as string;
    wrongCheckDigit[0] = `${line.slice(0, 14)}${line[14] === '1' ? '2' : '1'}${line.slice(15)}`;
    await expectError(readIdentityDocument(card, { mrz: wrongCheckDigit }, { trustDir }), 'MRZ_INVALID');
    await expectError(readIdentityDocument(card, { can: '12345' }, { trustDir }), 'CAN_INVALID');
    expect(card.apduCount).toBe(0);
  });

  it('says CARD_ACCESS_DENIED for the MRZ of another document, and for a wrong CAN', async () => {
    await expectError(
      readIdentityDocument(chip(cnie, { pace: null }), { mrz: dz.mrz }, { trustDir }),
      'CARD_ACCESS_DENIED',
    );
    const wrongCan = dz.can === '000000' ? '111111' : '000000';
    await expectError(
      readIdentityDocument(chip(dz, { pace: PACE_BRAINPOOL_AES }), { can: wrongCan }, { trustDir }),
      'CARD_ACCESS_DENIED',
    );
  });

  it('says CARD_REMOVED when the card leaves the reader before the last file is read', async () => {
    const whole = chip(cnie, { pace: null });
    await readIdentityDocument(whole, { mrz: cnie.mrz }, { trustDir });
    const removedAt = whole.apduCount - 2;
    const card = chip(cnie, { pace: null, fault: (count) => (count >= removedAt ? 'remove' : undefined) });
    await expectError(readIdentityDocument(card, { mrz: cnie.mrz }, { trustDir }), 'CARD_REMOVED');
  });

  it('says CARD_UNSUPPORTED for a card without the eMRTD application', async () => {
    await expectError(
      readIdentityDocument(
        chip(cnie, { pace: null, emrtdApplication: false }),
        { mrz: cnie.mrz },
        { trustDir },
      ),
      'CARD_UNSUPPORTED',
    );
  });

  it('says CARD_PROTOCOL_ERROR when a response MAC does not check', async () => {
    const card = chip(cnie, { pace: null, fault: (count) => (count === 12 ? 'tamper-mac' : undefined) });
    await expectError(readIdentityDocument(card, { mrz: cnie.mrz }, { trustDir }), 'CARD_PROTOCOL_ERROR');
  });
});

describe('an MRZ without a chip', () => {
  it('gives the identity from the MRZ, not verifiable', () => {
    const report = identityReportFromMrz(cnie.mrz);
    expect(report.accessProtocol).toBe('none');
    expect(report.identity.documentNumber).toBe(cnie.person.documentNumber);
    expect(report.passiveAuthentication.status).toBe('not-verifiable');
    expect(report.identity.photo).toBeNull();
  });
});
