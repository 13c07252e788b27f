/**
 * `tabib imaging search | retrieve | store | pacs-secret`, run in-process (runCli over an
 * InProcessHost) on a demonstration workstation whose configuration names a real PACS (Orthanc
 * with its DICOMweb plugin, started here) with HTTP Basic authentication.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ConfigFile } from '../../main/config/schema';
import type { RetrieveReport } from '../../main/imaging/dicomweb/pacs-transfer';
import type { OrthancPeer } from '../peers/orthanc/orthanc-peer';
import { testWorkstation } from '../support/test-workstation';
import { type Corpus, makeCorpus } from './dicom-corpus';
import { makeStudy, startPacs } from './pacs-fixture';

let corpusDir: string;
let corpus: Corpus;
let peer: OrthancPeer;

beforeAll(async () => {
  corpusDir = mkdtempSync(join(tmpdir(), 'tabib-dicomweb-cli-'));
  corpus = makeCorpus(corpusDir);
  peer = await startPacs([
    corpus.french.path,
    corpus.arabic.path,
    corpus.rgb.path,
    corpus.rgbJpeg.path,
    ...corpus.cd.files.map((file) => file.path),
  ]);
}, 120_000);

afterAll(async () => {
  await peer?.stop();
  rmSync(corpusDir, { recursive: true, force: true });
});

let cleanup: (() => Promise<void>) | null = null;
async function closeStation(): Promise<void> {
  await cleanup?.();
  cleanup = null;
}
afterEach(closeStation);

async function workstation(pacs: Partial<NonNullable<ConfigFile['pacs']>> | null = {}, secret?: string) {
  const station = testWorkstation({
    prefix: 'tabib-cli-dicomweb-',
    userConfig:
      pacs === null
        ? null
        : {
            pacs: {
              baseUrl: peer.dicomWebUrl,
              auth: { type: 'basic', username: peer.username },
              stowEnabled: true,
              ...pacs,
            },
          },
  });
  cleanup = station.close;
  await station.host.invoke('setup.startDemo', { country: 'MA' });
  if (secret !== undefined) {
    const file = join(station.dir, 'secret.txt');
    writeFileSync(file, `${secret}\n`);
    const stored = await station.run('imaging', 'pacs-secret', '--from-file', file);
    expect(stored.code, stored.err.join('\n')).toBe(0);
    rmSync(file);
  }
  return station;
}

describe('tabib imaging and the PACS', () => {
  it('search lists the PACS’s studies by criteria; retrieve fetches one with progress and a summary', async () => {
    const { run, dataDir } = await workstation({}, peer.password);
    // The secret is kept wrapped, never in clear.
    expect(
      readFileSync(join(dataDir, 'imaging', 'pacs-secret.wrapped')).includes(Buffer.from(peer.password)),
    ).toBe(false);

    const search = await run('imaging', 'search', '--patient-id', 'FR0001');
    expect(search.code, search.err.join('\n')).toBe(0);
    expect(search.out[0]).toMatch(
      /^date\s+modality\s+description\s+patient\s+accession\s+series\s+instances\s+cached\s+study$/,
    );
    expect(search.out[1]).toMatch(
      new RegExp(
        `^2024-03-15\\s+CT\\s+Échographie abdominale\\s+Françoise Hélène Lefèvre \\[FR0001\\]\\s+ACC0001\\s+1\\s+1\\s+-\\s+${corpus.french.studyUid.replace(/\./g, '\\.')}$`,
      ),
    );
    expect(search.out.at(-1)).toBe('Studies 1–1');
    const byDate = await run(
      'imaging',
      'search',
      '--from',
      '2024-03-16',
      '--to',
      '2024-03-16',
      '--modality',
      'XC',
    );
    expect(byDate.out.filter((line) => line.includes(corpus.rgb.studyUid))).toHaveLength(1);
    const byName = await run('imaging', 'search', '--name', 'synth*', '--json');
    const page = JSON.parse(byName.out.join('\n')) as { items: { studyInstanceUid: string }[] };
    expect(page.items.map((item) => item.studyInstanceUid)).toEqual([corpus.cd.files[0]?.studyUid]);
    const paged = await run('imaging', 'search', '--limit', '2');
    expect(paged.out.at(-1)).toBe('Studies 1–2; the PACS may hold more: --offset 2');
    expect((await run('imaging', 'search', '--accession', 'NONE')).out).toEqual([
      'No study on the PACS matches.',
    ]);

    const retrieve = await run('imaging', 'retrieve', corpus.cd.files[0]?.studyUid as string);
    expect(retrieve.code, retrieve.err.join('\n')).toBe(0);
    expect(retrieve.out.filter((line) => line.startsWith('retrieved '))).toEqual([
      expect.stringMatching(/^retrieved 1 instance of 3 \([\d.]+ KiB\)$/),
      expect.stringMatching(/^retrieved 2 instances of 3 \([\d.]+ KiB\)$/),
      expect.stringMatching(/^retrieved 3 instances of 3 \([\d.]+ KiB\)$/),
    ]);
    expect(retrieve.out).toContain(
      'The study is whole in the image cache (held by the PACS: it may be evicted).',
    );
    expect(retrieve.out.find((line) => line.startsWith('Study '))).toMatch(
      /^Study [0-9.]+: 3 instances on the PACS, 0 already cached; 3 imported, 0 duplicate, 0 errors \([\d.]+ KiB in [\d.]+ s, 1 request, 1 attempt\)$/,
    );
    const list = await run('imaging', 'list');
    expect(list.out.find((line) => line.includes('CD0001'))).toMatch(/\s3\s+[\d.]+ KiB\s+pacs$/);
    // Searched again, the study shows as cached.
    expect((await run('imaging', 'search', '--patient-id', 'CD0001')).out[1]).toMatch(/\syes\s+[0-9.]+$/);

    const json = await run('imaging', 'retrieve', corpus.french.studyUid, '--json');
    const report = JSON.parse(json.out.join('\n')) as RetrieveReport;
    expect(report).toMatchObject({ expected: 1, imported: 1, missing: [], stoppedBy: null });
  });

  it('store sends an imported study (STOW-RS), which search then finds; disabled, it is refused', async () => {
    const { run } = await workstation({}, peer.password);
    const local = makeStudy(corpusDir, 'cli-stow', 2, {
      patientId: 'CLISTOW1',
      accessionNumber: 'ACC-CLI-STOW',
    });
    expect((await run('imaging', 'import', ...local.paths)).code).toBe(0);
    const store = await run('imaging', 'store', local.studyUid);
    expect(store.code, store.err.join('\n')).toBe(0);
    expect(store.out.at(-1)).toMatch(
      /^Study [0-9.]+: 2 instances, 2 stored on the PACS, 0 refused \([\d.]+ KiB in [\d.]+ s, 1 request\); held by the PACS now$/,
    );
    const found = await run('imaging', 'search', '--accession', 'ACC-CLI-STOW');
    expect(found.out[1]).toContain(local.studyUid);

    await closeStation();
    const disabled = await workstation({ stowEnabled: false }, peer.password);
    await disabled.run('imaging', 'import', ...local.paths);
    const refused = await disabled.run('imaging', 'store', local.studyUid);
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/^IMAGING_STOW_DISABLED: /);
  });

  it('wrong credentials, a missing secret and no PACS are errors with their codes; misuse exits 2', async () => {
    const wrong = await workstation({}, 'not-the-password');
    const refused = await wrong.run('imaging', 'search', '--patient-id', 'FR0001');
    expect(refused.code).toBe(1);
    expect(refused.err[0]).toMatch(/^IMAGING_PACS_UNAUTHORIZED: .*HTTP 401/);
    expect((await wrong.run('imaging', 'retrieve', corpus.french.studyUid)).err[0]).toMatch(
      /^IMAGING_PACS_UNAUTHORIZED: /,
    );
    await closeStation();

    const noSecret = await workstation({});
    expect((await noSecret.run('imaging', 'search')).err[0]).toMatch(/^IMAGING_PACS_SECRET_MISSING: /);
    expect((await noSecret.run('imaging', 'search', '--from', '2024-13-01')).err[0]).toMatch(
      /^INVALID_ARGUMENT: /,
    );
    expect((await noSecret.run('imaging', 'retrieve')).code).toBe(2);
    expect((await noSecret.run('imaging', 'retrieve', 'not-a-uid')).err[0]).toMatch(/^INVALID_ARGUMENT: /);
    expect((await noSecret.run('imaging', 'search', '--bogus')).code).toBe(2);
    await closeStation();

    const none = await workstation(null);
    expect((await none.run('imaging', 'search')).err[0]).toMatch(/^IMAGING_PACS_NOT_CONFIGURED: /);
    expect((await none.run('help')).out.join('\n')).toContain('imaging retrieve <StudyInstanceUID>');
  });
});
