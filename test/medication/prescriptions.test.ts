/**
 * Prescribing through the real services: the warnings a prescription raises before it is signed
 * (a documented allergy, a duplicate), signing refused until every warning is acknowledged, and a
 * signed prescription as the record keeps it — active orders of the signing doctor under one
 * groupIdentifier, each with its outbox and audit entries. Then drafts, stopping, the list.
 */
import type { AllergyIntolerance, DetectedIssue, MedicationRequest } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  MedicationListView,
  MedicationView,
  PrescriptionCheck,
  PrescriptionWarning,
  SavedDrafts,
  SignedPrescription,
} from '../../main/contract/medication-types';
import type { AuditTrailEntry } from '../../main/contract/types';
import { DEMO_ACTOR_DISPLAY, DEMO_ACTOR_ID } from '../../main/record/demo/generator';
import {
  ATC,
  NOW,
  failure,
  medicationWorkstation,
  type MedicationWorkstation,
} from './medication-workstation';

let station: MedicationWorkstation;
beforeAll(async () => {
  station = await medicationWorkstation();
});
afterAll(() => station.close());

/** A line of the editor: the first presentation of the medicine, 1 unit 3 times a day for 6 days. */
function line(atc: string, form: string, strength: string, extra: Record<string, unknown> = {}) {
  return {
    atc,
    form,
    strength,
    dose: 1,
    unit: 'tablet',
    frequency: 3,
    period: 1,
    periodUnit: 'd',
    durationDays: 6,
    asNeeded: false,
    instructions: null,
    ...extra,
  };
}
const amoxicillin = line('J01CA04', 'comprimé dispersible', '1 g', { frequency: 2 });
const amoxiClav = line('J01CR02', 'comprimé pelliculé', '1 g/125 mg', { frequency: 2 });
const penicillinV = line('J01CE02', 'comprimé', '1 000 000 UI');
const cefalexin = line('J01DB01', 'gélule', '500 mg', { unit: 'capsule' });
const azithromycin = line('J01FA10', 'comprimé pelliculé', '500 mg', { frequency: 1, durationDays: 3 });
const paracetamol = line('N02BE01', 'comprimé', '1 g', { asNeeded: true, durationDays: 5 });
const codeineParacetamol = line('N02AJ06', 'comprimé', '30 mg/500 mg');
const rosuvastatin = line('C10AA07', 'comprimé pelliculé', '10 mg', { frequency: 1, durationDays: null });
const atorvastatin = line('C10AA05', 'comprimé pelliculé', '20 mg', { frequency: 1, durationDays: null });
const ibuprofen = line('M01AE01', 'comprimé pelliculé', '400 mg');
const aspirinAntiplatelet = line('B01AC06', 'comprimé gastro-résistant', '100 mg', {
  frequency: 1,
  durationDays: null,
});
const lamotrigine = line('N03AX09', 'comprimé', '25 mg', { frequency: 2, durationDays: null });
const levetiracetam = line('N03AX14', 'comprimé pelliculé', '500 mg', { frequency: 2, durationDays: null });

const check = async (patientId: string, items: unknown[]) =>
  (await station.call<PrescriptionCheck>('prescriptions.check', { patientId, items })).warnings;

const kinds = (warnings: PrescriptionWarning[]) =>
  warnings.map((warning) => [warning.kind, warning.drug.atc]);

