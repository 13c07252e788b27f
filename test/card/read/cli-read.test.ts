/**
 * `tabib card read` end to end: the CLI's own ICAO 9303 read (main/card/read-document.ts) of a
 * Moroccan CNIE in the chip simulator, with the test CSCA in the trust folder. The reader is the
 * only fake: a CardReaders holding the simulator (no PC/SC card can carry an eMRTD chip here).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CardReadReport } from '../../../main/card/card-identity';
import type { CardReaders, CardTransport, ReaderInfo } from '../../../main/card/card-transport';
import { runCli } from '../../../main/cli/tabib-cli';
import type { ServiceHost } from '../../../main/services/service-host';
import { moroccanCnie, type TestDocument } from '../fixtures';
import { ChipSimulator } from '../simulator/chip-simulator';

const host: ServiceHost = {
  invoke: () => Promise.reject(new Error('card commands do not call the services')),
  onEvent: () => () => undefined,
  close: async () => undefined,
};

class SimulatorReaders implements CardReaders {
  constructor(private readonly chip: ChipSimulator) {}
  async list(): Promise<ReaderInfo[]> {
    return [{ name: this.chip.reader, cardPresent: true }];
  }
  async connect(): Promise<CardTransport> {
    return this.chip;
  }
  watch(): () => void {
    return () => undefined;
  }
  async close(): Promise<void> {}
}

let document: TestDocument;
let trustDir: string;

beforeAll(async () => {
  document = await moroccanCnie();
  trustDir = mkdtempSync(join(tmpdir(), 'tabib-cli-csca-'));
  writeFileSync(join(trustDir, 'csca.pem'), document.cscaPem);
});
afterAll(() => rmSync(trustDir, { recursive: true, force: true }));

async function cardRead(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const chip = new ChipSimulator({
    mrz: document.mrzAccess,
    can: document.can,
    files: document.files,
    pace: { parameterId: 13, cipher: 'AES-128' },
  });
  const code = await runCli(
    ['card', 'read', ...args],
    host,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    { card: { openReaders: () => new SimulatorReaders(chip), trustDir } },
  );
  return { code, out, err };
}

describe('tabib card read, with the real ICAO 9303 read', () => {
  it('prints the identity, the data groups and a verified passive authentication', async () => {
    const { code, out } = await cardRead(['--mrz', document.mrz.join('\n')]);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain(document.person.nationalId);
    expect(text).toContain(document.person.documentNumber);
    expect(text).toContain(document.person.familyName);
    expect(text).toMatch(/verified/i);
  });

  it('--json gives the report without the photo’s bytes', async () => {
    const { code, out } = await cardRead(['--can', document.can, '--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out.join('\n')) as CardReadReport;
    expect(report.accessProtocol).toBe('PACE');
    expect(report.passiveAuthentication.status).toBe('verified');
    // A JPEG in base64 starts with /9j/.
    expect(out.join('\n')).not.toContain('/9j/');
    expect(report.identity.nationalId?.value).toBe(document.person.nationalId);
  });

  it('exits 1 with the localisable code for a wrong CAN', async () => {
    const { code, err } = await cardRead(['--can', document.can === '000000' ? '111111' : '000000']);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('CARD_ACCESS_DENIED');
  });
});
