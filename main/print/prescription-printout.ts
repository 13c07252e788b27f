/**
 * The prescription: the signed MedicationRequest given and every other one signed with it (the
 * same `groupIdentifier`, system urn:tabib:prescription), one line per drug: the drug, how to take
 * it, for how long, how much to dispense. A draft is never printed: a paper prescription a
 * pharmacy would honour must be one the doctor signed (status active, or completed since).
 */
import type { Dosage, Encounter, MedicationRequest } from '@medplum/fhirtypes';
import { patientResources, referenceId, requireStored } from '../care/stored-resources';
import { PRESCRIPTION_SYSTEM } from '../medication/medication-list';
import { html } from './html';
import {
  conceptText,
  printablePatient,
  printoutTools,
  readPatientParty,
  readPractitionerParty,
  type PrintoutContext,
  type PrintoutTools,
} from './printout-context';
import { renderPrintout, type Printout } from './printout-document';
import { fillLabel } from './printout-labels';

/** The statuses of a signed prescription (FHIR R4 medicationrequest-status). */
const signedStatuses = new Set<MedicationRequest['status']>(['active', 'completed']);

export function isSignedPrescription(request: MedicationRequest): boolean {
  return signedStatuses.has(request.status);
}

function groupOf(request: MedicationRequest): string | null {
  const group = request.groupIdentifier;
  return group?.system === PRESCRIPTION_SYSTEM && group.value ? group.value : null;
}

/** Oldest first; the ids (time-ordered) settle requests written at the same moment. */
export const inOrderWritten = (a: MedicationRequest, b: MedicationRequest): number =>
  (a.authoredOn ?? '').localeCompare(b.authoredOn ?? '') || (a.id ?? '').localeCompare(b.id ?? '');

/** The requests printed together with this one, in the order they were written. */
export function prescriptionGroup(context: PrintoutContext, request: MedicationRequest): MedicationRequest[] {
  const group = groupOf(request);
  const patientId = referenceId(request.subject, 'Patient');
  if (!group || !patientId) return [request];
  return patientResources<MedicationRequest>(context.record, patientId, 'MedicationRequest')
    .map((stored) => stored.resource)
    .filter((candidate) => groupOf(candidate) === group && isSignedPrescription(candidate))
    .sort(inOrderWritten);
}

/** A dosage's words: as the prescriber wrote it, else built from its structured dose and timing. */
function dosageText(dosage: Dosage, tools: PrintoutTools): string | null {
  if (dosage.text?.trim()) return dosage.text.trim();
  const dose = tools.format.quantity(dosage.doseAndRate?.[0]?.doseQuantity);
  const repeat = dosage.timing?.repeat;
  const timing =
    repeat?.frequency !== undefined && repeat.period !== undefined
      ? `${repeat.frequency} × / ${tools.format.duration({ value: repeat.period, code: repeat.periodUnit ?? 'd' })}`
      : null;
  const asNeeded = dosage.asNeededBoolean ? tools.labels.prescription.asNeeded : null;
  const text = [dose, timing, asNeeded].filter(Boolean).join(', ');
  return text || null;
}

/** The drug lines of a prescription, as an HTML table. */
export function prescriptionTable(requests: MedicationRequest[], tools: PrintoutTools) {
  const { labels, format } = tools;
  return html`<table>
    <thead>
      <tr>
        <th>${labels.prescription.medication}</th>
        <th>${labels.prescription.dosage}</th>
        <th>${labels.prescription.duration}</th>
        <th>${labels.prescription.quantity}</th>
      </tr>
    </thead>
    <tbody>
      ${requests.map((request) => {
        const dispense = request.dispenseRequest;
        const drug =
          conceptText(request.medicationCodeableConcept) ??
          request.medicationReference?.display ??
          labels.nothing;
        const dosage = (request.dosageInstruction ?? [])
          .map((entry) => dosageText(entry, tools))
          .filter(Boolean);
        const repeats = dispense?.numberOfRepeatsAllowed;
        return html`<tr data-medication-request="${request.id ?? ''}">
          <td>
            <div class="drug" dir="auto">${drug}</div>
            ${
              repeats
                ? html`<div class="muted">${fillLabel(labels.prescription.repeats, { count: repeats })}</div>`
                : null
            }
          </td>
          <td>
            ${dosage.length > 0 ? dosage.map((line) => html`<div dir="auto">${line}</div>`) : labels.nothing}
          </td>
          <td>${format.duration(dispense?.expectedSupplyDuration) ?? '—'}</td>
          <td>${format.quantity(dispense?.quantity) ?? '—'}</td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

export async function prescriptionPrintout(
  context: PrintoutContext,
  medicationRequestId: string,
): Promise<Printout> {
  const stored = requireStored<MedicationRequest>(context.record, 'MedicationRequest', medicationRequestId);
  const request = stored.resource;
  const patientId = printablePatient(request, isSignedPrescription(request));
  const tools = printoutTools(context);
  const requests = prescriptionGroup(context, request);
  const encounterId = referenceId(request.encounter, 'Encounter');
  const encounter = encounterId ? context.record.store.read<Encounter>('Encounter', encounterId) : null;
  const group = groupOf(request);
  return renderPrintout(context, {
    kind: 'prescription',
    serviceProvider: encounter?.serviceProvider,
    patient: readPatientParty(context, patientId),
    practitioner: readPractitionerParty(context, request.requester),
    date: request.authoredOn ?? null,
    body: html`<section data-section="prescription">${prescriptionTable(requests, tools)}</section>`,
    printed: {
      type: 'MedicationRequest',
      id: medicationRequestId,
      version: stored.version,
      ...(group ? { group } : {}),
    },
  });
}
