/**
 * The imaging calls through the real services (InProcessHost on a demonstration record): import by
 * path and by bytes (with progress events), a study's series and instances in viewing order
 * (ImagePositionPatient along the slice normal, else InstanceNumber), an instance's bytes, the
 * audited opening, patient matching and confirmation, measurements and the report as FHIR in the
 * record (one transaction each, with outbox and audit), optimistic locking. DICOM made by DCMTK.
 */
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiagnosticReport, ImagingStudy, Observation, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ImagingReportView,
  ImportProgressPayload,
  InstanceBytes,
  MeasurementView,
  StudyView,
  WorklistStudy,
} from '../../main/contract/imaging-types';
import type { CachedStudy, ImportReport } from '../../main/imaging/imaging-types';
import type { StudyPatientMatch } from '../../main/imaging/patient-matching';
import type { LocalRecord } from '../../main/record/local-record';
import { headCt } from '../../main/imaging/demo/demo-studies';
import { testWorkstation } from '../support/test-workstation';
import { dcmtk, dumpToDicom, makeCorpus, newUid, syntheticPixels, type Corpus } from './dicom-corpus';

type Station = ReturnType<typeof testWorkstation>;

let station: Station;
let record: LocalRecord;
let corpusDir: string;
let corpus: Corpus;
let patient: { id: string; cin: string };
let other: { id: string; family: string; given: string; birthDate: string };
const events: ImportProgressPayload[] = [];

async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

interface SliceSpec {
  instanceNumber: number;
  position?: [number, number, number];
  orientation?: number[];
}

/** A series of 32×32 slices, each with its own geometry (set with dcmodify after dump2dcm). */
function series(
  name: string,
  common: {
    studyUid: string;
    patientId: string;
    patientName?: string;
    birthDate?: string;
    seriesNumber: number;
  },
  slices: SliceSpec[],
): { dir: string; seriesUid: string; sops: string[] } {
  const dir = join(corpusDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'px.raw'), syntheticPixels(32, 32, 16));
  const seriesUid = newUid();
  const sops: string[] = [];
  slices.forEach((slice, index) => {
    const sopUid = newUid();
    sops.push(sopUid);
    const path = dumpToDicom(dir, `s${index}`, {
      patientName: Buffer.from(common.patientName ?? 'Test^Geometry'),
      patientId: common.patientId,
      ...(common.birthDate ? { birthDate: common.birthDate } : {}),
      studyUid: common.studyUid,
      seriesUid,
      sopUid,
      seriesNumber: common.seriesNumber,
      instanceNumber: slice.instanceNumber,
      width: 32,
      height: 32,
      bits: 16,
      pixelFile: 'px.raw',
    });
    const edits: string[] = [];
    if (slice.position) edits.push('-i', `(0020,0032)=${slice.position.join('\\')}`);
    if (slice.orientation) edits.push('-i', `(0020,0037)=${slice.orientation.join('\\')}`);
    if (edits.length > 0) dcmtk('dcmodify', ['-nb', ...edits, path]);
  });
  for (const entry of readdirSync(dir)) if (!entry.endsWith('.dcm')) rmSync(join(dir, entry));
  return { dir, seriesUid, sops };
}

beforeAll(async () => {
  corpusDir = mkdtempSync(join(tmpdir(), 'tabib-imaging-handlers-'));
  corpus = makeCorpus(join(corpusDir, 'corpus'));
  station = testWorkstation({
    prefix: 'tabib-imaging-',
    userConfig: { mode: 'demo', country: 'MA', language: 'fr', allowWeakKeychain: true },
    env: () => ({ fixedNow: '2026-11-22T09:30:00+01:00' }),
  });
  station.host.onEvent((name, payload) => {
    if (name === 'imaging.importProgress') events.push(payload as ImportProgressPayload);
  });
  await station.call('demo.seed', { patients: 6, seed: 11 });
  record = await station.host.services.record.open();
  const patients = (
    record.queries.statement(`select json from resource where type = 'Patient' order by rowid`).all() as {
      json: string;
    }[]
  ).map((row) => JSON.parse(row.json) as Patient);
  const [first, second] = patients as [Patient, Patient];
  patient = { id: first.id as string, cin: first.identifier?.[0]?.value as string };
  const latin = second.name?.find((name) => !name.extension?.length) ?? second.name?.[0];
  other = {
    id: second.id as string,
    family: latin?.family ?? '',
    given: latin?.given?.[0] ?? '',
    birthDate: second.birthDate as string,
  };
}, 120_000);

