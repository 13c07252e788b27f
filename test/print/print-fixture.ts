/**
 * A demonstration workstation (Morocco) and one patient's record written the way the workspace
 * writes it, through the record's store (resource + outbox + audit in one transaction): a visit
 * with its note, vital signs and an ICD-10 diagnosis, a prescription of two drugs signed together
 * (and a draft beside it), a referral to cardiology, a known allergy. The shapes are the ones
 * the shared conventions give (/tmp/issue5-common.md, "Shared FHIR conventions").
 */
import type {
  AllergyIntolerance,
  Condition,
  Encounter,
  MedicationRequest,
  Patient,
  ServiceRequest,
} from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { visitNoteDocument } from '../../main/chart/visit-note';
import { vitalObservations } from '../../main/chart/vital-signs';
import { DEMO_ACTOR_ID, DEMO_ORGANIZATION_ID } from '../../main/record/demo/generator';
import { SYSTEM } from '../../main/record/demo/fhir-coding';
import type { LocalRecord } from '../../main/record/local-record';
import type { ServiceDevices } from '../../main/services/services';
import { testWorkstation } from '../support/test-workstation';

/** 09:30 in Rabat (UTC+1), as the e2e harness's clock. */
export const PRINT_NOW = '2026-11-22T08:30:00.000Z';

export const doctor = { reference: `Practitioner/${DEMO_ACTOR_ID}`, display: 'Dr Salma Haddad' };

export const patientNames = {
  latin: { given: 'Mohamed Amine', family: 'Benali' },
  arabic: { given: 'محمد أمين', family: 'بنعلي' },
};

export const CIN = 'BE123456';

export interface PrintRecord {
  patientId: string;
  encounterId: string;
  /** The first drug of the signed prescription. */
  prescriptionId: string;
  /** The second drug, signed with it. */
  secondPrescriptionId: string;
  draftId: string;
  referralId: string;
  draftReferralId: string;
  groupId: string;
}

function arabicName(given: string, family: string) {
  return {
    use: 'official' as const,
    given: given.split(' '),
    family,
    extension: [{ url: SYSTEM.humanNameLanguage, valueCode: 'ar' }],
  };
}

export function patientResource(names: typeof patientNames, identifier: string): Patient {
  return {
    resourceType: 'Patient',
    identifier: [{ system: 'urn:tabib:ma:cin', value: identifier }],
    active: true,
    name: [
      { use: 'official', given: names.latin.given.split(' '), family: names.latin.family },
      arabicName(names.arabic.given, names.arabic.family),
    ],
    gender: 'male',
    birthDate: '1979-03-14',
    managingOrganization: { reference: `Organization/${DEMO_ORGANIZATION_ID}` },
  };
}

