/**
 * The card behind the contract: lists the readers, reads the identity document in one (through
 * main/card/read-document.ts, over whichever CardReaders the environment gives: PC/SC in the app,
 * the chip simulator in tests) and finds its holder in the local record.
 *
 * Nothing read from a card is kept or logged here: the report goes back to the caller, which shows
 * it; opening a patient's chart afterwards goes through patients.openChart, which is audited.
 */
import type { Patient } from '@medplum/fhirtypes';
import type {
  CardAccessCheck,
  CardAccessProblem,
  CardIdentityField,
  CardPatientMatch,
  CardReadersView,
  CardReadResult,
} from '../contract/card-types';
import { isErrorCode } from '../contract/errors';
import { countries, type PatientSummary } from '../contract/types';
import { TabibError } from '../errors';
import { loadCountryProfile, nationalSystems, passportSystems } from '../record/identity/country-profile';
import { identifierKey } from '../record/identity/national-id';
import type { LocalRecord } from '../record/local-record';
import type {
  CardAccessKey,
  CardIdentity,
  CardReadProgress,
  CardReadReport,
  ReadIdentityDocument,
} from './card-identity';
import type { CardReaders, CardTransport, MrzScanner, ReaderEvent } from './card-transport';
import { ISSUING_STATES, parseCan, parseMrz } from './mrz';
import { identityReportFromMrz } from './read-document';

/** What reading a card needs from the machine: the readers, and the read itself. */
export interface CardDevices {
  readers: CardReaders;
  readIdentityDocument: ReadIdentityDocument;
  /** The OCR document scanner the administrator configured (HID), if any and if it opened. */
  scanner?: MrzScanner | null;
  /** The CSCA folder these readers' documents are checked against, if not the workstation's (tests). */
  trustDir?: string;
}

export type CardEvent =
  | { name: 'card.inserted'; payload: { reader: string } }
  | { name: 'card.removed'; payload: { reader: string } }
  | { name: 'card.progress'; payload: CardReadProgress }
  | { name: 'card.mrzScanned'; payload: MrzScannedPayload };

/** A document through the HID scanner: its MRZ lines, or why there are none. */
export type MrzScannedPayload =
  { mrz: string[]; problem: null } | { mrz: null; problem: 'unreadable' | 'scannerFailed' };

export interface CardServiceOptions {
  /** Opens the readers on first use; a failure is not remembered, the next call tries again. */
  devices: () => Promise<CardDevices>;
  openRecord: () => Promise<LocalRecord>;
  resourcesDir: string;
  trustDir: string;
}

/** How many patients an identifier or a name-and-birth-date lookup may offer. */
const MATCH_LIMIT = 20;

/**
 * Errors that cross from the devices (a simulator or a native module may bring its own copy of
 * TabibError) keep their code; anything else stays an internal failure.
 */
function asCardError(error: unknown): unknown {
  if (error instanceof TabibError) return error;
  const code = (error as { code?: unknown } | null)?.code;
  if (isErrorCode(code)) return new TabibError(code, error instanceof Error ? error.message : code);
  return error;
}

/** The MRZ fields (as main/card/mrz names them) a problem is reported under; the rest are 'otherField'. */
const problemOfField: Record<string, CardAccessProblem> = {
  documentNumber: 'documentNumber',
  documentNumberCheckDigit: 'documentNumber',
  birthDate: 'birthDate',
  birthDateCheckDigit: 'birthDate',
  expirationDate: 'expiryDate',
  expirationDateCheckDigit: 'expiryDate',
  personalNumber: 'personalNumber',
  personalNumberCheckDigit: 'personalNumber',
  compositeCheckDigit: 'composite',
};

function mrzProblems(error: TabibError): CardAccessCheck['problems'] {
  const details = (error.details ?? {}) as {
    field?: string;
    line?: number;
    fields?: { field: string; line: number }[];
  };
  if (details.field === 'layout') return [{ problem: 'layout', line: null }];
  if (details.field === 'characters') return [{ problem: 'characters', line: details.line ?? null }];
  const problems: CardAccessCheck['problems'] = [];
  for (const { field, line } of details.fields ?? []) {
    const problem = problemOfField[field] ?? 'otherField';
    if (!problems.some((known) => known.problem === problem && known.line === line))
      problems.push({ problem, line });
  }
  return problems.length > 0 ? problems : [{ problem: 'otherField', line: null }];
}

/**
 * Checks a typed or scanned access key before the chip is asked (a wrong key costs an access
 * attempt, and some cards slow down after several): for an MRZ the layout, the characters and
 * every check digit (main/card/mrz: ICAO 9303-3 §4.9), for a CAN its six digits. Answers the key
 * as the chip will be given it (cleaned: capitals, fillers, Latin digits), and the problems by
 * field and line — never the characters typed.
 */
