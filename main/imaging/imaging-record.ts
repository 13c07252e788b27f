/**
 * What imaging writes in the record, as FHIR R4, so it syncs like any other record:
 *
 * - ImagingStudy: the cached study, identified by its Study Instance UID (identifier system
 *   `urn:dicom:uid`, value `urn:oid:<uid>`, as FHIR R4 imagingstudy.html says), with its series and
 *   instances, made when a measurement or a report first needs it, and brought up to date when
 *   more of the study was imported since.
 * - Observation per measurement (category `imaging`), derived from the ImagingStudy: the code of
 *   its kind (Tabib's system, plus SNOMED CT where one fits), each value a component with its UCUM
 *   unit (the main one also as valueQuantity), and what is needed to draw it again (series, SOP
 *   instance, frame, points, label) in an extension.
 * - DiagnosticReport (category RAD, LOINC 18748-4 "Diagnostic imaging study"): the report, its
 *   conclusion in `conclusion`, indication, technique and findings kept apart in an extension so
 *   they can be edited again, the whole text as presentedForm (text/plain).
 */
import type {
  CodeableConcept,
  Coding,
  DiagnosticReport,
  Extension,
  ImagingStudy,
  Observation,
  ObservationComponent,
  Practitioner,
  Quantity,
  Reference,
} from '@medplum/fhirtypes';
import {
  measurementKinds,
  reportStatuses,
  type ImagingReportView,
  type MeasurementKind,
  type MeasurementView,
  type ReportStatus,
  type SeriesView,
} from '../contract/imaging-types';
import type { CachedStudy } from './imaging-types';
import type { StoredResource } from '../record/resource-store';

export const DICOM_UID_SYSTEM = 'urn:dicom:uid';
export const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const UCUM = 'http://unitsofmeasure.org';
export const MEASUREMENT_SYSTEM = 'urn:tabib:imaging-measurement';
export const MEASUREMENT_VALUE_SYSTEM = 'urn:tabib:imaging-measurement-value';
export const MEASUREMENT_GEOMETRY_URL = 'urn:tabib:fhir:extension:imaging-measurement-geometry';
export const REPORT_SECTIONS_URL = 'urn:tabib:fhir:extension:imaging-report-sections';

export const IMAGING_CATEGORY: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/observation-category',
  code: 'imaging',
  display: 'Imaging',
};
export const RADIOLOGY_CATEGORY: Coding = {
  system: 'http://terminology.hl7.org/CodeSystem/v2-0074',
  code: 'RAD',
  display: 'Radiology',
};
export const IMAGING_REPORT_CODE: Coding = {
  system: LOINC,
  code: '18748-4',
  display: 'Diagnostic imaging study',
};

export function studyIdentifierValue(studyInstanceUid: string): string {
  return `urn:oid:${studyInstanceUid}`;
}

export function isImagingStudyOf(study: ImagingStudy, studyInstanceUid: string): boolean {
  const value = studyIdentifierValue(studyInstanceUid);
  return (study.identifier ?? []).some(
    (identifier) => identifier.system === DICOM_UID_SYSTEM && identifier.value === value,
  );
}

/** The ImagingStudy of a cached study, as it is in the cache now (id and subject from the caller). */
export function imagingStudyResource(
  study: CachedStudy,
  series: SeriesView[],
  patientId: string,
  id?: string,
): ImagingStudy {
  const modalities = [...new Set(series.map((entry) => entry.modality).filter(Boolean))];
  const instances = series.reduce((sum, entry) => sum + entry.instances.length, 0);
  return {
    resourceType: 'ImagingStudy',
    ...(id ? { id } : {}),
    identifier: [
      { system: DICOM_UID_SYSTEM, value: studyIdentifierValue(study.studyInstanceUid) },
      ...(study.accessionNumber
        ? [
            {
              type: {
                coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'ACSN' }],
              },
              value: study.accessionNumber,
            },
          ]
        : []),
    ],
    status: 'available',
    ...(modalities.length > 0 ? { modality: modalities.map((code) => ({ system: DCM, code })) } : {}),
    subject: { reference: `Patient/${patientId}` },
    ...(study.studyDate ? { started: study.studyDate } : {}),
    numberOfSeries: series.length,
    numberOfInstances: instances,
    ...(study.description ? { description: study.description } : {}),
    series: series.map((entry) => ({
      uid: entry.seriesInstanceUid,
      ...(entry.seriesNumber !== null && entry.seriesNumber >= 0 ? { number: entry.seriesNumber } : {}),
      modality: { system: DCM, code: entry.modality || 'OT' },
      ...(entry.description ? { description: entry.description } : {}),
      numberOfInstances: entry.instances.length,
      ...(entry.bodyPart ? { bodySite: { display: entry.bodyPart } } : {}),
      instance: entry.instances.map((instance) => ({
        uid: instance.sopInstanceUid,
        sopClass: { system: 'urn:ietf:rfc:3986', code: `urn:oid:${instance.sopClassUid}` },
        ...(instance.instanceNumber !== null && instance.instanceNumber >= 0
          ? { number: instance.instanceNumber }
          : {}),
      })),
    })),
  };
}

