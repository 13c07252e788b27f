/**
 * `tabib card readers` and `tabib card read`: for an administrator checking a reader at a clinic.
 * They talk to the readers directly (PC/SC from native/card/, not through the services), and read
 * a document with the ICAO 9303 reader (main/card/read-document.ts), which is injected: the
 * commands are plain functions of (argv, dependencies, output) and tests give them fakes.
 *
 * What a read prints is for the administrator's eyes on this terminal only: nothing is logged or
 * kept, and --json leaves out the photo's bytes.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type {
  CardReadProgress,
  CardReadReport,
  DataGroupReport,
  ReadIdentityDocument,
} from '../card/card-identity';
import type { CardReaders, CardTransport, ReaderInfo } from '../card/card-transport';
import { TabibError } from '../errors';

export interface CardCommandOutput {
  out(line: string): void;
  err(line: string): void;
}

/** Readers that can also tell each card's ATR without connecting (PcscCardReaders can). */
type ReadersWithAtr = CardReaders & {
  listWithAtr?: () => Promise<(ReaderInfo & { atr: Uint8Array | null })[]>;
};

export interface CardCommandDependencies {
  /** Opens the readers (called only by a card command; closed when it ends). */
  openReaders: () => ReadersWithAtr;
  /** null while this build has no ICAO 9303 reader: `card read` then says so. */
  readIdentityDocument: ReadIdentityDocument | null;
  /** The CSCA trust list's folder (resources/card/csca); --trust-dir overrides it. */
  trustDir: string | null;
}

export const cardUsage = `  card readers [--json]
                       the card readers (PC/SC), whether a card is in each, and its ATR
  card read [--reader <name>] (--mrz <lines> | --can <digits>) [--trust-dir <dir>] [--json]
                       read the identity document in the first (or named) reader: identity, data
                       groups, passive authentication; --mrz takes the MRZ's lines separated by \\n,
                       or one line per --mrz`;

const hex = (bytes: Uint8Array | null) => (bytes ? Buffer.from(bytes).toString('hex').toUpperCase() : null);

/** Each reader and its card's ATR (connecting to the card where the readers cannot say it otherwise). */
async function readersWithAtr(
  readers: ReadersWithAtr,
): Promise<{ name: string; cardPresent: boolean; atr: string | null }[]> {
  if (readers.listWithAtr)
    return (await readers.listWithAtr()).map((reader) => ({ ...reader, atr: hex(reader.atr) }));
  const listed = await readers.list();
  const result: { name: string; cardPresent: boolean; atr: string | null }[] = [];
  for (const reader of listed) {
    let atr: string | null = null;
    if (reader.cardPresent) {
      try {
        const transport = await readers.connect(reader.name);
        atr = hex(transport.atr);
        await transport.close();
      } catch {
        // Taken away between the listing and the connection, or mute: no ATR to show.
      }
    }
    result.push({ name: reader.name, cardPresent: reader.cardPresent, atr });
  }
  return result;
}

export function formatReaders(
  readers: { name: string; cardPresent: boolean; atr: string | null }[],
): string[] {
  if (readers.length === 0) return ['No card reader is connected.'];
  const width = Math.max(...readers.map((reader) => reader.name.length));
  return [
    `Card readers: ${readers.length}`,
    ...readers.map(
      (reader) =>
        `  ${reader.name.padEnd(width)}  ${reader.cardPresent ? `card present${reader.atr ? `  ATR ${reader.atr}` : ''}` : 'no card'}`,
    ),
  ];
}

const kindNames = { 'id-card': 'identity card', passport: 'passport', other: 'travel document' } as const;
const paNames = { verified: 'verified', 'not-verifiable': 'not verifiable', failed: 'FAILED' } as const;

function hashState(group: DataGroupReport): string {
  if (group.hashValid === null) return 'not covered by EF.SOD';
  return group.hashValid ? 'hash ok' : 'HASH MISMATCH';
}

function photoBytes(base64: string): number {
  return Buffer.from(base64, 'base64').length;
}

export function formatReadReport(report: CardReadReport): string[] {
  const id = report.identity;
  const field = (label: string, value: string | null) => `  ${label.padEnd(20)}${value ?? '—'}`;
  const lines = [
    `${kindNames[id.kind]} (${id.documentCode.replaceAll('<', '')}) issued by ${id.issuingState}`,
    field('family name', id.familyName),
    field('given names', id.givenNames),
  ];
  if (id.familyNameArabic !== null) lines.push(field('family name (ar)', id.familyNameArabic));
  if (id.givenNamesArabic !== null) lines.push(field('given names (ar)', id.givenNamesArabic));
  lines.push(
    field('national id', id.nationalId ? `${id.nationalId.value} (${id.nationalId.country})` : null),
    field('document number', id.documentNumber),
    field('birth date', id.birthDate),
    field('sex', id.sex),
    field('nationality', id.nationality),
    field('expiry', id.expiryDate),
    field(
      'photo',
      id.photo ? `yes (${id.photo.mediaType}, ${(photoBytes(id.photo.base64) / 1024).toFixed(1)} kB)` : 'no',
    ),
    '',
    `Access: ${report.accessProtocol === 'none' ? 'none (MRZ only, no chip read)' : report.accessProtocol}${report.cipherSuite ? ` — ${report.cipherSuite}` : ''}`,
    `Data groups read: ${report.dataGroups.length}`,
  );
  const width = Math.max(0, ...report.dataGroups.map((group) => group.name.length));
  for (const group of report.dataGroups)
    lines.push(
      `  ${group.name.padEnd(width)}  ${String(group.bytes).padStart(6)} bytes  ${hashState(group)}`,
    );
  const pa = report.passiveAuthentication;
  lines.push(`Passive authentication: ${paNames[pa.status]} — ${pa.detail}`);
  if (pa.documentSigner) lines.push(`  document signer  ${pa.documentSigner}`);
  if (pa.csca) lines.push(`  CSCA             ${pa.csca}`);
  lines.push(`${report.apduCount} APDUs in ${(report.durationMs / 1000).toFixed(2)} s`);
  return lines;
}

