/**
 * The contract between renderer and main: every call the renderer may make (name, argument
 * schema, result type) and every event main may send. main registers its handlers from it
 * (main/services/contract-server.ts), preload exposes it as `window.tabib`, and the e2e harness
 * binds the same handlers into Chromium. Arguments are validated once, where they arrive.
 */
import { z } from 'zod';
import { countries, languages, syncStates, updateStates } from './types';
import { sessionChanges, sessionStates } from './auth-types';
import type {
  AppConfigView,
  AppInfo,
  AuditTrailEntry,
  CardAccessCheck,
  CardReadersView,
  CardReadResult,
  ChartHeader,
  EnrolmentResult,
  HealthReport,
  NationalFetchResult,
  PatientSearchResult,
  RecordStatus,
  ReleaseVerification,
  SeedReport,
  SyncConflictView,
  SyncRunView,
  SyncStatus,
  UpdatePlan,
  UpdateProgress,
  UpdateStatus,
  UpdateVerdict,
} from './types';
import type { CallName, EventName } from './names';

export { adminCallNames, callChannel, callNames, eventChannel, eventNames, isCallName } from './names';
export type { AdminCallName, CallName, EventName, RendererCallName } from './names';

import { call, fhirId, none, type CallSpec } from './call-spec';
import { authCalls } from './features/auth-contract';
import { registrationCalls } from './features/registration-contract';
import { chartCalls } from './features/chart-contract';
import { medicationCalls } from './features/medication-contract';
import { careCalls } from './features/care-contract';
import { printCalls } from './features/print-contract';
import { imagingCalls } from './features/imaging-contract';

/** Also the update server's URL in the machine-wide configuration (main/config/schema.ts). */
export const httpsUrl = z
  .string()
  .trim()
  .url()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    // Loopback http is accepted for a service on the same machine (tests, a local gateway);
    // anything that crosses a network must be https.
    return (
      url.protocol === 'https:' ||
      (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname))
    );
  }, 'must be an https URL');

/** semver.org 2.0.0 §2, §9, §10: the shape only; main/update parses it with the semver package. */
const semanticVersion = z
  .string()
  .max(64)
  .regex(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/, 'must be a semantic version');

const facility = z
  .object({
    id: z.string().trim().min(1).max(64),
    name: z.string().trim().min(1).max(200),
  })
  .strict();

/**
 * A machine readable zone as typed or scanned: ICAO 9303 TD1 (3 × 30 characters, ID cards), TD2
 * (2 × 36) or TD3 (2 × 44, passports); only A–Z, 0–9 and the filler '<' (ICAO 9303-3 §4.3).
 */
const mrzLines = z
  .array(z.string().regex(/^[A-Z0-9<]{30,44}$/, 'must be an MRZ line'))
  .min(2)
  .max(3);
/** ICAO 9303-11 §9.7.3: the card access number printed on the card, 6 digits. */
const cardAccessNumber = z.string().regex(/^\d{6}$/, 'must be 6 digits');
const readerName = z.string().min(1).max(200);

/**
 * A clinician's merge of a conflict: a FHIR resource (its type and id checked against the conflict,
 * its content validated by the record's store like any local write), at most 1 MB of JSON.
 */
const mergedResource = z
  .looseObject({ resourceType: z.string().regex(/^[A-Z][A-Za-z]{1,63}$/), id: fhirId })
  .refine((resource) => JSON.stringify(resource).length <= 1_000_000, 'must be at most 1 MB');

