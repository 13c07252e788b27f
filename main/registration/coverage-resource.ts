/**
 * A patient's insurance as a FHIR R4 Coverage (coverage.html): the plan in Coverage.type (Tabib's
 * plan codes, resources/countries/<country>-coverages.json), the member number in
 * Coverage.subscriberId and as an identifier under the payor's system, the relationship to the
 * insured (HL7 subscriber-relationship), the patient as beneficiary, the payor as a logical
 * reference by identifier (payors are not resources of the record), the period from registration.
 *
 * Registration manages the patient's current Coverage of one of these plans. A change of plan
 * ends the old Coverage (status cancelled, period.end) and starts a new one: a Coverage is one
 * contract with one payor, and the history of who paid stays readable.
 */
import type { Coverage } from '@medplum/fhirtypes';
import type { PatientDraft } from '../contract/features/registration-contract';
import type { CoverageRelationship } from '../contract/registration-types';
import { coverageRelationships } from '../contract/registration-types';
import type { CountryCoverages, CoveragePlan } from './coverage-plans';

export const COVERAGE_PLAN_SYSTEM = 'urn:tabib:coverage-plan';
const RELATIONSHIP_SYSTEM = 'http://terminology.hl7.org/CodeSystem/subscriber-relationship';

type DraftCoverage = NonNullable<PatientDraft['coverage']>;

/** The plan a Coverage was recorded under, when it is one of Tabib's. */
export function planCodeOf(coverage: Coverage): string | null {
  return coverage.type?.coding?.find((coding) => coding.system === COVERAGE_PLAN_SYSTEM)?.code ?? null;
}

/** The Coverage registration manages among a patient's (newest first): the first active one of a known plan. */
export function currentCoverage(coverages: Coverage[], plans: CountryCoverages): Coverage | null {
  return (
    coverages.find((coverage) => {
      const plan = planCodeOf(coverage);
      return coverage.status === 'active' && plan !== null && plans.byCode.has(plan);
    }) ?? null
  );
}

function relationshipOf(coverage: Coverage): CoverageRelationship {
  const code = coverage.relationship?.coding?.find((coding) => coding.system === RELATIONSHIP_SYSTEM)?.code;
  return (coverageRelationships as readonly string[]).includes(code ?? '')
    ? (code as CoverageRelationship)
    : 'self';
}

export function draftCoverageOf(coverage: Coverage | null, plans: CountryCoverages): DraftCoverage | null {
  if (!coverage) return null;
  const plan = plans.byCode.get(planCodeOf(coverage) ?? '');
  if (!plan) return null;
  return {
    plan: plan.code,
    memberId: coverage.subscriberId ?? '',
    relationship: relationshipOf(coverage),
    insurer: plan.insurerNamed ? (coverage.payor[0]?.display ?? '') : '',
  };
}

/** The Coverage of a (normalised, checked) draft: over `previous` when it is of the same plan. */
export function coverageFromDraft(
  draft: DraftCoverage,
  plan: CoveragePlan,
  patientId: string,
  today: string,
  previous: Coverage | null,
): Coverage {
  const kept = previous && planCodeOf(previous) === plan.code ? previous : null;
  const otherIdentifiers = (kept?.identifier ?? []).filter(
    (identifier) => identifier.system !== plan.memberSystem,
  );
  return {
    ...(kept ?? {}),
    resourceType: 'Coverage',
    status: 'active',
    identifier: [{ system: plan.memberSystem, value: draft.memberId }, ...otherIdentifiers],
    type: {
      coding: [{ system: COVERAGE_PLAN_SYSTEM, code: plan.code, display: plan.name.fr }],
      text: plan.name.fr,
    },
    subscriberId: draft.memberId,
    beneficiary: { reference: `Patient/${patientId}` },
    relationship: {
      coding: [{ system: RELATIONSHIP_SYSTEM, code: draft.relationship }],
    },
    period: { ...kept?.period, start: kept?.period?.start ?? today },
    payor: [
      {
        identifier: { system: plan.payorSystem, value: plan.payor.code },
        display: plan.insurerNamed && draft.insurer ? draft.insurer : plan.payor.name.fr,
      },
    ],
  };
}

/** An ended Coverage: the plan changed, or the patient has none any more (FHIR R4 Coverage.status). */
export function cancelledCoverage(coverage: Coverage, today: string): Coverage {
  return { ...coverage, status: 'cancelled', period: { ...coverage.period, end: today } };
}
