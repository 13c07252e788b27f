/**
 * `tabib card readers` and `tabib card read`, in-process through runCli, with fake readers and an
 * injected reading function: what is printed, what is passed on, and the argument errors. (The
 * read against a chip comes with main/card/read-document.ts.)
 */
import { describe, expect, it } from 'vitest';
import type { CardReadProgress, CardReadReport, ReadIdentityDocument } from '../../main/card/card-identity';
import type { CardReaders, CardTransport, ReaderEvent, ReaderInfo } from '../../main/card/card-transport';
import type { CardCommandDependencies } from '../../main/cli/card-commands';
import { runCli } from '../../main/cli/tabib-cli';
import { TabibError } from '../../main/errors';
import type { ServiceHost } from '../../main/services/service-host';

const ATR = Uint8Array.from([0x3b, 0x88, 0x80, 0x01, 0xe1, 0xf3, 0x5e, 0x11, 0x77, 0x83, 0x95, 0x00, 0x3c]);
const PHOTO = Buffer.alloc(15_360, 0xab).toString('base64');

/** Card commands never go through the services. */
const host: ServiceHost = {
  invoke: () => Promise.reject(new Error('card commands must not call the services')),
  onEvent: () => () => undefined,
  close: async () => undefined,
};

class FakeTransport implements CardTransport {
  readonly extendedLength = true;
  closed = 0;
  constructor(
    readonly reader: string,
    readonly atr: Uint8Array,
  ) {}
  transmit(): Promise<never> {
    return Promise.reject(new Error('the fake reading function sends nothing'));
  }
  async close(): Promise<void> {
    this.closed += 1;
  }
}

class FakeReaders implements CardReaders {
  connected: (string | undefined)[] = [];
  transports: FakeTransport[] = [];
  closed = 0;
  connectError: TabibError | null = null;
  constructor(private readonly readers: (ReaderInfo & { atr: Uint8Array | null })[]) {}
  async list(): Promise<ReaderInfo[]> {
    return this.readers.map(({ name, cardPresent }) => ({ name, cardPresent }));
  }
  async connect(reader?: string): Promise<CardTransport> {
    this.connected.push(reader);
    if (this.connectError) throw this.connectError;
    const found = this.readers.find((candidate) =>
      reader ? candidate.name === reader : candidate.cardPresent,
    );
    if (!found?.atr) throw new TabibError('CARD_ABSENT', 'No card');
    const transport = new FakeTransport(found.name, found.atr);
    this.transports.push(transport);
    return transport;
  }
  watch(_listener: (event: ReaderEvent) => void): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {
    this.closed += 1;
  }
}

function report(overrides: Partial<CardReadReport> = {}): CardReadReport {
  return {
    identity: {
      kind: 'id-card',
      documentCode: 'I<',
      issuingState: 'MAR',
      documentNumber: 'D23145890',
      nationalId: { country: 'MA', value: 'AB123456' },
      familyName: 'ERIKSSON',
      givenNames: 'ANNA MARIA',
      familyNameArabic: 'إريكسون',
      givenNamesArabic: null,
      birthDate: '1974-08-12',
      sex: 'female',
      nationality: 'MAR',
      expiryDate: '2032-04-15',
      placeOfBirth: null,
      address: null,
      photo: { mediaType: 'image/jpeg', base64: PHOTO },
    },
    accessProtocol: 'PACE',
    cipherSuite: 'id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1',
    dataGroups: [
      { name: 'EF.CardAccess', bytes: 20, hashValid: null },
      { name: 'DG1', bytes: 93, hashValid: true },
      { name: 'DG2', bytes: 15_412, hashValid: true },
      { name: 'EF.SOD', bytes: 1_870, hashValid: null },
    ],
    passiveAuthentication: {
      status: 'verified',
      detail: 'EF.SOD signed by a document signer of a configured CSCA; every data group hash matches',
      documentSigner: 'CN=Document Signer 7,O=DGSN,C=MA',
      csca: 'CN=CSCA Morocco,C=MA',
    },
    apduCount: 87,
    durationMs: 2345,
    ...overrides,
  };
}

