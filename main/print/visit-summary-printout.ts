/**
 * The visit summary: one Encounter as the patient (or the next doctor) reads it — the structured
 * note (reason, history, examination, assessment, plan: main/chart/visit-note.ts), the vital
 * signs taken at the visit, its diagnoses (Encounter.diagnosis → Conditions, and the visit's
 * encounter-diagnosis Conditions) and the prescriptions signed at it.
 */
import type { Condition, Encounter, MedicationRequest, Observation } from '@medplum/fhirtypes';
import { patientResources, referenceId, requireStored } from '../care/stored-resources';
import { findVisitNote } from '../chart/visit-note-lookup';
import { visitNoteHeadings, visitNoteSections } from '../chart/visit-note';
import { vitalReading } from '../chart/vital-signs';
import { vitalKinds, type VitalReading } from '../contract/chart-types';
import { html, type Html } from './html';
import {
  localisedConcept,
  printablePatient,
  printoutTools,
  readPatientParty,
  readPractitionerParty,
  type PrintoutContext,
  type PrintoutTools,
} from './printout-context';
import { renderPrintout, type Printout } from './printout-document';
import { inOrderWritten, isSignedPrescription, prescriptionTable } from './prescription-printout';

const unprintable = new Set<Encounter['status']>(['cancelled', 'entered-in-error']);

function vitalValue(reading: VitalReading, tools: PrintoutTools): string {
  const value =
    reading.kind === 'bloodPressure' && reading.diastolic !== undefined
      ? `${tools.format.number(reading.value, 0)}/${tools.format.number(reading.diastolic, 0)}`
      : tools.format.number(reading.value);
  return `${value} ${reading.unit}`;
}

function diagnosesOf(
  context: PrintoutContext,
  encounter: Encounter & { id: string },
  conditions: Condition[],
): { text: string; primary: boolean }[] {
  const linked = (encounter.diagnosis ?? []).map((diagnosis) => {
    const id = referenceId(diagnosis.condition, 'Condition');
    return {
      condition: id ? context.record.store.read<Condition>('Condition', id) : null,
      display: diagnosis.condition.display ?? null,
      primary: diagnosis.rank === 1,
    };
  });
  const named = new Set(linked.map((entry) => entry.condition?.id).filter(Boolean));
  // Diagnoses recorded against the visit without a link from the Encounter (as the national record may hold them).
  const recorded = conditions
    .filter(
      (condition) =>
        !named.has(condition.id) &&
        referenceId(condition.encounter, 'Encounter') === encounter.id &&
        (condition.category ?? []).some((category) =>
          category.coding?.some((coding) => coding.code === 'encounter-diagnosis'),
        ),
    )
    .map((condition) => ({ condition, display: null, primary: false }));
  return [...linked, ...recorded]
    .filter((entry) => entry.condition?.verificationStatus?.coding?.[0]?.code !== 'entered-in-error')
    .map((entry) => ({
      text: (entry.condition ? localisedConcept(context, entry.condition.code) : entry.display) ?? '',
      primary: entry.primary,
    }))
    .filter((entry) => entry.text.length > 0);
}

export async function visitSummaryPrintout(context: PrintoutContext, encounterId: string): Promise<Printout> {
  const stored = requireStored<Encounter>(context.record, 'Encounter', encounterId);
  const encounter = stored.resource as Encounter & { id: string };
  const patientId = printablePatient(encounter, !unprintable.has(encounter.status));
  const tools = printoutTools(context);
  const { labels } = tools;
  const ofVisit = <T extends Observation | Condition | MedicationRequest>(
    type: 'Observation' | 'Condition' | 'MedicationRequest',
  ): T[] =>
    patientResources<T>(context.record, patientId, type)
      .map((entry) => entry.resource)
      .filter(
        (resource) => type === 'Condition' || referenceId(resource.encounter, 'Encounter') === encounterId,
      );

  const note = findVisitNote(context.record, encounterId)?.note ?? null;
  const headings = visitNoteHeadings[context.language];
  const noteSections = note
    ? visitNoteSections
        .filter((section) => note[section].trim().length > 0)
        .map(
          (section) =>
            html`<h3>${headings[section]}</h3>
              <p class="text" dir="auto">${note[section].trim()}</p>`,
        )
    : [];

  const readings = ofVisit<Observation>('Observation')
    .map((observation) => vitalReading(observation, null))
    .filter((reading): reading is VitalReading => reading !== null)
    .sort((a, b) => vitalKinds.indexOf(a.kind) - vitalKinds.indexOf(b.kind) || a.date.localeCompare(b.date));
  const diagnoses = diagnosesOf(context, encounter, ofVisit<Condition>('Condition'));
  const prescriptions = ofVisit<MedicationRequest>('MedicationRequest')
    .filter(isSignedPrescription)
    .sort(inOrderWritten);

  const nothing = html`<p class="muted">${labels.nothing}</p>`;
  const body: Html = html`<section data-section="visit">
    <h2>${labels.visit.note}</h2>
    ${noteSections.length > 0 ? noteSections : nothing}
    <h2>${labels.visit.vitals}</h2>
    ${
      readings.length > 0
        ? html`<table class="readings">
            <tbody>
              ${readings.map(
                (reading) =>
                  html`<tr>
                    <th scope="row">${labels.vitals[reading.kind]}</th>
                    <td>${vitalValue(reading, tools)}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
        : nothing
    }
    <h2>${labels.visit.diagnoses}</h2>
    ${
      diagnoses.length > 0
        ? html`<ul>
            ${diagnoses.map(
              (diagnosis) =>
                html`<li>
                  ${diagnosis.text}${diagnosis.primary ? html` <span class="muted">(${labels.visit.primary})</span>` : null}
                </li>`,
            )}
          </ul>`
        : nothing
    }
    <h2>${labels.visit.prescriptions}</h2>
    ${prescriptions.length > 0 ? prescriptionTable(prescriptions, tools) : nothing}
  </section>`;

  const participant =
    encounter.participant?.find((entry) =>
      entry.type?.some((type) => type.coding?.some((coding) => coding.code === 'PPRF')),
    ) ?? encounter.participant?.find((entry) => referenceId(entry.individual, 'Practitioner'));
  return renderPrintout(context, {
    kind: 'visitSummary',
    serviceProvider: encounter.serviceProvider,
    patient: readPatientParty(context, patientId),
    practitioner: readPractitionerParty(context, participant?.individual),
    date: encounter.period?.start ?? null,
    body,
    printed: { type: 'Encounter', id: encounterId, version: stored.version },
  });
}
