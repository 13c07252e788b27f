/**
 * `tabib doctor`'s card-reader line: the smart-card service, then the readers the card service
 * lists. Windows is taken as the platform so the check does not depend on this machine's pcscd.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigStore } from '../../main/config/config-store';
import { dataLayout } from '../../main/config/paths';
import { buildHealthReport, type HealthDependencies } from '../../main/health/health-report';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';

const dir = mkdtempSync(join(tmpdir(), 'tabib-health-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cardLine(cardReaders: HealthDependencies['cardReaders']) {
  const layout = dataLayout(join(dir, 'data'));
  const report = await buildHealthReport({
    layout,
    config: new ConfigStore(layout.userConfig, join(dir, 'machine.json')),
    keychain: new KeyFileKeychain(join(dir, 'keychain.key')),
    platform: 'win32',
    cardReaders,
  });
  return report.checks.find((check) => check.id === 'cardReaders');
}

describe('the card readers check', () => {
  it('names the readers found and counts the cards in them', async () => {
    const line = await cardLine(async () => ({
      readers: [
        { name: 'ACS ACR1252 1S CL Reader PICC 0', cardPresent: true },
        { name: 'ACS ACR1252 1S CL Reader SAM 0', cardPresent: false },
      ],
    }));
    expect(line).toMatchObject({
      status: 'ok',
      reason: 'readersFound',
      facts: { service: 'SCardSvr', readers: 2, cardsPresent: 1 },
    });
    expect(line?.facts.names).toContain('PICC 0');
  });

  it('warns when the service answers but no reader is attached, or the listing fails', async () => {
    expect(await cardLine(async () => ({ readers: [] }))).toMatchObject({
      status: 'warning',
      reason: 'noReader',
    });
    expect(await cardLine(() => Promise.reject(new Error('SCARD_E_NO_SERVICE')))).toMatchObject({
      status: 'warning',
      reason: 'noReader',
    });
  });

  it('says only that the service runs where no card service is given', async () => {
    expect(await cardLine(undefined)).toMatchObject({ status: 'ok', reason: 'osService' });
  });
});
