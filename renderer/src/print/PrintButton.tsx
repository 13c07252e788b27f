// Replaced by the print feature (issue 5): prints one document as PDF.
export interface PrintButtonProps {
  kind: 'prescription' | 'referral' | 'visitSummary';
  /** The MedicationRequest (prescription), ServiceRequest (referral) or Encounter (visit summary) id. */
  resourceId: string;
  patientId: string;
}

export function PrintButton(_props: PrintButtonProps) {
  return null;
}
