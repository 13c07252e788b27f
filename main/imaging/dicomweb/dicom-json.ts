/**
 * The DICOM JSON model (PS3.18 Annex F.2) as QIDO-RS answers it: an array of data sets, each an
 * object keyed by the tag's eight upper-case hex digits, `{ vr, Value?, BulkDataURI?, InlineBinary? }`.
 * Read here into plain summaries of studies, series and instances; a malformed answer is
 * IMAGING_PACS_RESPONSE_INVALID, naming the offending paths.
 *
 * Servers differ in small ways the reader accepts: IS and DS values as JSON numbers (Orthanc) or
 * strings (PS3.18 allows both since 2019), tag keys in lower case, and an attribute with no
 * `Value` (present but empty).
 */
import { TabibError } from '../../errors';
import { isoDate, isoTime } from '../dicom-header';
import { parsePersonName, personNameText, type DicomPersonName } from '../dicom-text';

export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  BulkDataURI?: string;
  InlineBinary?: string;
}

export type DicomJsonDataset = Record<string, DicomJsonAttribute>;

/** Tags by keyword, as QIDO-RS names them (PS3.6). */
export const tags = {
  SpecificCharacterSet: '00080005',
  SOPClassUID: '00080016',
  SOPInstanceUID: '00080018',
  StudyDate: '00080020',
  StudyTime: '00080030',
  AccessionNumber: '00080050',
  Modality: '00080060',
  ModalitiesInStudy: '00080061',
  ReferringPhysicianName: '00080090',
  RetrieveURL: '00081190',
  FailedSOPSequence: '00081198',
  ReferencedSOPSequence: '00081199',
  ReferencedSOPInstanceUID: '00081155',
  ReferencedSOPClassUID: '00081150',
  FailureReason: '00081197',
  WarningReason: '00081196',
  StudyDescription: '00081030',
  SeriesDescription: '0008103E',
  PatientName: '00100010',
  PatientID: '00100020',
  PatientBirthDate: '00100030',
  PatientSex: '00100040',
  StudyInstanceUID: '0020000D',
  SeriesInstanceUID: '0020000E',
  StudyID: '00200010',
  SeriesNumber: '00200011',
  InstanceNumber: '00200013',
  NumberOfStudyRelatedSeries: '00201206',
  NumberOfStudyRelatedInstances: '00201208',
  NumberOfSeriesRelatedInstances: '00201209',
  NumberOfFrames: '00280008',
  Rows: '00280010',
  Columns: '00280011',
} as const;

export const UID_PATTERN = /^[0-9]+(\.[0-9]+)*$/;

export function isUid(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 64 && UID_PATTERN.test(value);
}

export interface Problem {
  path: string;
  problem: string;
}

export function responseInvalid(request: string, problems: Problem[], status?: number): TabibError {
  const shown = problems
    .slice(0, 3)
    .map((problem) => `${problem.path}: ${problem.problem}`)
    .join('; ');
  return new TabibError(
    'IMAGING_PACS_RESPONSE_INVALID',
    `${request}: invalid answer (${shown}${problems.length > 3 ? `, and ${problems.length - 3} more` : ''})`,
    { request, problems, ...(status === undefined ? {} : { status }) },
  );
}

const TAG_KEY = /^[0-9A-Fa-f]{8}$/;

/** Checks the shape of a QIDO-RS answer: an array of data sets whose attributes have a `vr`. */
export function readDatasets(json: unknown, request: string): DicomJsonDataset[] {
  if (!Array.isArray(json)) throw responseInvalid(request, [{ path: '(body)', problem: 'not a JSON array' }]);
  const problems: Problem[] = [];
  const datasets = json.map((item, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      problems.push({ path: `[${index}]`, problem: 'not an object' });
      return {};
    }
    const dataset: DicomJsonDataset = {};
    for (const [key, attribute] of Object.entries(item as Record<string, unknown>)) {
      if (!TAG_KEY.test(key)) {
        problems.push({ path: `[${index}].${key}`, problem: 'not a tag' });
        continue;
      }
      const value = attribute as Partial<DicomJsonAttribute> | null;
      if (
        typeof value !== 'object' ||
        value === null ||
        typeof value.vr !== 'string' ||
        (value.Value !== undefined && !Array.isArray(value.Value))
      ) {
        problems.push({ path: `[${index}].${key}`, problem: 'not a DICOM JSON attribute' });
        continue;
      }
      dataset[key.toUpperCase()] = value as DicomJsonAttribute;
    }
    return dataset;
  });
  if (problems.length > 0) throw responseInvalid(request, problems);
  return datasets;
}

/** The attribute's values, or [] when absent or empty. */
export function values(dataset: DicomJsonDataset, tag: string): unknown[] {
  return dataset[tag]?.Value ?? [];
}

/** The first value as text ('' when absent); numbers (IS, DS) become their decimal text. */
export function text(dataset: DicomJsonDataset, tag: string): string {
  const [first] = values(dataset, tag);
  if (typeof first === 'string') return first.trim();
  if (typeof first === 'number') return String(first);
  return '';
}

export function texts(dataset: DicomJsonDataset, tag: string): string[] {
  return values(dataset, tag)
    .map((value) =>
      typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '',
    )
    .filter((value) => value !== '');
}

/** The first value as an integer (IS, US, UL; a JSON number or a numeric string), else null. */
export function integer(dataset: DicomJsonDataset, tag: string): number | null {
  const value = text(dataset, tag);
  return /^[+-]?\d+$/.test(value) ? Number(value) : null;
}

