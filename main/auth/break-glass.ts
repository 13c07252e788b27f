/**
 * Break-the-glass: a practitioner opens the chart of a patient outside the facility's list
 * (facility-patients.ts) because care needs it now. It is allowed, never silent: the opening must
 * give a reason, and its AuditEvent says so — `purposeOfEvent` and the agent's `purposeOfUse` are
 * HL7 v3 ActReason `BTG` "break the glass" (as IHE BALP and the FHIR security labels name it),
 * `outcomeDesc` is the reason, the agent the signed-in practitioner. Administrators review them
 * (`audit.breakGlass`), found through the partial index of migration 0006.
 */
import type { AuditEvent, Coding, Patient } from '@medplum/fhirtypes';
import type { BreakGlassAccess } from '../contract/auth-types';
import { TabibError } from '../errors';
import type { LocalRecord } from '../record/local-record';
import { isOnFacilityList, type FacilityContext } from './facility-patients';

/** HL7 v3 ActReason BTG (http://terminology.hl7.org/CodeSystem/v3-ActReason). */
export const BREAK_THE_GLASS: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
  code: 'BTG',
  display: 'break the glass',
};

export interface ChartAccess {
  /** The opening is a break-the-glass one: audit it with BREAK_THE_GLASS. */
  breakGlass: boolean;
}

/**
 * May this chart be opened, and how: a patient on the facility's list opens as usual; any other
 * needs a reason (BREAK_GLASS_REQUIRED without one). A patient not in the record is
 * RESOURCE_NOT_FOUND, as the opening itself would say.
 */
export function chartAccess(
  record: LocalRecord,
  patientId: string,
  reason: string | undefined,
  facility: FacilityContext,
): ChartAccess {
  if (!record.store.read<Patient>('Patient', patientId))
    throw new TabibError('RESOURCE_NOT_FOUND', `Patient/${patientId} is not in the record`);
  if (isOnFacilityList(record, patientId, facility)) return { breakGlass: false };
  if (!reason?.trim())
    throw new TabibError(
      'BREAK_GLASS_REQUIRED',
      `Patient/${patientId} is not on this facility's list: opening the chart needs a reason`,
      { patientId },
    );
  return { breakGlass: true };
}

/** Break-the-glass openings, newest first (the query repeats the partial index's expression). */
export function breakGlassAccesses(record: LocalRecord, limit = 200): BreakGlassAccess[] {
  const rows = record.queries
    .statement(
      `select id, recorded, practitioner, patient_id, workstation, json from audit_event
        where json_extract(json, '$.purposeOfEvent[0].coding[0].code') = 'BTG'
        order by recorded desc, seq desc limit ?`,
    )
    .all(limit) as {
    id: string;
    recorded: string;
    practitioner: string;
    patient_id: string | null;
    workstation: string;
    json: string;
  }[];
  return rows
    .filter((row) => row.patient_id !== null)
    .map((row) => {
      const event = JSON.parse(row.json) as AuditEvent;
      const patient = record.store.read<Patient>('Patient', row.patient_id as string);
      return {
        id: row.id,
        recorded: row.recorded,
        practitioner: {
          reference: row.practitioner,
          display: event.agent?.[0]?.who?.display ?? row.practitioner,
        },
        patientId: row.patient_id as string,
        patient: patient ? record.patients.summaryOf(patient) : null,
        reason: event.outcomeDesc ?? '',
        workstation: row.workstation,
      };
    });
}
