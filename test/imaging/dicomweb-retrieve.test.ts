/**
 * WADO-RS into the encrypted image cache and STOW-RS from it, against a real PACS (Orthanc with its
 * DICOMweb plugin, started here): the bytes read back are Orthanc's originals, nothing readable is
 * left in the cache files, a connection cut in the middle of a retrieval (a TCP proxy that closes
 * after N bytes, with a FIN or an RST) leaves the cache and its index consistent and is resumed,
 * and a study stored by STOW-RS is then found by QIDO-RS.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { DicomWebClient } from '../../main/imaging/dicomweb/dicomweb-client';
import { planRetrieval, retrieveStudy, storeStudy } from '../../main/imaging/dicomweb/pacs-transfer';
import type { PacsInstance } from '../../main/imaging/dicomweb/dicom-json';
import type { ImagingLibrary } from '../../main/imaging/imaging-library';
import { type CutProxy, startCutProxy } from '../peers/cut-proxy/cut-proxy';
import type { OrthancPeer } from '../peers/orthanc/orthanc-peer';
import { type CorpusFile } from './dicom-corpus';
import {
  filesUnder,
  libraryFixture,
  makePacsStudies,
  makeStudy,
  pacsClient,
  pacsFiles,
  startPacs,
  type PacsStudies,
} from './pacs-fixture';

let corpusDir: string;
let studies: PacsStudies;
let peer: OrthancPeer;
let client: DicomWebClient;
let closeClient: () => Promise<void>;

beforeAll(async () => {
  corpusDir = mkdtempSync(join(tmpdir(), 'tabib-wado-'));
  studies = makePacsStudies(corpusDir);
  peer = await startPacs(pacsFiles(studies));
  ({ client, close: closeClient } = pacsClient(peer));
}, 120_000);

afterAll(async () => {
  await closeClient?.();
  await peer?.stop();
  rmSync(corpusDir, { recursive: true, force: true });
});

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function newLibrary(options: Parameters<typeof libraryFixture>[0] = {}) {
  const fixture = await libraryFixture(options);
  cleanups.push(fixture.close);
  return fixture;
}

/** The cache is consistent: one file per index row, no temporary file, every instance whole. */
async function expectConsistent(library: ImagingLibrary, cacheDir: string, originals: Map<string, Buffer>) {
  const files = filesUnder(cacheDir);
  expect(files.filter((file) => !file.endsWith('.tbic'))).toEqual([]);
  expect(files).toHaveLength(library.usage().instances);
  for (const study of library.listStudies())
    for (const uid of library.instanceUids(study.studyInstanceUid)) {
      const bytes = Buffer.from(await library.readInstance(uid));
      expect(bytes.equals(originals.get(uid) as Buffer), uid).toBe(true);
    }
}

function originalsOf(paths: string[], uids: string[]): Map<string, Buffer> {
  return new Map(uids.map((uid, index) => [uid, readFileSync(paths[index] as string)]));
}

