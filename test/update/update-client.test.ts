/**
 * Signed updates, end to end: a real update server on loopback serving releases signed by the
 * release tool; the workstation's services judging them; electron-updater's real DebUpdater
 * fetching the feed and downloading, driven by Tabib's UpdateDriver. Only Electron is doubled
 * (electron-double.ts), and installing is recorded instead of running dpkg.
 *
 * A good update is downloaded, verified and installed when Tabib quits. Every bad one is refused
 * with a reason code in the update log, nothing is installed, and the installed version keeps
 * answering.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppInfo, UpdateLogEntry, UpdateReason } from '../../main/contract/types';
import { makeKeyList, readPublicEntry, readSigningKey } from '../../main/update/release-tool';
import { rolloutBucket } from '../../main/update/rollout';
import { signKeyList } from '../../main/update/trusted-keys';
import { createUpdateWorld, type UpdateWorld, type Workstation } from './update-world';

let world: UpdateWorld;
beforeEach(async () => {
  world = await createUpdateWorld();
});
afterEach(async () => {
  await world.close();
});

const deb = (version: string) => `/stable/tabib_${version}_amd64.deb`;

function decisions(log: UpdateLogEntry[]): string[] {
  return log.map((entry) => (entry.reason ? `${entry.event} ${entry.reason}` : entry.event));
}

/** The installed version is still the one answering, and nothing will be installed. */
async function expectStillUsable(workstation: Workstation, installed: string): Promise<void> {
  const info = await workstation.host.invoke('app.info', {});
  expect(info.ok && (info.value as AppInfo).version).toBe(installed);
  const status = await workstation.status();
  expect(status.installedVersion).toBe(installed);
  expect(status.ready).toBeNull();
  expect(workstation.driver.pending).toBeNull();
  workstation.quit(0);
  expect(workstation.installs).toEqual([]);
}

async function expectRefused(workstation: Workstation, event: 'refused' | 'failed', reason: UpdateReason) {
  const last = (await workstation.log()).at(-1);
  expect(last).toMatchObject({ event, reason, installedVersion: '1.0.0' });
  expect((await workstation.status()).state).toBe(event);
  await expectStillUsable(workstation, '1.0.0');
}

describe('a good update', () => {
  it('is verified, downloaded, verified again, and installed when Tabib quits', async () => {
    const release = await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).toEqual([
      '/keys/2.json', // no rotation published: 404
      '/stable/release.json',
      '/stable/latest-linux.yml',
      deb('1.1.0'),
    ]);
    const log = await workstation.log();
    expect(decisions(log)).toEqual(['accepted', 'ready']);
    expect(log[0]).toMatchObject({
      version: '1.1.0',
      channel: 'stable',
      details: { keyId: world.ministryKey.keyId, rollout: 100 },
    });
    expect(workstation.driver.pending?.version).toBe('1.1.0');
    expect(readFileSync(workstation.driver.pending?.file ?? '')).toEqual(
      readFileSync(join(world.www, 'stable', 'tabib_1.1.0_amd64.deb')),
    );
    const status = await workstation.status();
    expect(status).toMatchObject({ state: 'readyToInstall', ready: { version: '1.1.0' } });
    expect(release.manifest.files.map((file) => file.url).sort()).toEqual([
      'Tabib-1.1.0.AppImage',
      'tabib_1.1.0_amd64.deb',
    ]);

    // electron-updater never installs on its own; Tabib does, at a normal quit, silently, no relaunch.
    expect(workstation.updater.autoDownload).toBe(false);
    expect(workstation.updater.autoInstallOnAppQuit).toBe(false);
    workstation.quit(1);
    expect(workstation.installs).toEqual([]);
    workstation.quit(0);
    expect(workstation.installs).toEqual([[true, false]]);
  });

  it('is logged as installed when the workstation starts in the new version', async () => {
    await world.publish({ version: '1.1.0' });
    const before = await world.workstation({ installed: '1.0.0' });
    await before.driver.check();
    const dataDir = before.host.services.env.dataDir;
    await before.close();

    const after = await world.workstation({ installed: '1.1.0', dataDir });
    const status = await after.status();
    expect(status.state).toBe('upToDate');
    expect(status.ready).toBeNull();
    expect(decisions(await after.log())).toEqual(['accepted', 'ready', 'installed']);
    await after.driver.check();
    expect((await after.log()).at(-1)).toMatchObject({
      event: 'skipped',
      reason: 'UP_TO_DATE',
      version: '1.1.0',
    });
  });

  it('reports its download progress to the services', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({ installed: '1.0.0' });
    const changes: unknown[] = [];
    workstation.host.onEvent((name, payload) => name === 'update.changed' && changes.push(payload));
    await workstation.driver.check();
    expect(changes).toContainEqual({ state: 'downloading', version: '1.1.0' });
    expect(changes.at(-1)).toEqual({ state: 'readyToInstall', version: '1.1.0' });
  });
});

