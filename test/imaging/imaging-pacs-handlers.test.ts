/**
 * imaging.pacsStatus, pacsSearch, pacsRetrieve and pacsStore through the real services, against a
 * real PACS (Orthanc with its DICOMweb plugin, test/peers/orthanc) with HTTP Basic authentication:
 * the same composition as `tabib imaging` (main/imaging/imaging-service.ts), progress as
 * imaging.importProgress events, the PACS's failures as their codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../main/config/schema';
import type { ImportProgressPayload } from '../../main/contract/imaging-types';
import type { PacsStudy } from '../../main/imaging/dicomweb/dicom-json';
import type { CachedStudy, ImportReport } from '../../main/imaging/imaging-types';
import type { OrthancPeer } from '../peers/orthanc/orthanc-peer';
import { testWorkstation } from '../support/test-workstation';
import { type Corpus, makeCorpus } from './dicom-corpus';
import { makeStudy, startPacs } from './pacs-fixture';

let corpusDir: string;
let corpus: Corpus;
let peer: OrthancPeer;
const stations: ReturnType<typeof testWorkstation>[] = [];

beforeAll(async () => {
  corpusDir = mkdtempSync(join(tmpdir(), 'tabib-imaging-pacs-'));
  corpus = makeCorpus(corpusDir);
  peer = await startPacs([corpus.french.path, corpus.arabic.path, corpus.multiFrame.path]);
}, 120_000);

afterAll(async () => {
  for (const station of stations) await station.close();
  await peer?.stop();
  rmSync(corpusDir, { recursive: true, force: true });
});

async function workstation(pacs: Partial<NonNullable<ConfigFile['pacs']>> | null, secret?: string) {
  const station = testWorkstation({
    prefix: 'tabib-imaging-pacs-',
    userConfig: {
      mode: 'demo',
      country: 'MA',
      language: 'fr',
      allowWeakKeychain: true,
      ...(pacs
        ? {
            pacs: {
              baseUrl: peer.dicomWebUrl,
              auth: { type: 'basic', username: peer.username },
              stowEnabled: true,
              ...pacs,
            },
          }
        : {}),
    },
  });
  stations.push(station);
  if (secret !== undefined) {
    const file = join(station.dir, 'secret.txt');
    writeFileSync(file, secret);
    expect((await station.run('imaging', 'pacs-secret', '--from-file', file)).code).toBe(0);
    rmSync(file);
  }
  return station;
}

describe('the PACS through the imaging calls', () => {
  it('says whether a PACS is configured; without one, searching is IMAGING_PACS_NOT_CONFIGURED', async () => {
    const none = await workstation(null);
    expect(await none.call('imaging.pacsStatus')).toEqual({
      configured: false,
      name: null,
      stowEnabled: false,
    });
    await expect(none.call('imaging.pacsSearch', {})).rejects.toMatchObject({
      code: 'IMAGING_PACS_NOT_CONFIGURED',
    });
    const station = await workstation({ stowEnabled: false }, peer.password);
    expect(await station.call('imaging.pacsStatus')).toEqual({
      configured: true,
      name: new URL(peer.dicomWebUrl).host,
      stowEnabled: false,
    });
  });

  it('searches (QIDO-RS), retrieves into the cache (WADO-RS) with progress, and stores back (STOW-RS)', async () => {
    const station = await workstation({}, peer.password);
    const events: ImportProgressPayload[] = [];
    station.host.onEvent((name, payload) => {
      if (name === 'imaging.importProgress') events.push(payload as ImportProgressPayload);
    });
    const found = await station.call<PacsStudy[]>('imaging.pacsSearch', { patientName: 'Lef*' });
    expect(found.map((study) => study.studyInstanceUid)).toEqual([corpus.french.studyUid]);
    expect(await station.call<PacsStudy[]>('imaging.pacsSearch', { modality: 'MG' })).toEqual([]);

    const report = await station.call<ImportReport>('imaging.pacsRetrieve', {
      studyInstanceUid: corpus.multiFrame.studyUid,
    });
    expect(report).toMatchObject({ total: 1, imported: 1, errors: 0, notAttempted: 0, stoppedBy: null });
    expect(events).toEqual([expect.objectContaining({ done: 1, total: 1, status: 'imported' })]);
    const cached = await station.call<CachedStudy[]>('imaging.studies', {});
    expect(cached).toEqual([
      expect.objectContaining({ studyInstanceUid: corpus.multiFrame.studyUid, heldByPacs: true }),
    ]);
    // Retrieved again: nothing missing, nothing imported.
    const again = await station.call<ImportReport>('imaging.pacsRetrieve', {
      studyInstanceUid: corpus.multiFrame.studyUid,
    });
    expect(again).toMatchObject({ total: 1, imported: 0, notAttempted: 0 });

    const local = makeStudy(corpusDir, 'to-store', 3, {
      patientId: 'STOW0001',
      accessionNumber: 'ACC-STOW-1',
    });
    await station.call('imaging.import', { paths: local.paths });
    expect(await station.call('imaging.pacsStore', { studyInstanceUid: local.studyUid })).toEqual({
      stored: 3,
      failed: 0,
    });
    const stored = await station.call<PacsStudy[]>('imaging.pacsSearch', { patientId: 'STOW0001' });
    expect(stored.map((study) => [study.studyInstanceUid, study.instances])).toEqual([[local.studyUid, 3]]);
    await expect(
      station.call('imaging.pacsRetrieve', { studyInstanceUid: '1.2.3.4.5' }),
    ).rejects.toMatchObject({
      code: 'IMAGING_PACS_NOT_FOUND',
    });
  });

  it('refuses to store where uploads are disabled, and reports wrong credentials by their code', async () => {
    const disabled = await workstation({ stowEnabled: false }, peer.password);
    const local = makeStudy(corpusDir, 'not-stored', 1, { patientId: 'STOW0002' });
    await disabled.call('imaging.import', { paths: local.paths });
    await expect(
      disabled.call('imaging.pacsStore', { studyInstanceUid: local.studyUid }),
    ).rejects.toMatchObject({
      code: 'IMAGING_STOW_DISABLED',
    });
    const wrong = await workstation({}, 'not-the-password');
    await expect(wrong.call('imaging.pacsSearch', {})).rejects.toMatchObject({
      code: 'IMAGING_PACS_UNAUTHORIZED',
    });
    const missing = await workstation({});
    await expect(missing.call('imaging.pacsSearch', {})).rejects.toMatchObject({
      code: 'IMAGING_PACS_SECRET_MISSING',
    });
  });
});
