/** The print calls of the contract (issue 5). Names in ../names.ts (printCallNames). */
import { z } from 'zod';
import { call, fhirId, type CallSpec } from '../call-spec';
import type { PrintCallName } from '../names';

/**
 * What can be printed, and the resource each is printed from: a signed MedicationRequest (the
 * whole prescription it was signed with), a ServiceRequest (the referral letter), an Encounter
 * (the visit summary), a DiagnosticReport (the imaging report, issue 7).
 */
export const printKinds = ['prescription', 'referral', 'visitSummary', 'imagingReport'] as const;
export type PrintKind = (typeof printKinds)[number];

export interface PrintedDocument {
  /** The document's title, in the practitioner's interface language (the PDF's title too). */
  title: string;
  /** A file name for "Save as PDF" (no folder, ends in .pdf). */
  fileName: string;
  /** The PDF, base64: it crosses IPC and the harness's binding as a plain string. */
  pdf: string;
  pages: number;
}

export const printCalls = {
  'print.document': call<PrintedDocument>()(
    z.object({ kind: z.enum(printKinds), resourceId: fhirId }).strict(),
    'print.clinical',
    'A printout of the record as PDF (A4, facility header in French and Arabic, QR code of the record reference); audited as an export of the patient’s data.',
  ),
} as const satisfies Record<PrintCallName, CallSpec<z.ZodType, unknown>>;