describe('the allergy warning', () => {
  it('warns that a seeded patient allergic to penicillins is prescribed amoxicillin, naming the allergy', async () => {
    // The demonstration codes a penicillin allergy with its ATC class (J01C, "Pénicillines").
    const allergy = station
      .resources<AllergyIntolerance>('AllergyIntolerance')
      .find((candidate) =>
        candidate.code?.coding?.some((coding) => coding.system === ATC && coding.code === 'J01C'),
      );
    expect(allergy, 'a seeded patient allergic to penicillins').toBeDefined();
    const patientId = allergy!.patient.reference!.split('/')[1]!;
    const warnings = await check(patientId, [amoxicillin]);
    const warning = warnings.find((candidate) => candidate.kind === 'allergy');
    expect(warning).toMatchObject({
      severity: 'high',
      itemIndex: 0,
      drug: { atc: 'J01CA04', inn: 'amoxicilline' },
      allergy: {
        id: allergy!.id,
        text: allergy!.code!.text,
        code: 'J01C',
        labels: { fr: 'Pénicillines (bêtalactamines)', ar: 'البنسلينات (بيتا لاكتام)' },
      },
      group: { code: 'J01C', fr: 'Pénicillines (bêtalactamines)' },
    });
    expect(warning?.id).toBe(`allergy:${allergy!.id}:J01CA04`);
    // An antibiotic of another class raises none.
    expect((await check(patientId, [azithromycin])).filter((w) => w.allergy)).toEqual([]);
  });

  it('follows the level the allergy is coded at: the substance, what contains it, and what cross-reacts', async () => {
    const patient = station.patient({ birthDate: '1980-03-02', gender: 'female' });
    const allergy = station.allergy(patient.id, {
      coding: [{ system: ATC, code: 'J01CA04', display: 'amoxicillin' }],
      text: 'Amoxicilline',
    });
    const warnings = await check(patient.id, [amoxicillin, amoxiClav, penicillinV, cefalexin, azithromycin]);
    expect(kinds(warnings)).toEqual([
      ['allergy', 'J01CA04'],
      ['allergy', 'J01CR02'],
      // …and amoxicillin twice in one prescription.
      ['duplicateSubstance', 'J01CR02'],
      ['crossReactivity', 'J01CE02'],
      ['crossReactivity', 'J01DB01'],
    ]);
    expect(warnings[1]).toMatchObject({ substance: 'amoxicilline', allergy: { id: allergy.id } });
    expect(warnings[3]?.group?.code).toBe('J01C');
    expect(warnings[4]).toMatchObject({ severity: 'moderate', group: { code: 'J01D' } });
  });

  it('knows aspirin and the other anti-inflammatories cross-react, aspirin in another medicine is aspirin, paracetamol is not', async () => {
    const patient = station.patient({ birthDate: '1962-07-14', gender: 'male' });
    station.allergy(patient.id, {
      coding: [{ system: ATC, code: 'N02BA01' }],
      text: 'Acide acétylsalicylique (aspirine)',
    });
    expect(kinds(await check(patient.id, [ibuprofen, aspirinAntiplatelet, paracetamol]))).toEqual([
      ['crossReactivity', 'M01AE01'],
      ['allergy', 'B01AC06'],
    ]);
  });

  it('matches an allergy recorded as text only, and ignores one resolved or refuted', async () => {
    const patient = station.patient({ birthDate: '1990-01-20', gender: 'female' });
    station.allergy(patient.id, { text: 'Pénicillines' });
    station.allergy(patient.id, { text: 'Pollen d’olivier' }, { category: ['environment'] });
    expect(kinds(await check(patient.id, [amoxicillin, paracetamol]))).toEqual([['allergy', 'J01CA04']]);

    const other = station.patient({ birthDate: '1990-01-20', gender: 'male' });
    station.allergy(
      other.id,
      { coding: [{ system: ATC, code: 'J01C' }], text: 'Pénicillines' },
      {
        verificationStatus: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification',
              code: 'refuted',
            },
          ],
        },
      },
    );
    station.allergy(
      other.id,
      { coding: [{ system: ATC, code: 'M01A' }], text: 'AINS' },
      {
        clinicalStatus: {
          coding: [
            { system: 'http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical', code: 'resolved' },
          ],
        },
      },
    );
    expect(await check(other.id, [amoxicillin, ibuprofen])).toEqual([]);
  });
});