export const calls = {
  'app.info': call<AppInfo>()(none, 'open', 'Application version, runtime and data folder.'),
  'app.health': call<HealthReport>()(none, 'session', 'The health report that `tabib doctor` prints.'),
  'config.get': call<AppConfigView>()(
    none,
    'open',
    'The effective configuration (user settings under administrator overrides).',
  ),
  'settings.setLanguage': call<AppConfigView>()(
    z.object({ language: z.enum(languages) }).strict(),
    'signedOut',
    'Set the interface language for this workstation user.',
  ),
  'setup.enrol': call<EnrolmentResult>()(
    z
      .object({
        baseUrl: httpsUrl,
        tokenUrl: httpsUrl,
        clientId: z.string().trim().min(1).max(200),
        facility,
        country: z.enum(countries),
      })
      .strict(),
    'firstRun',
    'Enrol this workstation with a national record service; creates its signing key.',
  ),
  'setup.startDemo': call<AppConfigView>()(
    z.object({ country: z.enum(countries) }).strict(),
    'firstRun',
    'Run this workstation as a demonstration with synthetic data only.',
  ),
  'record.status': call<RecordStatus>()(
    none,
    'session',
    'The local record: size, counts, pending changes, cipher.',
  ),
  'patients.search': call<PatientSearchResult>()(
    z
      .object({
        query: z.string().max(200),
        limit: z.number().int().min(1).max(200).optional(),
      })
      .strict(),
    'patient.read',
    'Find patients by national identifier, name (any script, any order), birth date or year, phone.',
  ),
  'patients.openChart': call<ChartHeader>()(
    z.object({ patientId: fhirId, reason: z.string().trim().min(1).max(500).optional() }).strict(),
    'patient.read',
    'Open a patient’s chart: its header; the opening is audited.',
  ),
  'patients.fetchNational': call<NationalFetchResult>()(
    z
      .object({
        system: z.string().trim().min(1).max(500).optional(),
        value: z.string().trim().min(1).max(64),
      })
      .strict(),
    'patient.read',
    'Fetch a patient not in the local record from the national record by identifier (the country’s national one by default), with their record; patients.fetchProgress follows. Then open the chart as usual.',
  ),
  'record.rekey': call<{ pages: number }>()(
    none,
    'host',
    'Administrators: re-encrypt the record under a new key.',
  ),
  'record.auditTrail': call<AuditTrailEntry[]>()(
    z.object({ patientId: fhirId }).strict(),
    'audit.read',
    'Administrators: who accessed a patient’s record, and what they did.',
  ),
  'demo.seed': call<SeedReport>()(
    z
      .object({
        patients: z.number().int().min(1).max(2_000_000),
        seed: z
          .number()
          .int()
          .min(0)
          .max(2 ** 31)
          .optional(),
      })
      .strict(),
    'host',
    'Add synthetic patients with their records (a demonstration workstation only).',
  ),
  'update.status': call<UpdateStatus>()(
    none,
    'session',
    'Updates: installed version, policy (set by the administrator), state, last check and the decision log.',
  ),
  'update.respondToInstall': call<UpdateStatus>()(
    z.object({ accept: z.boolean() }).strict(),
    'session',
    'Answer the offer to restart and install a verified update now (maintenance window).',
  ),
  'release.verify': call<ReleaseVerification>()(
    z.object({ url: httpsUrl, keysFile: z.string().min(1).max(4096).optional() }).strict(),
    'host',
    'Administrators: check a published release as a workstation would — key chain, signature, files, feeds.',
  ),
  'update.check': call<UpdatePlan>()(
    z.object({ pendingVersion: semanticVersion.nullable(), updaterActive: z.boolean() }).strict(),
    'host',
    'Update driver: fetch and verify the signed manifest, decide for this installation, log the decision.',
  ),
  'update.verifyFeed': call<UpdateVerdict>()(
    z
      .object({
        version: z.string().max(64),
        files: z
          .array(
            z
              .object({
                url: z.string().max(2048),
                sha512: z.string().max(200),
                size: z.number().int().nonnegative().nullable().optional(),
              })
              .strict(),
          )
          .max(32),
      })
      .strict(),
    'host',
    'Update driver: electron-updater’s feed must list exactly the signed files before it may download.',
  ),
  'update.reportProgress': call<UpdateProgress>()(
    z.object({ transferred: z.number().int().nonnegative(), total: z.number().int().nonnegative() }).strict(),
    'host',
    'Update driver: download progress, for the Administration screen.',
  ),
  'update.reportFailure': call<UpdateVerdict>()(
    z
      .object({
        stage: z.enum(['feed', 'download']),
        code: z.string().max(100).nullable(),
        status: z.number().int().min(100).max(599).nullable(),
        message: z.string().max(2000),
      })
      .strict(),
    'host',
    'Update driver: electron-updater failed or refused; logged with a reason code.',
  ),
  'update.verifyDownload': call<UpdateVerdict>()(
    z.object({ version: semanticVersion, file: z.string().min(1).max(4096) }).strict(),
    'host',
    'Update driver: the downloaded file’s SHA-512 against the signed manifest; only then may it be installed.',
  ),
  'update.offerInstall': call<UpdateStatus>()(
    z.object({ version: semanticVersion }).strict(),
    'host',
    'Update driver: the maintenance window is open with a verified update; ask the person at the workstation.',
  ),
  'card.readers': call<CardReadersView>()(
    none,
    'card.read',
    'The card readers attached to this workstation and whether each holds a card; card.inserted and card.removed follow.',
  ),
  'card.checkAccess': call<CardAccessCheck>()(
    z
      .object({
        mrz: z.array(z.string().max(64)).max(4).optional(),
        can: z.string().max(16).optional(),
      })
      .strict()
      .refine((key) => (key.mrz === undefined) !== (key.can === undefined), 'give either mrz or can'),
    'card.read',
    'Check a typed MRZ (line lengths, characters, check digits) or CAN before reading the card; reads nothing.',
  ),
  'card.read': call<CardReadResult>()(
    z
      .object({ reader: readerName.optional(), mrz: mrzLines.optional(), can: cardAccessNumber.optional() })
      .strict()
      .refine((key) => (key.mrz === undefined) !== (key.can === undefined), 'give either mrz or can'),
    'card.read',
    'Read the identity document in a reader (card.progress follows the read) and find its holder in the local record.',
  ),
  'card.readMrz': call<CardReadResult>()(
    z.object({ mrz: mrzLines }).strict(),
    'card.read',
    'Identify from the MRZ alone, without the chip (nothing can be verified), and find the holder in the local record.',
  ),
  'sync.status': call<SyncStatus>()(
    none,
    'sync.watch',
    'Sync with the national record: state, last success and attempt, pending changes, open conflicts, last error, run history.',
  ),
  'sync.runNow': call<SyncRunView>()(
    none,
    'sync.watch',
    'Sync now (or right after the run in progress); answers with the run’s report. sync.progress and sync.status follow it.',
  ),
  'sync.reconnected': call<SyncStatus>()(
    none,
    'session',
    'The network is back (the window’s online event): sync now, forgetting the backoff.',
  ),
  'sync.conflicts': call<SyncConflictView[]>()(
    z
      .object({
        status: z.enum(['open', 'resolved']).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      })
      .strict(),
    'sync.watch',
    'Conflicts between this workstation and the national record, with both versions: open ones first.',
  ),
  'sync.resolveConflict': call<SyncConflictView>()(
    z
      .object({
        seq: z.number().int().positive(),
        choice: z.enum(['local', 'remote', 'merged']),
        merged: mergedResource.optional(),
      })
      .strict()
      .refine((request) => (request.choice === 'merged') === (request.merged !== undefined), {
        message: 'give the merged resource with, and only with, choice "merged"',
        path: ['merged'],
      }),
    'sync.resolve',
    'Resolve a conflict: keep this workstation’s version, the national record’s, or a merge; becomes a new local change.',
  ),
  ...authCalls,
  ...registrationCalls,
  ...chartCalls,
  ...medicationCalls,
  ...careCalls,
  ...printCalls,
  ...imagingCalls,
  'sync.runOnce': call<SyncRunView>()(
    none,
    'host',
    'Administrators (`tabib sync --once`): one sync now, recorded as triggered by the CLI.',
  ),
} as const satisfies Record<CallName, CallSpec<z.ZodType, unknown>>;

