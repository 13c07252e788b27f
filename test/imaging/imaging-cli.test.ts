/**
 * `tabib imaging import` and `tabib imaging list`, run in-process (runCli over an InProcessHost)
 * on a demonstration workstation's record, as the other CLI tests do.
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ImportReport } from '../../main/imaging/imaging-types';
import { testWorkstation } from '../support/test-workstation';
import { type Corpus, makeCorpus } from './dicom-corpus';

let corpus: Corpus;
let corpusDir: string;
beforeAll(() => {
  corpusDir = mkdtempSync(join(tmpdir(), 'tabib-dicom-cli-'));
  corpus = makeCorpus(corpusDir);
}, 60_000);
afterAll(() => rmSync(corpusDir, { recursive: true, force: true }));

let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function workstation() {
  const station = testWorkstation({ prefix: 'tabib-cli-imaging-' });
  cleanup = station.close;
  await station.host.invoke('setup.startDemo', { country: 'MA' });
  return station;
}

describe('tabib imaging', () => {
  it('import prints one line per file and a summary; list shows the cached studies', async () => {
    const { run } = await workstation();
    const copy = join(corpusDir, 'french-copy.dcm');
    copyFileSync(corpus.french.path, copy);
    const result = await run(
      'imaging',
      'import',
      corpus.cd.dicomdir,
      corpus.french.path,
      corpus.broken.notDicom,
      copy,
    );
    expect(result.code).toBe(1);
    const lines = result.out;
    expect(lines.slice(0, 4).map((line) => line.split(/\s+/)[0])).toEqual([
      'imported',
      'imported',
      'imported',
      'imported',
    ]);
    expect(lines[4]).toMatch(/^error\s+\S+README\.TXT\s+IMAGING_NOT_DICOM: /);
    expect(lines[5]).toBe(`${'duplicate'.padEnd(10)} ${copy}`);
    expect(lines[6]).toMatch(/^6 files: 4 imported, 1 duplicate, 1 error \(.+ instances\/s\)$/);
    expect(lines).toContain('Studies: 2');
    expect(lines.some((line) => line.includes('Françoise Hélène Lefèvre [FR0001]'))).toBe(true);

    const list = await run('imaging', 'list');
    expect(list.code).toBe(0);
    expect(list.out[0]).toMatch(
      /^date\s+modality\s+description\s+patient\s+record\s+instances\s+size\s+held$/,
    );
    expect(list.out.find((line) => line.includes('Lefèvre'))).toMatch(
      /^2024-03-15\s+CT\s+Échographie abdominale\s+Françoise Hélène Lefèvre \[FR0001\]\s+-\s+1\s+[\d.]+ KiB\s+local$/,
    );
    // These two, and the demonstration's four (main/imaging/demo/: CT, two chest films, ultrasound).
    expect(list.out.at(-1)).toMatch(/^6 studies, [\d.]+ MiB$/);
    const json = JSON.parse((await run('imaging', 'list', '--json')).out.join('\n')) as {
      instances: number;
      accessionNumber: string;
    }[];
    expect(
      json
        .filter((study) => !study.accessionNumber.startsWith('DEMO'))
        .map((study) => study.instances)
        .sort(),
    ).toEqual([1, 3]);
  });

  it('import --json prints the report; a clean import exits 0; a wrong use exits 2', async () => {
    const { run } = await workstation();
    const result = await run('imaging', 'import', corpus.rgb.path, '--json');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.out.join('\n')) as ImportReport;
    expect(report).toMatchObject({ total: 1, imported: 1, errors: 0 });
    expect(report.files[0]).toMatchObject({ status: 'imported', sopInstanceUid: corpus.rgb.sopUid });
    expect((await run('imaging', 'import')).code).toBe(2);
    expect((await run('imaging', 'frobnicate')).code).toBe(2);
    expect((await run('help')).out.join('\n')).toContain('imaging import <file|folder|DICOMDIR>');
  });
});
