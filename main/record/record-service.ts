/**
 * The record as the services see it: opened on first use (the key needs the OS keychain, which
 * is asynchronous), kept open, closed on shutdown. Says who the actor is.
 */
import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Keychain } from '../../native/keychain/keychain';
import type { ConfigStore } from '../config/config-store';
import { installationId } from '../config/installation-id';
import type { DataLayout } from '../config/paths';
import type { RecordStatus } from '../contract/types';
import type { Actor, Workstation } from './actor';
import { RECORD_CIPHER } from './database/ciphers';
import { DEMO_ACTOR_DISPLAY, DEMO_ACTOR_ID } from './demo/generator';
import { LocalRecord, rekeyRecord, type ConceptLabels, type LocalRecordOptions } from './local-record';
import { loadTerminology } from './demo/terminology';
import { createSearchRules } from './search/search-rules-for-country';

/** ICD-10 labels in fr, ar and en from resources/terminology (where the problem list's codes come from). */
function terminologyLabels(resourcesDir: string): ConceptLabels {
  const terminology = loadTerminology(resourcesDir);
  return (system, code) => {
    if (system !== terminology.icd10.system) return null;
    const known = terminology.icd10ByCode.get(code);
    return known ? { fr: known.fr, ar: known.ar, en: known.en } : null;
  };
}

export interface RecordServiceDependencies {
  layout: DataLayout;
  config: ConfigStore;
  keychain: Keychain;
  resourcesDir: string;
  clock?: () => Date;
  /** The signed-in practitioner, if any (main/auth/auth-service.ts): they act in the record. */
  sessionActor?: () => Actor | null;
}

export class RecordService {
  private opening: Promise<LocalRecord> | null = null;

  constructor(private readonly deps: RecordServiceDependencies) {}

  now(): Date {
    return this.deps.clock?.() ?? new Date();
  }

  workstation(): Workstation {
    const config = this.deps.config.effective();
    return { id: installationId(this.deps.layout.installationId), facilityId: config.facility?.id ?? null };
  }

  private options(): LocalRecordOptions {
    const config = this.deps.config.effective();
    return {
      databasePath: this.deps.layout.recordDatabase,
      keyPath: this.deps.layout.recordKey,
      keychain: this.deps.keychain,
      // A demonstration holds synthetic patients only (health-report.ts says the same).
      allowWeakKeychain: config.allowWeakKeychain || config.mode === 'demo',
      workstation: this.workstation(),
      rules: createSearchRules(this.deps.resourcesDir, config.country),
      conceptLabels: terminologyLabels(this.deps.resourcesDir),
      ...(this.deps.clock ? { clock: this.deps.clock } : {}),
    };
  }

  /** Opens the record once; a failed open is not cached, so the next call tries again. */
  open(): Promise<LocalRecord> {
    if (!this.opening) {
      this.opening = LocalRecord.open(this.options()).catch((error: unknown) => {
        this.opening = null;
        throw error;
      });
    }
    return this.opening;
  }

  /**
   * Who acts in the record: the signed-in practitioner (main/auth/). Without a session — the
   * `tabib` CLI, the services' own work — a real workstation acts as itself (`Device/<id>`, with
   * the OS user's name) and a demonstration as its seeded doctor.
   */
  actor(): Actor {
    const signedIn = this.deps.sessionActor?.();
    if (signedIn) return signedIn;
    const config = this.deps.config.effective();
    if (config.mode === 'demo')
      return { reference: `Practitioner/${DEMO_ACTOR_ID}`, display: DEMO_ACTOR_DISPLAY };
    const user = userInfo().username;
    return { reference: `Device/${this.workstation().id}`, display: `${user} @ Tabib` };
  }

  /** The record's database exists (or is being opened): false on a first run, before anything is written. */
  exists(): boolean {
    return this.opening !== null || existsSync(this.deps.layout.recordDatabase);
  }

  /**
   * Drops what the open record holds about patients in memory besides the database (sign-out):
   * the search's name cache, and the connection's cache of decrypted pages.
   */
  async forgetCaches(): Promise<void> {
    const record = await this.opening?.catch(() => null);
    record?.forgetCaches();
  }

  async status(): Promise<RecordStatus> {
    if (!existsSync(this.deps.layout.recordDatabase) && !this.opening) {
      const { backend } = await this.deps.keychain.describe();
      return {
        state: 'notCreated',
        patients: 0,
        resources: 0,
        pendingChanges: 0,
        cipher: RECORD_CIPHER,
        keychainBackend: backend,
        sizeBytes: 0,
      };
    }
    return (await this.open()).status();
  }

  async rekey(): Promise<{ pages: number }> {
    await this.close();
    return rekeyRecord(this.options());
  }

  async close(): Promise<void> {
    const opening = this.opening;
    this.opening = null;
    if (opening) (await opening.catch(() => null))?.close();
  }
}