/** Whether the stored ImagingStudy says what the cache holds now (else it is updated). */
export function sameImagingStudy(stored: ImagingStudy, current: ImagingStudy): boolean {
  const strip = ({ id: _id, meta: _meta, ...rest }: ImagingStudy) => JSON.stringify(rest);
  return strip(stored) === strip(current);
}

// ---- measurements -------------------------------------------------------------------------------

type ValueKey = keyof MeasurementView['values'];
const valueKeys: ValueKey[] = ['length', 'angle', 'area', 'mean', 'stdDev', 'min', 'max', 'value'];

const kindCodings: Record<MeasurementKind, { display: string; snomed?: Coding }> = {
  length: { display: 'Length', snomed: { system: SNOMED, code: '410668003', display: 'Length' } },
  angle: { display: 'Angle', snomed: { system: SNOMED, code: '1483009', display: 'Angle' } },
  ellipse: {
    display: 'Elliptic region of interest',
    snomed: { system: SNOMED, code: '42798000', display: 'Area' },
  },
  rectangle: {
    display: 'Rectangular region of interest',
    snomed: { system: SNOMED, code: '42798000', display: 'Area' },
  },
  probe: { display: 'Point value' },
  arrow: { display: 'Arrow annotation' },
};

const valueCodings: Record<ValueKey, { display: string; snomed?: Coding }> = {
  length: { display: 'Length', snomed: { system: SNOMED, code: '410668003', display: 'Length' } },
  angle: { display: 'Angle', snomed: { system: SNOMED, code: '1483009', display: 'Angle' } },
  area: { display: 'Area', snomed: { system: SNOMED, code: '42798000', display: 'Area' } },
  mean: { display: 'Mean', snomed: { system: SNOMED, code: '373098007', display: 'Mean' } },
  stdDev: {
    display: 'Standard deviation',
    snomed: { system: SNOMED, code: '386136009', display: 'Standard deviation' },
  },
  min: { display: 'Minimum', snomed: { system: SNOMED, code: '255605001', display: 'Minimum' } },
  max: { display: 'Maximum', snomed: { system: SNOMED, code: '56851009', display: 'Maximum' } },
  value: { display: 'Value' },
};

/** The value a measurement of each kind is mainly about (its valueQuantity). */
const mainValue: Record<MeasurementKind, ValueKey | null> = {
  length: 'length',
  angle: 'angle',
  ellipse: 'area',
  rectangle: 'area',
  probe: 'value',
  arrow: null,
};

/**
 * UCUM for a value: geometry in mm, deg, mm2; pixel statistics in the modality's unit (HU for CT).
 * On an image without pixel spacing, length and area are in pixels, which UCUM has no unit for:
 * said in `unit` alone.
 */
function quantity(key: ValueKey, value: number, unit: string, geometryUnit: 'mm' | 'px'): Quantity {
  if (key === 'length')
    return geometryUnit === 'px' ? { value, unit: 'px' } : { value, unit: 'mm', system: UCUM, code: 'mm' };
  if (key === 'angle') return { value, unit: '°', system: UCUM, code: 'deg' };
  if (key === 'area')
    return geometryUnit === 'px' ? { value, unit: 'px²' } : { value, unit: 'mm²', system: UCUM, code: 'mm2' };
  if (unit === 'HU') return { value, unit: 'HU', system: UCUM, code: "[hnsf'U]" };
  return unit ? { value, unit } : { value, system: UCUM, code: '1' };
}

function concept(system: string, code: string, entry: { display: string; snomed?: Coding }): CodeableConcept {
  return {
    coding: [{ system, code, display: entry.display }, ...(entry.snomed ? [entry.snomed] : [])],
    text: entry.display,
  };
}

