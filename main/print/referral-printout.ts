/**
 * The referral letter: to which specialty and facility, how urgent, why, the doctor's letter,
 * and the clinical context a colleague needs to receive the patient — active problems, allergies,
 * current medications — read from the record at the moment of printing. A draft or a revoked
 * referral is not printed: the paper would send the patient somewhere the doctor did not send them.
 */
import type {
  AllergyIntolerance,
  Condition,
  Encounter,
  MedicationRequest,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { loadReferralDirectory } from '../care/referral-directory';
import { isReferral, referralViewOf } from '../care/referrals';
import { patientResources, referenceId, requireStored } from '../care/stored-resources';
import { TabibError } from '../errors';
import { html, type Html } from './html';
import {
  conceptText,
  localisedConcept,
  printablePatient,
  printoutTools,
  readPatientParty,
  readPractitionerParty,
  type PrintoutContext,
} from './printout-context';
import { printoutFacts, renderPrintout, type Printout } from './printout-document';

const printableStatuses = new Set<ServiceRequest['status']>(['active', 'completed']);

const doubtful = new Set(['entered-in-error', 'refuted']);

function isActiveProblem(condition: Condition): boolean {
  const clinical = condition.clinicalStatus?.coding?.[0]?.code;
  const verification = condition.verificationStatus?.coding?.[0]?.code;
  return (
    (!clinical || clinical === 'active' || clinical === 'recurrence' || clinical === 'relapse') &&
    !doubtful.has(verification ?? '')
  );
}

function isCurrentAllergy(allergy: AllergyIntolerance): boolean {
  const clinical = allergy.clinicalStatus?.coding?.[0]?.code;
  const verification = allergy.verificationStatus?.coding?.[0]?.code;
  return clinical !== 'resolved' && clinical !== 'inactive' && !doubtful.has(verification ?? '');
}

/** Texts once each, in order. */
function distinct(texts: (string | null)[]): string[] {
  return [...new Set(texts.filter((text): text is string => Boolean(text?.trim())))];
}

function list(items: string[], empty: string): Html {
  return items.length > 0
    ? html`<ul>
        ${items.map((item) => html`<li dir="auto">${item}</li>`)}
      </ul>`
    : html`<p class="muted">${empty}</p>`;
}

export async function referralPrintout(
  context: PrintoutContext,
  serviceRequestId: string,
): Promise<Printout> {
  const stored = requireStored<ServiceRequest>(context.record, 'ServiceRequest', serviceRequestId);
  const request = stored.resource;
  if (!isReferral(request))
    throw new TabibError('RESOURCE_NOT_FOUND', `ServiceRequest/${serviceRequestId} is not a referral`);
  const patientId = printablePatient(request, printableStatuses.has(request.status));
  const { labels } = printoutTools(context);
  const language = context.language;
  const view = referralViewOf(stored, loadReferralDirectory(context.resourcesDir));

  const specialty =
    view.specialty.labels?.[language] ?? (view.specialty.text || conceptText(request.performerType));
  const facility = view.facility
    ? view.facility.name
      ? view.facility.name[language === 'ar' ? 'ar' : 'fr']
      : view.facility.text
    : null;
  const priority = request.priority ? labels.referral.priorities[request.priority] : null;
  const reasons = distinct([
    ...(request.reasonCode ?? []).map((reason) => localisedConcept(context, reason)),
    ...(request.reasonReference ?? []).map((reference) => {
      const id = referenceId(reference, 'Condition');
      const condition = id ? context.record.store.read<Condition>('Condition', id) : null;
      return condition ? localisedConcept(context, condition.code) : (reference.display ?? null);
    }),
  ]);
  const letter = (request.note ?? []).map((note) => note.text.trim()).filter(Boolean);

  const problems = distinct(
    patientResources<Condition>(context.record, patientId, 'Condition')
      .map((stored) => stored.resource)
      .filter(isActiveProblem)
      .map((condition) => localisedConcept(context, condition.code)),
  );
  const allergies = distinct(
    patientResources<AllergyIntolerance>(context.record, patientId, 'AllergyIntolerance')
      .map((stored) => stored.resource)
      .filter(isCurrentAllergy)
      .map((allergy) => conceptText(allergy.code)),
  );
  const medications = distinct(
    patientResources<MedicationRequest>(context.record, patientId, 'MedicationRequest')
      .map((stored) => stored.resource)
      .filter((medication) => medication.status === 'active')
      .map((medication) => {
        const drug =
          conceptText(medication.medicationCodeableConcept) ?? medication.medicationReference?.display;
        const dosage = medication.dosageInstruction?.[0]?.text;
        return drug ? (dosage ? `${drug} — ${dosage}` : drug) : null;
      }),
  );

  const encounterId = referenceId(request.encounter, 'Encounter');
  const encounter = encounterId ? context.record.store.read<Encounter>('Encounter', encounterId) : null;
  const body = html`<section data-section="referral">
    ${printoutFacts([
      [labels.referral.specialty, specialty || null],
      [labels.referral.to, facility],
      [labels.referral.priority, priority],
    ])}
    <h2>${labels.referral.reason}</h2>
    ${list(reasons, labels.nothing)}
    ${
      letter.length > 0
        ? html`<h2>${labels.referral.letter}</h2>
            ${letter.map((text) => html`<p class="text" dir="auto">${text}</p>`)}`
        : null
    }
    <h2>${labels.referral.context}</h2>
    <h3>${labels.referral.problems}</h3>
    ${list(problems, labels.nothing)}
    <h3>${labels.referral.allergies}</h3>
    ${list(allergies, labels.nothing)}
    <h3>${labels.referral.medications}</h3>
    ${list(medications, labels.nothing)}
  </section>`;

  return renderPrintout(context, {
    kind: 'referral',
    serviceProvider: encounter?.serviceProvider,
    patient: readPatientParty(context, patientId),
    practitioner: readPractitionerParty(context, request.requester),
    date: request.authoredOn ?? null,
    body,
    printed: { type: 'ServiceRequest', id: serviceRequestId, version: stored.version },
  });
}