describe('the duplicate warning', () => {
  it('warns of a substance or a class already taken, not of what was stopped or whose course is over', async () => {
    const patient = station.patient({ birthDate: '1955-05-05', gender: 'male' });
    const statin = station.taking(patient.id, 'C10AA05', {
      medicationCodeableConcept: { coding: [{ system: ATC, code: 'C10AA05' }], text: 'Atorvastatine 20 mg' },
    });
    station.taking(patient.id, 'M01AE01', { status: 'stopped' });
    // Paracetamol for 5 days from 1 October: over by 22 November.
    station.taking(patient.id, 'N02BE01', {
      dosageInstruction: [
        {
          timing: {
            repeat: { frequency: 3, period: 1, periodUnit: 'd', boundsDuration: { value: 5, code: 'd' } },
          },
        },
      ],
    });
    const warnings = await check(patient.id, [rosuvastatin, atorvastatin, ibuprofen, paracetamol]);
    expect(warnings.filter((warning) => warning.other?.medicationRequestId)).toMatchObject([
      {
        kind: 'duplicateClass',
        severity: 'moderate',
        drug: { atc: 'C10AA07' },
        other: { medicationRequestId: statin.id, text: 'Atorvastatine 20 mg' },
        group: { code: 'C10AA', fr: "Inhibiteurs de l'HMG-CoA réductase (statines)" },
      },
      {
        kind: 'duplicateSubstance',
        severity: 'high',
        drug: { atc: 'C10AA05' },
        substance: 'atorvastatine',
        other: { medicationRequestId: statin.id },
      },
    ]);
  });

  it('warns of the same substance or class twice in one prescription, through combinations too', async () => {
    const patient = station.patient({ birthDate: '1970-02-02', gender: 'female' });
    const warnings = await check(patient.id, [paracetamol, codeineParacetamol, rosuvastatin, atorvastatin]);
    expect(warnings).toMatchObject([
      {
        id: 'duplicateSubstance:N02AJ06:N02BE01',
        kind: 'duplicateSubstance',
        itemIndex: 1,
        substance: 'paracétamol',
        other: { itemIndex: 0, medicationRequestId: null, drug: { atc: 'N02BE01' } },
      },
      { kind: 'duplicateClass', itemIndex: 3, other: { itemIndex: 2 }, group: { code: 'C10AA' } },
    ]);
    // "Other antiepileptics" is a residual ATC group: two of them are not one kind of drug.
    expect(await check(patient.id, [lamotrigine, levetiracetam])).toEqual([]);
  });
});

