/**
 * Lab results as the chart shows them: Observations of category `laboratory` grouped by test
 * (LOINC), each result with its value, unit, reference range (the result's own
 * `referenceRange`, else the one resources/terminology/lab-tests.json gives for the patient's
 * sex), an abnormal flag (the result's `interpretation` in v3-ObservationInterpretation when the
 * laboratory gave one, else computed against the range and the critical limits), a trend series
 * per test, and the DiagnosticReports that group them. And the resources for results entered
 * from a paper report.
 */
import type {
  CodeableConcept,
  DiagnosticReport,
  Observation,
  ObservationReferenceRange,
  Reference,
} from '@medplum/fhirtypes';
import type {
  LabChartView,
  LabFlag,
  LabRange,
  LabReportView,
  LabResultView,
  LabTestDefinition,
  LabTestView,
  Labels,
} from '../contract/medication-types';
import type { LabTest, ReferenceRange } from '../record/demo/terminology';
import { criticalLimits } from './lab-critical-limits';

export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
export const INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';
/** HL7 v2 table 0074, diagnostic service section: LAB. */
export const DIAGNOSTIC_SERVICE = 'http://terminology.hl7.org/CodeSystem/v2-0074';
/** LOINC 11502-2 "Laboratory report": the code of a report entered from paper. */
export const LABORATORY_REPORT = {
  code: '11502-2',
  display: 'Laboratory report',
  text: 'Compte rendu de laboratoire',
};

const flags: readonly LabFlag[] = ['N', 'H', 'L', 'HH', 'LL', 'A', 'AA'];
const flagDisplay: Record<LabFlag, string> = {
  N: 'Normal',
  H: 'High',
  L: 'Low',
  HH: 'Critical high',
  LL: 'Critical low',
  A: 'Abnormal',
  AA: 'Critical abnormal',
};

export function isLabObservation(observation: Observation): boolean {
  return (observation.category ?? []).some((category) =>
    (category.coding ?? []).some((coding) => coding.code === 'laboratory'),
  );
}

/** The range lab-tests.json gives for this sex (a sex-specific one first, else the general one). */
export function terminologyRange(test: LabTest, sex: string | null): ReferenceRange | null {
  return (
    test.reference.find((range) => range.sex !== undefined && range.sex === sex) ??
    test.reference.find((range) => range.sex === undefined) ??
    null
  );
}

/** H, L, HH, LL or N for a value against its range and the test's critical limits; null without a range. */
export function interpret(
  code: string | null,
  value: number,
  range: Pick<LabRange, 'low' | 'high'> | null,
): LabFlag | null {
  const critical = code ? criticalLimits[code] : undefined;
  if (critical?.low !== undefined && value < critical.low) return 'LL';
  if (critical?.high !== undefined && value > critical.high) return 'HH';
  if (!range || (range.low === null && range.high === null)) return null;
  if (range.low !== null && value < range.low) return 'L';
  if (range.high !== null && value > range.high) return 'H';
  return 'N';
}

export function interpretationConcept(flag: LabFlag): CodeableConcept {
  return { coding: [{ system: INTERPRETATION, code: flag, display: flagDisplay[flag] }] };
}

function recordedFlag(observation: Observation): LabFlag | null {
  for (const concept of observation.interpretation ?? [])
    for (const coding of concept.coding ?? [])
      if ((!coding.system || coding.system === INTERPRETATION) && flags.includes(coding.code as LabFlag))
        return coding.code as LabFlag;
  return null;
}

function rangeOf(range: ObservationReferenceRange | undefined): LabRange | null {
  if (!range) return null;
  const low = range.low?.value ?? null;
  const high = range.high?.value ?? null;
  if (low === null && high === null && !range.text) return null;
  return { low, high, text: range.text ?? null, source: 'result' };
}

function testKey(code: CodeableConcept | undefined): { code: string; system: string | null } {
  const loinc = code?.coding?.find((coding) => coding.system === LOINC && coding.code);
  if (loinc) return { code: loinc.code as string, system: LOINC };
  const other = code?.coding?.find((coding) => coding.code);
  if (other) return { code: other.code as string, system: other.system ?? null };
  return { code: code?.text ?? '?', system: null };
}

function referencedId(reference: Reference | undefined, type: string): string | null {
  const match = reference?.reference
    ? /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference.reference)
    : null;
  return match && match[1] === type ? (match[2] as string) : null;
}

function valueTextOf(observation: Observation): string | null {
  const quantity = observation.valueQuantity;
  if (quantity?.comparator && quantity.value !== undefined) return `${quantity.comparator} ${quantity.value}`;
  if (observation.valueString) return observation.valueString;
  const concept = observation.valueCodeableConcept;
  if (concept) return concept.text ?? concept.coding?.[0]?.display ?? concept.coding?.[0]?.code ?? null;
  if (observation.valueBoolean !== undefined) return String(observation.valueBoolean);
  if (observation.valueInteger !== undefined) return null;
  return null;
}