afterAll(async () => {
  await station?.close();
  rmSync(corpusDir, { recursive: true, force: true });
});

describe('imaging calls through the services', () => {
  const studyUid = newUid();
  let axial: ReturnType<typeof series>;
  let sagittal: ReturnType<typeof series>;
  let numbered: ReturnType<typeof series>;

  it('imports folders by path, one progress event per file, and links the study by national identifier', async () => {
    const common = { studyUid, patientId: patient.cin };
    // Axial slices numbered against their position (a scanner that numbers from the vertex).
    axial = series('axial', { ...common, seriesNumber: 2 }, [
      { instanceNumber: 1, position: [0, 0, 10], orientation: [1, 0, 0, 0, 1, 0] },
      { instanceNumber: 2, position: [0, 0, 5], orientation: [1, 0, 0, 0, 1, 0] },
      { instanceNumber: 3, position: [0, 0, -5], orientation: [1, 0, 0, 0, 1, 0] },
      { instanceNumber: 4, position: [0, 0, 0], orientation: [1, 0, 0, 0, 1, 0] },
    ]);
    // Sagittal: rows along y, columns along -z, so the normal is -x.
    sagittal = series('sagittal', { ...common, seriesNumber: 3 }, [
      { instanceNumber: 1, position: [-20, 0, 0], orientation: [0, 1, 0, 0, 0, -1] },
      { instanceNumber: 2, position: [20, 0, 0], orientation: [0, 1, 0, 0, 0, -1] },
      { instanceNumber: 3, position: [0, 0, 0], orientation: [0, 1, 0, 0, 0, -1] },
    ]);
    // No geometry: by InstanceNumber.
    numbered = series('numbered', { ...common, seriesNumber: 1 }, [
      { instanceNumber: 3 },
      { instanceNumber: 1 },
      { instanceNumber: 2 },
    ]);
    events.length = 0;
    const report = await station.call<ImportReport>('imaging.import', {
      paths: [axial.dir, sagittal.dir, numbered.dir],
    });
    expect(report.imported).toBe(10);
    expect(report.errors).toBe(0);
    expect(events).toHaveLength(10);
    expect(events.map((event) => event.done)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(events.every((event) => event.total === 10 && event.status === 'imported')).toBe(true);
    expect(report.studies).toHaveLength(1);
    expect(report.studies[0]?.match).toMatchObject({ kind: 'identifier', patientId: patient.id });

    const all = await station.call<CachedStudy[]>('imaging.studies', {});
    expect(all.map((study) => study.studyInstanceUid)).toContain(studyUid);
    const mine = await station.call<WorklistStudy[]>('imaging.studies', { patientId: patient.id });
    expect(mine.map((study) => study.studyInstanceUid)).toEqual([studyUid]);
    expect(mine[0]?.report).toBeNull();
    expect(await station.call<CachedStudy[]>('imaging.studies', { patientId: other.id })).toEqual([]);
  });

  it('gives a study its series in order and each series in viewing order, and audits the opening', async () => {
    const view = await station.call<StudyView>('imaging.study', { studyInstanceUid: studyUid });
    expect(view.report).toBeNull();
    expect(view.study.patientId).toBe(patient.id);
    expect(view.series.map((entry) => entry.seriesNumber)).toEqual([1, 2, 3]);
    const [byNumber, byZ, byX] = view.series as [
      StudyView['series'][0],
      StudyView['series'][0],
      StudyView['series'][0],
    ];
    expect(byNumber.instances.map((instance) => instance.instanceNumber)).toEqual([1, 2, 3]);
    // z ascending along the normal (0,0,1): -5, 0, 5, 10 → instances 3, 4, 2, 1.
    expect(byZ.instances.map((instance) => instance.instanceNumber)).toEqual([3, 4, 2, 1]);
    // Along the normal (-1,0,0): x 20, 0, -20 → instances 2, 3, 1.
    expect(byX.instances.map((instance) => instance.instanceNumber)).toEqual([2, 3, 1]);
    expect(byZ.modality).toBe('CT');
    expect(byZ.instances[0]).toMatchObject({
      frames: 1,
      rows: 32,
      columns: 32,
      transferSyntaxUid: '1.2.840.10008.1.2.1',
      sopClassUid: '1.2.840.10008.5.1.4.1.1.2',
    });
    const trail = await station.call<{ action: string; description: string | null }[]>('record.auditTrail', {
      patientId: patient.id,
    });
    expect(
      trail.filter((entry) => entry.action === 'R' && entry.description?.includes(studyUid)),
    ).toHaveLength(1);
  });

  it('gives an instance back as the very bytes imported, decrypted from the cache', async () => {
    const [sop] = axial.sops as [string];
    const file = readdirSync(axial.dir)
      .map((entry) => join(axial.dir, entry))
      .find((path) => readFileSync(path).includes(Buffer.from(sop)));
    const bytes = await station.call<InstanceBytes>('imaging.instance', { sopInstanceUid: sop });
    expect(Buffer.from(bytes.data, 'base64').equals(readFileSync(file as string))).toBe(true);
    await expectCode(
      station.call('imaging.instance', { sopInstanceUid: '1.2.3.4' }),
      'IMAGING_INSTANCE_NOT_FOUND',
    );
    await expectCode(
      station.call('imaging.study', { studyInstanceUid: '1.2.3.4' }),
      'IMAGING_STUDY_NOT_FOUND',
    );
  });

  it('reads the geometry of instances indexed before it was kept (migration 0011) once, from the cache', async () => {
    const before = await station.call<StudyView>('imaging.study', { studyInstanceUid: studyUid });
    record.queries
      .statement(
        'update imaging_instance set image_position = null, image_orientation = null, geometry_read = 0',
      )
      .run();
    const after = await station.call<StudyView>('imaging.study', { studyInstanceUid: studyUid });
    expect(after.series).toEqual(before.series);
    const rows = record.queries
      .statement('select image_position, geometry_read from imaging_instance where sop_instance_uid = ?')
      .all(axial.sops[2] as string);
    expect(rows).toEqual([{ image_position: '0\\0\\-5', geometry_read: 1 }]);
  });

  it('imports dropped files from memory: nothing of them in clear anywhere in the data folder', async () => {
    const files = [corpus.french, corpus.arabic, corpus.multiFrame, corpus.rgb];
    events.length = 0;
    const report = await station.call<ImportReport>('imaging.importFiles', {
      files: [
        ...files.map((file) => ({
          name: file.path.split('/').at(-1) as string,
          data: readFileSync(file.path).toString('base64'),
        })),
        { name: 'notes.txt', data: Buffer.from('not a DICOM file').toString('base64') },
      ],
    });
    expect(report.imported).toBe(4);
    expect(report.errors).toBe(1);
    expect(report.files.at(-1)).toMatchObject({
      path: 'notes.txt',
      status: 'error',
      error: { code: 'IMAGING_NOT_DICOM' },
    });
    expect(events.map((event) => [event.done, event.total])).toEqual([
      [1, 5],
      [2, 5],
      [3, 5],
      [4, 5],
      [5, 5],
    ]);
    const secrets = files.flatMap((file) => file.secrets);
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) => {
        const path = join(dir, entry);
        return statSync(path).isDirectory() ? walk(path) : [path];
      });
    for (const path of walk(station.dataDir)) {
      const content = readFileSync(path);
      for (const secret of secrets) expect(content.includes(secret), `${path} holds clear text`).toBe(false);
    }
    const multi = await station.call<StudyView>('imaging.study', {
      studyInstanceUid: corpus.multiFrame.studyUid,
    });
    expect(multi.series[0]?.instances[0]?.frames).toBeGreaterThan(1);
  });

  it('imports 60 CT slices of 512×512 by their bytes at a measured rate', async () => {
    const made = headCt({
      seed: 5,
      patient: {
        id: patient.cin,
        issuer: '',
        latin: { family: 'RATE', given: 'Test' },
        arabic: null,
        birthDate: null,
        sex: 'O',
      },
      date: '2026-11-21',
      time: '08:00:00',
      accessionNumber: 'RATE1',
      institution: 'Test',
      referringPhysician: '',
    });
    const files = [...made.instances].map((instance) => ({
      name: instance.label,
      data: instance.bytes.toString('base64'),
    }));
    const bytes = files.reduce((sum, file) => sum + Buffer.byteLength(file.data, 'base64'), 0);
    const started = performance.now();
    const report = await station.call<ImportReport>('imaging.importFiles', { files });
    const seconds = (performance.now() - started) / 1000;
    expect(report).toMatchObject({ imported: 60, errors: 0, bytes });
    console.log(
      `imaging.importFiles: 60 instances, ${(bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(2)} s: ${(60 / seconds).toFixed(0)} instances/s, ${(bytes / 2 ** 20 / seconds).toFixed(0)} MiB/s`,
    );
  });

  it('refuses measurements and a report on a study not linked to a patient, until it is confirmed', async () => {
    const unlinked = newUid();
    const made = series(
      'unlinked',
      {
        studyUid: unlinked,
        patientId: 'HOP-0042',
        patientName: `${other.family}^${other.given}`,
        birthDate: other.birthDate.replaceAll('-', ''),
        seriesNumber: 1,
      },
      [{ instanceNumber: 1 }],
    );
    await station.call('imaging.import', { paths: [made.dir] });
    const match = await station.call<StudyPatientMatch>('imaging.matchPatient', {
      studyInstanceUid: unlinked,
    });
    expect(match.kind).toBe('candidates');
    if (match.kind === 'candidates') expect(match.candidates.map((hit) => hit.id)).toContain(other.id);
    const measurement: MeasurementView = {
      id: '0f0e0d0c-0b0a-4909-8807-060504030201',
      kind: 'length',
      seriesInstanceUid: made.seriesUid,
      sopInstanceUid: made.sops[0] as string,
      frame: 1,
      points: [
        [1, 1],
        [10, 10],
      ],
      label: '',
      values: { length: 12.7 },
      unit: '',
    };
    await expectCode(
      station.call('imaging.saveMeasurements', { studyInstanceUid: unlinked, measurements: [measurement] }),
      'IMAGING_STUDY_NOT_LINKED',
    );
    await expectCode(
      station.call('imaging.saveReport', {
        studyInstanceUid: unlinked,
        status: 'final',
        indication: '',
        technique: '',
        findings: '',
        conclusion: 'Normal.',
      }),
      'IMAGING_STUDY_NOT_LINKED',
    );
    const confirmed = await station.call<CachedStudy>('imaging.confirmPatient', {
      studyInstanceUid: unlinked,
      patientId: other.id,
    });
    expect(confirmed).toMatchObject({ patientId: other.id, patientLink: 'confirmed' });
    expect(await station.call('imaging.matchPatient', { studyInstanceUid: unlinked })).toEqual({
      kind: 'confirmed',
      patientId: other.id,
    });
    const saved = await station.call<MeasurementView[]>('imaging.saveMeasurements', {
      studyInstanceUid: unlinked,
      measurements: [measurement],
    });
    expect(saved).toEqual([measurement]);
  });

  it('keeps measurements as Observations of the ImagingStudy: created, updated, deleted in one save', async () => {
    const [sopA, sopB] = axial.sops as [string, string];
    const length: MeasurementView = {
      id: '11111111-1111-4111-8111-111111111111',
      kind: 'length',
      seriesInstanceUid: axial.seriesUid,
      sopInstanceUid: sopA,
      frame: 1,
      points: [
        [2.5, 3],
        [20, 21.25],
      ],
      label: 'Ventricule',
      values: { length: 25.4 },
      unit: '',
    };
    const ellipse: MeasurementView = {
      id: '22222222-2222-4222-8222-222222222222',
      kind: 'ellipse',
      seriesInstanceUid: axial.seriesUid,
      sopInstanceUid: sopB,
      frame: 1,
      points: [
        [5, 5],
        [15, 5],
        [10, 2],
        [10, 8],
      ],
      label: '',
      values: { area: 78.5, mean: 31.2, stdDev: 4.1, min: 20, max: 44 },
      unit: 'HU',
    };
    const first = await station.call<MeasurementView[]>('imaging.saveMeasurements', {
      studyInstanceUid: studyUid,
      measurements: [length, ellipse],
    });
    expect(first).toEqual([length, ellipse]);
    const studies = record.queries
      .statement(
        `select id, json from resource where type = 'ImagingStudy' and patient_id = ? and deleted = 0`,
      )
      .all(patient.id) as { id: string; json: string }[];
    expect(studies).toHaveLength(1);
    const imagingStudy = JSON.parse((studies[0] as { json: string }).json) as ImagingStudy;
    expect(imagingStudy.identifier?.[0]).toEqual({ system: 'urn:dicom:uid', value: `urn:oid:${studyUid}` });
    expect(imagingStudy).toMatchObject({
      numberOfSeries: 3,
      numberOfInstances: 10,
      subject: { reference: `Patient/${patient.id}` },
    });
    const observation = record.store.read<Observation>('Observation', ellipse.id) as Observation;
    expect(observation.category?.[0]?.coding?.[0]?.code).toBe('imaging');
    expect(observation.derivedFrom).toEqual([{ reference: `ImagingStudy/${imagingStudy.id}` }]);
    expect(observation.valueQuantity).toMatchObject({
      value: 78.5,
      system: 'http://unitsofmeasure.org',
      code: 'mm2',
    });
    expect(
      observation.component?.find((component) => component.code.coding?.[0]?.code === 'mean')?.valueQuantity,
    ).toMatchObject({ value: 31.2, code: "[hnsf'U]" });

    const outboxBefore = (record.queries.statement('select count(*) as n from outbox').get() as { n: number })
      .n;
    const moved: MeasurementView = {
      ...length,
      points: [
        [2.5, 3],
        [30, 21.25],
      ],
      values: { length: 33.1 },
    };
    const probe: MeasurementView = {
      id: '33333333-3333-4333-8333-333333333333',
      kind: 'probe',
      seriesInstanceUid: axial.seriesUid,
      sopInstanceUid: sopA,
      frame: 1,
      points: [[16, 16]],
      label: '',
      values: { value: 27 },
      unit: 'HU',
    };
    const second = await station.call<MeasurementView[]>('imaging.saveMeasurements', {
      studyInstanceUid: studyUid,
      measurements: [moved, probe],
    });
    expect(second).toEqual([moved, probe]);
    expect(await station.call('imaging.measurements', { studyInstanceUid: studyUid })).toEqual([
      moved,
      probe,
    ]);
    expect(record.store.read('Observation', ellipse.id)).toBeNull();
    const outbox = record.queries
      .statement('select resource_type, resource_id, operation from outbox where seq > ? order by seq')
      .all(outboxBefore) as { resource_type: string; resource_id: string; operation: string }[];
    const changes = outbox.filter((entry) => entry.resource_type === 'Observation');
    expect(changes).toEqual([
      { resource_type: 'Observation', resource_id: ellipse.id, operation: 'delete' },
      { resource_type: 'Observation', resource_id: length.id, operation: 'update' },
      { resource_type: 'Observation', resource_id: probe.id, operation: 'create' },
    ]);
    // Saving the same again writes nothing.
    const unchanged = (record.queries.statement('select count(*) as n from outbox').get() as { n: number }).n;
    await station.call('imaging.saveMeasurements', {
      studyInstanceUid: studyUid,
      measurements: [moved, probe],
    });
    expect((record.queries.statement('select count(*) as n from outbox').get() as { n: number }).n).toBe(
      unchanged,
    );

    await expectCode(
      station.call('imaging.saveMeasurements', {
        studyInstanceUid: studyUid,
        measurements: [{ ...probe, sopInstanceUid: '1.2.3' }],
      }),
      'IMAGING_INSTANCE_NOT_FOUND',
    );
    await expectCode(
      station.call('imaging.saveMeasurements', {
        studyInstanceUid: studyUid,
        measurements: [{ ...probe, kind: 'circle' }],
      }),
      'INVALID_ARGUMENT',
    );
  });

  it('keeps a measurement made in pixels (an image without pixel spacing) in pixels, not mm', async () => {
    const [sopA] = axial.sops as [string];
    const inPixels: MeasurementView = {
      id: '44444444-4444-4444-8444-444444444444',
      kind: 'rectangle',
      seriesInstanceUid: axial.seriesUid,
      sopInstanceUid: sopA,
      frame: 1,
      points: [
        [2, 2],
        [12, 2],
        [2, 12],
        [12, 12],
      ],
      label: '',
      values: { area: 100, mean: 12.5, stdDev: 1.5 },
      unit: '',
      geometryUnit: 'px',
    };
    const saved = await station.call<MeasurementView[]>('imaging.saveMeasurements', {
      studyInstanceUid: studyUid,
      measurements: [inPixels],
    });
    expect(saved).toEqual([inPixels]);
    const observation = record.store.read<Observation>('Observation', inPixels.id) as Observation;
    // UCUM has no pixel: the unit said, no code claimed.
    expect(observation.valueQuantity).toEqual({ value: 100, unit: 'px²' });
    expect(await station.call('imaging.measurements', { studyInstanceUid: studyUid })).toEqual([inPixels]);
  });

  it('writes the report as a DiagnosticReport, with optimistic locking and the status rules', async () => {
    const input = {
      studyInstanceUid: studyUid,
      status: 'preliminary',
      indication: 'Céphalées persistantes.',
      technique: 'TDM cérébrale sans injection.',
      findings: 'Pas d’anomalie de densité.\nVentricules de taille normale.',
      conclusion: 'Examen normal.',
    };
    const draft = await station.call<ImagingReportView>('imaging.saveReport', input);
    expect(draft).toMatchObject({ ...input, patientId: patient.id });
    const reportState = async () =>
      (await station.call<WorklistStudy[]>('imaging.studies', {})).find(
        (study) => study.studyInstanceUid === studyUid,
      )?.report;
    expect(await reportState()).toEqual({ status: 'preliminary', issued: draft.issued });
    const stored = record.store.read<DiagnosticReport>('DiagnosticReport', draft.id) as DiagnosticReport;
    expect(stored.code.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '18748-4' });
    expect(stored.category?.[0]?.coding?.[0]?.code).toBe('RAD');
    expect(stored.imagingStudy).toEqual([{ reference: `ImagingStudy/${draft.imagingStudyId}` }]);
    expect(Buffer.from(stored.presentedForm?.[0]?.data as string, 'base64').toString('utf8')).toContain(
      'Résultats\nPas d’anomalie de densité.',
    );
    expect((await station.call<StudyView>('imaging.study', { studyInstanceUid: studyUid })).report).toEqual(
      draft,
    );

    await expectCode(station.call('imaging.saveReport', input), 'VERSION_CONFLICT');
    const final = await station.call<ImagingReportView>('imaging.saveReport', {
      ...input,
      status: 'final',
      versionId: draft.versionId,
    });
    expect(final.id).toBe(draft.id);
    expect(final.versionId).not.toBe(draft.versionId);
    await expectCode(
      station.call('imaging.saveReport', { ...input, status: 'final', versionId: draft.versionId }),
      'VERSION_CONFLICT',
    );
    await expectCode(
      station.call('imaging.saveReport', { ...input, status: 'preliminary', versionId: final.versionId }),
      'IMAGING_REPORT_STATUS_INVALID',
    );
    const amended = await station.call<ImagingReportView>('imaging.saveReport', {
      ...input,
      status: 'amended',
      conclusion: 'Examen normal. Addendum : pas de lésion.',
      versionId: final.versionId,
    });
    expect(amended).toMatchObject({
      status: 'amended',
      conclusion: 'Examen normal. Addendum : pas de lésion.',
    });
    expect(await reportState()).toEqual({ status: 'amended', issued: amended.issued });
    await expectCode(station.call('imaging.saveReport', { ...input, conclusion: '' }), 'INVALID_ARGUMENT');
  });
});
