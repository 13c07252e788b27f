/**
 * A patient's MedicationRequests as the medication list shows them: what they take now, what
 * they took, what is prepared and not signed, and the signed prescriptions (requests sharing a
 * groupIdentifier, FHIR R4 medicationrequest.html "groupIdentifier"), each printable as one page.
 */
import type { DetectedIssue, MedicationRequest } from '@medplum/fhirtypes';
import type {
  AcknowledgedWarning,
  DrugPresentation,
  MedicationListView,
  MedicationStatus,
  MedicationView,
  PrescriptionView,
} from '../contract/medication-types';
import type { DrugCatalogue } from './drug-catalogue';
import { courseEnd, readDosage } from './dosage-instruction';
import { atcOf } from './prescription-warnings';

export const PRESCRIPTION_SYSTEM = 'urn:tabib:prescription';
export const WARNING_SYSTEM = 'urn:tabib:prescription-warning';

function referenceId(reference: string | undefined, type: string): string | null {
  const match = reference ? /^([A-Za-z]+)\/([A-Za-z0-9\-.]{1,64})$/.exec(reference) : null;
  return match && match[1] === type ? (match[2] as string) : null;
}

function acknowledgedWarnings(request: MedicationRequest): AcknowledgedWarning[] {
  const issues = (request.contained ?? []).filter(
    (resource): resource is DetectedIssue => resource.resourceType === 'DetectedIssue',
  );
  return issues.map((issue) => ({
    id: issue.identifier?.find((identifier) => identifier.system === WARNING_SYSTEM)?.value ?? issue.id ?? '',
    code: issue.code?.coding?.[0]?.code === 'ALGY' ? 'ALGY' : 'DUPTHPY',
    severity: issue.severity === 'high' ? 'high' : 'moderate',
    detail: issue.detail ?? '',
  }));
}

/** The presentation a request names ("Amoxicilline 1 g, comprimé dispersible"), if the catalogue has it. */
function presentationOf(catalogue: DrugCatalogue, atc: string | null, text: string): DrugPresentation | null {
  const medication = atc ? catalogue.medication(atc) : undefined;
  if (!medication) return null;
  return (
    medication.presentations.find((presentation) =>
      text.endsWith(`${presentation.strength}, ${presentation.form}`),
    ) ?? null
  );
}

export function medicationView(
  catalogue: DrugCatalogue,
  request: MedicationRequest,
  now: Date,
): MedicationView {
  const atc = atcOf(request);
  const instruction = request.dosageInstruction?.[0];
  const endsOn = courseEnd(request.authoredOn, instruction);
  const status = (request.status ?? 'unknown') as MedicationStatus;
  const text =
    request.medicationCodeableConcept?.text ??
    request.medicationCodeableConcept?.coding?.[0]?.display ??
    atc ??
    '';
  // The latest note with an author: the one medications.stop adds.
  const stopNote = status === 'stopped' ? request.note?.findLast((note) => note.authorReference) : undefined;
  return {
    id: request.id as string,
    status,
    current:
      (status === 'active' || status === 'on-hold') &&
      (endsOn === null || Date.parse(endsOn) > now.getTime()),
    atc,
    text,
    drug: atc && catalogue.medication(atc) ? catalogue.name(atc) : null,
    presentation: presentationOf(catalogue, atc, text),
    dosage: readDosage(instruction),
    dosageText: instruction?.text ?? null,
    authoredOn: request.authoredOn ?? null,
    endsOn,
    requester: request.requester?.reference
      ? { reference: request.requester.reference, display: request.requester.display ?? null }
      : null,
    encounterId: referenceId(request.encounter?.reference, 'Encounter'),
    prescriptionId:
      request.groupIdentifier?.system === PRESCRIPTION_SYSTEM
        ? (request.groupIdentifier.value ?? null)
        : null,
    stop:
      status === 'stopped'
        ? {
            reason: request.statusReason?.text ?? request.statusReason?.coding?.[0]?.display ?? '',
            by: stopNote?.authorReference?.display ?? stopNote?.authorReference?.reference ?? null,
            at: stopNote?.time ?? null,
          }
        : null,
    acknowledgedWarnings: acknowledgedWarnings(request),
  };
}

const newestFirst = (a: MedicationView, b: MedicationView) =>
  (b.authoredOn ?? '').localeCompare(a.authoredOn ?? '') || a.text.localeCompare(b.text, 'fr');

/** The list view of a patient's requests at `now`. */
export function medicationList(
  catalogue: DrugCatalogue,
  requests: readonly MedicationRequest[],
  now: Date,
): MedicationListView {
  const views = requests.map((request) => medicationView(catalogue, request, now)).sort(newestFirst);
  const prescriptions = new Map<string, PrescriptionView>();
  for (const view of views) {
    if (view.status === 'draft' || view.status === 'entered-in-error') continue;
    const key = view.prescriptionId ?? view.id;
    let prescription = prescriptions.get(key);
    if (!prescription) {
      prescription = {
        id: key,
        authoredOn: view.authoredOn,
        requester: view.requester,
        encounterId: view.encounterId,
        medications: [],
      };
      prescriptions.set(key, prescription);
    }
    prescription.medications.push(view);
  }
  return {
    current: views.filter((view) => view.current),
    past: views.filter((view) => !view.current && view.status !== 'draft'),
    drafts: views.filter((view) => view.status === 'draft'),
    prescriptions: [...prescriptions.values()],
  };
}