/** The MRZ's lines as the parser cleaned them, or MRZ_INVALID naming the fields that failed. */
function checkMrzKey(lines: string[]): string[] {
  const check = checkAccessKey({ mrz: lines });
  if (!check.valid || !check.mrz)
    throw new TabibError('MRZ_INVALID', 'The MRZ does not check', { problems: check.problems });
  return check.mrz;
}

export function checkAccessKey(key: { mrz?: string[]; can?: string }): CardAccessCheck {
  try {
    if (key.mrz) {
      const parsed = parseMrz(key.mrz);
      return { valid: true, format: parsed.format, mrz: parsed.lines, can: null, problems: [] };
    }
    return { valid: true, format: null, mrz: null, can: parseCan(key.can ?? ''), problems: [] };
  } catch (error) {
    if (!(error instanceof TabibError)) throw error;
    if (error.code === 'CAN_INVALID')
      return {
        valid: false,
        format: null,
        mrz: null,
        can: null,
        problems: [{ problem: 'canFormat', line: null }],
      };
    if (error.code !== 'MRZ_INVALID') throw error;
    const format = (error.details as { format?: CardAccessCheck['format'] } | undefined)?.format ?? null;
    return { valid: false, format, mrz: null, can: null, problems: mrzProblems(error) };
  }
}

