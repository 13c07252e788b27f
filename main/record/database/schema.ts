/**
 * The record database's tables, as kysely sees them. One interface per table; the SQL that
 * creates them lives in the numbered migrations next to this file.
 */
import type { Generated } from 'kysely';

/** A FHIR resource: its JSON and the columns that queries need, pulled out and indexed. */
export interface ResourceTable {
  rowid: Generated<number>;
  type: string;
  id: string;
  /** Local version counter, starting at 1; becomes meta.versionId while the resource is unpushed. */
  version: number;
  /** The national service's meta.versionId as last seen (null: never synced). */
  remote_version: string | null;
  /** The national service's meta.lastUpdated of remote_version (migration 0005). */
  remote_updated: string | null;
  last_updated: string;
  /** The Patient the resource belongs to (for a Patient, its own id). */
  patient_id: string | null;
  status: string | null;
  /** The clinically relevant date (effective, onset, authored, occurrence, period start, …). */
  date: string | null;
  deleted: number;
  json: string;
}

/** One row per patient: what a search result shows, without parsing JSON. */
export interface PatientSearchTable {
  /** Also the rowid of the name index (patient_name_fts). */
  rowid: Generated<number>;
  patient_id: string;
  given_latin: string | null;
  family_latin: string | null;
  given_arabic: string | null;
  family_arabic: string | null;
  birth_date: string | null;
  gender: string | null;
  identifier_system: string | null;
  identifier_value: string | null;
  phone: string | null;
}

export interface PatientIdentifierTable {
  value: string;
  system: string;
  patient_id: string;
}

export interface PatientPhoneTable {
  digits: string;
  patient_id: string;
}

/** Local changes not yet acknowledged by the national service (the sync issue reads it). */
export interface OutboxTable {
  seq: Generated<number>;
  resource_type: string;
  resource_id: string;
  version: number;
  operation: 'create' | 'update' | 'delete';
  recorded: string;
  practitioner: string;
}

/** Append-only: triggers refuse UPDATE and DELETE. */
export interface AuditEventTable {
  seq: Generated<number>;
  id: string;
  recorded: string;
  /** FHIR AuditEvent.action: C R U D E. */
  action: 'C' | 'R' | 'U' | 'D' | 'E';
  practitioner: string;
  patient_id: string | null;
  entity_type: string | null;
  entity_id: string | null;
  workstation: string;
  json: string;
}

/** Facts about the record itself (e.g. `nameIndexVersion`). */
export interface RecordMetaTable {
  key: string;
  value: string;
}

/** Sync cursors and markers (main/sync/), one JSON value per key. */
export interface SyncStateTable {
  key: string;
  value: string;
}

/** Patients the pull follows besides the facility's. */
export interface SyncPatientTable {
  patient_id: string;
  reason: 'opened' | 'fetched' | 'facility';
  added: string;
}

/** Both versions of a resource changed on both sides; at most one open conflict per resource. */
export interface SyncConflictTable {
  seq: Generated<number>;
  resource_type: string;
  resource_id: string;
  patient_id: string | null;
  detected: string;
  /** `precondition-failed`: the server answered 412 to a push; `remote-change`: a pull met unpushed local changes. */
  cause: 'precondition-failed' | 'remote-change';
  /** The local version (resource.version) the conflict was recorded against. */
  local_version: number;
  /** The local resource; null when the local change was a deletion. */
  local_json: string | null;
  /** The server's meta.versionId; null when the server has deleted it. */
  remote_version: string | null;
  remote_json: string | null;
  status: Generated<'open' | 'resolved'>;
  resolved: string | null;
  resolution: 'local' | 'remote' | 'merged' | null;
  resolved_by: string | null;
}

export interface SyncRunTable {
  seq: Generated<number>;
  trigger: 'schedule' | 'reconnect' | 'manual' | 'cli' | 'fetch';
  started: string;
  finished: string | null;
  outcome: 'ok' | 'failed' | 'interrupted' | null;
  pulled: Generated<number>;
  pushed: Generated<number>;
  conflicts: Generated<number>;
  error_code: string | null;
  error_message: string | null;
}

/** The imaging index (main/imaging/): a patient as DICOM files identify them. */
export interface ImagingPatientTable {
  rowid: Generated<number>;
  patient_key: string;
  dicom_patient_id: string;
  issuer: string;
  other_ids_json: string;
  name_json: string | null;
  name_text: string;
  birth_date: string | null;
  sex: string;
  character_set: string;
}

export interface ImagingStudyTable {
  study_uid: string;
  imaging_patient: number;
  /** The record's Patient, once matched by national identifier or confirmed by a clinician. */
  patient_id: string | null;
  patient_link: 'identifier' | 'confirmed' | null;
  study_date: string | null;
  study_time: string | null;
  description: string;
  accession_number: string;
  study_id: string;
  /** 1: the PACS holds it too, so the cache may evict it. */
  pacs_held: Generated<number>;
  imported: string;
  last_access: string;
}

export interface ImagingSeriesTable {
  series_uid: string;
  study_uid: string;
  modality: string;
  series_number: number | null;
  description: string;
  /** (0018,0015) BodyPartExamined, migration 0011. */
  body_part: Generated<string>;
}

export interface ImagingInstanceTable {
  sop_instance_uid: string;
  series_uid: string;
  sop_class_uid: string;
  instance_number: number | null;
  frames: number;
  rows: number | null;
  columns: number | null;
  transfer_syntax: string;
  photometric: string;
  content_sha256: string;
  byte_size: number;
  /** The encrypted file's random id in the instance cache. */
  cache_file: string;
  cached_size: number;
  imported: string;
  /** ImagePositionPatient, ImageOrientationPatient as written ("x\\y\\z"), migration 0011. */
  image_position: string | null;
  image_orientation: string | null;
  /** 1 once the geometry was read (at import; older rows when their study is first opened). */
  geometry_read: Generated<number>;
}

/** A local practitioner account (migration 0006, main/auth/account-store.ts). */
export interface PractitionerAccountTable {
  id: string;
  username: string;
  /** The user name folded for comparison (NFKC, lower case); unique. */
  username_key: string;
  display_name: string;
  /** JSON array of roles (main/contract/permissions.ts). */
  roles: string;
  /** The FHIR Practitioner the account acts as. */
  practitioner_id: string;
  /** PHC string: `$scrypt$ln=…,r=…,p=…$salt$hash` (main/auth/password-hash.ts). */
  password_hash: string;
  failed_attempts: Generated<number>;
  locked_out_until: string | null;
  disabled: Generated<number>;
  created: string;
  updated: string;
}

export interface RecordDatabase {
  resource: ResourceTable;
  patient_search: PatientSearchTable;
  patient_identifier: PatientIdentifierTable;
  patient_phone: PatientPhoneTable;
  outbox: OutboxTable;
  audit_event: AuditEventTable;
  record_meta: RecordMetaTable;
  sync_state: SyncStateTable;
  sync_patient: SyncPatientTable;
  sync_conflict: SyncConflictTable;
  sync_run: SyncRunTable;
  imaging_patient: ImagingPatientTable;
  imaging_study: ImagingStudyTable;
  imaging_series: ImagingSeriesTable;
  imaging_instance: ImagingInstanceTable;
  practitioner_account: PractitionerAccountTable;
}