export interface MeasurementContext {
  patientId: string;
  imagingStudyId: string;
  performer: Reference<Practitioner>;
  /** ISO 8601: when it is saved now. */
  now: string;
}

/** A measurement as an Observation; `previous` keeps when it was first made. */
export function measurementObservation(
  measurement: MeasurementView,
  context: MeasurementContext,
  previous?: Observation,
): Observation {
  const main = mainValue[measurement.kind];
  const geometryUnit = measurement.geometryUnit ?? 'mm';
  const components: ObservationComponent[] = valueKeys
    .filter((key) => measurement.values[key] !== undefined)
    .map((key) => ({
      code: concept(MEASUREMENT_VALUE_SYSTEM, key, valueCodings[key]),
      valueQuantity: quantity(key, measurement.values[key] as number, measurement.unit, geometryUnit),
    }));
  const mainQuantity =
    main !== null && measurement.values[main] !== undefined
      ? quantity(main, measurement.values[main], measurement.unit, geometryUnit)
      : null;
  const geometry: Extension[] = [
    { url: 'kind', valueCode: measurement.kind },
    { url: 'series', valueOid: `urn:oid:${measurement.seriesInstanceUid}` },
    { url: 'sop', valueOid: `urn:oid:${measurement.sopInstanceUid}` },
    { url: 'frame', valuePositiveInt: measurement.frame },
    { url: 'points', valueString: JSON.stringify(measurement.points) },
    ...(measurement.label ? [{ url: 'label', valueString: measurement.label }] : []),
    ...(measurement.unit ? [{ url: 'unit', valueString: measurement.unit }] : []),
    ...(geometryUnit === 'px' ? [{ url: 'geometryUnit', valueCode: 'px' }] : []),
  ];
  return {
    resourceType: 'Observation',
    id: measurement.id,
    extension: [{ url: MEASUREMENT_GEOMETRY_URL, extension: geometry }],
    status: 'final',
    category: [{ coding: [IMAGING_CATEGORY] }],
    code: concept(MEASUREMENT_SYSTEM, measurement.kind, kindCodings[measurement.kind]),
    subject: { reference: `Patient/${context.patientId}` },
    effectiveDateTime: previous?.effectiveDateTime ?? context.now,
    issued: previous?.issued ?? context.now,
    performer: [context.performer],
    ...(mainQuantity
      ? { valueQuantity: mainQuantity }
      : measurement.label
        ? { valueString: measurement.label }
        : {}),
    ...(measurement.label && mainQuantity ? { note: [{ text: measurement.label }] } : {}),
    derivedFrom: [{ reference: `ImagingStudy/${context.imagingStudyId}` }],
    ...(components.length > 0 ? { component: components } : {}),
  };
}

/** Whether two measurement Observations say the same (their version and dates aside). */
export function sameObservation(a: Observation, b: Observation): boolean {
  const strip = ({ meta: _meta, issued: _issued, performer: _performer, ...rest }: Observation) =>
    JSON.stringify(rest);
  return strip(a) === strip(b);
}

export function isMeasurementOf(observation: Observation, imagingStudyId: string): boolean {
  return (
    (observation.derivedFrom ?? []).some((ref) => ref.reference === `ImagingStudy/${imagingStudyId}`) &&
    (observation.extension ?? []).some((extension) => extension.url === MEASUREMENT_GEOMETRY_URL)
  );
}

const oidValue = (value: string | undefined) => (value ?? '').replace(/^urn:oid:/, '');

/** The measurement an Observation holds, to draw again; null when its geometry is not readable. */
export function measurementView(observation: Observation): MeasurementView | null {
  const geometry = (observation.extension ?? []).find(
    (extension) => extension.url === MEASUREMENT_GEOMETRY_URL,
  );
  const part = (url: string) => geometry?.extension?.find((extension) => extension.url === url);
  const kind = part('kind')?.valueCode as MeasurementKind | undefined;
  if (!kind || !(measurementKinds as readonly string[]).includes(kind)) return null;
  let points: [number, number][];
  try {
    points = JSON.parse(part('points')?.valueString ?? '[]') as [number, number][];
  } catch {
    return null;
  }
  const values: MeasurementView['values'] = {};
  for (const component of observation.component ?? []) {
    const code = component.code.coding?.find((coding) => coding.system === MEASUREMENT_VALUE_SYSTEM)?.code;
    const value = component.valueQuantity?.value;
    if (code && (valueKeys as string[]).includes(code) && typeof value === 'number')
      values[code as ValueKey] = value;
  }
  return {
    id: observation.id as string,
    kind,
    seriesInstanceUid: oidValue(part('series')?.valueOid),
    sopInstanceUid: oidValue(part('sop')?.valueOid),
    frame: part('frame')?.valuePositiveInt ?? 1,
    points,
    label: part('label')?.valueString ?? '',
    values,
    unit: part('unit')?.valueString ?? '',
    ...(part('geometryUnit')?.valueCode === 'px' ? { geometryUnit: 'px' as const } : {}),
  };
}