/** Writes the patient's record; every write through the store, as the demo doctor. */
export function writePrintRecord(
  record: LocalRecord,
  patient: Patient = patientResource(patientNames, CIN),
): PrintRecord {
  const actor = doctor;
  const store = record.store;
  const patientId = store.create(patient, actor).resource.id as string;
  const subject = { reference: `Patient/${patientId}` };
  const start = '2026-11-22T08:05:00.000Z';

  const encounter = store.create<Encounter>(
    {
      resourceType: 'Encounter',
      status: 'finished',
      class: { system: SYSTEM.actCode, code: 'AMB', display: 'ambulatory' },
      subject,
      participant: [
        {
          type: [
            { coding: [{ system: SYSTEM.participationType, code: 'PPRF', display: 'primary performer' }] },
          ],
          individual: doctor,
        },
      ],
      period: { start, end: '2026-11-22T08:25:00.000Z' },
      serviceProvider: { reference: `Organization/${DEMO_ORGANIZATION_ID}` },
    },
    actor,
  );
  const encounterId = encounter.resource.id as string;
  const encounterRef = { reference: `Encounter/${encounterId}` };

  store.create(
    visitNoteDocument({
      note: {
        reason: 'Céphalées depuis une semaine',
        history: 'Hypertendu connu, traitement interrompu depuis un mois.',
        examination: 'TA 160/95 mmHg aux deux bras. Auscultation cardiaque normale.',
        assessment: 'HTA essentielle mal contrôlée.',
        plan: 'Reprise du traitement, contrôle dans 15 jours, avis cardiologique.',
      },
      patientId,
      encounterId,
      author: doctor,
      date: '2026-11-22T08:25:00.000Z',
      period: { start, end: '2026-11-22T08:25:00.000Z' },
      final: true,
    }),
    actor,
  );
  for (const observation of vitalObservations(
    { systolic: 160, diastolic: 95, heartRate: 82, weight: 84.5, temperature: 36.9 },
    { patientId, encounterId, effective: '2026-11-22T08:10:00.000Z', performer: doctor },
  ))
    store.create(observation, actor);

  const hypertension = store.create<Condition>(
    {
      resourceType: 'Condition',
      clinicalStatus: { coding: [{ system: SYSTEM.conditionClinical, code: 'active' }] },
      verificationStatus: { coding: [{ system: SYSTEM.conditionVerification, code: 'confirmed' }] },
      category: [{ coding: [{ system: SYSTEM.conditionCategory, code: 'encounter-diagnosis' }] }],
      code: {
        coding: [{ system: SYSTEM.icd10, code: 'I10', display: 'Essential (primary) hypertension' }],
        text: 'Hypertension essentielle (primitive)',
      },
      subject,
      encounter: encounterRef,
      recordedDate: start,
      recorder: doctor,
    },
    actor,
  );
  store.update<Encounter>(
    {
      ...encounter.resource,
      diagnosis: [{ condition: { reference: `Condition/${hypertension.resource.id}` }, rank: 1 }],
    },
    actor,
    encounter.version,
  );
  store.create<AllergyIntolerance>(
    {
      resourceType: 'AllergyIntolerance',
      clinicalStatus: { coding: [{ system: SYSTEM.allergyClinical, code: 'active' }] },
      verificationStatus: { coding: [{ system: SYSTEM.allergyVerification, code: 'confirmed' }] },
      type: 'allergy',
      category: ['medication'],
      code: { coding: [{ system: SYSTEM.atc, code: 'J01CA04' }], text: 'Amoxicilline' },
      patient: subject,
      recordedDate: start,
    },
    actor,
  );

  const groupId = randomUUID();
  const medication = (
    text: string,
    atc: string,
    dosage: string,
    days: number,
    quantity: { value: number; unit: string },
    status: MedicationRequest['status'],
    group: string | null,
  ): MedicationRequest => ({
    resourceType: 'MedicationRequest',
    status,
    intent: 'order',
    ...(group ? { groupIdentifier: { system: 'urn:tabib:prescription', value: group } } : {}),
    medicationCodeableConcept: { coding: [{ system: SYSTEM.atc, code: atc }], text },
    subject,
    encounter: encounterRef,
    authoredOn: '2026-11-22T08:24:00.000Z',
    requester: doctor,
    dosageInstruction: [
      {
        text: dosage,
        timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd' } },
        doseAndRate: [{ doseQuantity: { value: 1, unit: 'comprimé' } }],
      },
    ],
    dispenseRequest: {
      expectedSupplyDuration: { value: days, unit: 'jours', system: 'http://unitsofmeasure.org', code: 'd' },
      quantity,
      numberOfRepeatsAllowed: 2,
    },
  });
  const first = store.create(
    medication(
      'Amlodipine 5 mg, comprimé',
      'C08CA01',
      '1 comprimé le matin, par voie orale',
      30,
      { value: 1, unit: 'boîte' },
      'active',
      groupId,
    ),
    actor,
  );
  const second = store.create(
    medication(
      'Hydrochlorothiazide 12,5 mg, comprimé',
      'C03AA03',
      '1 comprimé le matin au petit déjeuner',
      30,
      { value: 30, unit: 'comprimés' },
      'active',
      groupId,
    ),
    actor,
  );
  const draft = store.create(
    medication(
      'Paracétamol 1 g, comprimé',
      'N02BE01',
      '1 comprimé si douleur, 3 fois par jour au plus',
      5,
      { value: 1, unit: 'boîte' },
      'draft',
      randomUUID(),
    ),
    actor,
  );

  const referral = (status: ServiceRequest['status']): ServiceRequest => ({
    resourceType: 'ServiceRequest',
    status,
    intent: 'order',
    category: [
      { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }] },
    ],
    code: { coding: [{ system: 'http://snomed.info/sct', code: '3457005', display: 'Patient referral' }] },
    priority: 'urgent',
    subject,
    encounter: encounterRef,
    authoredOn: '2026-11-22T08:26:00.000Z',
    requester: doctor,
    performerType: {
      coding: [{ system: 'http://snomed.info/sct', code: '394579002', display: 'Cardiology' }],
      text: 'Cardiologie',
    },
    performer: [{ display: 'CHU Ibn Sina, Rabat' }],
    reasonCode: [{ text: 'HTA résistante, bilan du retentissement cardiaque' }],
    note: [{ text: 'Cher confrère,\nje vous adresse ce patient pour avis et échographie cardiaque.' }],
  });
  const sent = store.create(referral('active'), actor);
  const draftReferral = store.create(referral('draft'), actor);

  return {
    patientId,
    encounterId,
    prescriptionId: first.resource.id as string,
    secondPrescriptionId: second.resource.id as string,
    draftId: draft.resource.id as string,
    referralId: sent.resource.id as string,
    draftReferralId: draftReferral.resource.id as string,
    groupId,
  };
}

/** A demonstration workstation for Morocco (its facility, staff and 300 synthetic patients), at PRINT_NOW. */
export async function printWorkstation(devices: ServiceDevices = {}, language: 'fr' | 'ar' | 'en' = 'fr') {
  const station = testWorkstation({
    prefix: 'tabib-print-',
    env: () => ({ fixedNow: PRINT_NOW }),
    devices,
  });
  await station.call('setup.startDemo', { country: 'MA' });
  if (language !== 'fr') await station.call('settings.setLanguage', { language });
  const record = await station.host.services.record.open();
  return { station, record };
}