describe('a bad update is refused, logged, and the installed version stays usable', () => {
  it('a tampered manifest: the signature does not verify; nothing else is fetched', async () => {
    await world.publish({ version: '1.1.0' });
    const file = join(world.www, 'stable', 'release.json');
    const envelope = JSON.parse(readFileSync(file, 'utf8')) as {
      signed: { rollout: number; version: string };
    };
    envelope.signed.version = '9.9.9';
    writeFileSync(file, JSON.stringify(envelope));
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).toEqual(['/keys/2.json', '/stable/release.json']);
    await expectRefused(workstation, 'refused', 'SIGNATURE_INVALID');
  });

  it('a tampered file: electron-updater’s SHA-512 check, tied to the signed manifest, refuses it', async () => {
    await world.publish({ version: '1.1.0' });
    const file = join(world.www, 'stable', 'tabib_1.1.0_amd64.deb');
    const bytes = readFileSync(file);
    bytes[1000] = (bytes[1000] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).toContain(deb('1.1.0'));
    await expectRefused(workstation, 'refused', 'DOWNLOAD_CHECKSUM_MISMATCH');
    expect((await workstation.log()).at(-1)?.details).toMatchObject({
      stage: 'download',
      code: 'ERR_CHECKSUM_MISMATCH',
    });
  });

  it('a tampered file with a feed forged to match: the unsigned feed is refused before any download', async () => {
    await world.publish({ version: '1.1.0' });
    const file = join(world.www, 'stable', 'tabib_1.1.0_amd64.deb');
    const feedFile = join(world.www, 'stable', 'latest-linux.yml');
    const signedSha = /sha512: (\S+)/.exec(readFileSync(feedFile, 'utf8'))?.[1] ?? '';
    writeFileSync(file, Buffer.alloc(256 * 1024, 7));
    const forgedSha = createHash('sha512').update(readFileSync(file)).digest('base64');
    writeFileSync(feedFile, readFileSync(feedFile, 'utf8').replaceAll(signedSha, forgedSha));
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).not.toContain(deb('1.1.0'));
    await expectRefused(workstation, 'refused', 'FEED_MISMATCH');
  });

  it('a file changed on disk after electron-updater checked it: Tabib’s own SHA-512 check refuses it', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({ installed: '1.0.0' });
    // Between electron-updater's check and Tabib's, another program rewrites the cached installer.
    workstation.updater.on('update-downloaded', (event) =>
      writeFileSync(event.downloadedFile, 'not the release'),
    );

    await workstation.driver.check();

    await expectRefused(workstation, 'refused', 'FILE_HASH_MISMATCH');
  });

  it('a wrong key: a release signed by a key the workstation does not trust', async () => {
    await world.publish({ version: '1.1.0', key: world.newKey('someone else') });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).toEqual(['/keys/2.json', '/stable/release.json']);
    await expectRefused(workstation, 'refused', 'UNKNOWN_SIGNING_KEY');
  });

  it('a downgrade: a properly signed older version', async () => {
    await world.publish({ version: '0.9.0' });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).toEqual(['/keys/2.json', '/stable/release.json']);
    await expectRefused(workstation, 'refused', 'DOWNGRADE_REFUSED');
    expect((await workstation.log()).at(-1)?.details).toMatchObject({ offered: '0.9.0', installed: '1.0.0' });
  });

  it('an expired manifest: a frozen server replaying a release signed long ago', async () => {
    await world.publish({
      version: '1.1.0',
      signedAt: new Date(Date.now() - 40 * 86_400_000),
      expiresDays: 30,
    });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    await expectRefused(workstation, 'refused', 'MANIFEST_EXPIRED');
  });

  it('a replayed manifest: an older, still valid manifest after a newer one was seen', async () => {
    const older = await world.publish({ version: '1.1.0', signedAt: new Date(Date.now() - 86_400_000) });
    const olderBytes = readFileSync(older.manifestFile);
    await world.publish({ version: '1.1.0', rollout: 0 });
    const workstation = await world.workstation({ installed: '1.0.0' });
    await workstation.driver.check();
    expect((await workstation.log()).at(-1)).toMatchObject({ event: 'skipped', reason: 'ROLLOUT_HALTED' });

    // The server (or someone in the middle) serves the pre-halt manifest again.
    writeFileSync(older.manifestFile, olderBytes);
    await workstation.driver.check();

    await expectRefused(workstation, 'refused', 'MANIFEST_REPLAYED');
  });

  it('a truncated download: the connection is cut mid-file', async () => {
    await world.publish({ version: '1.1.0' });
    world.server.misbehave(deb('1.1.0'), { kind: 'truncate', bytes: 64 * 1024 });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    await expectRefused(workstation, 'failed', 'DOWNLOAD_INTERRUPTED');
  });

  it('a server error on the manifest', async () => {
    await world.publish({ version: '1.1.0' });
    world.server.misbehave('/stable/release.json', { kind: 'status', status: 500 });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    await expectRefused(workstation, 'failed', 'SERVER_ERROR');
    expect((await workstation.log()).at(-1)?.details).toMatchObject({ status: 500 });
  });

  it('a server error on the file', async () => {
    await world.publish({ version: '1.1.0' });
    world.server.misbehave(deb('1.1.0'), { kind: 'status', status: 500 });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    await expectRefused(workstation, 'failed', 'SERVER_ERROR');
    expect((await workstation.log()).at(-1)?.details).toMatchObject({ stage: 'download', status: 500 });
  });

  it('an unreachable server', async () => {
    const workstation = await world.workstation({
      installed: '1.0.0',
      update: { url: 'http://127.0.0.1:9/' },
    });

    await workstation.driver.check();

    await expectRefused(workstation, 'failed', 'NETWORK_ERROR');
  });

  it('a release for another channel served in this channel’s folder', async () => {
    await world.publish({ version: '1.1.0', channel: 'pilot' });
    const workstation = await world.workstation({
      installed: '1.0.0',
      update: { url: world.server.url, channel: 'stable' },
    });
    // The pilot manifest, copied where stable workstations look.
    mkdirSync(join(world.www, 'stable'), { recursive: true });
    copyFileSync(join(world.www, 'pilot', 'release.json'), join(world.www, 'stable', 'release.json'));

    await workstation.driver.check();

    await expectRefused(workstation, 'refused', 'CHANNEL_MISMATCH');
  });
});

