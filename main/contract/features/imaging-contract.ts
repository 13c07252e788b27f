/**
 * The imaging calls of the contract (issue 7): the cache's studies, the viewer's bytes, import,
 * the PACS over DICOMweb, measurements and the report. Names in ../names.ts (imagingCallNames);
 * result types in ../imaging-types.ts; the services in main/imaging/.
 */
import { z } from 'zod';
import { call, fhirId, none, type CallSpec } from '../call-spec';
import {
  measurementKinds,
  reportStatuses,
  type CachedStudy,
  type ImagingReportView,
  type ImportReport,
  type InstanceBytes,
  type MeasurementView,
  type PacsStudy,
  type StudyPatientMatch,
  type StudyView,
  type WorklistStudy,
} from '../imaging-types';
import type { ImagingCallName } from '../names';

/** PS3.5 §9.1: a UID, digits and dots, at most 64 characters. */
const uid = z
  .string()
  .regex(/^[0-9]+(\.[0-9]+)*$/, 'must be a DICOM UID')
  .max(64);
const isoDate = z.iso.date();
const text = (max: number) => z.string().trim().max(max);
/** A dropped or chosen file with no path the services can read (the browser's File): its bytes. */
const MAX_FILE_BASE64 = 700 * 1024 * 1024;

const measurement = z
  .object({
    id: z.uuid(),
    kind: z.enum(measurementKinds),
    seriesInstanceUid: uid,
    sopInstanceUid: uid,
    frame: z.number().int().positive(),
    points: z
      .array(z.tuple([z.number().finite(), z.number().finite()]))
      .min(1)
      .max(64),
    label: text(500),
    values: z
      .object({
        length: z.number().finite(),
        angle: z.number().finite(),
        area: z.number().finite(),
        mean: z.number().finite(),
        stdDev: z.number().finite(),
        min: z.number().finite(),
        max: z.number().finite(),
        value: z.number().finite(),
      })
      .partial()
      .strict(),
    unit: text(20),
    geometryUnit: z.enum(['mm', 'px']).optional(),
  })
  .strict();

export const imagingCalls = {
  'imaging.studies': call<WorklistStudy[]>()(
    z.object({ patientId: fhirId.optional() }).strict(),
    'imaging.read',
    'The cached studies, most recent first, with their report’s state; those of one record patient when patientId is given.',
  ),
  'imaging.study': call<StudyView>()(
    z.object({ studyInstanceUid: uid }).strict(),
    'imaging.read',
    'A cached study with its series and instances in viewing order, and its report; audited as a read of the patient’s images.',
  ),
  'imaging.instance': call<InstanceBytes>()(
    z.object({ sopInstanceUid: uid }).strict(),
    'imaging.read',
    'An instance’s DICOM file, decrypted from the cache, for the viewer’s image loader.',
  ),
  'imaging.import': call<ImportReport>()(
    z.object({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }).strict(),
    'imaging.import',
    'Import files, folders or a DICOMDIR the services can read (a CD, a chosen folder); progress as imaging.importProgress.',
  ),
  'imaging.importFiles': call<ImportReport>()(
    z
      .object({
        files: z
          .array(
            z.object({ name: z.string().min(1).max(4096), data: z.string().max(MAX_FILE_BASE64) }).strict(),
          )
          .min(1)
          .max(2_000),
      })
      .strict(),
    'imaging.import',
    'Import dropped files by their bytes (base64), when the services cannot read them by path.',
  ),
  'imaging.matchPatient': call<StudyPatientMatch>()(
    z.object({ studyInstanceUid: uid }).strict(),
    'imaging.read',
    'The record patient a study belongs to: by national identifier, confirmed earlier, or candidates by name and birth date.',
  ),
  'imaging.confirmPatient': call<CachedStudy>()(
    z.object({ studyInstanceUid: uid, patientId: fhirId }).strict(),
    'imaging.import',
    'Link a study to a record patient the radiologist confirmed.',
  ),
  'imaging.pacsStatus': call<{ configured: boolean; name: string | null; stowEnabled: boolean }>()(
    none,
    'imaging.read',
    'Whether a PACS is configured for DICOMweb, its name, and whether uploads (STOW-RS) are enabled.',
  ),
  'imaging.pacsSearch': call<PacsStudy[]>()(
    z
      .object({
        patientId: text(64).optional(),
        patientName: text(64).optional(),
        dateFrom: isoDate.optional(),
        dateTo: isoDate.optional(),
        modality: z
          .string()
          .regex(/^[A-Z]{2,3}$/, 'must be a modality code')
          .optional(),
        accessionNumber: text(16).optional(),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    'imaging.read',
    'QIDO-RS: the PACS’s studies matching the query.',
  ),
  'imaging.pacsRetrieve': call<ImportReport>()(
    z.object({ studyInstanceUid: uid }).strict(),
    'imaging.read',
    'WADO-RS: retrieve a study from the PACS into the encrypted cache (resumed where a dropped connection left it); progress as imaging.importProgress.',
  ),
  'imaging.pacsStore': call<{ stored: number; failed: number }>()(
    z.object({ studyInstanceUid: uid }).strict(),
    'imaging.import',
    'STOW-RS: send a cached study to the PACS, where uploads are enabled.',
  ),
  'imaging.measurements': call<MeasurementView[]>()(
    z.object({ studyInstanceUid: uid }).strict(),
    'imaging.read',
    'The measurements saved on a study, to draw again.',
  ),
  'imaging.saveMeasurements': call<MeasurementView[]>()(
    z.object({ studyInstanceUid: uid, measurements: z.array(measurement).max(500) }).strict(),
    'imaging.report',
    'Replace the study’s measurements with these (FHIR Observations derived from its ImagingStudy, in the record).',
  ),
  'imaging.saveReport': call<ImagingReportView>()(
    z
      .object({
        studyInstanceUid: uid,
        status: z.enum(reportStatuses),
        indication: text(4000),
        technique: text(4000),
        findings: text(20_000),
        conclusion: text(4000).min(1),
        /** The version saved before, when editing one (optimistic locking). */
        versionId: z.string().max(64).optional(),
      })
      .strict(),
    'imaging.report',
    'Write or amend the study’s report: a DiagnosticReport with its ImagingStudy in the record (so it syncs); the study must be linked to a patient.',
  ),
} as const satisfies Record<ImagingCallName, CallSpec<z.ZodType, unknown>>;
