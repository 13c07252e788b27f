/**
 * The chart's summary: what a doctor must see first when a chart opens. Each part is one query on
 * the indexed columns (a patient's rows of one type, filtered by status or date), so a patient
 * with hundreds of visits answers as fast as one with a few: only the rows shown are parsed.
 */
import type {
  AllergyIntolerance,
  Appointment,
  Condition,
  Encounter,
  Immunization,
  MedicationRequest,
  Observation,
  Patient,
} from '@medplum/fhirtypes';
import {
  vitalKinds,
  type ChartAlert,
  type ChartSummary,
  type VitalKind,
  type VitalReading,
} from '../contract/chart-types';
import { immunizationChart } from '../medication/immunization-schedule';
import type { LocalRecord } from '../record/local-record';
import {
  ageInYears,
  clinicDate,
  openEncounter,
  patientResources,
  readPatient,
  type ChartContext,
} from './chart-context';
import {
  allergyView,
  appointmentView,
  conditionCategory,
  isActiveAllergy,
  isActiveProblem,
  medicationView,
  problemView,
} from './chart-views';
import { vitalReading } from './vital-signs';

const DAY = 86_400_000;
/** A reading older than this raises no alert: the summary still shows it, with its date. */
const VITAL_ALERT_DAYS = 90;
const UPCOMING_APPOINTMENTS = 5;
const RECENT_DIAGNOSIS_DAYS = 30;
const VITALS_PAGE = 100;
/** Vital signs a reading of which can call for attention (BMI is a finding, not an alert). */
const alerting = new Set<VitalKind>(['bloodPressure', 'heartRate', 'temperature', 'spo2', 'glucose']);

/**
 * What the patient has now: the problem list's active problems, and a diagnosis made at a visit
 * that is still active and recent (an acute illness being treated). Older visit diagnoses that
 * nobody closed stay in their visit, not on the summary.
 */
function isCurrentProblem(condition: Condition, now: Date): boolean {
  if (conditionCategory(condition) === 'problem-list-item') return true;
  const since = condition.onsetDateTime ?? condition.recordedDate;
  return since !== undefined && new Date(since).getTime() >= now.getTime() - RECENT_DIAGNOSIS_DAYS * DAY;
}

/** Is the patient an adult (≥ 18 completed years) today? null when the birth date is unknown. */
export function isAdult(context: ChartContext, birthDate: string | undefined): boolean | null {
  const age = ageInYears(birthDate, clinicDate(context.now, context.country));
  return age === null ? null : age >= 18;
}

/** The newest reading of each vital kind, reading the patient's vital-sign rows newest first until each kind is found. */
export function latestVitals(record: LocalRecord, patientId: string, adult: boolean | null): VitalReading[] {
  const latest = new Map<VitalKind, VitalReading>();
  for (let offset = 0; latest.size < vitalKinds.length; offset += VITALS_PAGE) {
    const rows = patientResources<Observation>(record, patientId, 'Observation', {
      jsonLike: '%"vital-signs"%',
      limit: VITALS_PAGE,
      offset,
    });
    for (const row of rows) {
      const reading = vitalReading(row.resource, adult);
      if (reading && !latest.has(reading.kind)) latest.set(reading.kind, reading);
    }
    if (rows.length < VITALS_PAGE) break;
  }
  return vitalKinds.flatMap((kind) => latest.get(kind) ?? []);
}

/** Doses of the national schedule past due and not recorded, computed as the Immunizations tab does. */
function overdueDoses(context: ChartContext, patient: Patient, patientId: string) {
  const chart = immunizationChart({
    vaccines: context.terminology.terminology.vaccines,
    country: context.country,
    birthDate: patient.birthDate ?? null,
    gender: patient.gender ?? null,
    immunizations: patientResources<Immunization>(context.record, patientId, 'Immunization').map(
      (stored) => stored.resource,
    ),
    today: clinicDate(context.now, context.country),
    asOf: context.now.toISOString(),
  });
  return chart.schedule
    .filter((dose) => dose.status === 'overdue' && dose.dueDate !== null)
    .map((dose) => ({
      vaccine: { fr: dose.vaccine.fr, ar: dose.vaccine.ar, en: dose.vaccine.en },
      dose: dose.dose,
      dueDate: dose.dueDate as string,
    }));
}

export function chartSummary(context: ChartContext, patientId: string): ChartSummary {
  const { record, terminology } = context;
  return record.queries.transaction(() => {
    const patient = readPatient(record, patientId);
    const adult = isAdult(context, patient.birthDate);

    const allergies = patientResources<AllergyIntolerance>(record, patientId, 'AllergyIntolerance')
      .filter((stored) => isActiveAllergy(stored.resource))
      .map((stored) => allergyView(stored, terminology));
    const problems = patientResources<Condition>(record, patientId, 'Condition', {
      statuses: ['active', 'recurrence', 'relapse'],
    })
      .concat(patientResources<Condition>(record, patientId, 'Condition', { statuses: [null] }))
      .filter((stored) => isActiveProblem(stored.resource) && isCurrentProblem(stored.resource, context.now))
      .map((stored) => problemView(stored, terminology));
    const medications = patientResources<MedicationRequest>(record, patientId, 'MedicationRequest', {
      statuses: ['active'],
    }).map((stored) => medicationView(stored.resource, terminology));
    const vitals = latestVitals(record, patientId, adult);
    const appointments = patientResources<Appointment>(record, patientId, 'Appointment', {
      statuses: ['booked', 'pending', 'proposed', 'arrived', 'checked-in'],
      since: context.now.toISOString(),
      order: 'asc',
      limit: UPCOMING_APPOINTMENTS,
    }).map((stored) => appointmentView(stored.resource, terminology));
    const open = openEncounter(record, patientId);
    const last = patientResources<Encounter>(record, patientId, 'Encounter', {
      statuses: ['finished'],
      limit: 1,
    })[0];

    const alerts: ChartAlert[] = [];
    for (const allergy of allergies) {
      if (allergy.criticality === 'high')
        alerts.push({
          kind: 'severeAllergy',
          severity: 'danger',
          concept: allergy.substance,
          allergyId: allergy.allergyId,
        });
    }
    const recent = context.now.getTime() - VITAL_ALERT_DAYS * DAY;
    for (const reading of vitals) {
      if (!reading.flag || !alerting.has(reading.kind) || new Date(reading.date).getTime() < recent) continue;
      alerts.push({
        kind: 'abnormalVital',
        severity: reading.flag === 'criticalHigh' || reading.flag === 'criticalLow' ? 'danger' : 'warning',
        reading,
      });
    }
    const overdue = overdueDoses(context, patient, patientId);
    if (overdue.length > 0)
      alerts.push({ kind: 'overdueImmunizations', severity: 'warning', doses: overdue });
    const openVisit = open
      ? { encounterId: open.resource.id as string, start: open.resource.period?.start ?? null }
      : null;
    if (openVisit) alerts.push({ kind: 'openVisit', severity: 'info', ...openVisit });

    return {
      patientId,
      allergies,
      problems,
      medications,
      vitals,
      appointments,
      alerts,
      openVisit,
      lastVisit: last
        ? {
            encounterId: last.resource.id as string,
            start: last.resource.period?.start ?? null,
            type: last.resource.type?.[0]?.text ?? last.resource.type?.[0]?.coding?.[0]?.display ?? null,
          }
        : null,
      counts: record.store.countByPatient(patientId),
    };
  });
}