describe('staged rollout', () => {
  /** An installation whose bucket is 86.4: outside a rollout of 86 %, inside one of 87 %. */
  const installationId = '0b8f5a52-3c1e-4f0a-9d6b-7e2c4a1f8b3d';

  it('a workstation outside the rollout percentage does not download; raising the percentage takes it in', async () => {
    const workstation = await world.workstation({ installed: '1.0.0', installationId });
    const status = await workstation.status();
    expect(status.installationId).toBe(installationId);
    expect(status.rolloutBucket).toBeCloseTo(86.4, 1);
    expect(status.rolloutBucket).toBe(rolloutBucket(installationId));

    await world.publish({ version: '1.1.0', rollout: 86 });
    await workstation.driver.check();
    expect((await workstation.log()).at(-1)).toMatchObject({ event: 'skipped', reason: 'NOT_IN_ROLLOUT' });
    expect(world.server.requests).not.toContain(deb('1.1.0'));
    expect((await workstation.status()).state).toBe('notInRollout');

    await world.publish({ version: '1.1.0', rollout: 87 });
    await workstation.driver.check();
    expect(decisions(await workstation.log()).slice(-2)).toEqual(['accepted', 'ready']);
  });

  it('an installation below minimumVersion takes the release whatever the rollout', async () => {
    const workstation = await world.workstation({ installed: '1.0.0', installationId });
    await world.publish({ version: '1.1.0', rollout: 10, minimumVersion: '1.0.1' });
    await workstation.driver.check();
    expect(decisions(await workstation.log())).toEqual(['accepted', 'ready']);
    expect((await workstation.log())[0]).toMatchObject({
      details: { belowMinimumVersion: true, rollout: 10 },
    });
  });

  it('halting (rollout 0) withdraws an update downloaded but not yet installed; the fix goes out next', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({ installed: '1.0.0' });
    await workstation.driver.check();
    expect(workstation.driver.pending?.version).toBe('1.1.0');

    await world.publish({ version: '1.1.0', rollout: 0 });
    await workstation.driver.check();
    expect(decisions(await workstation.log()).slice(-2)).toEqual([
      'skipped ROLLOUT_HALTED',
      'withdrawn ROLLOUT_HALTED',
    ]);
    expect((await workstation.status()).state).toBe('halted');
    expect(workstation.driver.pending).toBeNull();
    workstation.quit(0);
    expect(workstation.installs).toEqual([]);

    await world.publish({ version: '1.1.1' });
    await workstation.driver.check();
    expect(workstation.driver.pending?.version).toBe('1.1.1');
  });

  it('a check while the server is down keeps the update already verified', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({ installed: '1.0.0' });
    await workstation.driver.check();
    world.server.misbehave('/stable/release.json', { kind: 'status', status: 503 });
    await workstation.driver.check();
    expect((await workstation.log()).at(-1)).toMatchObject({ event: 'failed', reason: 'SERVER_ERROR' });
    expect(workstation.driver.pending?.version).toBe('1.1.0');
    workstation.quit(0);
    expect(workstation.installs).toEqual([[true, false]]);
  });
});

