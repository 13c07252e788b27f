/**
 * What the imaging calls answer (main/contract/features/imaging-contract.ts): cached studies, a
 * study's series and instances for the viewer, an instance's bytes, measurements, the report.
 */
import type { CachedStudy, ImportReport } from '../imaging/imaging-types';
import type { PacsStudy } from '../imaging/dicomweb/dicom-json';
import type { StudyPatientMatch } from '../imaging/patient-matching';

export type { CachedStudy, ImportReport, PacsStudy, StudyPatientMatch };

/** A cached study in the worklist, with the state of its report in the record (null: none yet). */
export interface WorklistStudy extends CachedStudy {
  report: { status: ReportStatus; issued: string } | null;
}

/** One instance of a series, in the order the viewer stacks them. */
export interface InstanceView {
  sopInstanceUid: string;
  sopClassUid: string;
  instanceNumber: number | null;
  /** NumberOfFrames (1 for single-frame images). */
  frames: number;
  rows: number | null;
  columns: number | null;
  transferSyntaxUid: string;
}

export interface SeriesView {
  seriesInstanceUid: string;
  seriesNumber: number | null;
  modality: string;
  description: string;
  bodyPart: string;
  /** Sorted by ImagePositionPatient along the slice normal when known, else by InstanceNumber. */
  instances: InstanceView[];
}

export interface StudyView {
  study: CachedStudy;
  series: SeriesView[];
  /** The report of this study in the record, if one was written. */
  report: ImagingReportView | null;
}

/** An instance's DICOM Part 10 file, decrypted from the cache. */
export interface InstanceBytes {
  sopInstanceUid: string;
  /** base64: it crosses IPC and the harness's binding as a plain string. */
  data: string;
}

export const measurementKinds = ['length', 'angle', 'ellipse', 'rectangle', 'probe', 'arrow'] as const;
export type MeasurementKind = (typeof measurementKinds)[number];

/**
 * A measurement made in the viewer, kept in the record (a FHIR Observation derived from the
 * ImagingStudy), and drawn again when the study is reopened.
 */
export interface MeasurementView {
  /** The Observation's id (client-assigned UUID). */
  id: string;
  kind: MeasurementKind;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  /** 1-based frame of a multi-frame instance; 1 otherwise. */
  frame: number;
  /** The tool's handles in image pixel coordinates (column, row). */
  points: [number, number][];
  /** The text of an arrow annotation, a label otherwise. */
  label: string;
  /** Computed values: length (mm), angle (deg), area (mm2), mean, stdDev, min, max (modality units), value (probe). */
  values: Partial<Record<'length' | 'angle' | 'area' | 'mean' | 'stdDev' | 'min' | 'max' | 'value', number>>;
  /** The unit of mean/stdDev/min/max/value: 'HU' for CT, '' for others. */
  unit: string;
  /**
   * 'px' when the image has no pixel spacing (an uncalibrated ultrasound, a secondary capture):
   * length and area are then in pixels and pixels², not mm and mm². Absent: mm.
   */
  geometryUnit?: 'mm' | 'px';
}

export const reportStatuses = ['preliminary', 'final', 'amended'] as const;
export type ReportStatus = (typeof reportStatuses)[number];

export interface ImagingReportView {
  /** The DiagnosticReport's id. */
  id: string;
  versionId: string;
  /** The ImagingStudy (in the record) the report is about. */
  imagingStudyId: string;
  studyInstanceUid: string;
  patientId: string;
  status: ReportStatus;
  indication: string;
  technique: string;
  findings: string;
  conclusion: string;
  /** The practitioner who wrote it (display), and when it was last saved (ISO 8601). */
  author: string;
  issued: string;
}

export interface ImportProgressPayload {
  done: number;
  total: number;
  /** The file just read, and its outcome. */
  path: string;
  status: 'imported' | 'duplicate' | 'error';
}