function setup(options: { read?: ReadIdentityDocument | null; trustDir?: string | null } = {}) {
  const readers = new FakeReaders([
    { name: 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00', cardPresent: true, atr: ATR },
    { name: 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader SAM] 01 00', cardPresent: false, atr: null },
  ]);
  const calls: { transport: CardTransport; access: unknown; trustDir: string }[] = [];
  const read: ReadIdentityDocument =
    options.read ??
    (async (transport, access, readOptions) => {
      calls.push({ transport, access, trustDir: readOptions.trustDir });
      const steps: CardReadProgress[] = [
        { step: 'connecting', done: 0, total: null },
        { step: 'access', done: 0, total: null },
        { step: 'reading', file: 'DG1', done: 0, total: 15_505 },
        { step: 'reading', file: 'DG2', done: 93, total: 15_505 },
        { step: 'verifying', done: 15_505, total: 15_505 },
        { step: 'done', done: 15_505, total: 15_505 },
      ];
      for (const step of steps) readOptions.onProgress?.(step);
      return report();
    });
  const card: Partial<CardCommandDependencies> = {
    openReaders: () => readers,
    readIdentityDocument: options.read === null ? null : read,
    trustDir: options.trustDir === undefined ? '/opt/tabib/resources/card/csca' : options.trustDir,
  };
  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(
      argv,
      host,
      { out: (line) => out.push(line), err: (line) => err.push(line) },
      { card },
    );
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  return { readers, calls, run };
}

const TD1 = [
  'I<MARD231458907<<<<<<<<<<<<<<<',
  '7408122F3204159MAR<<<<<<<<<<<6',
  'ERIKSSON<<ANNA<MARIA<<<<<<<<<<',
];

describe('tabib card readers', () => {
  it('lists the readers, whether a card is in each and its ATR', async () => {
    const { run, readers } = setup();
    const text = await run('card', 'readers');
    expect(text.code).toBe(0);
    expect(text.out).toContain('Card readers: 2');
    expect(text.out).toMatch(/PICC\] 00 00\s+card present\s+ATR 3B888001E1F35E11778395003C/);
    expect(text.out).toMatch(/SAM\] 01 00\s+no card/);
    expect(readers.connected).toEqual(['ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00']);
    expect(readers.transports[0]!.closed).toBe(1);
    expect(readers.closed).toBe(1);

    const json = await run('card', 'readers', '--json');
    expect(JSON.parse(json.out)).toEqual([
      {
        name: 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00',
        cardPresent: true,
        atr: '3B888001E1F35E11778395003C',
      },
      { name: 'ACS ACR1252 Dual Reader [ACR1252 Dual Reader SAM] 01 00', cardPresent: false, atr: null },
    ]);
  });

  it('says when there is no reader, or no PC/SC service, with the code and its details', async () => {
    const empty = setup();
    const none = new FakeReaders([]);
    const out: string[] = [];
    expect(
      await runCli(
        ['card', 'readers'],
        host,
        { out: (line) => out.push(line), err: () => undefined },
        {
          card: { openReaders: () => none },
        },
      ),
    ).toBe(0);
    expect(out).toEqual(['No card reader is connected.']);

    empty.readers.list = () =>
      Promise.reject(
        new TabibError('CARD_NO_READER', 'The PC/SC service is not running or sees no reader', {
          pcscCode: '0x8010001D',
        }),
      );
    const failed = await empty.run('card', 'readers');
    expect(failed.code).toBe(1);
    expect(failed.err).toContain('CARD_NO_READER: The PC/SC service is not running');
    expect(failed.err).toContain('"pcscCode":"0x8010001D"');
    expect(empty.readers.closed).toBe(1);
  });
});

