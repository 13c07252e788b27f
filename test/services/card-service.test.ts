/**
 * The card service: a card read through the readers the environment gives, and its holder found
 * in a real encrypted record — by national identifier (or passport number) under the country
 * profile's systems, else by the same names and full birth date — with what disagrees. Card
 * readers and the ICAO read are fakes here (the chip itself is tested in test/card/); the
 * record, the search and the contract boundary are the real ones.
 */
import type { Patient } from '@medplum/fhirtypes';
import { afterEach, describe, expect, it } from 'vitest';
import { CardService, checkAccessKey, type CardDevices, type CardEvent } from '../../main/card/card-service';
import type {
  CardIdentity,
  CardReadProgress,
  CardReadReport,
  ReadIdentityDocument,
} from '../../main/card/card-identity';
import type { CardReaders, CardTransport, ReaderEvent } from '../../main/card/card-transport';
import type { CardReadResult } from '../../main/contract/card-types';
import { TabibError } from '../../main/errors';
import type { LocalRecord } from '../../main/record/local-record';
import { ContractServer } from '../../main/services/contract-server';
import { createHandlers, createServices, type Services } from '../../main/services/services';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { doctor, patient, recordFixture, resourcesDir, type RecordFixture } from '../record/record-fixture';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from 'node:fs';
import { HidMrzScanner, type HidDeviceLike, type HidReportFraming } from '../../native/card/hid-mrz-scanner';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CIN = 'urn:tabib:ma:cin';
const MA_PASSPORT = 'urn:tabib:ma:passport';