describe('signing', () => {
  it('is refused until every warning is acknowledged, and then nothing is written', async () => {
    const patient = station.patient({ birthDate: '1985-09-09', gender: 'male' });
    station.allergy(patient.id, { coding: [{ system: ATC, code: 'J01C' }], text: 'Pénicillines' });
    station.taking(patient.id, 'N02BE01');
    const items = [amoxicillin, paracetamol];
    const warnings = await check(patient.id, items);
    expect(warnings.map((warning) => warning.kind)).toEqual(['allergy', 'duplicateSubstance']);
    const before = station.resources<MedicationRequest>('MedicationRequest').length;

    const none = await failure(
      station.call('prescriptions.sign', { patientId: patient.id, items, acknowledgedWarnings: [] }),
    );
    expect(none.code).toBe('PRESCRIPTION_WARNINGS_UNACKNOWLEDGED');
    expect((none.details as { warnings: PrescriptionWarning[] }).warnings.map((w) => w.id)).toEqual(
      warnings.map((w) => w.id),
    );
    const some = await failure(
      station.call('prescriptions.sign', {
        patientId: patient.id,
        items,
        acknowledgedWarnings: [warnings[1]!.id],
      }),
    );
    expect(some.code).toBe('PRESCRIPTION_WARNINGS_UNACKNOWLEDGED');
    expect((some.details as { warnings: PrescriptionWarning[] }).warnings.map((w) => w.id)).toEqual([
      warnings[0]!.id,
    ]);
    expect(station.resources<MedicationRequest>('MedicationRequest')).toHaveLength(before);

    const signed = await station.call<SignedPrescription>('prescriptions.sign', {
      patientId: patient.id,
      items,
      acknowledgedWarnings: warnings.map((w) => w.id),
    });
    expect(signed.acknowledged.map((w) => w.id)).toEqual(warnings.map((w) => w.id));
    // The overridden warnings stay with the orders they concern.
    const amoxicillinOrder = station.record.store.read<MedicationRequest>(
      'MedicationRequest',
      signed.prescription.medications[0]!.id,
    )!;
    const issue = amoxicillinOrder.contained?.[0] as DetectedIssue;
    expect(amoxicillinOrder.detectedIssue).toEqual([{ reference: `#${issue.id}` }]);
    expect(issue).toMatchObject({
      resourceType: 'DetectedIssue',
      code: { coding: [{ code: 'ALGY' }] },
      severity: 'high',
      identifier: [{ value: warnings[0]!.id }],
      author: { reference: `Practitioner/${DEMO_ACTOR_ID}` },
    });
    expect(issue.detail).toContain('Pénicillines');
    expect(signed.prescription.medications[0]!.acknowledgedWarnings).toMatchObject([
      { id: warnings[0]!.id, code: 'ALGY', severity: 'high' },
    ]);
  });

  it('writes one prescription: active orders of the signing doctor, one group, each with outbox and audit', async () => {
    const patient = station.patient({ birthDate: '2001-04-30', gender: 'female' });
    const visit = station.encounter(patient.id);
    const signed = await station.call<SignedPrescription>('prescriptions.sign', {
      patientId: patient.id,
      encounterId: visit.id,
      items: [amoxicillin, { ...paracetamol, instructions: 'au milieu des repas' }],
      acknowledgedWarnings: [],
    });
    const { prescription } = signed;
    expect(prescription).toMatchObject({
      authoredOn: NOW,
      requester: { reference: `Practitioner/${DEMO_ACTOR_ID}`, display: DEMO_ACTOR_DISPLAY },
      encounterId: visit.id,
    });
    expect(prescription.medications).toHaveLength(2);
    const stored = prescription.medications.map((view) =>
      station.record.store.read<MedicationRequest>('MedicationRequest', view.id)!,
    );
    for (const request of stored) {
      expect(request).toMatchObject({
        status: 'active',
        intent: 'order',
        subject: { reference: `Patient/${patient.id}` },
        encounter: { reference: `Encounter/${visit.id}` },
        requester: { reference: `Practitioner/${DEMO_ACTOR_ID}` },
        authoredOn: NOW,
        groupIdentifier: { system: 'urn:tabib:prescription', value: prescription.id },
      });
      expect(station.outbox('MedicationRequest', request.id!)).toEqual([
        { operation: 'create', practitioner: `Practitioner/${DEMO_ACTOR_ID}` },
      ]);
    }
    expect(stored[0]).toMatchObject({
      medicationCodeableConcept: {
        coding: [{ system: ATC, code: 'J01CA04', display: 'amoxicillin' }],
        text: 'Amoxicilline 1 g, comprimé dispersible',
      },
      dosageInstruction: [
        {
          text: '1 comprimé 2 fois par jour pendant 6 jours.',
          timing: {
            repeat: { frequency: 2, period: 1, periodUnit: 'd', boundsDuration: { value: 6, code: 'd' } },
          },
          doseAndRate: [{ doseQuantity: { value: 1, unit: 'comprimé' } }],
          route: { text: 'voie orale' },
        },
      ],
      dispenseRequest: {
        expectedSupplyDuration: { value: 6, code: 'd', system: 'http://unitsofmeasure.org' },
      },
    });
    expect(stored[1]!.dosageInstruction![0]).toMatchObject({
      text: '1 comprimé 3 fois par jour pendant 5 jours, si besoin. Au milieu des repas',
      asNeededBoolean: true,
      patientInstruction: 'au milieu des repas',
    });
    const audit = await station.call<AuditTrailEntry[]>('record.auditTrail', { patientId: patient.id });
    for (const request of stored)
      expect(audit).toContainEqual(
        expect.objectContaining({
          action: 'C',
          entity: `MedicationRequest/${request.id}`,
          practitioner: `Practitioner/${DEMO_ACTOR_ID}`,
          practitionerDisplay: DEMO_ACTOR_DISPLAY,
        }),
      );
    // The list shows it as one prescription, the lines current.
    const list = await station.call<MedicationListView>('medications.list', { patientId: patient.id });
    expect(list.prescriptions).toHaveLength(1);
    expect(list.prescriptions[0]!.id).toBe(prescription.id);
    expect(list.current.map((view) => view.atc).sort()).toEqual(['J01CA04', 'N02BE01']);
    expect(list.current.find((view) => view.atc === 'J01CA04')).toMatchObject({
      dosage: {
        dose: 1,
        unit: 'tablet',
        frequency: 2,
        period: 1,
        periodUnit: 'd',
        durationDays: 6,
        asNeeded: false,
      },
      presentation: { form: 'comprimé dispersible', strength: '1 g', route: 'oral' },
      endsOn: '2026-11-28T08:30:00.000Z',
    });
  });

  it('refuses what the catalogue does not have, and a visit of another patient', async () => {
    const patient = station.patient({ birthDate: '2001-04-30', gender: 'female' });
    const someoneElse = station.patient({ birthDate: '1999-04-30', gender: 'male' });
    const visit = station.encounter(someoneElse.id);
    const sign = (request: Record<string, unknown>) =>
      failure(
        station.call('prescriptions.sign', { patientId: patient.id, acknowledgedWarnings: [], ...request }),
      );
    expect((await sign({ items: [line('Z99ZZ99', 'comprimé', '1 g')] })).code).toBe('DRUG_UNKNOWN');
    expect((await sign({ items: [line('J01CA04', 'comprimé', '3 g')] })).code).toBe('DRUG_UNKNOWN');
    expect((await sign({ items: [amoxicillin], encounterId: visit.id })).code).toBe('CHART_PATIENT_MISMATCH');
    expect((await sign({ items: [{ ...amoxicillin, dose: 0 }] })).code).toBe('INVALID_ARGUMENT');
    expect((await sign({ items: [] })).code).toBe('INVALID_ARGUMENT');
    expect((await sign({ items: [amoxicillin], patientId: 'nobody' })).code).toBe('RESOURCE_NOT_FOUND');
    expect(
      station
        .resources<MedicationRequest>('MedicationRequest')
        .filter((request) => request.subject?.reference === `Patient/${patient.id}`),
    ).toEqual([]);
  });
});