/** The report as --json prints it: the photo's media type and size, never its bytes. */
export function reportForJson(report: CardReadReport): unknown {
  const photo = report.identity.photo;
  return {
    ...report,
    identity: {
      ...report.identity,
      photo: photo ? { mediaType: photo.mediaType, bytes: photoBytes(photo.base64) } : null,
    },
  };
}

/** --mrz values: each may hold several lines (a real newline, or the two characters \n). */
function mrzLines(values: string[]): string[] {
  return values
    .flatMap((value) => value.split(/\r?\n|\\n/))
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

const progressWords: Record<CardReadProgress['step'], string> = {
  connecting: 'connecting',
  access: 'opening the chip',
  reading: 'reading',
  verifying: 'checking passive authentication',
  done: 'done',
};

function failure(error: unknown, output: CardCommandOutput): number {
  if (!(error instanceof TabibError)) throw error;
  output.err(`${error.code}: ${error.message}`);
  if (error.details !== undefined) output.err(`  ${JSON.stringify(error.details)}`);
  return 1;
}

/** Returns the process exit code. */
export async function runCardCommand(
  argv: string[],
  deps: CardCommandDependencies,
  output: CardCommandOutput,
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'readers') {
    const { values } = parseArgs({
      args: rest,
      options: { json: { type: 'boolean', default: false } },
      strict: true,
    });
    const readers = deps.openReaders();
    try {
      const listed = await readersWithAtr(readers);
      if (values.json) output.out(JSON.stringify(listed, null, 2));
      else for (const line of formatReaders(listed)) output.out(line);
      return 0;
    } catch (error) {
      return failure(error, output);
    } finally {
      await readers.close();
    }
  }
  if (sub === 'read') {
    const { values } = parseArgs({
      args: rest,
      options: {
        reader: { type: 'string' },
        mrz: { type: 'string', multiple: true, default: [] },
        can: { type: 'string' },
        'trust-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    });
    const lines = mrzLines(values.mrz);
    if (lines.length > 0 === (values.can !== undefined)) {
      output.err(
        `card read needs the MRZ (--mrz) or the card access number (--can), not both\n\n${cardUsage}`,
      );
      return 2;
    }
    if (values.can !== undefined && !/^[0-9]+$/.test(values.can)) {
      output.err(`--can takes the digits of the card access number printed on the card\n\n${cardUsage}`);
      return 2;
    }
    if (lines.length > 0 && lines.length !== 2 && lines.length !== 3) {
      output.err(`--mrz takes the 2 or 3 lines of the MRZ (${lines.length} given)\n\n${cardUsage}`);
      return 2;
    }
    const trustDir = values['trust-dir'] !== undefined ? resolve(values['trust-dir']) : deps.trustDir;
    if (trustDir === null) {
      output.err(`No CSCA trust list is configured: give its folder with --trust-dir\n\n${cardUsage}`);
      return 2;
    }
    if (!deps.readIdentityDocument) {
      output.err('CARD_UNSUPPORTED: this build cannot read an identity document chip yet');
      return 1;
    }
    const access = values.can === undefined ? { mrz: lines } : { can: values.can };
    const readers = deps.openReaders();
    let transport: CardTransport | null = null;
    try {
      transport = await readers.connect(values.reader);
      if (!values.json) output.err(`Reading the card in ${transport.reader}…`);
      let lastStep: CardReadProgress['step'] | null = null;
      const report = await deps.readIdentityDocument(transport, access, {
        trustDir,
        onProgress: (progress) => {
          if (values.json || progress.step === lastStep) return;
          lastStep = progress.step;
          output.err(`  ${progressWords[progress.step]}`);
        },
      });
      if (values.json) output.out(JSON.stringify(reportForJson(report), null, 2));
      else for (const line of formatReadReport(report)) output.out(line);
      return report.passiveAuthentication.status === 'failed' ? 1 : 0;
    } catch (error) {
      return failure(error, output);
    } finally {
      await transport?.close();
      await readers.close();
    }
  }
  output.err(`Unknown card command: ${sub ?? ''}\n\n${cardUsage}`);
  return 2;
}