describe('key rotation', () => {
  it('a key list signed by the current key and the new one is adopted; releases signed by the new key are accepted', async () => {
    const next = world.newKey('Ministry release key 2027');
    makeKeyList({
      from: join(world.root, 'resources', 'update', 'keys.json'),
      add: [next.publicKeyFile],
      retire: [world.ministryKey.keyId],
      signWith: [world.ministryKey.privateKeyFile, next.privateKeyFile],
      out: join(world.www, 'keys', '2.json'),
    });
    await world.publish({ version: '1.1.0', key: next });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests.slice(0, 3)).toEqual([
      '/keys/2.json',
      '/keys/3.json',
      '/stable/release.json',
    ]);
    expect(decisions(await workstation.log())).toEqual(['keysRotated', 'accepted', 'ready']);
    expect((await workstation.status()).trustedKeys).toEqual({ version: 2, keyIds: [next.keyId] });

    // The retired key no longer signs anything this workstation accepts.
    await world.publish({ version: '1.2.0', key: world.ministryKey });
    await workstation.driver.check();
    expect((await workstation.log()).at(-1)).toMatchObject({
      event: 'refused',
      reason: 'UNKNOWN_SIGNING_KEY',
    });
  });

  it('a key list signed by an unknown key is refused, and nothing is fetched after it', async () => {
    const intruder = world.newKey('intruder');
    mkdirSync(join(world.www, 'keys'), { recursive: true });
    writeFileSync(
      join(world.www, 'keys', '2.json'),
      JSON.stringify(
        signKeyList(
          { type: 'tabib.update-keys', version: 2, keys: [readPublicEntry(intruder.publicKeyFile)] },
          [readSigningKey(intruder.privateKeyFile)],
        ),
      ),
    );
    await world.publish({ version: '1.1.0', key: intruder });
    const workstation = await world.workstation({ installed: '1.0.0' });

    await workstation.driver.check();

    expect(world.server.requests).toEqual(['/keys/2.json']);
    await expectRefused(workstation, 'refused', 'KEY_LIST_REFUSED');
    expect((await workstation.status()).trustedKeys.keyIds).toEqual([world.ministryKey.keyId]);
  });
});

