/**
 * A visit through the contract, as a doctor documents one: start it, write the note and code the
 * diagnoses, save, finish; read it back exactly; the record holds an Encounter, a progress-note
 * DocumentReference and ICD-10 Conditions linked in Encounter.diagnosis, each write in the outbox
 * and the audit trail under the signed-in doctor. Stale versions are refused, nothing written.
 */
import type { Condition, DocumentReference, Encounter } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visitNoteOf } from '../../main/chart/visit-note';
import type { ChartSummary, StartedVisit, VisitNote, VisitView } from '../../main/contract/chart-types';
import {
  CHART_NOW,
  chartWorkstation,
  refusal,
  resourcesOf,
  tableCounts,
  trailOf,
  type ChartWorkstation,
} from './chart-workstation';

let station: ChartWorkstation;
let patientId: string;

beforeAll(async () => {
  station = await chartWorkstation({ patients: 6, seed: 3 });
  patientId = station.patientIds[2]!;
});
afterAll(async () => {
  await station.close();
});

const note: VisitNote = {
  reason: 'Toux et fièvre depuis 3 jours',
  history: 'Diabétique type 2 sous metformine.\nPas d’allergie connue aux antibiotiques.',
  examination: 'T° 38,7 °C, FR 22/min. Crépitants base droite.',
  assessment: 'Pneumopathie communautaire ; diabète équilibré.',
  plan: 'Amoxicilline 1 g × 3/j, 7 jours.\nRevoir à 48 h si pas d’amélioration. — ملاحظة بالعربية',
};

