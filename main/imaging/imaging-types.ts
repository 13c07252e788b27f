/**
 * What the imaging library answers: the outcome of an import, file by file and study by study,
 * and the cached studies. Plain data, ready to cross the contract when the viewer asks for it.
 */
import type { ContractErrorShape } from '../contract/errors';
import type { DicomPersonName } from './dicom-text';
import type { StudyPatientMatch } from './patient-matching';

export type FileImportStatus = 'imported' | 'duplicate' | 'error';

export interface FileImportResult {
  path: string;
  status: FileImportStatus;
  sopInstanceUid: string | null;
  studyInstanceUid: string | null;
  /** Why the file was not imported (status 'error'). */
  error: ContractErrorShape | null;
}

export interface StudyImportResult {
  studyInstanceUid: string;
  patientName: DicomPersonName | null;
  patientNameText: string;
  dicomPatientId: string;
  birthDate: string | null;
  studyDate: string | null;
  description: string;
  /** Instances of this study that this import added (duplicates not counted). */
  imported: number;
  duplicates: number;
  /** The record's patient (matched by national identifier, or confirmed earlier), or candidates to confirm. */
  match: StudyPatientMatch;
}

export interface ImportProgress {
  done: number;
  total: number;
}

export interface ImportReport {
  files: FileImportResult[];
  studies: StudyImportResult[];
  total: number;
  imported: number;
  duplicates: number;
  errors: number;
  /** Files not read because the import stopped (a full disk, or a cache that cannot make room). */
  notAttempted: number;
  stoppedBy: ContractErrorShape | null;
  /** Bytes of the DICOM files added to the cache. */
  bytes: number;
  milliseconds: number;
}

export interface CachedStudy {
  studyInstanceUid: string;
  patientName: DicomPersonName | null;
  patientNameText: string;
  dicomPatientId: string;
  birthDate: string | null;
  sex: string;
  /** The record's Patient this study is linked to, and how. */
  patientId: string | null;
  patientLink: 'identifier' | 'confirmed' | null;
  studyDate: string | null;
  studyTime: string | null;
  description: string;
  accessionNumber: string;
  modalities: string[];
  series: number;
  instances: number;
  /** Size of the study's encrypted files. */
  sizeBytes: number;
  heldByPacs: boolean;
  lastAccess: string;
}

export interface CacheUsage {
  usedBytes: number;
  limitBytes: number;
  studies: number;
  instances: number;
}

/** An instance as the index holds it, with where it lies in the patient (for stacking). */
export interface IndexedInstance {
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  frames: number;
  rows: number | null;
  columns: number | null;
  transferSyntaxUid: string;
  /** ImagePositionPatient (mm) and ImageOrientationPatient (row, column cosines), when the file has them. */
  position: [number, number, number] | null;
  orientation: [number, number, number, number, number, number] | null;
}

export interface IndexedSeries {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string;
  description: string;
  bodyPart: string;
  instances: IndexedInstance[];
}