describe('tabib card read', () => {
  it('prints the identity, the data groups, the access protocol, passive authentication, APDUs and time', async () => {
    const { run, calls, readers } = setup();
    const result = await run('card', 'read', '--mrz', TD1.join('\n'));
    expect(result.code).toBe(0);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.access).toEqual({ mrz: TD1 });
    expect(calls[0]!.trustDir).toBe('/opt/tabib/resources/card/csca');
    expect(readers.connected).toEqual([undefined]);
    const out = result.out;
    expect(out).toContain('identity card (I) issued by MAR');
    expect(out).toMatch(/family name\s+ERIKSSON/);
    expect(out).toMatch(/given names\s+ANNA MARIA/);
    expect(out).toMatch(/family name \(ar\)\s+إريكسون/);
    expect(out).toMatch(/national id\s+AB123456 \(MA\)/);
    expect(out).toMatch(/document number\s+D23145890/);
    expect(out).toMatch(/birth date\s+1974-08-12/);
    expect(out).toMatch(/sex\s+female/);
    expect(out).toMatch(/expiry\s+2032-04-15/);
    expect(out).toMatch(/photo\s+yes \(image\/jpeg, 15\.0 kB\)/);
    expect(out).toContain('Access: PACE — id-PACE-ECDH-GM-AES-CBC-CMAC-128 on brainpoolP256r1');
    expect(out).toContain('Data groups read: 4');
    expect(out).toMatch(/DG2\s+15412 bytes\s+hash ok/);
    expect(out).toMatch(/EF\.SOD\s+1870 bytes\s+not covered by EF\.SOD/);
    expect(out).toContain('Passive authentication: verified — EF.SOD signed');
    expect(out).toContain('document signer  CN=Document Signer 7,O=DGSN,C=MA');
    expect(out).toContain('87 APDUs in 2.35 s');
    expect(out).not.toContain(PHOTO.slice(0, 40));
    // Progress goes to stderr, once per step.
    expect(result.err.split('\n')).toEqual([
      'Reading the card in ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00…',
      '  connecting',
      '  opening the chip',
      '  reading',
      '  checking passive authentication',
      '  done',
    ]);
    expect(readers.transports[0]!.closed).toBe(1);
    expect(readers.closed).toBe(1);
  });

  it('--json prints the report without the photo bytes; --can, --reader and repeated --mrz are passed on', async () => {
    const { run, calls, readers } = setup();
    const json = await run(
      'card',
      'read',
      '--can',
      '123456',
      '--json',
      '--reader',
      'ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00',
    );
    expect(json.code).toBe(0);
    expect(json.err).toBe('');
    const printed = JSON.parse(json.out) as CardReadReport & { identity: { photo: unknown } };
    expect(printed.identity.photo).toEqual({ mediaType: 'image/jpeg', bytes: 15_360 });
    expect(json.out).not.toContain(PHOTO.slice(0, 40));
    expect(printed.passiveAuthentication.status).toBe('verified');
    expect(printed.dataGroups).toHaveLength(4);
    expect(calls[0]!.access).toEqual({ can: '123456' });
    expect(readers.connected).toEqual(['ACS ACR1252 Dual Reader [ACR1252 Dual Reader PICC] 00 00']);

    await run(
      'card',
      'read',
      '--mrz',
      TD1[0]!,
      '--mrz',
      TD1[1]!,
      '--mrz',
      TD1[2]!,
      '--trust-dir',
      '/tmp/csca',
    );
    await run('card', 'read', '--mrz', `${TD1[0]}\\n${TD1[1]}\\n${TD1[2]}`);
    expect(calls[1]).toMatchObject({ access: { mrz: TD1 }, trustDir: '/tmp/csca' });
    expect(calls[2]!.access).toEqual({ mrz: TD1 });
  });

  it('exits 1 when passive authentication failed, and says so', async () => {
    const tampered = report({
      dataGroups: [{ name: 'DG2', bytes: 15_412, hashValid: false }],
      passiveAuthentication: {
        status: 'failed',
        detail: 'DG2 does not hash to its value in EF.SOD',
        documentSigner: null,
        csca: null,
      },
    });
    const { run } = setup({ read: async () => tampered });
    const result = await run('card', 'read', '--can', '123456');
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/DG2\s+15412 bytes\s+HASH MISMATCH/);
    expect(result.out).toContain('Passive authentication: FAILED — DG2 does not hash');
  });

  it('prints the error code of a failed read, and closes the card and the readers', async () => {
    const { run, readers } = setup({
      read: () =>
        Promise.reject(new TabibError('CARD_REMOVED', 'The card left the reader', { reader: 'PICC' })),
    });
    const removed = await run('card', 'read', '--can', '123456');
    expect(removed.code).toBe(1);
    expect(removed.err).toContain('CARD_REMOVED: The card left the reader');
    expect(readers.transports[0]!.closed).toBe(1);
    expect(readers.closed).toBe(1);

    readers.connectError = new TabibError('CARD_ABSENT', 'No reader has a card in it');
    const absent = await run('card', 'read', '--can', '123456');
    expect(absent.code).toBe(1);
    expect(absent.err).toContain('CARD_ABSENT: No reader has a card in it');
    expect(readers.closed).toBe(2);
  });

  it('refuses wrong arguments with the usage and exit code 2, before touching a reader', async () => {
    const { run, readers, calls } = setup();
    const cases: [string[], string][] = [
      [['card', 'read'], 'needs the MRZ (--mrz) or the card access number (--can)'],
      [['card', 'read', '--can', '123456', '--mrz', TD1.join('\n')], 'not both'],
      [['card', 'read', '--can', '12a456'], '--can takes the digits'],
      [['card', 'read', '--mrz', TD1[0]!], '--mrz takes the 2 or 3 lines of the MRZ (1 given)'],
      [['card', 'read', '--can', '123456', '--colour'], "Unknown option '--colour'"],
      [['card', 'read', '--reader'], "Option '--reader <value>' argument missing"],
      [['card', 'scan'], 'Unknown card command: scan'],
    ];
    for (const [argv, message] of cases) {
      const result = await run(...argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err).toContain(message);
      expect(result.err).toContain('card read [--reader <name>]');
    }
    expect(readers.connected).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('says what is missing where this build has no chip reader or no trust list', async () => {
    const noReader = setup({ read: null });
    const unsupported = await noReader.run('card', 'read', '--can', '123456');
    expect(unsupported.code).toBe(1);
    expect(unsupported.err).toContain('CARD_UNSUPPORTED');
    expect(noReader.readers.connected).toEqual([]);

    const noTrust = setup({ trustDir: null });
    const untrusted = await noTrust.run('card', 'read', '--can', '123456');
    expect(untrusted.code).toBe(2);
    expect(untrusted.err).toContain('--trust-dir');
    expect((await noTrust.run('card', 'read', '--can', '123456', '--trust-dir', 'csca')).code).toBe(0);
  });
});