/** ICAO 9303-5 Appendix A (TD1 specimen): every check digit is right; UTO is the specimen state. */
const SPECIMEN_TD1 = [
  'I<UTOD231458907<<<<<<<<<<<<<<<',
  '7408122F1204159UTO<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];

/** A workstation with no reader attached: none listed, and connecting says so. */
const noCardReaders: CardReaders = {
  list: () => Promise.resolve([]),
  connect: () => Promise.reject(new TabibError('CARD_NO_READER', 'No card reader is attached')),
  watch: () => () => undefined,
  close: () => Promise.resolve(),
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function identity(overrides: Partial<CardIdentity> = {}): CardIdentity {
  return {
    kind: 'id-card',
    documentCode: 'ID',
    issuingState: 'MAR',
    documentNumber: 'ZT0012345',
    nationalId: { country: 'MA', value: 'BE123456' },
    familyName: 'BENALI',
    givenNames: 'YOUSSEF',
    familyNameArabic: 'بنعلي',
    givenNamesArabic: 'يوسف',
    birthDate: '1985-03-14',
    sex: 'male',
    nationality: 'MAR',
    expiryDate: '2031-06-30',
    placeOfBirth: 'FES',
    address: null,
    photo: { mediaType: 'image/jpeg', base64: '/9j/4AAQ' },
    ...overrides,
  };
}

function report(card: CardIdentity): CardReadReport {
  return {
    identity: card,
    accessProtocol: 'PACE',
    cipherSuite: 'id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1',
    dataGroups: [
      { name: 'DG1', bytes: 93, hashValid: true },
      { name: 'DG2', bytes: 15_203, hashValid: true },
    ],
    passiveAuthentication: {
      status: 'verified',
      detail: 'SOD signature and data-group hashes verified',
      documentSigner: 'CN=Test DS',
      csca: 'CN=Test CSCA',
    },
    apduCount: 42,
    durationMs: 812,
  };
}

/** One reader with a card in it; records what the service did with the card. */
class FakeReaders implements CardReaders {
  readonly log: string[] = [];
  private listener: ((event: ReaderEvent) => void) | null = null;
  cardPresent = true;
  connectError: unknown = null;

  list() {
    return Promise.resolve([{ name: 'Virtual PCD 00 00', cardPresent: this.cardPresent }]);
  }

  connect(reader?: string): Promise<CardTransport> {
    this.log.push(`connect ${reader ?? '(first)'}`);
    if (this.connectError) return Promise.reject(this.connectError);
    const log = this.log;
    return Promise.resolve({
      reader: reader ?? 'Virtual PCD 00 00',
      atr: new Uint8Array([0x3b, 0x8a]),
      extendedLength: true,
      transmit: () => Promise.reject(new Error('the fake read sends no APDU')),
      close: () => {
        log.push('close');
        return Promise.resolve();
      },
    });
  }

  watch(listener: (event: ReaderEvent) => void) {
    this.listener = listener;
    return () => {
      this.listener = null;
    };
  }

  send(event: ReaderEvent): void {
    this.listener?.(event);
  }

  close() {
    this.log.push('readers closed');
    return Promise.resolve();
  }
}

interface Bench {
  service: CardService;
  readers: FakeReaders;
  record: LocalRecord;
  events: CardEvent[];
  reads: { access: unknown; trustDir: string }[];
}

async function bench(
  read: ReadIdentityDocument | CardReadReport,
  patients: Patient[] = [],
  fixture: RecordFixture = recordFixture('MA'),
): Promise<Bench> {
  const record = await fixture.open();
  cleanups.push(() => {
    record.close();
    fixture.cleanup();
  });
  for (const resource of patients) record.store.create(resource, doctor);
  const readers = new FakeReaders();
  const reads: Bench['reads'] = [];
  const readIdentityDocument: ReadIdentityDocument =
    typeof read === 'function'
      ? read
      : (transport, access, options) => {
          reads.push({ access, trustDir: options.trustDir });
          options.onProgress?.({ step: 'access', done: 0, total: null });
          options.onProgress?.({ step: 'reading', file: 'DG1', done: 93, total: 15_296 });
          options.onProgress?.({ step: 'done', done: 15_296, total: 15_296 });
          return Promise.resolve(read);
        };
  const service = new CardService({
    devices: () => Promise.resolve({ readers, readIdentityDocument }),
    openRecord: () => Promise.resolve(record),
    resourcesDir,
    trustDir: '/trust/csca',
  });
  const events: CardEvent[] = [];
  service.onEvent((event) => events.push(event));
  return { service, readers, record, events, reads };
}

const benali = (id: string, extra: Partial<Patient> = {}) =>
  patient(id, ['Youssef', 'Benali'], ['يوسف', 'بنعلي'], {
    birthDate: '1985-03-14',
    gender: 'male',
    identifier: [{ system: CIN, value: 'BE123456' }],
    ...extra,
  });

describe('reading a card finds its holder in the record', () => {
  it('by the national identifier under the country profile’s system, with nothing that disagrees', async () => {
    const { service, readers, events, reads } = await bench(report(identity()), [
      benali('p-benali'),
      // The same characters as a passport number of someone else: not the card's holder.
      patient('p-other', ['Karim', 'Tazi'], null, {
        birthDate: '1990-01-01',
        identifier: [{ system: MA_PASSPORT, value: 'BE123456' }],
      }),
    ]);
    const result = await service.read({ can: '123456' });
    expect(result.matches).toEqual([
      {
        patient: expect.objectContaining({ id: 'p-benali', identifier: { system: CIN, value: 'BE123456' } }),
        matchedBy: 'identifier',
        differences: [],
      },
    ]);
    expect(result.report.identity.nationalId).toEqual({ country: 'MA', value: 'BE123456' });
    expect(reads).toEqual([{ access: { can: '123456' }, trustDir: '/trust/csca' }]);
    // The card is released after the read, and the progress reached the listeners in order.
    expect(readers.log).toEqual(['connect (first)', 'close']);
    expect(events.map((event) => (event.payload as CardReadProgress).step)).toEqual([
      'connecting',
      'access',
      'reading',
      'done',
    ]);
    expect(events[2]).toEqual({
      name: 'card.progress',
      payload: { step: 'reading', file: 'DG1', done: 93, total: 15_296 },
    });
  });

  it('says where the record and the card disagree, and ranks the closest identifier match first', async () => {
    const { service } = await bench(report(identity()), [
      benali('p-wrong-date', { birthDate: '1985-04-14', gender: 'female' }),
      benali('p-same'),
    ]);
    const { matches } = await service.read({ can: '123456' });
    expect(matches.map((match) => [match.patient.id, match.matchedBy, match.differences])).toEqual([
      ['p-same', 'identifier', []],
      ['p-wrong-date', 'identifier', ['birthDate', 'sex']],
    ]);
  });

  it('compares names as cards print them: capitals, no accents, a truncated or shorter given name, the Arabic script', async () => {
    const card = identity({
      familyName: 'EL AMRANI',
      givenNames: 'FATIMA ZAHRA',
      familyNameArabic: 'العمراني',
    });
    const { service } = await bench(report(card), [
      patient('p-latin', ['Fatima', 'El-Amrani'], null, {
        birthDate: '1985-03-14',
        identifier: [{ system: CIN, value: 'be123456' }],
      }),
    ]);
    expect((await service.read({ can: '123456' })).matches[0]?.differences).toEqual([]);

    const renamed = await bench(report(identity({ familyName: 'BENANI' })), [benali('p-benali')]);
    // The Latin name differs, the Arabic one agrees: the names agree.
    expect((await renamed.service.read({ can: '123456' })).matches[0]?.differences).toEqual([]);
    const other = await bench(report(identity({ familyName: 'BENANI', familyNameArabic: 'بناني' })), [
      benali('p-benali'),
    ]);
    expect((await other.service.read({ can: '123456' })).matches[0]?.differences).toEqual(['name']);
  });

  it('finds a passport’s holder by the passport number, not an ID card’s holder by the card number', async () => {
    const passport = identity({
      kind: 'passport',
      documentCode: 'P<',
      documentNumber: 'UX1234567',
      nationalId: null,
    });
    const { service } = await bench(report(passport), [
      benali('p-passport', { identifier: [{ system: MA_PASSPORT, value: 'UX1234567' }] }),
    ]);
    expect((await service.read({ can: '123456' })).matches.map((match) => match.matchedBy)).toEqual([
      'identifier',
    ]);

    const card = await bench(report(identity({ nationalId: null, documentNumber: 'UX1234567' })), [
      patient('p-passport', ['Omar', 'Idrissi'], null, {
        birthDate: '1970-01-01',
        identifier: [{ system: MA_PASSPORT, value: 'UX1234567' }],
      }),
    ]);
    expect((await card.service.read({ can: '123456' })).matches).toEqual([]);
  });

  it('without a recorded identifier, offers the patients with the same names and full birth date — never one recorded under another number', async () => {
    const { service } = await bench(report(identity()), [
      benali('p-no-id', { identifier: [] }),
      benali('p-other-cin', { identifier: [{ system: CIN, value: 'ZZ999999' }] }),
      benali('p-other-date', { identifier: [], birthDate: '1986-03-14' }),
      patient('p-other-name', ['Youssef', 'Berrada'], null, { birthDate: '1985-03-14', gender: 'male' }),
    ]);
    const { matches } = await service.read({ can: '123456' });
    expect(matches).toEqual([
      { patient: expect.objectContaining({ id: 'p-no-id' }), matchedBy: 'nameAndBirthDate', differences: [] },
    ]);
  });

  it('finds nobody when the record does not know the holder', async () => {
    const { service } = await bench(report(identity({ nationalId: { country: 'MA', value: 'QQ000001' } })), [
      patient('p-someone', ['Karim', 'Tazi'], null, {
        birthDate: '1990-01-01',
        identifier: [{ system: CIN, value: 'BE654321' }],
      }),
    ]);
    const result = await service.read({ mrz: SPECIMEN_TD1 });
    expect(result.matches).toEqual([]);
    expect(result.report.identity.familyName).toBe('BENALI');
  });

  it('sends on the identity and the checks, never more than card-identity.ts declares (no data group bytes)', async () => {
    const withBytes = report(identity()) as CardReadReport & { dg1: Uint8Array };
    withBytes.dg1 = new Uint8Array([0x61, 0x5b]);
    (withBytes.dataGroups[0] as unknown as { content: Uint8Array }).content = new Uint8Array([1, 2, 3]);
    (withBytes.identity as unknown as { mrz: string }).mrz = SPECIMEN_TD1.join('\n');
    const { service } = await bench(withBytes);
    const result = await service.read({ can: '123456' });
    expect(result.report).toEqual(report(identity()));
    expect(JSON.stringify(result)).not.toContain('ERIKSSON');
  });

  it('reads nothing into the audit trail: only opening the chart is audited', async () => {
    const { service, record } = await bench(report(identity()), [benali('p-benali')]);
    await service.read({ can: '123456' });
    expect(record.audit.forPatient('p-benali').filter((entry) => entry.action === 'R')).toEqual([]);
  });

  it('reads one card at a time', async () => {
    let release: () => void = () => undefined;
    const first = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const { service, readers } = await bench(async (_transport, _access) => {
      calls++;
      if (calls === 1) await first;
      return report(identity());
    });
    const reads = [service.read({ can: '111111' }), service.read({ can: '222222' })];
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readers.log).toEqual(['connect (first)']);
    release();
    await Promise.all(reads);
    expect(readers.log).toEqual(['connect (first)', 'close', 'connect (first)', 'close']);
  });
});

describe('identifying from the MRZ alone (no chip)', () => {
  /** A Moroccan CNIE's zone (test/card/fixtures: synthetic, CIN BE123456 in line 1's optional data). */
  const CNIE = [
    'IDMARZT48151627BE123456<<<<<<<',
    '8703145F3106305MAR<<<<<<<<<<<4',
    'EL<IDRISSI<<FATIMA<ZAHRA<<<<<<',
  ];

  it('finds the holder by the national identifier the MRZ carries, and says nothing could be verified', async () => {
    const { service, readers } = await bench(report(identity()), [
      patient('p-fatima', ['Fatima Zahra', 'El Idrissi'], null, {
        birthDate: '1987-03-14',
        gender: 'female',
        identifier: [{ system: CIN, value: 'BE123456' }],
      }),
    ]);
    const result = await service.readMrz(CNIE);
    expect(result.report).toMatchObject({
      accessProtocol: 'none',
      dataGroups: [],
      passiveAuthentication: { status: 'not-verifiable' },
      identity: {
        nationalId: { country: 'MA', value: 'BE123456' },
        documentNumber: 'ZT4815162',
        photo: null,
      },
    });
    expect(result.matches).toEqual([
      { patient: expect.objectContaining({ id: 'p-fatima' }), matchedBy: 'identifier', differences: [] },
    ]);
    // No card was asked.
    expect(readers.log).toEqual([]);
  });

  it('refuses an MRZ that does not check', async () => {
    const { service } = await bench(report(identity()));
    const wrong = [CNIE[0]!, CNIE[1]!.replace('5F', '6F'), CNIE[2]!];
    await expect(service.readMrz(wrong)).rejects.toMatchObject({ code: 'MRZ_INVALID' });
  });
});

describe('card errors', () => {
  it('refuses an MRZ whose check digits are wrong before asking the card', async () => {
    const { service, readers } = await bench(report(identity()));
    const wrong = [SPECIMEN_TD1[0]!, '7408123F1204159UTO<<<<<<<<<<<6', SPECIMEN_TD1[2]!];
    const error = await service.read({ mrz: wrong }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TabibError);
    expect(error).toMatchObject({
      code: 'MRZ_INVALID',
      details: {
        problems: [
          { problem: 'birthDate', line: 2 },
          { problem: 'composite', line: 2 },
        ],
      },
    });
    // The error names fields, never the characters typed.
    expect(JSON.stringify((error as TabibError).toShape())).not.toContain('7408123');
    expect(readers.log).toEqual([]);
  });

  it('keeps the code of a device error that carries its own TabibError copy, and closes the card on failure', async () => {
    const { service, readers } = await bench(() =>
      Promise.reject(Object.assign(new Error('BAC refused'), { code: 'CARD_ACCESS_DENIED' })),
    );
    await expect(service.read({ can: '123456' })).rejects.toMatchObject({ code: 'CARD_ACCESS_DENIED' });
    expect(readers.log).toEqual(['connect (first)', 'close']);

    readers.connectError = { code: 'CARD_ABSENT', message: 'no card in Virtual PCD 00 00' };
    const absent = await service.read({ can: '123456' }).catch((caught: unknown) => caught);
    expect(absent).toBeInstanceOf(TabibError);
    expect(absent).toMatchObject({ code: 'CARD_ABSENT' });

    readers.connectError = null;
    const { service: removed } = await bench(() =>
      Promise.reject(new TabibError('CARD_REMOVED', 'card left the reader')),
    );
    await expect(removed.read({ can: '123456' })).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('answers CARD_NO_READER on a workstation without readers, and lists none', async () => {
    const fixture = recordFixture('MA');
    cleanups.push(() => fixture.cleanup());
    const service = new CardService({
      devices: () =>
        Promise.resolve({
          readers: noCardReaders,
          readIdentityDocument: () => Promise.reject(new Error('unused')),
        }),
      openRecord: () => fixture.open(),
      resourcesDir,
      trustDir: '/trust',
    });
    expect(await service.readers()).toEqual({ readers: [] });
    await expect(service.read({ can: '123456' })).rejects.toMatchObject({ code: 'CARD_NO_READER' });
  });

  it('lists no reader where PC/SC has no service or library (CARD_NO_READER), and reports other reader failures', async () => {
    const fixture = recordFixture('MA');
    cleanups.push(() => fixture.cleanup());
    let failure: unknown = Object.assign(new Error('PC/SC service not running'), { code: 'CARD_NO_READER' });
    const readers: CardReaders = {
      list: () => Promise.reject(failure),
      connect: () => Promise.reject(failure),
      watch: () => () => undefined,
      close: () => Promise.resolve(),
    };
    const service = new CardService({
      devices: () =>
        Promise.resolve({ readers, readIdentityDocument: () => Promise.reject(new Error('unused')) }),
      openRecord: () => fixture.open(),
      resourcesDir,
      trustDir: '/trust',
    });
    expect(await service.readers()).toEqual({ readers: [] });
    failure = new TabibError('CARD_READER_FAILED', 'Communication error');
    await expect(service.readers()).rejects.toMatchObject({ code: 'CARD_READER_FAILED' });
  });

  it('tries the readers again after they failed to open', async () => {
    const fixture = recordFixture('MA');
    cleanups.push(() => fixture.cleanup());
    let attempts = 0;
    const readers = new FakeReaders();
    const service = new CardService({
      devices: () =>
        ++attempts === 1
          ? Promise.reject(new TabibError('CARD_READER_FAILED', 'pcscd is not running'))
          : Promise.resolve({ readers, readIdentityDocument: () => Promise.resolve(report(identity())) }),
      openRecord: () => fixture.open(),
      resourcesDir,
      trustDir: '/trust',
    });
    await expect(service.readers()).rejects.toMatchObject({ code: 'CARD_READER_FAILED' });
    expect(await service.readers()).toEqual({ readers: [{ name: 'Virtual PCD 00 00', cardPresent: true }] });
  });
});

describe('reader events', () => {
  it('relays insertions and removals once the readers are listed, and stops when closed', async () => {
    const { service, readers, events } = await bench(report(identity()));
    readers.send({ type: 'card-inserted', reader: 'R', atr: new Uint8Array([0x3b]) });
    expect(events).toEqual([]);
    await service.readers();
    readers.send({ type: 'card-inserted', reader: 'R', atr: new Uint8Array([0x3b]) });
    readers.send({ type: 'reader-added', reader: 'S' });
    readers.send({ type: 'card-removed', reader: 'R' });
    expect(events).toEqual([
      { name: 'card.inserted', payload: { reader: 'R' } },
      { name: 'card.removed', payload: { reader: 'R' } },
    ]);
    await service.close();
    readers.send({ type: 'card-removed', reader: 'R' });
    expect(events).toHaveLength(2);
    expect(readers.log).toContain('readers closed');
  });
});

describe('the document scanner (HID)', () => {
  /** A scanner's recorded reports (test/card/transport/fixtures), replayed into the real adapter. */
  class RecordedScannerDevice extends EventEmitter implements HidDeviceLike {
    closed = 0;
    close(): void {
      this.closed += 1;
    }
    replay(name: string): HidReportFraming {
      const recorded = JSON.parse(
        readFileSync(join(import.meta.dirname, '..', 'card', 'transport', 'fixtures', name), 'utf8'),
      ) as { framing: HidReportFraming; sequence: ({ report: string } | { error: string })[] };
      for (const step of recorded.sequence) {
        if ('report' in step) this.emit('data', Buffer.from(step.report.replace(/\s/g, ''), 'hex'));
        else this.emit('error', new Error(step.error));
      }
      return recorded.framing;
    }
  }

  it('sends each scanned MRZ to the screen, says when a scan was unreadable or the scanner stopped, and closes it', async () => {
    const device = new RecordedScannerDevice();
    const framing = { reportId: 2, payload: 'length-byte' } as const;
    const scanner = new HidMrzScanner(device, framing);
    const service = new CardService({
      devices: () =>
        Promise.resolve({
          readers: noCardReaders,
          readIdentityDocument: () => Promise.reject(new Error('no read')),
          scanner,
        }),
      openRecord: () => Promise.reject(new Error('no record')),
      resourcesDir,
      trustDir: '/trust',
    });
    const events: CardEvent[] = [];
    service.onEvent((event) => events.push(event));
    await service.readers();
    expect(device.replay('hid-pos-noise-unplug.json')).toEqual(framing);
    expect(events.map((event) => event.name)).toEqual([
      'card.mrzScanned',
      'card.mrzScanned',
      'card.mrzScanned',
    ]);
    expect(events.map((event) => event.payload)).toEqual([
      { mrz: null, problem: 'unreadable' },
      {
        mrz: ['P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<', 'L898902C36UTO7408122F1204159ZE184226B<<<<<10'],
        problem: null,
      },
      { mrz: null, problem: 'scannerFailed' },
    ]);
    await service.close();
    expect(device.closed).toBe(1);
  });
});

describe('checking a typed access key', () => {
  it('accepts the ICAO TD1 specimen and a 6-digit CAN, answering them as the chip is given them', () => {
    expect(checkAccessKey({ mrz: SPECIMEN_TD1 })).toEqual({
      valid: true,
      format: 'TD1',
      mrz: SPECIMEN_TD1,
      can: null,
      problems: [],
    });
    // Typed in lower case, with guillemets for fillers (a French keyboard), in one run.
    const typed = SPECIMEN_TD1.join('').toLowerCase().replaceAll('<', '«');
    expect(checkAccessKey({ mrz: [typed] })).toMatchObject({ valid: true, mrz: SPECIMEN_TD1 });
    expect(checkAccessKey({ can: '042 917' })).toEqual({
      valid: true,
      format: null,
      mrz: null,
      can: '042917',
      problems: [],
    });
  });

  it('names the line and field of each failed check digit, never the characters', () => {
    const line1 = 'I<UTOD231458908<<<<<<<<<<<<<<<'; // document number check digit 7 → 8
    const line2 = '7408122F1204158UTO<<<<<<<<<<<6'; // expiry check digit 9 → 8
    const check = checkAccessKey({ mrz: [line1, line2, SPECIMEN_TD1[2]!] });
    expect(check).toMatchObject({ valid: false, mrz: null, format: 'TD1' });
    expect(check.problems).toEqual([
      { problem: 'documentNumber', line: 1 },
      { problem: 'expiryDate', line: 2 },
      { problem: 'composite', line: 2 },
    ]);
    expect(JSON.stringify(check)).not.toContain('D23145890');
  });

  it('names a wrong layout, a foreign character, a CAN that is not six digits', () => {
    expect(checkAccessKey({ mrz: ['P<MAR', 'X'] })).toEqual({
      valid: false,
      format: null,
      mrz: null,
      can: null,
      problems: [{ problem: 'layout', line: null }],
    });
    expect(checkAccessKey({ mrz: SPECIMEN_TD1.slice(0, 2) }).problems).toEqual([
      { problem: 'layout', line: null },
    ]);
    expect(
      checkAccessKey({ mrz: [SPECIMEN_TD1[0]!, SPECIMEN_TD1[1]!, 'ERIKSSON<<ANNA<MARIA<<<<<<<<<?'] })
        .problems,
    ).toEqual([{ problem: 'characters', line: 3 }]);
    expect(checkAccessKey({ can: '12345' })).toEqual({
      valid: false,
      format: null,
      mrz: null,
      can: null,
      problems: [{ problem: 'canFormat', line: null }],
    });
  });
});

describe('the card calls at the contract boundary', () => {
  function services(devices: CardDevices): { services: Services; server: ContractServer; events: unknown[] } {
    const dir = mkdtempSync(join(tmpdir(), 'tabib-card-'));
    mkdirSync(join(dir, 'data'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'config.json'),
      JSON.stringify({ mode: 'demo', allowWeakKeychain: true, facility: { id: 'demo', name: 'Demo' } }),
    );
    const built = createServices(
      {
        dataDir: join(dir, 'data'),
        machineConfigPath: join(dir, 'machine.json'),
        resourcesDir,
        appVersion: '9.9.9-test',
        electronVersion: null,
      },
      new KeyFileKeychain(join(dir, 'data', 'keychain', 'wrapping.key')),
      { cardDevices: () => Promise.resolve(devices) },
    );
    const events: unknown[] = [];
    const server = new ContractServer(
      createHandlers(built, (name, payload) => events.push({ name, payload })),
    );
    cleanups.push(async () => {
      await built.card.close();
      await built.record.close();
      rmSync(dir, { recursive: true, force: true });
    });
    return { services: built, server, events };
  }

  it('validates the access key, reads through the injected devices, and relays the events', async () => {
    const readers = new FakeReaders();
    const { server, events } = services({
      readers,
      readIdentityDocument: (_transport, _access, options) => {
        options.onProgress?.({ step: 'done', done: 1, total: 1 });
        return Promise.resolve(report(identity()));
      },
    });
    for (const args of [{}, { can: '123456', mrz: SPECIMEN_TD1 }, { can: '12345' }, { mrz: ['abc', 'def'] }])
      expect(await server.handle('card.read', args), JSON.stringify(args)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGUMENT' },
      });
    expect(readers.log).toEqual([]);

    expect(await server.handle('card.readers', {})).toEqual({
      ok: true,
      value: { readers: [{ name: 'Virtual PCD 00 00', cardPresent: true }] },
    });
    readers.send({ type: 'card-removed', reader: 'Virtual PCD 00 00' });
    const read = await server.handle('card.read', { reader: 'Virtual PCD 00 00', can: '123456' });
    expect(read.ok).toBe(true);
    expect((read as { value: CardReadResult }).value.matches).toEqual([]);
    expect(readers.log[0]).toBe('connect Virtual PCD 00 00');
    expect(events).toEqual([
      { name: 'card.removed', payload: { reader: 'Virtual PCD 00 00' } },
      { name: 'card.progress', payload: { step: 'connecting', done: 0, total: null } },
      { name: 'card.progress', payload: { step: 'done', done: 1, total: 1 } },
    ]);
    expect(await server.handle('card.checkAccess', { mrz: SPECIMEN_TD1 })).toEqual({
      ok: true,
      value: { valid: true, format: 'TD1', mrz: SPECIMEN_TD1, can: null, problems: [] },
    });
    expect(
      await server.handle('card.read', {
        mrz: [SPECIMEN_TD1[0], SPECIMEN_TD1[1]!.replace('2F', '3F'), SPECIMEN_TD1[2]],
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'MRZ_INVALID' },
    });
  });
});
