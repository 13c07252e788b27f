/**
 * The demonstration's studies (main/imaging/demo/): seeded with the demonstration, linked to its
 * patients by national identifier (one to confirm by name), valid DICOM as DCMTK reads it, plausible
 * Hounsfield units in the head CT, geometry for measurements in mm, deterministic.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import * as dicomParser from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceBytes, StudyView } from '../../main/contract/imaging-types';
import { CT, chestRadiograph, headCt, ultrasoundClip } from '../../main/imaging/demo/demo-studies';
import type { CachedStudy } from '../../main/imaging/imaging-types';
import type { StudyPatientMatch } from '../../main/imaging/patient-matching';
import { testWorkstation } from '../support/test-workstation';
import { dcmtk } from './dicom-corpus';

type Station = ReturnType<typeof testWorkstation>;
let station: Station;
let seedMs = 0;
let imagingMs = 0;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'tabib-demo-imaging-'));
  station = testWorkstation({
    prefix: 'tabib-demo-imaging-',
    env: () => ({ fixedNow: '2026-11-22T09:30:00+01:00' }),
  });
  const started = performance.now();
  await station.call('setup.startDemo', { country: 'MA' });
  seedMs = performance.now() - started;
  const again = performance.now();
  const { seedDemoImaging } = await import('../../main/imaging/demo/demo-imaging');
  // Seeding again finds the same bytes: every instance is a duplicate (deterministic).
  const report = await seedDemoImaging(station.host.services, { seed: 1 });
  imagingMs = performance.now() - again;
  expect(report.studies).toBe(4);
  expect(report.bytes).toBe(0);
}, 180_000);

afterAll(async () => {
  await station?.close();
  rmSync(scratch, { recursive: true, force: true });
});

function hu(data: Uint8Array, column: number, row: number): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  return view.getInt16((row * CT.size + column) * 2, true) + CT.intercept;
}

describe('the demonstration studies', () => {
  it('are in the cache after setup.startDemo, three linked by national identifier, one to confirm', async () => {
    console.log(
      `setup.startDemo with imaging: ${seedMs.toFixed(0)} ms; demonstration studies again (duplicates): ${imagingMs.toFixed(0)} ms`,
    );
    const studies = await station.call<CachedStudy[]>('imaging.studies', {});
    expect(studies).toHaveLength(4);
    expect(studies.map((study) => study.modalities.join('/')).sort()).toEqual(['CT', 'DX', 'DX', 'US']);
    const linked = studies.filter((study) => study.patientLink === 'identifier');
    expect(linked).toHaveLength(3);
    const record = await station.host.services.record.open();
    for (const study of linked) {
      const patient = record.store.read<Patient>('Patient', study.patientId as string) as Patient;
      expect(patient.identifier?.map((identifier) => identifier.value)).toContain(study.dicomPatientId);
      // Names in both scripts, from the record's patient.
      expect(study.patientName?.alphabetic?.family).toBe(patient.name?.[0]?.family?.toUpperCase());
      expect(study.patientName?.ideographic?.family).toMatch(/\p{Script=Arabic}/u);
    }
    const unlinked = studies.find((study) => study.patientId === null) as CachedStudy;
    const match = await station.call<StudyPatientMatch>('imaging.matchPatient', {
      studyInstanceUid: unlinked.studyInstanceUid,
    });
    expect(match.kind).toBe('candidates');
  });

  it('a head CT of 60 axial 512×512 slices with geometry, and plausible Hounsfield units', async () => {
    const ct = (await station.call<CachedStudy[]>('imaging.studies', {})).find((study) =>
      study.modalities.includes('CT'),
    ) as CachedStudy;
    const view = await station.call<StudyView>('imaging.study', { studyInstanceUid: ct.studyInstanceUid });
    const instances = view.series[0]?.instances ?? [];
    expect(instances).toHaveLength(60);
    expect(instances.map((instance) => instance.instanceNumber)).toEqual(
      Array.from({ length: 60 }, (_, index) => index + 1),
    );
    expect(instances[0]).toMatchObject({ rows: 512, columns: 512, frames: 1 });
    // The slice through the ventricles (z = 40 mm): index 34.
    const slice = instances[34] as (typeof instances)[number];
    const { data } = await station.call<InstanceBytes>('imaging.instance', {
      sopInstanceUid: slice.sopInstanceUid,
    });
    const bytes = Buffer.from(data, 'base64');
    const path = join(scratch, 'ct.dcm');
    writeFileSync(path, bytes);
    const dump = dcmtk('dcmdump', [
      '+P',
      '0020,0032',
      '+P',
      '0028,0030',
      '+P',
      '0028,1052',
      '+P',
      '0010,0010',
      path,
    ]);
    expect(dump).toContain('[-127.75\\-127.75\\40]');
    expect(dump).toContain('[0.5\\0.5]');
    expect(dump).toContain('[-1024]');
    const parsed = dicomParser.parseDicom(new Uint8Array(bytes));
    const pixels = parsed.elements.x7fe00010 as dicomParser.Element;
    const pixelData = new Uint8Array(bytes.buffer, bytes.byteOffset + pixels.dataOffset, pixels.length);
    // Pixel (column, row) of patient (x, y) mm: (x + 127.75) / 0.5.
    const at = (x: number, y: number) =>
      hu(pixelData, Math.round((x + 127.75) / 0.5), Math.round((y + 127.75) / 0.5));
    expect(at(0, -120)).toBeLessThan(-950); // air in front of the head
    expect(at(0, -80)).toBeGreaterThan(400); // the frontal bone
    expect(at(-11, -6)).toBeGreaterThan(-15); // a lateral ventricle: CSF
    expect(at(-11, -6)).toBeLessThan(30);
    expect(at(40, 40)).toBeGreaterThan(10); // white matter
    expect(at(40, 40)).toBeLessThan(50);
  });

  it('a chest radiograph and an ultrasound clip DCMTK reads, and the same bytes for the same seed', () => {
    const request = {
      seed: 3,
      patient: {
        id: 'AB123456',
        issuer: '',
        latin: { family: 'ALAOUI', given: 'Samira' },
        arabic: { family: 'العلوي', given: 'سميرة' },
        birthDate: '1980-01-01',
        sex: 'F',
      },
      date: '2026-11-01',
      time: '10:00:00',
      accessionNumber: 'DEMO1',
      institution: 'Centre',
      referringPhysician: 'DEMO^Médecin',
    };
    const [first] = [...chestRadiograph(request).instances];
    const [second] = [...chestRadiograph(request).instances];
    expect(first?.bytes.equals(second?.bytes as Buffer)).toBe(true);
    const path = join(scratch, 'cxr.dcm');
    writeFileSync(path, first?.bytes as Buffer);
    const dump = dcmtk('dcmdump', [path]);
    expect(dump).toContain('(0008,0060) CS [DX]');
    expect(dump).toContain('(0010,0010) PN [ALAOUI^Samira=العلوي^سميرة]');
    const [clip] = [...ultrasoundClip(request).instances];
    const clipPath = join(scratch, 'us.dcm');
    writeFileSync(clipPath, clip?.bytes as Buffer);
    const clipDump = dcmtk('dcmdump', [clipPath]);
    for (const line of [
      '(0008,0016) UI =UltrasoundMultiframeImageStorage',
      '(0028,0004) CS [RGB]',
      '(0028,0008) IS [16]',
      '(0028,0009) AT (0018,1063)',
      '(0028,0010) US 192',
      '(0028,0011) US 256',
    ])
      expect(clipDump).toContain(line);
    // Another seed, other UIDs and noise.
    const [other] = [...headCt({ ...request, seed: 4 }).instances];
    const [same] = [...headCt(request).instances];
    expect(other?.bytes.equals(same?.bytes as Buffer)).toBe(false);
  });
});