export function labDefinition(test: LabTest, sex: string | null): LabTestDefinition {
  const range = terminologyRange(test, sex);
  return {
    code: test.code,
    labels: { fr: test.fr, ar: test.ar, en: test.en },
    unit: test.unit,
    unitDisplay: test.unitDisplay ?? test.unit,
    decimals: test.decimals,
    range: range ? { low: range.low ?? null, high: range.high ?? null } : null,
    critical: criticalLimits[test.code]
      ? { low: criticalLimits[test.code]?.low ?? null, high: criticalLimits[test.code]?.high ?? null }
      : null,
  };
}

/** One result as the chart shows it. */
export function labResultView(
  observation: Observation,
  tests: ReadonlyMap<string, LabTest>,
  sex: string | null,
  reportOf: ReadonlyMap<string, string>,
): LabResultView {
  const key = testKey(observation.code);
  const test = key.system === LOINC ? tests.get(key.code) : undefined;
  const known = test ? terminologyRange(test, sex) : null;
  const range: LabRange | null =
    rangeOf(observation.referenceRange?.[0]) ??
    (known ? { low: known.low ?? null, high: known.high ?? null, text: null, source: 'terminology' } : null);
  const value =
    observation.valueQuantity?.value ??
    (observation.valueInteger !== undefined ? observation.valueInteger : null);
  const exact = value !== null && !observation.valueQuantity?.comparator;
  const flag =
    recordedFlag(observation) ??
    (exact ? interpret(key.system === LOINC ? key.code : null, value, range) : null);
  return {
    observationId: observation.id as string,
    effective:
      observation.effectiveDateTime ??
      observation.effectivePeriod?.start ??
      observation.effectiveInstant ??
      null,
    issued: observation.issued ?? null,
    value,
    valueText: valueTextOf(observation),
    unit:
      observation.valueQuantity?.unit ??
      observation.valueQuantity?.code ??
      (test ? (test.unitDisplay ?? test.unit) : null),
    range,
    flag,
    critical: flag === 'HH' || flag === 'LL' || flag === 'AA',
    reportId: reportOf.get(observation.id as string) ?? null,
    status: observation.status,
  };
}

function reportView(report: DiagnosticReport): LabReportView {
  return {
    id: report.id as string,
    status: report.status,
    text: report.code?.text ?? report.code?.coding?.[0]?.display ?? '',
    effective: report.effectiveDateTime ?? report.effectivePeriod?.start ?? null,
    issued: report.issued ?? null,
    performer: report.performer?.[0]?.display ?? null,
    observationIds: (report.result ?? [])
      .map((reference) => referencedId(reference, 'Observation'))
      .filter((id): id is string => id !== null),
  };
}

const hidden = new Set(['entered-in-error', 'cancelled']);

/** The lab chart of a patient: `observations` of any category (others are left out), their reports. */
export function labChart(
  observations: readonly Observation[],
  reports: readonly DiagnosticReport[],
  tests: ReadonlyMap<string, LabTest>,
  sex: string | null,
): Omit<LabChartView, 'definitions' | 'today'> {
  const shownReports = reports.filter((report) => !hidden.has(report.status)).map(reportView);
  const reportOf = new Map<string, string>();
  for (const report of shownReports) for (const id of report.observationIds) reportOf.set(id, report.id);
  const byTest = new Map<string, LabTestView>();
  for (const observation of observations) {
    if (!isLabObservation(observation) || hidden.has(observation.status)) continue;
    const key = testKey(observation.code);
    const mapKey = `${key.system ?? ''}|${key.code}`;
    let view = byTest.get(mapKey);
    if (!view) {
      const test = key.system === LOINC ? tests.get(key.code) : undefined;
      const text = observation.code?.text ?? observation.code?.coding?.[0]?.display ?? key.code;
      const labels: Labels = test
        ? { fr: test.fr, ar: test.ar, en: test.en }
        : { fr: text, ar: text, en: text };
      view = {
        code: key.code,
        system: key.system,
        labels,
        unit: test ? (test.unitDisplay ?? test.unit) : (observation.valueQuantity?.unit ?? null),
        decimals: test?.decimals ?? null,
        range: null,
        results: [],
        trend: [],
      };
      byTest.set(mapKey, view);
    }
    view.results.push(labResultView(observation, tests, sex, reportOf));
  }
  const when = (result: LabResultView) => result.effective ?? result.issued ?? '';
  const views = [...byTest.values()];
  for (const view of views) {
    view.results.sort((a, b) => when(b).localeCompare(when(a)));
    view.range = view.results.find((result) => result.range)?.range ?? null;
    view.trend = view.results
      .filter((result) => result.value !== null && result.effective !== null && result.valueText === null)
      .map((result) => ({ at: result.effective as string, value: result.value as number, flag: result.flag }))
      .reverse();
  }
  views.sort(
    (a, b) =>
      when(b.results[0] as LabResultView).localeCompare(when(a.results[0] as LabResultView)) ||
      a.labels.fr.localeCompare(b.labels.fr, 'fr'),
  );
  shownReports.sort((a, b) => (b.effective ?? b.issued ?? '').localeCompare(a.effective ?? a.issued ?? ''));
  return { tests: views, reports: shownReports };
}