describe('WADO-RS retrieve into the encrypted cache', () => {
  it('retrieves a study byte for byte as Orthanc stored it, every transfer syntax, flagged as held by the PACS', async () => {
    const { library, cacheDir } = await newLibrary();
    const studyUid = studies.corpus.multiFrame.studyUid;
    const progress: number[] = [];
    const report = await retrieveStudy(client, library, studyUid, {
      onProgress: (event) => progress.push(event.received),
    });
    const files: CorpusFile[] = [...studies.corpus.transferSyntaxes, studies.corpus.multiFrame];
    expect(report).toMatchObject({
      expected: files.length,
      alreadyCached: 0,
      imported: files.length,
      duplicates: 0,
      errors: [],
      missing: [],
      attempts: 1,
      requests: 1,
      stoppedBy: null,
    });
    expect(report.bytes).toBeGreaterThan(
      files.reduce((sum, file) => sum + readFileSync(file.path).length, 0),
    );
    expect(progress.at(-1)).toBe(files.length);
    for (const file of files) {
      const cached = Buffer.from(await library.readInstance(file.sopUid));
      expect(cached.equals(await peer.originalFile(file.sopUid)), file.transferSyntax).toBe(true);
      expect(cached.equals(readFileSync(file.path)), file.transferSyntax).toBe(true);
      expect(library.instance(file.sopUid)?.transfer_syntax).toBe(file.transferSyntax);
    }
    const [study] = library.listStudies();
    expect(study).toMatchObject({ studyInstanceUid: studyUid, heldByPacs: true, instances: files.length });
    await expectConsistent(
      library,
      cacheDir,
      new Map(files.map((file) => [file.sopUid, readFileSync(file.path)])),
    );

    // Again: nothing is asked for, nothing changes.
    const again = await retrieveStudy(client, library, studyUid);
    expect(again).toMatchObject({ alreadyCached: files.length, imported: 0, requests: 0, missing: [] });
  });

  it('leaves no pixel data and no patient name in clear in the cache files', async () => {
    const { library, cacheDir } = await newLibrary();
    const secretFiles = [studies.corpus.french, studies.corpus.arabic, studies.corpus.utf8];
    for (const file of [studies.corpus.multiFrame, ...secretFiles])
      expect((await retrieveStudy(client, library, file.studyUid)).missing).toEqual([]);
    const raw = filesUnder(cacheDir).map((path) => readFileSync(path));
    expect(raw.length).toBe(library.usage().instances);
    const secrets = [
      ...studies.corpus.transferSyntaxes.flatMap((file) => file.secrets),
      ...secretFiles.flatMap((file) => file.secrets),
      Buffer.from('DICM'),
      Buffer.from('Synthetic^Patient'),
      Buffer.from('SYN0001'),
    ];
    for (const bytes of raw)
      for (const secret of secrets) expect(bytes.includes(secret), secret.toString('hex')).toBe(false);
  });

  it('a connection cut in the middle (FIN) keeps the whole instances received, nothing of the cut one; a retry fetches the rest', async () => {
    const { library, cacheDir, reopen } = await newLibrary({ batchFiles: 7 });
    const proxy: CutProxy = await startCutProxy(peer.origin);
    cleanups.push(() => proxy.stop());
    const viaProxy = pacsClient(peer, { baseUrl: proxy.url(peer.dicomWebUrl) });
    cleanups.push(viaProxy.close);
    const { series40 } = studies;
    const originals = originalsOf(series40.paths, series40.sopUids);
    const size = series40.paths.reduce((sum, path) => sum + readFileSync(path).length, 0);
    // About 17 of the 40 instances, then the connection ends as if the answer were complete.
    proxy.plan({
      request: /^GET \/dicom-web\/studies\/[0-9.]+ $/,
      afterBytes: Math.floor(size * 0.43),
      how: 'end',
    });
    const cut = await retrieveStudy(viaProxy.client, library, series40.studyUid, {
      retry: { maxAttempts: 1 },
    });
    expect(proxy.pending()).toEqual([]);
    expect(cut.stoppedBy).toMatchObject({ code: 'IMAGING_PACS_UNREACHABLE', details: { phase: 'body' } });
    expect(cut.imported).toBeGreaterThan(5);
    expect(cut.imported).toBeLessThan(40);
    expect(cut.missing).toHaveLength(40 - cut.imported);
    expect(library.usage().instances).toBe(cut.imported);
    await expectConsistent(library, cacheDir, originals);
    // Reopening sweeps what no row points at: there is nothing to sweep.
    const before = filesUnder(cacheDir).sort();
    const reopened = await reopen();
    expect(filesUnder(cacheDir).sort()).toEqual(before);
    // The study is partly here: not yet flagged whole, but evictable (the PACS holds it).
    expect(reopened.listStudies()[0]).toMatchObject({ instances: cut.imported, heldByPacs: true });

    const rest = await retrieveStudy(viaProxy.client, reopened, series40.studyUid);
    expect(rest).toMatchObject({
      alreadyCached: cut.imported,
      imported: 40 - cut.imported,
      missing: [],
      stoppedBy: null,
    });
    // Only what was missing was asked for: the series (more than half missing) or single instances.
    expect(proxy.log.filter((entry) => /\/series\//.test(entry.requestLine)).length).toBeGreaterThan(0);
    expect(rest.duplicates).toBeLessThanOrEqual(cut.imported);
    await expectConsistent(reopened, cacheDir, originals);
    expect(reopened.listStudies()[0]).toMatchObject({ instances: 40, heldByPacs: true });
  });

  it('a connection reset in the middle is resumed within the same retrieval, after a backoff', async () => {
    const { library, cacheDir } = await newLibrary();
    const proxy = await startCutProxy(peer.origin);
    cleanups.push(() => proxy.stop());
    const viaProxy = pacsClient(peer, { baseUrl: proxy.url(peer.dicomWebUrl) });
    cleanups.push(viaProxy.close);
    const { series40 } = studies;
    const size = series40.paths.reduce((sum, path) => sum + readFileSync(path).length, 0);
    proxy.plan({
      request: /^GET \/dicom-web\/studies\/[0-9.]+ $/,
      afterBytes: Math.floor(size * 0.6),
      how: 'reset',
    });
    const retries: { attempt: number; error: unknown }[] = [];
    const report = await retrieveStudy(viaProxy.client, library, series40.studyUid, {
      onRetry: (event) => retries.push(event),
    });
    expect(retries).toHaveLength(1);
    expect(retries[0]?.error).toMatchObject({ code: 'IMAGING_PACS_UNREACHABLE' });
    expect(report).toMatchObject({ attempts: 2, imported: 40, missing: [], stoppedBy: null });
    expect(report.requests).toBeGreaterThan(1);
    await expectConsistent(library, cacheDir, originalsOf(series40.paths, series40.sopUids));
  });

  it('a reader slower than the network gets every instance when Orthanc closes the connection at the end', async () => {
    // Orthanc ends a WADO-RS answer by closing the connection. undici 7 crashed the process when
    // that close met a paused reader (nodejs/undici#5360); the transport is node:http for this.
    const { series40 } = studies;
    let count = 0;
    for await (const part of client.retrieve({ studyInstanceUid: series40.studyUid })) {
      count++;
      expect(part.bytes.length).toBeGreaterThan(9000);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    expect(count).toBe(40);
  });

  it('plans the smallest requests for what is missing', () => {
    const instance = (series: string, sop: string) =>
      ({ studyInstanceUid: '1.1', seriesInstanceUid: series, sopInstanceUid: sop }) as PacsInstance;
    const all = [
      instance('2.1', '3.1'),
      instance('2.1', '3.2'),
      instance('2.1', '3.3'),
      instance('2.2', '3.4'),
    ];
    expect(planRetrieval('1.1', all, all).map((pass) => pass.target)).toEqual([{ studyInstanceUid: '1.1' }]);
    expect(
      planRetrieval('1.1', all, [all[0] as PacsInstance, all[3] as PacsInstance]).map((pass) => pass.target),
    ).toEqual([
      { studyInstanceUid: '1.1', seriesInstanceUid: '2.1', sopInstanceUid: '3.1' },
      { studyInstanceUid: '1.1', seriesInstanceUid: '2.2' },
    ]);
    expect(planRetrieval('1.1', all, all.slice(0, 2)).map((pass) => pass.target)).toEqual([
      { studyInstanceUid: '1.1', seriesInstanceUid: '2.1' },
    ]);
  });

  it('refuses a study the PACS does not hold, and wrong credentials, before writing anything', async () => {
    const { library, cacheDir } = await newLibrary();
    await expect(retrieveStudy(client, library, '1.2.3.4.5.6')).rejects.toMatchObject({
      code: 'IMAGING_PACS_NOT_FOUND',
    });
    const wrong = pacsClient(peer, { password: 'wrong' });
    cleanups.push(wrong.close);
    await expect(retrieveStudy(wrong.client, library, studies.mr.studyUid)).rejects.toMatchObject({
      code: 'IMAGING_PACS_UNAUTHORIZED',
    });
    expect(filesUnder(cacheDir)).toEqual([]);
  });

  it('retrieves one series or one instance', async () => {
    const { library } = await newLibrary();
    const { mr } = studies;
    const series = [];
    for await (const instance of client.retrieve({
      studyInstanceUid: mr.studyUid,
      seriesInstanceUid: mr.seriesUid,
    }))
      series.push(instance.bytes);
    expect(series).toHaveLength(2);
    const one = [];
    for await (const instance of client.retrieve({
      studyInstanceUid: mr.studyUid,
      seriesInstanceUid: mr.seriesUid,
      sopInstanceUid: mr.sopUids[1] as string,
    }))
      one.push(instance.bytes);
    expect(one).toHaveLength(1);
    expect(one[0]?.equals(readFileSync(mr.paths[1] as string))).toBe(true);
    expect(library.usage().instances).toBe(0);
  });
});

describe('STOW-RS of an imported study', () => {
  it('stores a study imported here; QIDO-RS then finds it; the study becomes evictable', async () => {
    const { library } = await newLibrary();
    const local = makeStudy(corpusDir, 'stow-local', 3, {
      patientName: Buffer.from('Stow^Amina'),
      patientId: 'STOW0001',
      modality: 'DX',
      studyDate: '20250101',
      accessionNumber: 'ACC-STOW-1',
    });
    const imported = await library.import(local.paths);
    expect(imported.imported).toBe(3);
    expect(library.listStudies()[0]?.heldByPacs).toBe(false);
    expect((await client.searchStudies({ patientId: 'STOW0001' })).items).toEqual([]);

    await expect(storeStudy(client, library, local.studyUid, { stowEnabled: false })).rejects.toMatchObject({
      code: 'IMAGING_STOW_DISABLED',
    });
    const progress: number[] = [];
    const report = await storeStudy(client, library, local.studyUid, {
      stowEnabled: true,
      batchInstances: 2,
      onProgress: (event) => progress.push(event.sent),
    });
    expect(report).toMatchObject({ instances: 3, stored: 3, failed: [], requests: 2, heldByPacs: true });
    expect(progress).toEqual([2, 3]);
    const [found] = (await client.searchStudies({ patientId: 'STOW0001' })).items;
    expect(found).toMatchObject({
      studyInstanceUid: local.studyUid,
      accessionNumber: 'ACC-STOW-1',
      modalities: ['DX'],
      instances: 3,
    });
    for (const [index, uid] of local.sopUids.entries())
      expect((await peer.originalFile(uid)).equals(readFileSync(local.paths[index] as string))).toBe(true);
    expect(library.listStudies()[0]?.heldByPacs).toBe(true);

    // Storing it again stores nothing new, and says so without an error.
    const again = await storeStudy(client, library, local.studyUid, { stowEnabled: true });
    expect(again).toMatchObject({ stored: 3, failed: [] });
    await expect(storeStudy(client, library, '1.2.3', { stowEnabled: true })).rejects.toMatchObject({
      code: 'IMAGING_STUDY_NOT_FOUND',
    });
  });
});