export type Calls = typeof calls;
export type CallArgs<N extends CallName> = z.input<Calls[N]['args']>;
export type ParsedCallArgs<N extends CallName> = z.output<Calls[N]['args']>;
export type CallResult<N extends CallName> = NonNullable<Calls[N]['result']>;

const syncPhase = z.enum(['idle', 'pull', 'push', 'error']);

/** Events from main to the renderer. */
export const events = {
  'config.changed': z.object({ reason: z.enum(['language', 'enrolment', 'demo', 'administrator']) }),
  'sync.progress': z.object({
    phase: syncPhase,
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  /** The sync's state changed (a run started or ended, a conflict was resolved): ask sync.status for more. */
  'sync.status': z.object({
    state: z.enum(syncStates),
    running: z.boolean(),
    pendingChanges: z.number().int().nonnegative(),
    openConflicts: z.number().int().nonnegative(),
  }),
  /** patients.fetchNational's progress: resources received, out of the server's total when it gives one. */
  'patients.fetchProgress': z.object({
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  'record.seedProgress': z.object({
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
  }),
  'card.inserted': z.object({ reader: z.string() }),
  'card.removed': z.object({ reader: z.string() }),
  /** A document through the configured HID scanner: its MRZ lines, or why there are none. */
  'card.mrzScanned': z.union([
    z.object({ mrz: z.array(z.string()), problem: z.null() }),
    z.object({ mrz: z.null(), problem: z.enum(['unreadable', 'scannerFailed']) }),
  ]),
  'card.progress': z.object({
    step: z.enum(['connecting', 'access', 'reading', 'verifying', 'done']),
    file: z.string().optional(),
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative().nullable(),
  }),
  'update.changed': z.object({ state: z.enum(updateStates), version: z.string().nullable() }),
  /** The session changed (sign-in, sign-out, lock, unlock, an account or the idle delay): ask auth.status. */
  'auth.changed': z.object({ state: z.enum(sessionStates), change: z.enum(sessionChanges) }),
  /** imaging.import, imaging.importFiles and imaging.pacsRetrieve: one file (or instance) done. */
  'imaging.importProgress': z.object({
    done: z.number().int().nonnegative(),
    total: z.number().int().nonnegative(),
    path: z.string(),
    status: z.enum(['imported', 'duplicate', 'error']),
  }),
} as const satisfies Record<EventName, z.ZodType>;

export type Events = typeof events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;
