/**
 * Who decides about updates on a workstation: the administrator's machine-wide configuration only;
 * when an install may be offered (the maintenance window); and what the workstation's own data
 * folder — writable by its user — is not trusted with.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { adminCallNames, callNames } from '../../main/contract/names';
import type { UpdateStatus } from '../../main/contract/types';
import { InProcessHost } from '../../main/services/in-process-host';
import { generateSigningKey, signDocument } from '../../main/update/signed-document';
import { KEY_LIST_TYPE, signKeyList } from '../../main/update/trusted-keys';
import { maintenanceWindowOpening } from '../../main/update/update-policy';
import { updateLayout } from '../../main/update/update-store';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';

let root: string;
let host: InProcessHost;
const machine = () => join(root, 'machine.json');
const user = () => join(root, 'data', 'config.json');
const shipped = generateSigningKey();

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'tabib-update-policy-'));
  mkdirSync(join(root, 'resources', 'update'), { recursive: true });
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(
    join(root, 'resources', 'update', 'keys.json'),
    JSON.stringify(signKeyList({ type: KEY_LIST_TYPE, version: 1, keys: [shipped.publicEntry] }, [])),
  );
  host = new InProcessHost(
    {
      dataDir: join(root, 'data'),
      machineConfigPath: machine(),
      resourcesDir: join(root, 'resources'),
      appVersion: '1.0.0',
      electronVersion: null,
    },
    new KeyFileKeychain(join(root, 'data', 'keychain', 'wrapping.key')),
  );
});
afterEach(async () => {
  await host.close();
  rmSync(root, { recursive: true, force: true });
});

async function status(): Promise<UpdateStatus> {
  const envelope = await host.invoke('update.status', {});
  if (!envelope.ok) throw new Error(`${envelope.error.code}: ${envelope.error.message}`);
  return envelope.value as UpdateStatus;
}

describe('the update policy', () => {
  it('comes from the machine-wide configuration, with defaults for what it leaves out', async () => {
    expect((await status()).policy).toEqual({
      configured: false,
      url: null,
      channel: 'stable',
      checkIntervalHours: 6,
      maintenanceWindow: null,
    });
    expect((await status()).state).toBe('disabled');
    writeFileSync(
      machine(),
      JSON.stringify({ update: { url: 'https://updates.sante.example/tabib', channel: 'pilot' } }),
    );
    expect((await status()).policy).toEqual({
      configured: true,
      url: 'https://updates.sante.example/tabib/',
      channel: 'pilot',
      checkIntervalHours: 6,
      maintenanceWindow: null,
    });
  });

  it('is never taken from the user’s own configuration', async () => {
    writeFileSync(user(), JSON.stringify({ update: { url: 'https://evil.example/' } }));
    expect((await status()).policy.configured).toBe(false);
    writeFileSync(machine(), JSON.stringify({ update: { url: 'https://updates.sante.example/' } }));
    expect((await status()).policy.url).toBe('https://updates.sante.example/');
    const config = await host.invoke('config.get', {});
    expect(
      config.ok && (config.value as { lockedByAdministrator: string[] }).lockedByAdministrator,
    ).toContain('update');
  });

  it('refuses a plain-http server away from this machine, and a malformed window', async () => {
    writeFileSync(machine(), JSON.stringify({ update: { url: 'http://updates.sante.example/' } }));
    expect(await host.invoke('update.status', {})).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID' },
    });
    writeFileSync(
      machine(),
      JSON.stringify({
        update: { url: 'https://u.example/', maintenanceWindow: { start: '25:00', end: '04:00' } },
      }),
    );
    expect(await host.invoke('update.status', {})).toMatchObject({
      ok: false,
      error: { code: 'CONFIG_INVALID' },
    });
  });
});

describe('the maintenance window (local time)', () => {
  const at = (hours: number, minutes = 0) => new Date(2026, 10, 23, hours, minutes);

  it('opens at its start and closes at its end', () => {
    const window = { start: '02:00', end: '04:00' };
    expect(maintenanceWindowOpening(window, at(1, 59))).toBeNull();
    expect(maintenanceWindowOpening(window, at(2))).toEqual(at(2));
    expect(maintenanceWindowOpening(window, at(3, 59))).toEqual(at(2));
    expect(maintenanceWindowOpening(window, at(4))).toBeNull();
  });

  it('runs over midnight when its end is before its start; the opening is the evening before', () => {
    const window = { start: '22:30', end: '06:00' };
    expect(maintenanceWindowOpening(window, at(23))).toEqual(at(22, 30));
    expect(maintenanceWindowOpening(window, at(5, 59))).toEqual(new Date(2026, 10, 22, 22, 30));
    expect(maintenanceWindowOpening(window, at(12))).toBeNull();
  });

  it('is never open when its start and end are the same', () => {
    expect(maintenanceWindowOpening({ start: '03:00', end: '03:00' }, at(3))).toBeNull();
  });
});

describe('what the data folder is not trusted with', () => {
  it('a key list written there by hand is not a link of the chain, and is ignored', async () => {
    const intruder = generateSigningKey();
    const layout = updateLayout(join(root, 'data'));
    mkdirSync(layout.dir, { recursive: true });
    writeFileSync(
      layout.keyChain,
      JSON.stringify([
        signKeyList({ type: KEY_LIST_TYPE, version: 2, keys: [intruder.publicEntry] }, [intruder.signingKey]),
      ]),
    );
    expect((await status()).trustedKeys).toEqual({ version: 1, keyIds: [shipped.signingKey.keyId] });
  });

  it('a manifest written there by hand is not an accepted one: no download can be declared verified', async () => {
    const layout = updateLayout(join(root, 'data'));
    mkdirSync(layout.dir, { recursive: true });
    const intruder = generateSigningKey();
    writeFileSync(
      layout.state,
      JSON.stringify({
        newestReleaseDate: {},
        accepted: signDocument({ type: 'tabib.update-manifest', version: '6.6.6' }, [intruder.signingKey]),
        ready: { version: '6.6.6', verifiedAt: '2026-11-23T00:00:00.000Z' },
      }),
    );
    const file = join(root, 'payload.deb');
    writeFileSync(file, 'anything');
    expect(await host.invoke('update.verifyDownload', { version: '6.6.6', file })).toMatchObject({
      ok: false,
      error: { code: 'UPDATE_NOT_PENDING' },
    });
    expect(await host.invoke('update.offerInstall', { version: '6.6.6' })).toMatchObject({
      ok: false,
      error: { code: 'UPDATE_NOT_PENDING' },
    });
  });
});

describe('the driver’s calls', () => {
  it('are administrator calls: never on IPC, never in window.tabib', () => {
    const driverCalls = [
      'update.check',
      'update.verifyFeed',
      'update.reportProgress',
      'update.reportFailure',
      'update.verifyDownload',
      'update.offerInstall',
      'release.verify',
    ];
    for (const name of driverCalls) {
      expect(adminCallNames as readonly string[]).toContain(name);
      expect(callNames as readonly string[]).not.toContain(name);
    }
    expect(callNames).toEqual(expect.arrayContaining(['update.status', 'update.respondToInstall']));
  });
});