// ---- report -------------------------------------------------------------------------------------

export interface ReportInput {
  status: ReportStatus;
  indication: string;
  technique: string;
  findings: string;
  conclusion: string;
}

export interface ReportContext {
  patientId: string;
  imagingStudyId: string;
  interpreter: Reference<Practitioner>;
  now: string;
  /** When the study was made (the report's effective date). */
  studyDate: string | null;
  /** The headings of the plain-text form, in the practitioner's language. */
  headings: Record<'indication' | 'technique' | 'findings' | 'conclusion', string>;
  language: string;
}

const sectionKeys = ['indication', 'technique', 'findings'] as const;

export function reportText(input: ReportInput, headings: ReportContext['headings']): string {
  return (['indication', 'technique', 'findings', 'conclusion'] as const)
    .filter((key) => input[key].trim() !== '')
    .map((key) => `${headings[key]}\n${input[key].trim()}`)
    .join('\n\n');
}

export function reportResource(input: ReportInput, context: ReportContext, id?: string): DiagnosticReport {
  const sections: Extension[] = sectionKeys
    .filter((key) => input[key] !== '')
    .map((key) => ({ url: key, valueMarkdown: input[key] }));
  return {
    resourceType: 'DiagnosticReport',
    ...(id ? { id } : {}),
    ...(sections.length > 0 ? { extension: [{ url: REPORT_SECTIONS_URL, extension: sections }] } : {}),
    status: input.status,
    category: [{ coding: [RADIOLOGY_CATEGORY] }],
    code: { coding: [IMAGING_REPORT_CODE], text: IMAGING_REPORT_CODE.display as string },
    subject: { reference: `Patient/${context.patientId}` },
    ...(context.studyDate ? { effectiveDateTime: context.studyDate } : {}),
    issued: context.now,
    resultsInterpreter: [context.interpreter],
    imagingStudy: [{ reference: `ImagingStudy/${context.imagingStudyId}` }],
    conclusion: input.conclusion,
    presentedForm: [
      {
        contentType: 'text/plain; charset=utf-8',
        language: context.language,
        data: Buffer.from(reportText(input, context.headings), 'utf8').toString('base64'),
        title: IMAGING_REPORT_CODE.display as string,
        creation: context.now,
      },
    ],
  };
}

export function isReportOf(report: DiagnosticReport, imagingStudyId: string): boolean {
  return (
    (report.imagingStudy ?? []).some((ref) => ref.reference === `ImagingStudy/${imagingStudyId}`) &&
    (report.code.coding ?? []).some(
      (coding) => coding.system === LOINC && coding.code === IMAGING_REPORT_CODE.code,
    )
  );
}

export function reportView(
  stored: StoredResource<DiagnosticReport>,
  studyInstanceUid: string,
): ImagingReportView {
  const report = stored.resource;
  const sections = (report.extension ?? []).find((extension) => extension.url === REPORT_SECTIONS_URL);
  const section = (key: (typeof sectionKeys)[number]) =>
    sections?.extension?.find((extension) => extension.url === key)?.valueMarkdown ?? '';
  const status = (reportStatuses as readonly string[]).includes(report.status)
    ? (report.status as ReportStatus)
    : 'final';
  return {
    id: report.id as string,
    versionId: String(stored.version),
    imagingStudyId: (report.imagingStudy?.[0]?.reference ?? '').replace(/^ImagingStudy\//, ''),
    studyInstanceUid,
    patientId: (report.subject?.reference ?? '').replace(/^Patient\//, ''),
    status,
    indication: section('indication'),
    technique: section('technique'),
    findings: section('findings'),
    conclusion: report.conclusion ?? '',
    author: report.resultsInterpreter?.[0]?.display ?? '',
    issued: report.issued ?? report.meta?.lastUpdated ?? '',
  };
}
