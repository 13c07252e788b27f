/**
 * QIDO-RS against a real PACS (Orthanc with its DICOMweb plugin, started here): each search
 * criterion, includefield, paging, series and instances of a study, character sets in the DICOM
 * JSON answer, and the authentication the PACS refuses.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DicomWebClient } from '../../main/imaging/dicomweb/dicomweb-client';
import { DicomWebClient as Client } from '../../main/imaging/dicomweb/dicomweb-client';
import { createPacsFetch, noAuthorization } from '../../main/imaging/dicomweb/pacs-http';
import type { OrthancPeer } from '../peers/orthanc/orthanc-peer';
import {
  instantRetries,
  makePacsStudies,
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
  corpusDir = mkdtempSync(join(tmpdir(), 'tabib-qido-'));
  studies = makePacsStudies(corpusDir);
  peer = await startPacs(pacsFiles(studies));
  ({ client, close: closeClient } = pacsClient(peer));
}, 120_000);

afterAll(async () => {
  await closeClient?.();
  await peer?.stop();
  rmSync(corpusDir, { recursive: true, force: true });
});

const uids = (items: { studyInstanceUid: string }[]) => items.map((item) => item.studyInstanceUid).sort();

describe('QIDO-RS study search', () => {
  it('finds studies by patient ID, with the attributes the list shows', async () => {
    const page = await client.searchStudies({ patientId: 'FR0001' });
    expect(page.items).toHaveLength(1);
    const [study] = page.items;
    expect(study).toMatchObject({
      studyInstanceUid: studies.corpus.french.studyUid,
      dicomPatientId: 'FR0001',
      patientNameText: 'Françoise Hélène Lefèvre',
      studyDate: '2024-03-15',
      studyTime: '10:15:00',
      description: 'Échographie abdominale',
      accessionNumber: 'ACC0001',
      modalities: ['CT'],
      series: 1,
      instances: 1,
      birthDate: '1970-01-01',
    });
    expect(page.more).toBe(false);
  });

  it('reads names in Arabic (ISO_IR 127) and UTF-8 with two groups as the PACS converts them', async () => {
    const [arabic] = (await client.searchStudies({ patientId: 'AR0001' })).items;
    expect(arabic?.patientNameText).toContain('فاطمة');
    const [utf8] = (await client.searchStudies({ patientId: 'UT0001' })).items;
    expect(utf8?.patientName?.alphabetic?.family).toBe('Zerhouni');
    expect(utf8?.patientName?.ideographic?.family).toBe('زرهوني');
  });

  it('matches the patient name with a wildcard, whatever the case', async () => {
    const page = await client.searchStudies({ patientName: 'Ben*' });
    expect(uids(page.items)).toEqual([studies.mr.studyUid, studies.us.studyUid].sort());
    expect(uids((await client.searchStudies({ patientName: 'benan?^*' })).items)).toEqual([
      studies.us.studyUid,
    ]);
    expect((await client.searchStudies({ patientName: 'Nobody*' })).items).toEqual([]);
  });

  it('matches a study date range, open at either end, or one day', async () => {
    const in2023 = await client.searchStudies({ dateFrom: '2023-01-01', dateTo: '2023-12-31' });
    expect(uids(in2023.items)).toEqual([studies.mr.studyUid, studies.us.studyUid].sort());
    const until = await client.searchStudies({ dateTo: '20221231' });
    expect(uids(until.items)).toEqual([studies.series40.studyUid]);
    const since = await client.searchStudies({ dateFrom: '2024-03-16' });
    expect(uids(since.items)).toEqual([studies.corpus.rgb.studyUid]);
    const day = await client.searchStudies({ dateFrom: '2023-06-20', dateTo: '2023-06-20' });
    expect(uids(day.items)).toEqual([studies.us.studyUid]);
  });

  it('matches a modality among the study’s, and an accession number', async () => {
    expect(uids((await client.searchStudies({ modality: 'mr' })).items)).toEqual([studies.mr.studyUid]);
    expect(uids((await client.searchStudies({ modality: 'XC' })).items)).toEqual([
      studies.corpus.rgb.studyUid,
    ]);
    // The main corpus study has a CT series and an OT (multi-frame) one.
    const ot = await client.searchStudies({ modality: 'OT' });
    expect(uids(ot.items)).toEqual([studies.corpus.multiFrame.studyUid]);
    expect(ot.items[0]?.modalities.sort()).toEqual(['CT', 'OT']);
    expect(uids((await client.searchStudies({ accessionNumber: 'ACC-2023-002' })).items)).toEqual([
      studies.us.studyUid,
    ]);
    // Criteria together narrow the search.
    expect(
      (await client.searchStudies({ patientName: 'Ben*', modality: 'US', accessionNumber: 'ACC-2023-001' }))
        .items,
    ).toEqual([]);
  });

  it('returns more attributes with includefield', async () => {
    const without = await client.searchStudies({ patientId: 'BEN0001' });
    expect(without.items[0]?.attributes['00081030']).toBeDefined();
    expect(without.items[0]?.attributes['00100021']).toBeUndefined();
    const [study] = (
      await client.searchStudies({ patientId: 'BEN0001', includeFields: ['StudyID', '00080090'] })
    ).items;
    expect(study?.studyId).toBe('S1');
  });

  it('pages with limit and offset, and walks every page', async () => {
    const all = (await client.searchStudies({})).items;
    // The corpus's studies (main, RGB, French, Arabic, UTF-8, CD) and the three made here.
    expect(all).toHaveLength(9);
    const first = await client.searchStudies({ limit: 4 });
    const second = await client.searchStudies({ limit: 4, offset: 4 });
    const third = await client.searchStudies({ limit: 4, offset: 8 });
    expect([first.more, second.more, third.more]).toEqual([true, true, false]);
    expect([first.items.length, second.items.length, third.items.length]).toEqual([4, 4, 1]);
    expect(uids([...first.items, ...second.items, ...third.items])).toEqual(uids(all));
    const walked = [];
    for await (const study of client.allStudies({}, { pageSize: 2 })) walked.push(study);
    expect(uids(walked)).toEqual(uids(all));
  });

  it('refuses criteria it cannot send before asking', async () => {
    await expect(client.searchStudies({ dateFrom: '15/03/2024' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(client.searchStudies({ dateFrom: '2024-02-30' })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(
      client.searchStudies({ dateFrom: '2024-03-02', dateTo: '2024-03-01' }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(client.searchStudies({ limit: 0 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(client.searchStudies({ includeFields: ['00100010&x=1'] })).rejects.toMatchObject({
      code: 'INVALID_ARGUMENT',
    });
    await expect(client.searchSeries('../../system')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});

describe('QIDO-RS within a study', () => {
  it('lists the series of a study and their instances, page by page', async () => {
    const studyUid = studies.corpus.multiFrame.studyUid;
    const series = (await client.searchSeries(studyUid)).items;
    expect(series.map((item) => item.modality).sort()).toEqual(['CT', 'OT']);
    const ct = series.find((item) => item.modality === 'CT');
    expect(ct?.instances).toBe(studies.corpus.transferSyntaxes.length);
    expect(ct?.description).toBe('Synthetic series');
    const instances = (await client.searchInstances(studyUid, ct?.seriesInstanceUid)).items;
    expect(instances.map((item) => item.sopInstanceUid).sort()).toEqual(
      studies.corpus.transferSyntaxes.map((file) => file.sopUid).sort(),
    );
    const all = await client.allInstances(studyUid, undefined, { pageSize: 5 });
    expect(all).toHaveLength(studies.corpus.transferSyntaxes.length + 1);
    expect(all.every((instance) => instance.seriesInstanceUid && instance.sopClassUid)).toBe(true);
    expect((await client.searchSeries(studyUid, { modality: 'OT' })).items).toHaveLength(1);
  });

  it('finds nothing in a study the PACS does not hold', async () => {
    expect((await client.searchInstances('1.2.3.4.5')).items).toEqual([]);
  });
});

describe('authentication', () => {
  it('wrong credentials, or none, are IMAGING_PACS_UNAUTHORIZED, at once (not retried)', async () => {
    const wrong = pacsClient(peer, { password: 'not-the-password' });
    const retries: unknown[] = [];
    const anonymous = new Client({
      baseUrl: peer.dicomWebUrl,
      fetch: createPacsFetch().fetch,
      authorizer: noAuthorization,
      environment: instantRetries,
      onRetry: (event) => retries.push(event),
    });
    try {
      await expect(wrong.client.searchStudies({ patientId: 'FR0001' })).rejects.toMatchObject({
        code: 'IMAGING_PACS_UNAUTHORIZED',
        details: { status: 401 },
      });
      await expect(anonymous.searchStudies({})).rejects.toMatchObject({ code: 'IMAGING_PACS_UNAUTHORIZED' });
      expect(retries).toEqual([]);
    } finally {
      await wrong.close();
    }
  });

  it('a PACS that is not there is IMAGING_PACS_UNREACHABLE, retried, never reached', async () => {
    const retries: unknown[] = [];
    // A port that was free a moment ago: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const address = server.address() as AddressInfo;
        server.close(() => resolve(address.port));
      });
    });
    const gone = pacsClient(peer, {
      baseUrl: `http://127.0.0.1:${port}/dicom-web`,
      retry: { maxAttempts: 3 },
      onRetry: (event) => retries.push(event),
    });
    try {
      await expect(gone.client.searchStudies({})).rejects.toMatchObject({
        code: 'IMAGING_PACS_UNREACHABLE',
        details: { reachedServer: false, attempts: 3 },
      });
      expect(retries).toHaveLength(2);
    } finally {
      await gone.close();
    }
  });
});