/** A PN value: `{ Alphabetic?, Ideographic?, Phonetic? }` (PS3.18 F.2.2). */
export function personName(dataset: DicomJsonDataset, tag: string): DicomPersonName | null {
  const [first] = values(dataset, tag);
  if (typeof first === 'string') return parsePersonName(first);
  if (typeof first !== 'object' || first === null) return null;
  const groups = first as { Alphabetic?: unknown; Ideographic?: unknown; Phonetic?: unknown };
  const group = (value: unknown) => (typeof value === 'string' ? value : '');
  return parsePersonName(
    [group(groups.Alphabetic), group(groups.Ideographic), group(groups.Phonetic)].join('='),
  );
}

/** A sequence's items (SQ), each a data set. */
export function items(dataset: DicomJsonDataset, tag: string): DicomJsonDataset[] {
  return values(dataset, tag).filter(
    (item): item is DicomJsonDataset => typeof item === 'object' && item !== null && !Array.isArray(item),
  );
}

// ---- summaries ------------------------------------------------------------------------------

export interface PacsStudy {
  studyInstanceUid: string;
  patientName: DicomPersonName | null;
  patientNameText: string;
  dicomPatientId: string;
  /** ISO 8601, or null. */
  birthDate: string | null;
  sex: string;
  studyDate: string | null;
  studyTime: string | null;
  description: string;
  accessionNumber: string;
  studyId: string;
  modalities: string[];
  /** NumberOfStudyRelatedSeries / Instances, when the PACS gives them. */
  series: number | null;
  instances: number | null;
  /** The whole data set the PACS answered (includefield attributes among them). */
  attributes: DicomJsonDataset;
}

export interface PacsSeries {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  modality: string;
  seriesNumber: number | null;
  description: string;
  instances: number | null;
  attributes: DicomJsonDataset;
}

export interface PacsInstance {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  attributes: DicomJsonDataset;
}

function requireUids(datasets: DicomJsonDataset[], request: string, needed: [string, string][]): void {
  const problems: Problem[] = [];
  datasets.forEach((dataset, index) => {
    for (const [tag, name] of needed)
      if (!isUid(text(dataset, tag)))
        problems.push({ path: `[${index}].${tag}`, problem: `${name} missing or not a UID` });
  });
  if (problems.length > 0) throw responseInvalid(request, problems);
}

export function readStudies(datasets: DicomJsonDataset[], request: string): PacsStudy[] {
  requireUids(datasets, request, [[tags.StudyInstanceUID, 'StudyInstanceUID']]);
  return datasets.map((dataset) => {
    const name = personName(dataset, tags.PatientName);
    return {
      studyInstanceUid: text(dataset, tags.StudyInstanceUID),
      patientName: name,
      patientNameText: personNameText(name),
      dicomPatientId: text(dataset, tags.PatientID),
      birthDate: isoDate(text(dataset, tags.PatientBirthDate)),
      sex: text(dataset, tags.PatientSex),
      studyDate: isoDate(text(dataset, tags.StudyDate)),
      studyTime: isoTime(text(dataset, tags.StudyTime)),
      description: text(dataset, tags.StudyDescription),
      accessionNumber: text(dataset, tags.AccessionNumber),
      studyId: text(dataset, tags.StudyID),
      modalities: texts(dataset, tags.ModalitiesInStudy),
      series: integer(dataset, tags.NumberOfStudyRelatedSeries),
      instances: integer(dataset, tags.NumberOfStudyRelatedInstances),
      attributes: dataset,
    };
  });
}

export function readSeries(datasets: DicomJsonDataset[], request: string, studyUid: string): PacsSeries[] {
  requireUids(datasets, request, [[tags.SeriesInstanceUID, 'SeriesInstanceUID']]);
  return datasets.map((dataset) => ({
    studyInstanceUid: text(dataset, tags.StudyInstanceUID) || studyUid,
    seriesInstanceUid: text(dataset, tags.SeriesInstanceUID),
    modality: text(dataset, tags.Modality),
    seriesNumber: integer(dataset, tags.SeriesNumber),
    description: text(dataset, tags.SeriesDescription),
    instances: integer(dataset, tags.NumberOfSeriesRelatedInstances),
    attributes: dataset,
  }));
}

export function readInstances(
  datasets: DicomJsonDataset[],
  request: string,
  context: { studyUid: string; seriesUid?: string },
): PacsInstance[] {
  requireUids(datasets, request, [[tags.SOPInstanceUID, 'SOPInstanceUID']]);
  const problems: Problem[] = [];
  const instances = datasets.map((dataset, index) => {
    const seriesInstanceUid = text(dataset, tags.SeriesInstanceUID) || context.seriesUid || '';
    if (!isUid(seriesInstanceUid))
      problems.push({ path: `[${index}].${tags.SeriesInstanceUID}`, problem: 'SeriesInstanceUID missing' });
    return {
      studyInstanceUid: text(dataset, tags.StudyInstanceUID) || context.studyUid,
      seriesInstanceUid,
      sopInstanceUid: text(dataset, tags.SOPInstanceUID),
      sopClassUid: text(dataset, tags.SOPClassUID),
      instanceNumber: integer(dataset, tags.InstanceNumber),
      attributes: dataset,
    };
  });
  if (problems.length > 0) throw responseInvalid(request, problems);
  return instances;
}