describe('drafts, stopping and the list', () => {
  it('keeps drafts, signs them later under one group, and discards one', async () => {
    const patient = station.patient({ birthDate: '1948-12-01', gender: 'male' });
    const saved = await station.call<SavedDrafts>('prescriptions.saveDraft', {
      patientId: patient.id,
      items: [atorvastatin, paracetamol, azithromycin],
    });
    expect(saved.drafts.map((draft) => draft.status)).toEqual(['draft', 'draft', 'draft']);
    expect(saved.warnings).toEqual([]);
    let list = await station.call<MedicationListView>('medications.list', { patientId: patient.id });
    expect(list.drafts).toHaveLength(3);
    expect(list.current).toEqual([]);
    const [statin, analgesic, antibiotic] = saved.drafts as [MedicationView, MedicationView, MedicationView];

    await station.call('prescriptions.discardDraft', { id: antibiotic.id });
    expect(station.record.store.read('MedicationRequest', antibiotic.id)).toBeNull();
    expect(station.outbox('MedicationRequest', antibiotic.id).map((entry) => entry.operation)).toEqual([
      'create',
      'delete',
    ]);

    const signed = await station.call<SignedPrescription>('prescriptions.sign', {
      patientId: patient.id,
      draftIds: [statin.id, analgesic.id],
      acknowledgedWarnings: [],
    });
    expect(signed.prescription.medications.map((view) => [view.id, view.status])).toEqual([
      [statin.id, 'active'],
      [analgesic.id, 'active'],
    ]);
    expect(station.outbox('MedicationRequest', statin.id).map((entry) => entry.operation)).toEqual([
      'create',
      'update',
    ]);
    list = await station.call<MedicationListView>('medications.list', { patientId: patient.id });
    expect(list.drafts).toEqual([]);
    expect(list.prescriptions.map((prescription) => prescription.medications.length)).toEqual([2]);
    // A signed order is no draft any more.
    expect(
      (
        await failure(
          station.call('prescriptions.sign', {
            patientId: patient.id,
            draftIds: [statin.id],
            acknowledgedWarnings: [],
          }),
        )
      ).code,
    ).toBe('PRESCRIPTION_DRAFT_INVALID');
    expect((await failure(station.call('prescriptions.discardDraft', { id: statin.id }))).code).toBe(
      'PRESCRIPTION_DRAFT_INVALID',
    );
  });

  it('stops an active medication with its reason, which then is past, and only once', async () => {
    const patient = station.patient({ birthDate: '1975-06-15', gender: 'female' });
    const signed = await station.call<SignedPrescription>('prescriptions.sign', {
      patientId: patient.id,
      items: [rosuvastatin],
      acknowledgedWarnings: [],
    });
    const id = signed.prescription.medications[0]!.id;
    const stopped = await station.call<MedicationView>('medications.stop', { id, reason: 'Myalgies' });
    expect(stopped).toMatchObject({
      status: 'stopped',
      current: false,
      stop: { reason: 'Myalgies', by: DEMO_ACTOR_DISPLAY, at: NOW },
    });
    const stored = station.record.store.read<MedicationRequest>('MedicationRequest', id)!;
    expect(stored.statusReason).toEqual({ text: 'Myalgies' });
    const list = await station.call<MedicationListView>('medications.list', { patientId: patient.id });
    expect(list.current).toEqual([]);
    expect(list.past.map((view) => view.id)).toEqual([id]);
    expect((await failure(station.call('medications.stop', { id, reason: 'again' }))).code).toBe(
      'MEDICATION_NOT_ACTIVE',
    );
    expect((await failure(station.call('medications.stop', { id, reason: '  ' }))).code).toBe(
      'INVALID_ARGUMENT',
    );
    const audit = await station.call<AuditTrailEntry[]>('record.auditTrail', { patientId: patient.id });
    expect(
      audit.filter((entry) => entry.entity === `MedicationRequest/${id}`).map((entry) => entry.action),
    ).toEqual(['C', 'U']);
  });

  it('reads a seeded record: the current treatment and the courses that are over', async () => {
    const seeded = station
      .resources<MedicationRequest>('MedicationRequest')
      .filter((request) => request.meta?.versionId === '1' && request.status === 'completed');
    const patientId = seeded[0]!.subject!.reference!.split('/')[1]!;
    const list = await station.call<MedicationListView>('medications.list', { patientId });
    const all = station
      .resources<MedicationRequest>('MedicationRequest')
      .filter((request) => request.subject?.reference === `Patient/${patientId}`);
    expect(list.current.length + list.past.length + list.drafts.length).toBe(all.length);
    for (const view of list.past) expect(view.current).toBe(false);
    expect(list.past.some((view) => view.status === 'completed')).toBe(true);
    for (const view of [...list.current, ...list.past]) expect(view.dosage ?? view.dosageText).toBeTruthy();
  });
});