describe('a visit', () => {
  let visit: VisitView;

  it('starts as an ambulatory Encounter in progress, by the signed-in doctor, at the clinic; a second start resumes it', async () => {
    const started = await station.chart<StartedVisit>('chart.startVisit', { patientId });
    expect(started.resumed).toBe(false);
    visit = started.visit;
    expect(visit).toMatchObject({
      patientId,
      status: 'in-progress',
      start: new Date(CHART_NOW).toISOString(),
      note: { reason: '', history: '', examination: '', assessment: '', plan: '' },
      noteId: null,
      diagnoses: [],
      versions: { encounter: 1, note: null },
    });
    const encounter = station.record.store.read<Encounter>('Encounter', visit.encounterId)!;
    expect(encounter.class).toMatchObject({ code: 'AMB' });
    expect(encounter.participant?.[0]?.individual?.reference).toBe(station.practitioner());
    expect(encounter.serviceProvider?.reference).toMatch(/^Organization\//);
    const again = await station.chart<StartedVisit>('chart.startVisit', { patientId });
    expect(again).toMatchObject({ resumed: true, visit: { encounterId: visit.encounterId } });
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    expect(summary.openVisit?.encounterId).toBe(visit.encounterId);
  });

  it('saves the note and the ICD-10 diagnoses, linked in Encounter.diagnosis in the order given', async () => {
    visit = await station.chart<VisitView>('chart.saveVisit', {
      encounterId: visit.encounterId,
      versions: visit.versions,
      note,
      diagnoses: ['J18.9', 'E11.9'],
      finish: false,
    });
    expect(visit.note).toEqual(note);
    expect(visit.status).toBe('in-progress');
    expect(visit.diagnoses.map((diagnosis) => [diagnosis.concept.code, diagnosis.rank])).toEqual([
      ['J18.9', 1],
      ['E11.9', 2],
    ]);
    expect(visit.diagnoses[0]!.concept.labels).toMatchObject({
      fr: 'Pneumopathie, sans précision',
      ar: 'ذات الرئة، غير محددة',
    });

    const encounter = station.record.store.read<Encounter>('Encounter', visit.encounterId)!;
    expect(encounter.diagnosis?.map((diagnosis) => [diagnosis.condition.reference, diagnosis.rank])).toEqual(
      visit.diagnoses.map((diagnosis) => [`Condition/${diagnosis.conditionId}`, diagnosis.rank]),
    );
    for (const diagnosis of visit.diagnoses) {
      const condition = station.record.store.read<Condition>('Condition', diagnosis.conditionId)!;
      expect(condition.category?.[0]?.coding?.[0]?.code).toBe('encounter-diagnosis');
      expect(condition.code?.coding?.[0]).toMatchObject({
        system: 'http://hl7.org/fhir/sid/icd-10',
        code: diagnosis.concept.code,
      });
      expect(condition.encounter?.reference).toBe(`Encounter/${visit.encounterId}`);
      expect(trailOf(station.record, 'Condition', diagnosis.conditionId)).toEqual({
        outbox: [{ operation: 'create', version: 1, practitioner: station.practitioner() }],
        audit: [{ action: 'C', practitioner: station.practitioner(), patient_id: patientId }],
      });
    }
    const document = station.record.store.read<DocumentReference>('DocumentReference', visit.noteId!)!;
    expect(document.type?.coding?.[0]?.code).toBe('11506-3');
    expect(document.docStatus).toBe('preliminary');
    expect(visitNoteOf(document)).toEqual(note);
    const text = Buffer.from(document.content[0]!.attachment.data!, 'base64').toString('utf8');
    expect(text).toContain('## Motif de consultation\n\nToux et fièvre depuis 3 jours');
    // A diagnosis made today is a current problem on the summary (an acute illness being treated).
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    expect(summary.problems.map((problem) => problem.concept.code)).toEqual(
      expect.arrayContaining(['J18.9', 'E11.9']),
    );
    expect(trailOf(station.record, 'DocumentReference', visit.noteId!).outbox).toEqual([
      { operation: 'create', version: 1, practitioner: station.practitioner() },
    ]);
  });

  it('reads back exactly through chart.visit, and writes nothing again when nothing changed', async () => {
    const read = await station.chart<VisitView>('chart.visit', { encounterId: visit.encounterId });
    expect(read).toEqual(visit);
    const before = tableCounts(station.record);
    const same = await station.chart<VisitView>('chart.saveVisit', {
      encounterId: visit.encounterId,
      versions: visit.versions,
      note,
      diagnoses: ['J18.9', 'E11.9'],
      finish: false,
    });
    expect(same).toEqual(visit);
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('refuses a save at a version read before someone else’s, writing nothing', async () => {
    const before = tableCounts(station.record);
    const stale = { ...visit.versions, encounter: visit.versions.encounter - 1 };
    const refused = await refusal(
      station.chart('chart.saveVisit', {
        encounterId: visit.encounterId,
        versions: stale,
        note,
        diagnoses: [],
        finish: true,
      }),
    );
    expect(refused).toMatchObject({
      code: 'VERSION_CONFLICT',
      details: { expected: stale.encounter, current: visit.versions.encounter },
    });
    const staleNote = await refusal(
      station.chart('chart.saveVisit', {
        encounterId: visit.encounterId,
        versions: { ...visit.versions, note: null },
        note: { ...note, plan: 'autre' },
        diagnoses: ['J18.9'],
        finish: false,
      }),
    );
    expect(staleNote.code).toBe('VERSION_CONFLICT');
    expect(tableCounts(station.record)).toEqual(before);
    expect(await station.chart<VisitView>('chart.visit', { encounterId: visit.encounterId })).toEqual(visit);
  });

  it('refuses an unknown ICD-10 code and a malformed one, writing nothing', async () => {
    const before = tableCounts(station.record);
    const unknown = await refusal(
      station.chart('chart.saveVisit', {
        encounterId: visit.encounterId,
        versions: visit.versions,
        note,
        diagnoses: ['Z99.9'],
        finish: false,
      }),
    );
    expect(unknown).toMatchObject({ code: 'TERMINOLOGY_UNKNOWN_CODE', details: { code: 'Z99.9' } });
    const malformed = await refusal(
      station.chart('chart.saveVisit', {
        encounterId: visit.encounterId,
        versions: visit.versions,
        note,
        diagnoses: ['pneumonie'],
        finish: false,
      }),
    );
    expect(malformed.code).toBe('INVALID_ARGUMENT');
    expect(tableCounts(station.record)).toEqual(before);
  });

  it('finishes: the Encounter finished with its end, the note final, a removed diagnosis deleted', async () => {
    const removed = visit.diagnoses[1]!.conditionId;
    const changed = { ...note, plan: `${note.plan}\nArrêt de travail 3 jours.` };
    visit = await station.chart<VisitView>('chart.saveVisit', {
      encounterId: visit.encounterId,
      versions: visit.versions,
      note: changed,
      diagnoses: ['J18.9', 'I10'],
      finish: true,
    });
    expect(visit).toMatchObject({
      status: 'finished',
      end: new Date(CHART_NOW).toISOString(),
      note: changed,
    });
    expect(visit.diagnoses.map((diagnosis) => diagnosis.concept.code)).toEqual(['J18.9', 'I10']);
    expect(station.record.store.read('Condition', removed)).toBeNull();
    expect(trailOf(station.record, 'Condition', removed).outbox.map((entry) => entry.operation)).toEqual([
      'create',
      'delete',
    ]);
    const document = station.record.store.read<DocumentReference>('DocumentReference', visit.noteId!)!;
    expect(document.docStatus).toBe('final');
    expect(visitNoteOf(document)).toEqual(changed);
    expect(
      trailOf(station.record, 'Encounter', visit.encounterId).audit.map((entry) => entry.action),
    ).toEqual(['C', 'U', 'U']);
    const summary = await station.chart<ChartSummary>('chart.summary', { patientId });
    expect(summary.openVisit).toBeNull();
    expect(summary.lastVisit?.encounterId).toBe(visit.encounterId);
    // A new start is a new visit.
    const next = await station.chart<StartedVisit>('chart.startVisit', { patientId });
    expect(next.resumed).toBe(false);
    expect(next.visit.encounterId).not.toBe(visit.encounterId);
    expect(
      resourcesOf(station.record, patientId, 'Encounter').filter(
        (e) => (e as Encounter).status === 'in-progress',
      ),
    ).toHaveLength(1);
    // Saved with nothing typed in the note: the diagnosis is written, no empty note document.
    const coded = await station.chart<VisitView>('chart.saveVisit', {
      encounterId: next.visit.encounterId,
      versions: next.visit.versions,
      note: next.visit.note,
      diagnoses: ['J06.9'],
      finish: true,
    });
    expect(coded).toMatchObject({ status: 'finished', noteId: null, versions: { note: null } });
    expect(coded.diagnoses.map((diagnosis) => diagnosis.concept.code)).toEqual(['J06.9']);
  });

  it('is written by doctors and nurses only (chart.document)', async () => {
    await station.actAs('radiologist', 'chart-radiologist');
    const refused = await refusal(station.chart('chart.startVisit', { patientId: station.patientIds[0] }));
    expect(refused.code).toBe('PERMISSION_DENIED');
    await station.actAs('nurse', 'chart-nurse');
    const started = await station.chart<StartedVisit>('chart.startVisit', {
      patientId: station.patientIds[0],
    });
    expect(started.visit.practitioner).toBe('nurse chart-nurse');
    await station.actAs('doctor');
  });
});