describe('installing', () => {
  const window = { start: '02:00', end: '04:00' };
  /** 02:30 local time, inside the window; 10:00 outside. */
  const at =
    (hours: number, minutes = 0) =>
    () =>
      new Date(2026, 10, 23, hours, minutes);

  it('in the maintenance window, the person at the workstation is asked; yes restarts into the new version', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({
      installed: '1.0.0',
      update: { url: world.server.url, maintenanceWindow: window },
      clock: at(2, 30),
    });
    const changes: unknown[] = [];
    workstation.host.onEvent((name, payload) => name === 'update.changed' && changes.push(payload));

    await workstation.driver.tick();

    expect(decisions(await workstation.log())).toEqual(['accepted', 'ready', 'installOffered']);
    expect(changes.at(-1)).toEqual({ state: 'awaitingConsent', version: '1.1.0' });
    expect(workstation.installs).toEqual([]);

    const answer = await workstation.host.invoke('update.respondToInstall', { accept: true });
    expect(answer.ok).toBe(true);
    expect((await workstation.log()).at(-1)).toMatchObject({ event: 'installAccepted', version: '1.1.0' });
    expect(workstation.installs).toEqual([[true, true]]);
  });

  it('"later" is not asked again in the same window, and the update installs when Tabib quits', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({
      installed: '1.0.0',
      update: { url: world.server.url, maintenanceWindow: window },
      clock: at(2, 30),
    });
    await workstation.driver.tick();
    await workstation.host.invoke('update.respondToInstall', { accept: false });
    await workstation.driver.tick();

    expect(decisions(await workstation.log())).toEqual([
      'accepted',
      'ready',
      'installOffered',
      'installDeferred',
    ]);
    expect((await workstation.status()).state).toBe('readyToInstall');
    expect(workstation.installs).toEqual([]);
    workstation.quit(0);
    expect(workstation.installs).toEqual([[true, false]]);
  });

  it('outside the window nobody is asked, and checks wait for the configured interval', async () => {
    await world.publish({ version: '1.1.0' });
    const workstation = await world.workstation({
      installed: '1.0.0',
      update: { url: world.server.url, maintenanceWindow: window, checkIntervalHours: 6 },
      clock: at(10),
    });
    await workstation.driver.tick();
    const requests = world.server.requests.length;
    await workstation.driver.tick();

    expect(decisions(await workstation.log())).toEqual(['accepted', 'ready']);
    expect(world.server.requests.length).toBe(requests);
  });

  it('an answer nobody asked for is refused', async () => {
    const workstation = await world.workstation({ installed: '1.0.0' });
    const answer = await workstation.host.invoke('update.respondToInstall', { accept: true });
    expect(answer).toMatchObject({ ok: false, error: { code: 'UPDATE_NOT_PENDING' } });
    expect(workstation.installs).toEqual([]);
  });

  it('nothing happens on a workstation without an update policy', async () => {
    const workstation = await world.workstation({ installed: '1.0.0' });
    writeFileSync(workstation.host.services.env.machineConfigPath, '{}');
    await workstation.driver.tick();
    expect(world.server.requests).toEqual([]);
    expect((await workstation.status()).state).toBe('disabled');
  });
});
