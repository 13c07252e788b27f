/**
 * Allergies and intolerances: the substance coded (ATC for medicines and their classes, Tabib's
 * allergen list for foods and the environment, or text when nothing fits), criticality, the
 * reactions seen (ICD-10 coded, as the national record holds them, or text), clinical and
 * verification status. Created or updated at the version the doctor read.
 */
import type { AllergyIntolerance, AllergyIntoleranceReaction, CodeableConcept } from '@medplum/fhirtypes';
import type {
  AllergyCategory,
  AllergyCriticality,
  AllergyStatus,
  AllergyVerification,
  AllergyView,
  ReactionSeverity,
} from '../contract/chart-types';
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
import { allergyView, isActiveAllergy } from './chart-views';
import { assertDates } from './problems';

export type SubstanceInput = { system: string; code: string } | { text: string };
export type ReactionInput = { code: string } | { text: string };

export interface SaveAllergyRequest {
  patientId: string;
  allergyId?: string | undefined;
  version?: number | undefined;
  substance: SubstanceInput;
  /** Needed for a substance given as text; a coded one has its own. */
  category?: AllergyCategory | undefined;
  criticality: AllergyCriticality;
  clinicalStatus: AllergyStatus;
  verificationStatus: AllergyVerification;
  reactions: ReactionInput[];
  severity?: ReactionSeverity | undefined;
  /** YYYY-MM-DD. */
  onset?: string | null | undefined;
  note?: string | null | undefined;
}

function unknownCode(system: string, code: string): TabibError {
  return new TabibError('TERMINOLOGY_UNKNOWN_CODE', `${system}|${code} is not a code Tabib knows`, {
    system,
    code,
  });
}

export function saveAllergy(context: ChartContext, request: SaveAllergyRequest): AllergyView {
  const { record, terminology } = context;
  let code: CodeableConcept;
  let category: AllergyCategory;
  if ('code' in request.substance) {
    const hit = terminology.allergen(request.substance.system, request.substance.code);
    if (!hit) throw unknownCode(request.substance.system, request.substance.code);
    code = { coding: [{ system: hit.system, code: hit.code, display: hit.labels.en }], text: hit.labels.fr };
    category = hit.category;
  } else {
    if (!request.category)
      throw new TabibError('INVALID_ARGUMENT', 'A substance given as text needs its category', {
        issues: [{ path: ['category'], code: 'required', message: 'required' }],
      });
    code = { text: request.substance.text };
    category = request.category;
  }
  const manifestations = request.reactions.map((reaction): CodeableConcept => {
    if ('text' in reaction) return { text: reaction.text };
    const hit = terminology.icd10Code(reaction.code);
    if (!hit) throw unknownCode(ICD10_SYSTEM, reaction.code);
    return icd10CodeableConcept(hit);
  });
  assertDates(clinicDate(context.now, context.country), [{ field: 'onset', value: request.onset }]);

  return record.queries.transaction(() => {
    readPatient(record, request.patientId);
    const previous = changedResource<AllergyIntolerance>(
      context,
      'AllergyIntolerance',
      request.allergyId,
      request.patientId,
    );
    const practitioner = practitionerReference(context);
    const base: AllergyIntolerance = previous?.resource ?? {
      resourceType: 'AllergyIntolerance',
      type: 'allergy',
      patient: { reference: `Patient/${request.patientId}` },
      recordedDate: context.now.toISOString(),
      ...(practitioner ? { recorder: practitioner } : {}),
    };
    const reaction: AllergyIntoleranceReaction[] = manifestations.length
      ? [{ manifestation: manifestations, ...(request.severity ? { severity: request.severity } : {}) }]
      : [];
    const allergy: AllergyIntolerance = {
      ...base,
      clinicalStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical',
            code: request.clinicalStatus,
          },
        ],
      },
      verificationStatus: {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
            code: request.verificationStatus,
          },
        ],
      },
      category: [category],
      criticality: request.criticality,
      code,
    };
    if (reaction.length) allergy.reaction = reaction;
    else delete allergy.reaction;
    if (request.onset) allergy.onsetDateTime = request.onset;
    else if (request.onset === null) delete allergy.onsetDateTime;
    applyNote(allergy, request.note, context.now);
    const saved = createOrUpdate(context, allergy, previous ? { version: request.version } : null);
    return allergyView(saved, terminology);
  });
}

/** All the patient's allergies: active ones first, then the most recently recorded. */
export function listAllergies(context: ChartContext, patientId: string): AllergyView[] {
  const { record, terminology } = context;
  return record.queries.transaction(() => {
    readPatient(record, patientId);
    return patientResources<AllergyIntolerance>(record, patientId, 'AllergyIntolerance')
      .filter((stored) => stored.resource.verificationStatus?.coding?.[0]?.code !== 'entered-in-error')
      .sort((a, b) => Number(isActiveAllergy(b.resource)) - Number(isActiveAllergy(a.resource)))
      .map((stored) => allergyView(stored, terminology));
  });
}