/** Latin names compared as an ID card prints them: capitals, no accents, MRZ fillers as spaces. */
function latinWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/** Arabic names without vowel marks or tatweel, with the alef, yeh and teh marbuta forms folded. */
function arabicWords(text: string): string[] {
  return text
    .replace(/[\u064B-\u065F\u0670\u0640]/g, '')
    .replace(/[\u0622\u0623\u0625\u0671]/g, '\u0627')
    .replace(/\u0649/g, '\u064A')
    .replace(/\u0629/g, '\u0647')
    .replace(/[^\u0621-\u064A]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
}

/**
 * One name agrees with another when the family names are the same words and one set of given
 * names is part of the other (an MRZ may truncate, a record may hold only the first given name).
 */
function sameName(
  card: { family: string; given: string },
  record: { family: string; given: string },
  words: (text: string) => string[],
): boolean {
  const family = (text: string) => words(text).join(' ');
  if (family(card.family) === '' || family(card.family) !== family(record.family)) return false;
  const cardGiven = words(card.given);
  const recordGiven = words(record.given);
  const [shorter, longer] =
    cardGiven.length <= recordGiven.length ? [cardGiven, recordGiven] : [recordGiven, cardGiven];
  return shorter.length > 0 && shorter.every((word, index) => longer[index] === word);
}

function namesAgree(identity: CardIdentity, patient: PatientSummary): boolean {
  const latin =
    patient.latin !== null &&
    sameName({ family: identity.familyName, given: identity.givenNames }, patient.latin, latinWords);
  const arabic =
    patient.arabic !== null &&
    identity.familyNameArabic !== null &&
    sameName(
      { family: identity.familyNameArabic, given: identity.givenNamesArabic ?? '' },
      patient.arabic,
      arabicWords,
    );
  return latin || arabic;
}

function differences(identity: CardIdentity, patient: PatientSummary): CardIdentityField[] {
  const found: CardIdentityField[] = [];
  if (!namesAgree(identity, patient)) found.push('name');
  // The card may give only a year or a month (ICAO 9303-3 §4.6: unknown parts as '<<').
  if (identity.birthDate && patient.birthDate && !patient.birthDate.startsWith(identity.birthDate))
    found.push('birthDate');
  const sexes = [identity.sex, patient.gender];
  if (sexes.every((sex) => sex === 'male' || sex === 'female') && sexes[0] !== sexes[1]) found.push('sex');
  return found;
}

/** The identifiers by which the record may know the card's holder, with the systems they go under. */
function identifierQueries(
  identity: CardIdentity,
  resourcesDir: string,
): { value: string; systems: string[] }[] {
  const queries: { value: string; systems: string[] }[] = [];
  if (identity.nationalId && (countries as readonly string[]).includes(identity.nationalId.country)) {
    const profile = loadCountryProfile(resourcesDir, identity.nationalId.country);
    queries.push({ value: identity.nationalId.value, systems: nationalSystems(profile) });
  }
  // A passport's number is its holder's identifier in the record (not so an ID card's number,
  // which changes when the card is renewed: architecture.md, Identity).
  const passportCountry = ISSUING_STATES[identity.issuingState];
  if (identity.kind === 'passport' && passportCountry && identity.documentNumber) {
    const profile = loadCountryProfile(resourcesDir, passportCountry);
    queries.push({ value: identity.documentNumber, systems: passportSystems(profile) });
  }
  return queries.filter((query) => identifierKey(query.value) !== '');
}

/** The patients of the record the card may belong to, best first. */
export function findCardHolder(
  record: LocalRecord,
  identity: CardIdentity,
  resourcesDir: string,
): CardPatientMatch[] {
  const matches = new Map<string, CardPatientMatch>();
  const queries = identifierQueries(identity, resourcesDir);
  for (const { value, systems } of queries) {
    const key = identifierKey(value);
    for (const hit of record.search.search(key, MATCH_LIMIT).hits) {
      if (matches.has(hit.id) || !hit.matchedOn.includes('identifier')) continue;
      // The index compares values whatever their system: keep only the systems this number goes under.
      const patient = record.store.read<Patient>('Patient', hit.id);
      const recorded = (patient?.identifier ?? []).some(
        (identifier) =>
          identifier.system !== undefined &&
          systems.includes(identifier.system) &&
          identifierKey(identifier.value ?? '') === key,
      );
      if (!patient || !recorded) continue;
      const summary = record.patients.summaryOf(patient);
      matches.set(hit.id, {
        patient: summary,
        matchedBy: 'identifier',
        differences: differences(identity, summary),
      });
    }
  }
  if (matches.size === 0 && identity.birthDate?.length === 10) {
    // No recorded identifier: perhaps registered before, without the card. Same names and the
    // full birth date are offered to be checked, never someone recorded with another number.
    const given = latinWords(identity.givenNames)[0] ?? '';
    const query = [...latinWords(identity.familyName), given, identity.birthDate].join(' ');
    const keys = new Set(queries.map((entry) => identifierKey(entry.value)));
    const systems = new Set(queries.flatMap((entry) => entry.systems));
    for (const hit of record.search.search(query.slice(0, 200), MATCH_LIMIT).hits) {
      if (hit.birthDate !== identity.birthDate || !namesAgree(identity, hit)) continue;
      const otherNumber =
        hit.identifier !== null &&
        systems.has(hit.identifier.system) &&
        !keys.has(identifierKey(hit.identifier.value));
      if (otherNumber) continue;
      const summary: PatientSummary = {
        id: hit.id,
        latin: hit.latin,
        arabic: hit.arabic,
        identifier: hit.identifier,
        birthDate: hit.birthDate,
        gender: hit.gender,
        phone: hit.phone,
      };
      matches.set(hit.id, {
        patient: summary,
        matchedBy: 'nameAndBirthDate',
        differences: differences(identity, summary),
      });
    }
  }
  const rank = (match: CardPatientMatch) => (match.matchedBy === 'identifier' ? 0 : 1);
  return [...matches.values()].sort(
    (a, b) => rank(a) - rank(b) || a.differences.length - b.differences.length,
  );
}

/**
 * The report as it may leave the services: the fields card-identity.ts declares, copied one by
 * one, so that nothing a reader implementation adds (a data group's bytes) crosses by accident.
 */
function reportForDisplay(report: CardReadReport): CardReadReport {
  const { identity } = report;
  return {
    identity: {
      kind: identity.kind,
      documentCode: identity.documentCode,
      issuingState: identity.issuingState,
      documentNumber: identity.documentNumber,
      nationalId: identity.nationalId
        ? { country: identity.nationalId.country, value: identity.nationalId.value }
        : null,
      familyName: identity.familyName,
      givenNames: identity.givenNames,
      familyNameArabic: identity.familyNameArabic,
      givenNamesArabic: identity.givenNamesArabic,
      birthDate: identity.birthDate,
      sex: identity.sex,
      nationality: identity.nationality,
      expiryDate: identity.expiryDate,
      placeOfBirth: identity.placeOfBirth,
      address: identity.address,
      photo: identity.photo ? { mediaType: identity.photo.mediaType, base64: identity.photo.base64 } : null,
    },
    accessProtocol: report.accessProtocol,
    cipherSuite: report.cipherSuite,
    dataGroups: report.dataGroups.map((group) => ({
      name: group.name,
      bytes: group.bytes,
      hashValid: group.hashValid,
    })),
    passiveAuthentication: {
      status: report.passiveAuthentication.status,
      detail: report.passiveAuthentication.detail,
      documentSigner: report.passiveAuthentication.documentSigner,
      csca: report.passiveAuthentication.csca,
    },
    apduCount: report.apduCount,
    durationMs: report.durationMs,
  };
}

export class CardService {
  private devices: Promise<CardDevices> | null = null;
  private unwatch: (() => void) | null = null;
  /** One read at a time: a reader holds one card, and a second read would interleave APDUs. */
  private reading: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(event: CardEvent) => void>();

  constructor(private readonly options: CardServiceOptions) {}

  /** Card insertions and removals, and the progress of a read; returns the unsubscribe function. */
  onEvent(listener: (event: CardEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: CardEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private open(): Promise<CardDevices> {
    if (!this.devices) {
      this.devices = this.options.devices().catch((error: unknown) => {
        this.devices = null;
        throw asCardError(error);
      });
    }
    return this.devices;
  }

  /**
   * Follows insertions and removals, and the document scanner, from the first time the readers are
   * listed on. A scanned MRZ goes to the screen as it is; the screen checks and reads it like a
   * typed one (card.checkAccess, card.read).
   */
  private watch(devices: CardDevices): void {
    if (this.unwatch) return;
    const unwatchReaders = devices.readers.watch((event: ReaderEvent) => {
      if (event.type === 'card-inserted')
        this.emit({ name: 'card.inserted', payload: { reader: event.reader } });
      else if (event.type === 'card-removed')
        this.emit({ name: 'card.removed', payload: { reader: event.reader } });
    });
    const unwatchScanner = devices.scanner?.watch((event) => {
      if (event.type === 'mrz')
        this.emit({ name: 'card.mrzScanned', payload: { mrz: event.lines, problem: null } });
      else
        this.emit({
          name: 'card.mrzScanned',
          payload: { mrz: null, problem: event.type === 'error' ? 'scannerFailed' : 'unreadable' },
        });
    });
    this.unwatch = () => {
      unwatchReaders();
      unwatchScanner?.();
    };
  }

  async readers(): Promise<CardReadersView> {
    const devices = await this.open();
    const { readers } = devices;
    this.watch(devices);
    try {
      const list = await readers.list();
      return { readers: list.map((reader) => ({ name: reader.name, cardPresent: reader.cardPresent })) };
    } catch (error) {
      const cardError = asCardError(error);
      // No PC/SC service or library: for the person at the desk, that is no reader.
      if (cardError instanceof TabibError && cardError.code === 'CARD_NO_READER') return { readers: [] };
      throw cardError;
    }
  }

  read(request: { reader?: string; mrz?: string[]; can?: string }): Promise<CardReadResult> {
    const next = this.reading.then(
      () => this.readNow(request),
      () => this.readNow(request),
    );
    this.reading = next.catch(() => undefined);
    return next;
  }

  /** Lets go of the last document read (sign-out): the chain of reads keeps its result otherwise. */
  forget(): void {
    this.reading = this.reading.then(
      () => undefined,
      () => undefined,
    );
  }

  private async readNow(request: { reader?: string; mrz?: string[]; can?: string }): Promise<CardReadResult> {
    const check = checkAccessKey(request);
    if (!check.valid || !(check.mrz ?? check.can)) {
      // The problems name fields and lines, never the characters typed.
      throw new TabibError(request.mrz ? 'MRZ_INVALID' : 'CAN_INVALID', 'The access key does not check', {
        problems: check.problems,
      });
    }
    const access: CardAccessKey = check.mrz ? { mrz: check.mrz } : { can: check.can ?? '' };
    const devices = await this.open();
    this.watch(devices);
    const progress = (payload: CardReadProgress) =>
      this.emit({
        name: 'card.progress',
        payload: {
          step: payload.step,
          ...(payload.file !== undefined ? { file: payload.file } : {}),
          done: payload.done,
          total: payload.total,
        },
      });
    progress({ step: 'connecting', done: 0, total: null });
    let transport: CardTransport | null = null;
    let report: CardReadReport;
    try {
      transport = await devices.readers.connect(request.reader);
      report = reportForDisplay(
        await devices.readIdentityDocument(transport, access, {
          trustDir: devices.trustDir ?? this.options.trustDir,
          onProgress: progress,
        }),
      );
    } catch (error) {
      throw asCardError(error);
    } finally {
      await transport?.close().catch(() => undefined);
    }
    const record = await this.options.openRecord();
    return {
      report,
      matches: findCardHolder(record, report.identity, this.options.resourcesDir),
    };
  }

  /**
   * The identity an MRZ gives without the chip (a scanner at a desk with no card reader, or a
   * card whose chip does not answer): check digits checked, nothing else can be, so the report
   * says 'not-verifiable' and the access protocol 'none'.
   */
  async readMrz(lines: string[]): Promise<CardReadResult> {
    const check = checkMrzKey(lines);
    const report = reportForDisplay(identityReportFromMrz(check));
    const record = await this.options.openRecord();
    return { report, matches: findCardHolder(record, report.identity, this.options.resourcesDir) };
  }

  async close(): Promise<void> {
    this.unwatch?.();
    this.unwatch = null;
    const devices = this.devices;
    this.devices = null;
    const opened = devices ? await devices.catch(() => null) : null;
    await opened?.scanner?.close().catch(() => undefined);
    await opened?.readers.close();
  }
}
