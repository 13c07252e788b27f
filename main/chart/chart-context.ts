/**
 * What every chart read and write works with: the open record, the terminology, who acts, the
 * clinic's clock and place; and the queries the chart makes on the store's indexed columns
 * (patient_id, type, status, date: the `resource_by_patient` index), reading only the rows a
 * screen needs.
 */
import type { Annotation, Encounter, Organization, Patient, Reference, Resource } from '@medplum/fhirtypes';
import type { Country, Language } from '../contract/types';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import type { StoredResource } from '../record/resource-store';
import { patientOf, type RecordResourceType } from '../record/resource-types';
import type { ChartTerminology } from './chart-terminology';

export interface ChartContext {
  record: LocalRecord;
  terminology: ChartTerminology;
  actor: Actor;
  now: Date;
  country: Country;
  language: Language;
  facility: { id: string; name: string } | null;
}

export interface RowQuery {
  /** The status column's values wanted (null: no status). */
  statuses?: readonly (string | null)[];
  /** Only rows whose date is at or after this (ISO text compares in time order for instants in UTC). */
  since?: string;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  /** A LIKE pattern on the JSON: a cheap prefilter, always checked again on the parsed resource. */
  jsonLike?: string;
}

/** A patient's resources of one type, newest first unless asked otherwise, with their local versions. */
export function patientResources<T extends Resource>(
  record: LocalRecord,
  patientId: string,
  type: RecordResourceType,
  query: RowQuery = {},
): StoredResource<T>[] {
  const where = ['patient_id = ?', 'type = ?', 'deleted = 0'];
  const values: unknown[] = [patientId, type];
  if (query.statuses?.length) {
    const named = query.statuses.filter((status): status is string => status !== null);
    const alternatives = named.length ? [`status in (${named.map(() => '?').join(', ')})`] : [];
    if (named.length < query.statuses.length) alternatives.push('status is null');
    where.push(`(${alternatives.join(' or ')})`);
    values.push(...named);
  }
  if (query.since !== undefined) {
    where.push('date >= ?');
    values.push(query.since);
  }
  if (query.jsonLike !== undefined) {
    where.push(`json like ? escape '\\'`);
    values.push(query.jsonLike);
  }
  const direction = query.order === 'asc' ? 'asc' : 'desc';
  let sql = `select version, json from resource where ${where.join(' and ')} order by date ${direction}, rowid ${direction}`;
  if (query.limit !== undefined) {
    sql += ' limit ? offset ?';
    values.push(query.limit, query.offset ?? 0);
  }
  const rows = record.queries.statement(sql).all(...values) as { version: number; json: string }[];
  return rows.map((row) => ({ resource: JSON.parse(row.json) as T, version: row.version }));
}

/** Escapes a text for a LIKE pattern with `escape '\'`. */
export function likeText(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

export function readPatient(record: LocalRecord, patientId: string): Patient {
  const patient = record.store.read<Patient>('Patient', patientId);
  if (!patient) throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
  return patient;
}

/** A resource that must belong to the patient the call names. */
export function assertOfPatient(resource: Resource, patientId: string): void {
  if (patientOf(resource) !== patientId)
    throw new TabibError(
      'CHART_PATIENT_MISMATCH',
      `${resource.resourceType}/${resource.id} is not in Patient/${patientId}’s record`,
      { resourceType: resource.resourceType, id: resource.id, patientId },
    );
}

export function referenceId(reference: Reference | undefined, type: string): string | null {
  const match = /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference?.reference ?? '');
  return match && match[1] === type ? (match[2] as string) : null;
}

/**
 * Who acts, as a reference the record can hold: the practitioner's own resource when the record
 * has it (a reference must resolve), else their name only. A workstation acting as itself
 * (`Device/…`) is no practitioner: null.
 */
export function practitionerReference(context: ChartContext): Reference<never> | null {
  const { reference, display } = context.actor;
  const [type, id] = reference.split('/') as [string, string | undefined];
  if (type !== 'Practitioner' && type !== 'PractitionerRole') return null;
  const exists = id !== undefined && context.record.store.read(type, id) !== null;
  return (exists ? { reference, display } : { display }) as Reference<never>;
}

/** The facility the visit takes place in: its Organization when the record has it, else its identifier. */
export function facilityReference(context: ChartContext): Reference<Organization> | undefined {
  const facility = context.facility;
  if (!facility) return undefined;
  const row = context.record.queries
    .statement(
      `select id, json from resource where type = 'Organization' and deleted = 0 and json like ? escape '\\' limit 1`,
    )
    .get(`%"system":"urn:tabib:facility","value":"${likeText(facility.id)}"%`) as
    { id: string; json: string } | undefined;
  if (!row)
    return { identifier: { system: 'urn:tabib:facility', value: facility.id }, display: facility.name };
  const organization = JSON.parse(row.json) as Organization;
  return { reference: `Organization/${row.id}`, display: organization.name ?? facility.name };
}

/** The patient's visit in progress, if any (the newest one). */
export function openEncounter(record: LocalRecord, patientId: string): StoredResource<Encounter> | null {
  return (
    patientResources<Encounter>(record, patientId, 'Encounter', { statuses: ['in-progress'], limit: 1 })[0] ??
    null
  );
}

/** The clinic's calendar date (YYYY-MM-DD) at an instant: the countries' zones (IANA tz). */
const zones: Record<Country, string> = { MA: 'Africa/Casablanca', DZ: 'Africa/Algiers', TN: 'Africa/Tunis' };

export function clinicDate(instant: Date, country: Country): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: zones[country],
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(instant);
}

/** Completed years between a birth date (YYYY-MM-DD or a prefix) and a calendar date. */
export function ageInYears(birthDate: string | undefined, today: string): number | null {
  if (!birthDate || !/^\d{4}/.test(birthDate)) return null;
  const [year, month = 1, day = 1] = birthDate.split('-').map(Number) as [number, number?, number?];
  const [toYear, toMonth, toDay] = today.split('-').map(Number) as [number, number, number];
  const before = toMonth < month || (toMonth === month && toDay < day);
  return toYear - year - (before ? 1 : 0);
}

/** The resource a write changes (null for a new one): it must exist and be the patient's. */
export function changedResource<T extends Resource>(
  context: ChartContext,
  type: RecordResourceType,
  id: string | undefined,
  patientId: string,
): StoredResource<T> | null {
  if (id === undefined) return null;
  const stored = context.record.store.readStored<T>(type, id);
  if (!stored) throw new TabibError('RESOURCE_NOT_FOUND', `${type}/${id} is not in the record`);
  assertOfPatient(stored.resource, patientId);
  return stored;
}

/** Creates the resource, or updates it at the version the clinician read (VERSION_CONFLICT otherwise). */
export function createOrUpdate<T extends Resource>(
  context: ChartContext,
  resource: T,
  update: { version: number | undefined } | null,
): StoredResource<T> {
  return update
    ? context.record.store.update(resource, context.actor, update.version)
    : context.record.store.create(resource, context.actor);
}

/** The clinician's remark on a resource: replaced when given, removed when null, kept when undefined. */
export function applyNote(
  resource: { note?: Annotation[] },
  note: string | null | undefined,
  now: Date,
): void {
  if (note === undefined) return;
  if (note) resource.note = [{ text: note, time: now.toISOString() }];
  else delete resource.note;
}
