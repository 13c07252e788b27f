/** FHIR resources as the chart's screens read them (contract/chart-types.ts): pure mappings. */
import type {
  AllergyIntolerance,
  Appointment,
  CodeableConcept,
  Condition,
  MedicationRequest,
  Reference,
} from '@medplum/fhirtypes';
import {
  allergyCategories,
  allergyCriticalities,
  allergyStatuses,
  allergyVerifications,
  problemStatuses,
  reactionSeverities,
  type AllergyView,
  type AppointmentView,
  type MedicationView,
  type ProblemView,
} from '../contract/chart-types';
import type { StoredResource } from '../record/resource-store';
import { referenceId } from './chart-context';
import type { ChartTerminology } from './chart-terminology';

function oneOf<T extends string>(values: readonly T[], value: string | undefined): T | null {
  return value !== undefined && (values as readonly string[]).includes(value) ? (value as T) : null;
}

export function codeOf(concept: CodeableConcept | undefined, system?: string): string | undefined {
  return concept?.coding?.find((coding) => system === undefined || coding.system === system)?.code;
}

const CONDITION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/condition-category';

/** FHIR R4 condition-category: what the chart writes (terminology.hl7.org CodeSystem condition-category). */
export function conditionCategoryConcept(code: 'problem-list-item' | 'encounter-diagnosis'): CodeableConcept {
  const display = code === 'problem-list-item' ? 'Problem List Item' : 'Encounter Diagnosis';
  return { coding: [{ system: CONDITION_CATEGORY, code, display }] };
}

export function conditionCategory(condition: Condition): 'problem-list-item' | 'encounter-diagnosis' {
  const codes = (condition.category ?? []).flatMap((category) =>
    (category.coding ?? [])
      .filter((coding) => coding.system === CONDITION_CATEGORY)
      .map((coding) => coding.code),
  );
  // A condition without category is what the patient has: the problem list.
  return codes.includes('encounter-diagnosis') && !codes.includes('problem-list-item')
    ? 'encounter-diagnosis'
    : 'problem-list-item';
}

export function isActiveProblem(condition: Condition): boolean {
  const status = codeOf(condition.clinicalStatus);
  const verification = codeOf(condition.verificationStatus);
  if (verification === 'entered-in-error' || verification === 'refuted') return false;
  return status === undefined || status === 'active' || status === 'recurrence' || status === 'relapse';
}

function notes(annotations: { text: string }[] | undefined): string | null {
  const text = (annotations ?? []).map((annotation) => annotation.text).join('\n');
  return text.length > 0 ? text : null;
}

export function problemView(stored: StoredResource<Condition>, terminology: ChartTerminology): ProblemView {
  const condition = stored.resource;
  const concept = terminology.label(condition.code);
  return {
    conditionId: condition.id as string,
    version: stored.version,
    concept,
    category: conditionCategory(condition),
    clinicalStatus: oneOf(problemStatuses, codeOf(condition.clinicalStatus)),
    onset: condition.onsetDateTime ?? condition.onsetPeriod?.start ?? null,
    abatement: condition.abatementDateTime ?? condition.abatementPeriod?.end ?? null,
    recorded: condition.recordedDate ?? null,
    encounterId: referenceId(condition.encounter, 'Encounter'),
    note: notes(condition.note),
  };
}

export function isActiveAllergy(allergy: AllergyIntolerance): boolean {
  const status = codeOf(allergy.clinicalStatus);
  const verification = codeOf(allergy.verificationStatus);
  return (
    (status === undefined || status === 'active') &&
    verification !== 'refuted' &&
    verification !== 'entered-in-error'
  );
}

export function allergyView(
  stored: StoredResource<AllergyIntolerance>,
  terminology: ChartTerminology,
): AllergyView {
  const allergy = stored.resource;
  const reactions = (allergy.reaction ?? []).flatMap((reaction) =>
    reaction.manifestation.map((manifestation) => terminology.label(manifestation)),
  );
  const severities = (allergy.reaction ?? [])
    .map((reaction) => reaction.severity)
    .filter(Boolean) as string[];
  const severity =
    (['severe', 'moderate', 'mild'] as const).find((candidate) => severities.includes(candidate)) ?? null;
  return {
    allergyId: allergy.id as string,
    version: stored.version,
    substance: terminology.concept(allergy.code),
    category: oneOf(allergyCategories, allergy.category?.[0]),
    criticality: oneOf(allergyCriticalities, allergy.criticality),
    clinicalStatus: oneOf(allergyStatuses, codeOf(allergy.clinicalStatus)),
    verificationStatus: oneOf(allergyVerifications, codeOf(allergy.verificationStatus)),
    reactions,
    severity: oneOf(reactionSeverities, severity ?? undefined),
    onset: allergy.onsetDateTime ?? null,
    recorded: allergy.recordedDate ?? null,
    note: notes(allergy.note),
  };
}

function displayOf(reference: Reference | undefined): string | null {
  return reference?.display ?? null;
}

export function medicationView(request: MedicationRequest, terminology: ChartTerminology): MedicationView {
  const concept = terminology.label(request.medicationCodeableConcept);
  return {
    medicationRequestId: request.id as string,
    concept: concept.text ? concept : { ...concept, text: request.medicationReference?.display ?? '' },
    dosage:
      request.dosageInstruction
        ?.map((dosage) => dosage.text)
        .filter(Boolean)
        .join(' ; ') || null,
    authoredOn: request.authoredOn ?? null,
    requester: displayOf(request.requester),
  };
}

export function appointmentView(appointment: Appointment, terminology: ChartTerminology): AppointmentView {
  const practitioner = appointment.participant.find(
    (participant) => participant.actor?.reference && !participant.actor.reference.startsWith('Patient/'),
  );
  const reason = appointment.reasonCode?.[0];
  return {
    appointmentId: appointment.id as string,
    start: appointment.start as string,
    end: appointment.end ?? null,
    description: appointment.description ?? null,
    reason: reason ? terminology.label(reason) : null,
    with: displayOf(practitioner?.actor),
  };
}
