/**
 * One whole read of an ICAO 9303 document over one transport: access (PACE, else BAC), the files
 * (EF.COM, DG1, DG11, DG12, DG2, EF.SOD), the identity built from them, and passive
 * authentication against the configured CSCAs. Pure TypeScript over CardTransport: the same code
 * reads a card in a PC/SC reader, and the chip simulator in tests and benchmarks.
 *
 * Card data stays in the returned report: nothing here logs, and nothing is written to disk.
 */
import { join } from 'node:path';
import type {
  AccessProtocol,
  CardAccessKey,
  CardReadProgress,
  CardReadReport,
  ReadIdentityDocumentOptions,
} from './card-identity';
import type { CardTransport } from './card-transport';
import { TabibError } from '../errors';
import { buildCardIdentity, dataGroupReports, dataGroupsOf, identityFromMrz, parseEfCom } from './lds';
import type { IdentityOptions } from './lds';
import { accessKeyFromMrz, parseCan, parseMrz } from './mrz';
import { loadTrustList, passiveAuthentication } from './passive-authentication';
import { EMRTD_FILES, openSecureSession, type AccessPassword, type SecureSession } from './protocol';

/** The CSCA certificates this installation trusts (resources/card/README.md). */
export function cscaTrustDir(resourcesDir: string): string {
  return join(resourcesDir, 'card', 'csca');
}

export interface ReadDocumentOptions extends ReadIdentityDocumentOptions {
  /** Where the national identifier is and how it is checked; the century of MRZ years. */
  identity?: IdentityOptions;
  /** The chip's largest response, when known (skips reading EF.ATR/INFO). */
  maxResponseLength?: number;
}

/** The data groups Tabib reads, in the order it reads them: the identity first, the photo last but one. */
const PLAN = [
  { name: 'DG1', file: EMRTD_FILES.DG1, tag: 0x61, typicalBytes: 100 },
  { name: 'DG11', file: EMRTD_FILES.DG11, tag: 0x6b, typicalBytes: 250 },
  { name: 'DG12', file: EMRTD_FILES.DG12, tag: 0x6c, typicalBytes: 150 },
  { name: 'DG2', file: EMRTD_FILES.DG2, tag: 0x75, typicalBytes: 15_000 },
  { name: 'EF.SOD', file: EMRTD_FILES.SOD, tag: 0x77, typicalBytes: 2_000 },
] as const;

function passwordOf(access: CardAccessKey): AccessPassword {
  if ('can' in access) return { kind: 'can', can: parseCan(access.can) };
  return accessKeyFromMrz(parseMrz(access.mrz));
}

/**
 * The progress a person watches: bytes read of the files planned, with each file's typical size
 * until its header tells the real one, so the bar moves steadily and never goes back.
 */
class ReadProgress {
  private readonly sizes = new Map<string, number>();
  private doneBefore = 0;

  constructor(
    private readonly planned: readonly { name: string; typicalBytes: number }[],
    private readonly report: ((progress: CardReadProgress) => void) | undefined,
  ) {
    for (const file of planned) this.sizes.set(file.name, file.typicalBytes);
  }

  private total(): number {
    let total = 0;
    for (const size of this.sizes.values()) total += size;
    return total;
  }

  reading(file: string, read: number, size: number | null): void {
    if (size !== null) this.sizes.set(file, size);
    const total = this.total();
    this.report?.({ step: 'reading', file, done: Math.min(total, this.doneBefore + read), total });
  }

  finished(file: string, size: number): void {
    this.sizes.set(file, size);
    this.doneBefore += size;
  }

  absent(file: string): void {
    this.sizes.delete(file);
  }

  step(step: CardReadProgress['step']): void {
    this.report?.({ step, done: this.doneBefore, total: this.total() });
  }
}

/**
 * Reads the document in the reader: `access` is the MRZ (2 or 3 lines, typed or scanned) or the
 * CAN printed on the card. Throws TabibError: MRZ_INVALID / CAN_INVALID before any APDU,
 * CARD_ACCESS_DENIED for a wrong MRZ or CAN, CARD_UNSUPPORTED, CARD_REMOVED, CARD_PROTOCOL_ERROR.
 * A data group whose hash differs from EF.SOD does not throw: the report says 'failed'
 * (CARD_DATA_TAMPERED in its detail) and the interface shows it.
 */
export async function readIdentityDocument(
  transport: CardTransport,
  access: CardAccessKey,
  options: ReadDocumentOptions,
): Promise<CardReadReport> {
  const started = performance.now();
  const password = passwordOf(access);
  options.onProgress?.({ step: 'connecting', done: 0, total: null });
  options.onProgress?.({ step: 'access', done: 0, total: null });
  const session: SecureSession = await openSecureSession(transport, password, {
    maxResponseLength: options.maxResponseLength,
  });

  // EF.COM says which data groups the chip holds, so no APDU is spent on one it lacks.
  const files = new Map<number, Uint8Array>();
  const com = await session.readOptionalFile(EMRTD_FILES.COM.sfi);
  const listed = com ? new Set(parseEfCom(com).tags) : null;
  if (com) files.set(EMRTD_FILES.COM.fid, com);
  const planned = PLAN.filter((entry) => entry.name === 'EF.SOD' || !listed || listed.has(entry.tag));
  const progress = new ReadProgress(planned, options.onProgress);

  for (const entry of planned) {
    const bytes = await session.readOptionalFile(entry.file.sfi, ({ read, total }) =>
      progress.reading(entry.name, read, total),
    );
    if (!bytes) {
      if (entry.name === 'DG1')
        throw new TabibError('CARD_UNSUPPORTED', 'The chip holds no DG1 (the MRZ data group)');
      progress.absent(entry.name);
      continue;
    }
    files.set(entry.file.fid, bytes);
    progress.finished(entry.name, bytes.length);
  }

  progress.step('verifying');
  const { identity } = await buildCardIdentity(files, options.identity);
  const sod = files.get(EMRTD_FILES.SOD.fid);
  const trust = loadTrustList(options.trustDir);
  const verification = sod
    ? passiveAuthentication({ sod, dataGroups: dataGroupsOf(files), trustAnchors: trust.anchors })
    : null;
  progress.step('done');

  return {
    identity,
    accessProtocol: session.protocol,
    cipherSuite: session.cipherSuite,
    dataGroups: dataGroupReports(files, verification?.dataGroups ?? []),
    passiveAuthentication: verification
      ? {
          status: verification.status,
          detail: verification.code ? `${verification.code}: ${verification.detail}` : verification.detail,
          documentSigner: verification.documentSigner,
          csca: verification.csca,
        }
      : {
          status: 'not-verifiable',
          detail: 'The chip holds no EF.SOD: its data cannot be checked',
          documentSigner: null,
          csca: null,
        },
    apduCount: session.apduCount,
    durationMs: performance.now() - started,
  };
}

/**
 * The identity from an MRZ alone (a scanner or typed, no chip read): its check digits are
 * checked, nothing else can be; the report says so ('none', not verifiable).
 */
export function identityReportFromMrz(lines: readonly string[], identity?: IdentityOptions): CardReadReport {
  const started = performance.now();
  const accessProtocol: AccessProtocol = 'none';
  return {
    identity: identityFromMrz(parseMrz(lines), identity).identity,
    accessProtocol,
    cipherSuite: null,
    dataGroups: [],
    passiveAuthentication: {
      status: 'not-verifiable',
      detail: 'Read from the MRZ only: no chip data to verify',
      documentSigner: null,
      csca: null,
    },
    apduCount: 0,
    durationMs: performance.now() - started,
  };
}
