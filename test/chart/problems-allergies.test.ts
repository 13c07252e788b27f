/**
 * The problem list and the allergies through the contract: ICD-10 coded problems with onset and
 * resolution, allergies to medicines (ATC), classes, foods or anything typed; each write audited
 * under the signed-in practitioner and queued in the outbox; stale versions, unknown codes and
 * impossible dates refused with nothing written; who may write what.
 */
import type { AllergyIntolerance, Condition } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AllergyView, ChartSummary, ProblemView } from '../../main/contract/chart-types';
import { chartWorkstation, refusal, tableCounts, trailOf, type ChartWorkstation } from './chart-workstation';

let station: ChartWorkstation;
let patientId: string;

beforeAll(async () => {
  station = await chartWorkstation({ patients: 5, seed: 21 });
  patientId = station.patientIds[1]!;
});
afterAll(async () => {
  await station.close();
});

describe('problems', () => {
  let problem: ProblemView;

  it('adds an ICD-10 problem to the list, audited and queued for the national record', async () => {
    problem = await station.chart<ProblemView>('chart.saveProblem', {
      patientId,
      code: 'I10',
      clinicalStatus: 'active',
      onset: '2019-03-01',
      note: 'Découverte lors d’un dépistage',
    });
    expect(problem).toMatchObject({
      version: 1,
      category: 'problem-list-item',
      clinicalStatus: 'active',
      onset: '2019-03-01',
      abatement: null,
      note: 'Découverte lors d’un dépistage',
      concept: {
        code: 'I10',
        labels: { fr: 'Hypertension essentielle (primitive)', ar: 'ارتفاع ضغط الدم الأساسي (الأولي)' },
      },
    });
    const condition = station.record.store.read<Condition>('Condition', problem.conditionId)!;
    expect(condition.code?.coding?.[0]).toEqual({
      system: 'http://hl7.org/fhir/sid/icd-10',
      code: 'I10',
      display: 'Essential (primary) hypertension',
    });
    expect(condition.recorder?.reference).toBe(station.practitioner());
    expect(trailOf(station.record, 'Condition', problem.conditionId)).toEqual({
      outbox: [{ operation: 'create', version: 1, practitioner: station.practitioner() }],
      audit: [{ action: 'C', practitioner: station.practitioner(), patient_id: patientId }],
    });
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    expect(summary.problems.map((view) => view.conditionId)).toContain(problem.conditionId);
  });

  it('resolves it (abatement today by default), at the version read; a stale version is refused', async () => {
    const resolved = await station.chart<ProblemView>('chart.saveProblem', {
      patientId,
      conditionId: problem.conditionId,
      version: problem.version,
      code: 'I10',
      clinicalStatus: 'resolved',
    });
    expect(resolved).toMatchObject({
      version: 2,
      clinicalStatus: 'resolved',
      abatement: '2026-11-22',
      onset: '2019-03-01',
    });
    const before = tableCounts(station.record);
    const stale = await refusal(
      station.chart('chart.saveProblem', {
        patientId,
        conditionId: problem.conditionId,
        version: problem.version,
        code: 'I10',
        clinicalStatus: 'active',
      }),
    );
    expect(stale).toMatchObject({ code: 'VERSION_CONFLICT', details: { expected: 1, current: 2 } });
    expect(tableCounts(station.record)).toEqual(before);
    expect(
      trailOf(station.record, 'Condition', problem.conditionId).outbox.map((entry) => entry.operation),
    ).toEqual(['create', 'update']);
    const list = await station.chart<ProblemView[]>('chart.problems', { patientId });
    expect(list.find((view) => view.conditionId === problem.conditionId)?.clinicalStatus).toBe('resolved');
    expect(
      (await station.chart<ChartSummary>('chart.summary', { patientId })).problems.map(
        (view) => view.conditionId,
      ),
    ).not.toContain(problem.conditionId);
  });

  it('refuses an unknown code, a date after today, an end before the start, an update without version', async () => {
    const before = tableCounts(station.record);
    expect(
      await refusal(
        station.chart('chart.saveProblem', { patientId, code: 'Q99.9', clinicalStatus: 'active' }),
      ),
    ).toMatchObject({ code: 'TERMINOLOGY_UNKNOWN_CODE', details: { code: 'Q99.9' } });
    expect(
      await refusal(
        station.chart('chart.saveProblem', {
          patientId,
          code: 'J45.9',
          clinicalStatus: 'active',
          onset: '2027-01-01',
        }),
      ),
    ).toMatchObject({ code: 'CHART_DATE_INVALID', details: { field: 'onset', problem: 'future' } });
    expect(
      await refusal(
        station.chart('chart.saveProblem', {
          patientId,
          code: 'J45.9',
          clinicalStatus: 'resolved',
          onset: '2024-05-01',
          abatement: '2023-01-01',
        }),
      ),
    ).toMatchObject({ code: 'CHART_DATE_INVALID', details: { field: 'abatement', problem: 'order' } });
    expect(
      (
        await refusal(
          station.chart('chart.saveProblem', {
            patientId,
            conditionId: problem.conditionId,
            code: 'I10',
            clinicalStatus: 'active',
          }),
        )
      ).code,
    ).toBe('INVALID_ARGUMENT');
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('is written by doctors only (problems.write): a nurse may read the list, not change it', async () => {
    await station.actAs('nurse', 'chart-nurse');
    expect(
      (
        await refusal(
          station.chart('chart.saveProblem', { patientId, code: 'J45.9', clinicalStatus: 'active' }),
        )
      ).code,
    ).toBe('PERMISSION_DENIED');
    expect(await station.chart<ProblemView[]>('chart.problems', { patientId })).not.toHaveLength(0);
    await station.actAs('doctor');
  });
});

describe('allergies', () => {
  it('records a medicine by its ATC code, with its reaction coded ICD-10, and raises a severe-allergy alert', async () => {
    const allergy = await station.chart<AllergyView>('chart.saveAllergy', {
      patientId,
      substance: { system: 'http://www.whocc.no/atc', code: 'J01CA04' },
      criticality: 'high',
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      reactions: [{ code: 'T78.3' }, { text: 'Malaise' }],
      severity: 'severe',
      onset: '2020-06-15',
    });
    expect(allergy).toMatchObject({
      version: 1,
      category: 'medication',
      criticality: 'high',
      substance: { code: 'J01CA04', system: 'http://www.whocc.no/atc', labels: { fr: 'Amoxicilline' } },
      severity: 'severe',
      onset: '2020-06-15',
    });
    expect(allergy.reactions.map((reaction) => reaction.code ?? reaction.text)).toEqual(['T78.3', 'Malaise']);
    const stored = station.record.store.read<AllergyIntolerance>('AllergyIntolerance', allergy.allergyId)!;
    expect(stored.code?.coding?.[0]).toMatchObject({ system: 'http://www.whocc.no/atc', code: 'J01CA04' });
    expect(stored.reaction?.[0]?.manifestation[0]?.coding?.[0]).toMatchObject({ code: 'T78.3' });
    expect(trailOf(station.record, 'AllergyIntolerance', allergy.allergyId)).toEqual({
      outbox: [{ operation: 'create', version: 1, practitioner: station.practitioner() }],
      audit: [{ action: 'C', practitioner: station.practitioner(), patient_id: patientId }],
    });
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    expect(summary.alerts).toContainEqual({
      kind: 'severeAllergy',
      severity: 'danger',
      concept: allergy.substance,
      allergyId: allergy.allergyId,
    });
  });

  it('records a class of medicines, a listed food, and a substance typed as text with its category', async () => {
    const penicillins = await station.chart<AllergyView>('chart.saveAllergy', {
      patientId,
      substance: { system: 'http://www.whocc.no/atc', code: 'J01C' },
      criticality: 'low',
      clinicalStatus: 'active',
      verificationStatus: 'unconfirmed',
      reactions: [{ code: 'L50.9' }],
    });
    expect(penicillins.substance.labels).toMatchObject({ fr: 'Pénicillines', ar: 'البنسلينات' });
    const peanut = await station.chart<AllergyView>('chart.saveAllergy', {
      patientId,
      substance: { system: 'urn:tabib:allergen', code: 'peanut' },
      criticality: 'high',
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      reactions: [],
    });
    expect(peanut).toMatchObject({
      category: 'food',
      substance: { labels: { en: 'Peanut' } },
      reactions: [],
    });
    const typed = await station.chart<AllergyView>('chart.saveAllergy', {
      patientId,
      substance: { text: 'Teinture capillaire (PPD)' },
      category: 'environment',
      criticality: 'low',
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      reactions: [{ text: 'Eczéma de contact' }],
    });
    expect(typed).toMatchObject({
      category: 'environment',
      substance: { text: 'Teinture capillaire (PPD)', code: null },
    });
    // Then marked resolved, at its version: it leaves the summary but stays in the list.
    const resolved = await station.chart<AllergyView>('chart.saveAllergy', {
      patientId,
      allergyId: typed.allergyId,
      version: typed.version,
      substance: { text: 'Teinture capillaire (PPD)' },
      category: 'environment',
      criticality: 'low',
      clinicalStatus: 'resolved',
      verificationStatus: 'confirmed',
      reactions: [{ text: 'Eczéma de contact' }],
    });
    expect(resolved).toMatchObject({ version: 2, clinicalStatus: 'resolved' });
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    expect(summary.allergies.map((view) => view.allergyId)).not.toContain(typed.allergyId);
    const all = await station.chart<AllergyView[]>('chart.allergies', { patientId });
    expect(all.map((view) => view.allergyId)).toContain(typed.allergyId);
    expect(all.at(-1)?.clinicalStatus).toBe('resolved');
  });

  it('refuses an unknown substance code, a text substance without category, a stale version', async () => {
    const before = tableCounts(station.record);
    const base = {
      patientId,
      criticality: 'low',
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      reactions: [],
    };
    expect(
      await refusal(
        station.chart('chart.saveAllergy', {
          ...base,
          substance: { system: 'http://www.whocc.no/atc', code: 'Z99ZZ' },
        }),
      ),
    ).toMatchObject({ code: 'TERMINOLOGY_UNKNOWN_CODE', details: { code: 'Z99ZZ' } });
    expect(
      (await refusal(station.chart('chart.saveAllergy', { ...base, substance: { text: 'Pollen' } }))).code,
    ).toBe('INVALID_ARGUMENT');
    const [first] = await station.chart<AllergyView[]>('chart.allergies', { patientId });
    expect(
      (
        await refusal(
          station.chart('chart.saveAllergy', {
            ...base,
            allergyId: first!.allergyId,
            version: first!.version + 1,
            substance: { system: 'urn:tabib:allergen', code: 'egg' },
          }),
        )
      ).code,
    ).toBe('VERSION_CONFLICT');
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('is written by doctors and nurses (allergies.write), not a radiologist', async () => {
    await station.actAs('radiologist', 'chart-radiologist');
    const request = {
      patientId,
      substance: { system: 'urn:tabib:allergen', code: 'latex' },
      criticality: 'low',
      clinicalStatus: 'active',
      verificationStatus: 'confirmed',
      reactions: [],
    };
    expect((await refusal(station.chart('chart.saveAllergy', request))).code).toBe('PERMISSION_DENIED');
    await station.actAs('nurse', 'chart-nurse');
    expect((await station.chart<AllergyView>('chart.saveAllergy', request)).substance.labels.fr).toBe(
      'Latex',
    );
    await station.actAs('doctor');
  });
});
