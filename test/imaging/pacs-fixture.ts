/**
 * A PACS with known studies for the DICOMweb tests: the DCMTK corpus (dicom-corpus.ts) plus a few
 * studies made here to tell the QIDO-RS criteria apart (dates, modalities, accession numbers,
 * names sharing a prefix) and a 40-slice series to cut in the middle, all uploaded to a real
 * Orthanc (test/peers/orthanc) with `POST /instances`.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ImagingLibrary, type ImagingLibraryOptions } from '../../main/imaging/imaging-library';
import { DicomWebClient, type DicomWebClientOptions } from '../../main/imaging/dicomweb/dicomweb-client';
import { basicAuthorization, createPacsFetch } from '../../main/imaging/dicomweb/pacs-http';
import type { RetryEnvironment } from '../../main/sync/retry';
import type { LocalRecord } from '../../main/record/local-record';
import { recordFixture, type RecordFixture } from '../record/record-fixture';
import { type OrthancPeer, startOrthancPeer } from '../peers/orthanc/orthanc-peer';
import { type Corpus, dumpToDicom, makeCorpus, newUid, sopUidOf } from './dicom-corpus';

export interface MadeStudy {
  studyUid: string;
  seriesUid: string;
  paths: string[];
  sopUids: string[];
}

/** A study of `count` 16-bit 64×64 instances in one series. */
export function makeStudy(
  corpusDir: string,
  name: string,
  count: number,
  overrides: Partial<Parameters<typeof dumpToDicom>[2]> = {},
): MadeStudy {
  const dir = join(corpusDir, name);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(corpusDir, 'ct16.raw'), join(dir, 'ct16.raw'));
  const studyUid = overrides.studyUid ?? newUid();
  const seriesUid = overrides.seriesUid ?? newUid();
  const paths = Array.from({ length: count }, (_, index) =>
    dumpToDicom(dir, `im${String(index + 1).padStart(3, '0')}`, {
      patientName: Buffer.from('Pacs^Patient'),
      patientId: 'PACS0001',
      birthDate: '19800101',
      sopUid: newUid(),
      width: 64,
      height: 64,
      bits: 16,
      pixelFile: 'ct16.raw',
      instanceNumber: index + 1,
      ...overrides,
      studyUid,
      seriesUid,
    }),
  );
  return { studyUid, seriesUid, paths, sopUids: paths.map(sopUidOf) };
}

export interface PacsStudies {
  corpus: Corpus;
  /** Benali^Youssef, MR, 2023-01-10, ACC-2023-001. */
  mr: MadeStudy;
  /** Benani^Khadija, US, 2023-06-20, ACC-2023-002. */
  us: MadeStudy;
  /** Pacs^Patient, CT, 2022-11-02, ACC-SERIES-40: 40 slices. */
  series40: MadeStudy;
}

export function makePacsStudies(corpusDir: string): PacsStudies {
  const corpus = makeCorpus(corpusDir);
  const mr = makeStudy(corpusDir, 'mr', 2, {
    patientName: Buffer.from('Benali^Youssef'),
    patientId: 'BEN0001',
    modality: 'MR',
    studyDate: '20230110',
    accessionNumber: 'ACC-2023-001',
    studyDescription: Buffer.from('IRM genou'),
  });
  const us = makeStudy(corpusDir, 'us', 1, {
    patientName: Buffer.from('Benani^Khadija'),
    patientId: 'BEN0002',
    modality: 'US',
    studyDate: '20230620',
    accessionNumber: 'ACC-2023-002',
    studyDescription: Buffer.from('Echographie thyroide'),
  });
  const series40 = makeStudy(corpusDir, 'series40', 40, {
    modality: 'CT',
    studyDate: '20221102',
    accessionNumber: 'ACC-SERIES-40',
    studyDescription: Buffer.from('Scanner thoracique'),
  });
  return { corpus, mr, us, series40 };
}

/** Every file of the corpus that is an instance (the broken ones and DICOMDIR aside). */
export function pacsFiles(studies: PacsStudies): string[] {
  const { corpus } = studies;
  return [
    ...corpus.transferSyntaxes.map((file) => file.path),
    corpus.multiFrame.path,
    corpus.rgb.path,
    corpus.rgbJpeg.path,
    corpus.french.path,
    corpus.arabic.path,
    corpus.utf8.path,
    ...corpus.cd.files.map((file) => file.path),
    ...studies.mr.paths,
    ...studies.us.paths,
    ...studies.series40.paths,
  ];
}

export async function startPacs(files: string[]): Promise<OrthancPeer> {
  const peer = await startOrthancPeer();
  try {
    for (const file of files) await peer.upload(file);
  } catch (error) {
    await peer.stop();
    throw error;
  }
  return peer;
}

/** Retries without waiting, so a test of retries takes no time. */
export const instantRetries: RetryEnvironment = {
  now: () => Date.now(),
  random: () => 0.5,
  sleep: () => Promise.resolve(),
};

/** A client of the peer (or of a proxy in front of it, `baseUrl`), with the peer's user. */
export function pacsClient(
  peer: OrthancPeer,
  options: Partial<DicomWebClientOptions> & { password?: string } = {},
): { client: DicomWebClient; close(): Promise<void> } {
  const transport = createPacsFetch();
  const { password, ...rest } = options;
  const client = new DicomWebClient({
    baseUrl: peer.dicomWebUrl,
    fetch: transport.fetch,
    authorizer: basicAuthorization(peer.username, password ?? peer.password),
    environment: instantRetries,
    ...rest,
  });
  return { client, close: transport.close };
}

/** An encrypted record and an image library on a temporary folder. */
export async function libraryFixture(options: Partial<ImagingLibraryOptions> = {}): Promise<{
  library: ImagingLibrary;
  fixture: RecordFixture;
  record: LocalRecord;
  cacheDir: string;
  reopen(): Promise<ImagingLibrary>;
  close(): void;
}> {
  const fixture = recordFixture('MA');
  const record = await fixture.open();
  const cacheDir = join(fixture.dir, 'imaging', 'cache');
  const open = () =>
    ImagingLibrary.open({
      record,
      rules: fixture.options.rules,
      keychain: fixture.options.keychain,
      cacheDir,
      keyPath: join(fixture.dir, 'imaging', 'cache.key.wrapped'),
      ...options,
    });
  const library = await open();
  return {
    library,
    fixture,
    record,
    cacheDir,
    reopen: open,
    close: () => {
      record.close();
      fixture.cleanup();
    },
  };
}

/** Every file under a folder (the cache's shards). */
export function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(folder, entry.name)) : [join(folder, entry.name)],
  );
}
