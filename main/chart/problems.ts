/**
 * The problem list: ICD-10 coded Conditions (category problem-list-item) with onset, clinical
 * status and, once resolved, abatement. Created or updated at the version the doctor read.
 */
import type { Condition } from '@medplum/fhirtypes';
import type { ProblemStatus, ProblemView } from '../contract/chart-types';
import { TabibError } from '../errors';
import {
  applyNote,
  changedResource,
  clinicDate,
  createOrUpdate,
  patientResources,
  practitionerReference,
  readPatient,
  type ChartContext,
} from './chart-context';
import { icd10CodeableConcept, ICD10_SYSTEM } from './chart-terminology';
import { conditionCategory, conditionCategoryConcept, problemView } from './chart-views';

export interface SaveProblemRequest {
  patientId: string;
  /** With its version: an update; without: a new problem. */
  conditionId?: string | undefined;
  version?: number | undefined;
  code: string;
  clinicalStatus: ProblemStatus;
  /** YYYY-MM-DD. */
  onset?: string | null | undefined;
  /** YYYY-MM-DD; today by default when the problem is resolved or in remission. */
  abatement?: string | null | undefined;
  note?: string | null | undefined;
}

const ended = new Set<ProblemStatus>(['resolved', 'remission', 'inactive']);

/** Dates a clinician types: calendar dates, not after today, the end not before the start. */
export function assertDates(
  today: string,
  dates: { field: string; value: string | null | undefined }[],
  order?: [string, string],
): void {
  for (const { field, value } of dates) {
    if (value && value > today)
      throw new TabibError('CHART_DATE_INVALID', `${field} ${value} is after today`, {
        field,
        problem: 'future',
      });
  }
  if (order) {
    const [start, end] = order.map((field) => dates.find((date) => date.field === field)?.value);
    if (start && end && end < start)
      throw new TabibError('CHART_DATE_INVALID', `${order[1]} ${end} is before ${order[0]} ${start}`, {
        field: order[1],
        problem: 'order',
      });
  }
}

export function saveProblem(context: ChartContext, request: SaveProblemRequest): ProblemView {
  const { record, terminology } = context;
  const hit = terminology.icd10Code(request.code);
  if (!hit)
    throw new TabibError('TERMINOLOGY_UNKNOWN_CODE', `${request.code} is not an ICD-10 code Tabib knows`, {
      system: ICD10_SYSTEM,
      code: request.code,
    });
  const today = clinicDate(context.now, context.country);
  const abatement = ended.has(request.clinicalStatus) ? (request.abatement ?? today) : null;
  assertDates(
    today,
    [
      { field: 'onset', value: request.onset },
      { field: 'abatement', value: abatement },
    ],
    ['onset', 'abatement'],
  );
  return record.queries.transaction(() => {
    readPatient(record, request.patientId);
    const practitioner = practitionerReference(context);
    const previous = changedResource<Condition>(context, 'Condition', request.conditionId, request.patientId);
    const base: Condition = previous?.resource ?? {
      resourceType: 'Condition',
      verificationStatus: {
        coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
      },
      category: [conditionCategoryConcept('problem-list-item')],
      subject: { reference: `Patient/${request.patientId}` },
      recordedDate: context.now.toISOString(),
      ...(practitioner ? { recorder: practitioner } : {}),
    };
    const sameCode = base.code?.coding?.some(
      (coding) => coding.system === ICD10_SYSTEM && coding.code === hit.code,
    );
    const condition: Condition = {
      ...base,
      clinicalStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/condition-clinical',
            code: request.clinicalStatus,
          },
        ],
      },
      code: sameCode && base.code ? base.code : icd10CodeableConcept(hit),
    };
    delete condition.onsetDateTime;
    delete condition.abatementDateTime;
    if (request.onset) condition.onsetDateTime = request.onset;
    else if (request.onset === undefined && base.onsetDateTime) condition.onsetDateTime = base.onsetDateTime;
    if (abatement) condition.abatementDateTime = abatement;
    applyNote(condition, request.note, context.now);
    // A diagnosis made at a visit that the doctor keeps on the problem list becomes a problem.
    if (previous && conditionCategory(previous.resource) === 'encounter-diagnosis')
      condition.category = [...(condition.category ?? []), conditionCategoryConcept('problem-list-item')];
    const saved = createOrUpdate(context, condition, previous ? { version: request.version } : null);
    return problemView(saved, terminology);
  });
}

/** The problem list, all statuses: active ones first, then the most recent onset. */
export function listProblems(context: ChartContext, patientId: string): ProblemView[] {
  const { record, terminology } = context;
  return record.queries.transaction(() => {
    readPatient(record, patientId);
    const rank = (view: ProblemView) =>
      view.clinicalStatus === null || ['active', 'recurrence', 'relapse'].includes(view.clinicalStatus)
        ? 0
        : 1;
    return patientResources<Condition>(record, patientId, 'Condition')
      .filter((stored) => conditionCategory(stored.resource) === 'problem-list-item')
      .filter((stored) => stored.resource.verificationStatus?.coding?.[0]?.code !== 'entered-in-error')
      .map((stored) => problemView(stored, terminology))
      .sort((a, b) => rank(a) - rank(b) || (b.onset ?? '').localeCompare(a.onset ?? ''));
  });
}
