/**
 * The release tooling as an administrator types it: `tabib release keygen → keys → sign`, the
 * folder uploaded to a (loopback) server, `tabib release verify <url>`; then a key rotation; and
 * `tabib update status` on a workstation.
 */
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../main/cli/tabib-cli';
import type { ReleaseVerification } from '../../main/contract/types';
import { InProcessHost } from '../../main/services/in-process-host';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { startUpdateServer, type UpdateServer } from './update-server';

let root: string;
let server: UpdateServer;
let host: InProcessHost;
const resources = () => join(root, 'resources');

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tabib-release-'));
  mkdirSync(join(root, 'www'), { recursive: true });
  mkdirSync(join(resources(), 'update'), { recursive: true });
  server = await startUpdateServer(join(root, 'www'));
  const dataDir = join(root, 'data');
  host = new InProcessHost(
    {
      dataDir,
      machineConfigPath: join(root, 'machine.json'),
      resourcesDir: resources(),
      appVersion: '1.0.0',
      electronVersion: null,
    },
    new KeyFileKeychain(join(dataDir, 'keychain', 'wrapping.key')),
  );
});
afterEach(async () => {
  await host.close();
  await server.close();
  rmSync(root, { recursive: true, force: true });
});

async function tabib(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, host, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out, err, text: out.join('\n') };
}

/** `tabib release keygen` in a folder; returns the key id and its two files. */
async function keygen(name: string) {
  const dir = join(root, 'keys');
  const result = await tabib('release', 'keygen', '--out', dir, '--name', name);
  expect(result.code).toBe(0);
  const keyId = /^Key ([0-9a-f]{16})$/.exec(result.out[0] ?? '')?.[1] ?? '';
  return {
    keyId,
    privateKey: join(dir, `${keyId}.private.pem`),
    publicKey: join(dir, `${keyId}.public.json`),
  };
}

/** electron-builder's output for Linux: the installers and latest-linux.yml, with its extra fields. */
function electronBuilderOutput(version: string): string {
  const dir = join(root, 'dist', version);
  mkdirSync(dir, { recursive: true });
  const appImage = Buffer.alloc(300_000, 1);
  const deb = Buffer.alloc(200_000, 2);
  writeFileSync(join(dir, `Tabib-${version}.AppImage`), appImage);
  writeFileSync(join(dir, `tabib_${version}_amd64.deb`), deb);
  const sha = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');
  writeFileSync(
    join(dir, 'latest-linux.yml'),
    [
      `version: ${version}`,
      'files:',
      `  - url: Tabib-${version}.AppImage`,
      `    sha512: ${sha(appImage)}`,
      `    size: ${appImage.length}`,
      '    blockMapSize: 1234',
      `  - url: tabib_${version}_amd64.deb`,
      `    sha512: ${sha(deb)}`,
      `    size: ${deb.length}`,
      `path: Tabib-${version}.AppImage`,
      `sha512: ${sha(appImage)}`,
      "releaseDate: '2026-11-20T08:00:00.000Z'",
      '',
    ].join('\n'),
  );
  return dir;
}

/** A command line as an administrator types it (the paths here have no spaces). */
function run(line: string) {
  return tabib(...line.split(/\s+/).filter(Boolean));
}

const shippedKeys = () => join(resources(), 'update', 'keys.json');

/** A new key, made the first key list shipped in the workstation's resources. */
async function trustedKey(name: string) {
  const key = await keygen(name);
  expect((await run(`release keys --add ${key.publicKey} --out ${shippedKeys()}`)).code).toBe(0);
  return key;
}

async function verifyJson(url: string): Promise<ReleaseVerification> {
  return JSON.parse((await run(`release verify --json ${url}`)).text) as ReleaseVerification;
}

function upload(dir: string, channel: string): string {
  cpSync(dir, join(root, 'www', channel), { recursive: true });
  return `${server.url}${channel}/`;
}

describe('tabib release', () => {
  it('keygen → keys → sign → verify: the round trip an administrator makes', async () => {
    const key = await keygen('Ministère de la Santé, clé 2026');
    expect(statSync(key.privateKey).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(key.publicKey, 'utf8'))).toMatchObject({ keyId: key.keyId });

    const keys = await run(`release keys --add ${key.publicKey} --out ${shippedKeys()}`);
    expect(keys.code).toBe(0);
    expect(keys.text).toContain(`Key list version 1 (${key.keyId})`);

    const dist = electronBuilderOutput('1.1.0');
    const signed = await run(`release sign --channel stable --key ${key.privateKey} --rollout 25 ${dist}`);
    expect(signed.code, signed.err.join('\n')).toBe(0);
    expect(signed.text).toContain(`Signed 1.1.0 for stable with key ${key.keyId}`);
    expect(signed.text).toContain('feeds checked: latest-linux.yml');
    // electron-builder's feed is kept as it was: its blockMapSize serves differential AppImage downloads.
    const feed = load(readFileSync(join(dist, 'latest-linux.yml'), 'utf8')) as { files: object[] };
    expect(feed.files[0]).toMatchObject({ blockMapSize: 1234 });

    const url = upload(dist, 'stable');
    const verified = await run(`release verify ${url}`);
    expect(verified.code, verified.text).toBe(0);
    expect(verified.text).toContain('version         1.1.0 (stable)');
    expect(verified.text).toContain('rollout         25 %');
    expect(verified.text).toContain('[ok  ] Tabib-1.1.0.AppImage 300000 bytes');
    expect(verified.text).toContain('[ok  ] latest-linux.yml');
    expect(verified.text).toContain('Verified: workstations will accept this release.');

    const result = await verifyJson(`${url}release.json`);
    expect(result).toMatchObject({
      ok: true,
      keyId: key.keyId,
      trustedKeysVersion: 1,
      manifest: { rollout: 25 },
    });
    expect(result.files.map((file) => file.status)).toEqual(['ok', 'ok']);
  });

  it('verify finds what was changed after signing: a file, a feed, the manifest', async () => {
    const key = await trustedKey('release');
    const url = upload(electronBuilderOutput('1.1.0'), 'stable');
    const www = join(root, 'www', 'stable');
    await run(`release sign --channel stable --key ${key.privateKey} ${www}`);
    const edit = (name: string, change: (text: string) => string) =>
      writeFileSync(join(www, name), change(readFileSync(join(www, name), 'utf8')));

    writeFileSync(join(www, 'tabib_1.1.0_amd64.deb'), Buffer.alloc(200_000, 3));
    let result = await run(`release verify ${url}`);
    expect(result.code).toBe(1);
    expect(result.text).toContain('[FAIL] tabib_1.1.0_amd64.deb');
    expect(result.text).toContain('REFUSED: FILE_HASH_MISMATCH');

    writeFileSync(join(www, 'tabib_1.1.0_amd64.deb'), Buffer.alloc(200_000, 2));
    edit('latest-linux.yml', (text) => text.replace('version: 1.1.0', 'version: 1.1.1'));
    result = await run(`release verify ${url}`);
    expect(result.text).toContain('REFUSED: FEED_MISMATCH');

    edit('latest-linux.yml', (text) => text.replace('version: 1.1.1', 'version: 1.1.0'));
    expect((await run(`release verify ${url}`)).code).toBe(0);
    edit('release.json', (text) => text.replace('"rollout": 100', '"rollout": 5'));
    result = await run(`release verify ${url}`);
    expect(result.text).toContain('REFUSED: SIGNATURE_INVALID');
  });

  it('sign refuses a folder whose feed does not match its installers, and writes a feed that is missing', async () => {
    const key = await keygen('release');
    const dist = electronBuilderOutput('1.1.0');
    writeFileSync(join(dist, 'tabib_1.1.0_amd64.deb'), 'rebuilt after electron-builder wrote the feed');
    const refused = await run(`release sign --channel stable --key ${key.privateKey} ${dist}`);
    expect(refused.code).toBe(1);
    expect(refused.err.join('\n')).toContain('RELEASE_INVALID: latest-linux.yml does not match the files');

    rmSync(join(dist, 'latest-linux.yml'));
    const withoutVersion = await run(`release sign --channel stable --key ${key.privateKey} ${dist}`);
    expect(withoutVersion.err.join('\n')).toContain('give --version');
    const signed = await run(`release sign --channel pilot --key ${key.privateKey} --version 1.1.0 ${dist}`);
    expect(signed.code, signed.err.join('\n')).toBe(0);
    expect(signed.text).toContain('feeds written: latest-linux.yml');
    expect(load(readFileSync(join(dist, 'latest-linux.yml'), 'utf8'))).toMatchObject({ version: '1.1.0' });
  });

  it('sign takes its key from TABIB_RELEASE_KEY, and refuses a wrong rollout or a missing channel', async () => {
    const key = await keygen('release');
    const dist = electronBuilderOutput('1.1.0');
    expect((await run(`release sign --key ${key.privateKey} ${dist}`)).code).toBe(2);
    expect(
      (await run(`release sign --channel stable --key ${key.privateKey} --rollout 101 ${dist}`)).code,
    ).toBe(1);
    vi.stubEnv('TABIB_RELEASE_KEY', key.privateKey);
    try {
      expect((await run(`release sign --channel stable ${dist}`)).code).toBe(0);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe('key rotation with the release tool', () => {
  it('the next list, signed by the current and the new key, is followed by verify; the old key then signs nothing', async () => {
    const old = await trustedKey('2026');
    const next = await keygen('2027');
    mkdirSync(join(root, 'www', 'keys'), { recursive: true });
    const rotated = await run(
      `release keys --from ${shippedKeys()} --add ${next.publicKey} --retire ${old.keyId} ` +
        `--key ${old.privateKey} --key ${next.privateKey} --out ${join(root, 'www', 'keys', '2.json')}`,
    );
    expect(rotated.code, rotated.err.join('\n')).toBe(0);
    expect(rotated.text).toContain('Publish it as <server>/keys/2.json');

    const dist = electronBuilderOutput('1.1.0');
    await run(`release sign --channel stable --key ${next.privateKey} ${dist}`);
    const url = upload(dist, 'stable');
    expect(await verifyJson(url)).toMatchObject({ ok: true, keyId: next.keyId, trustedKeysVersion: 2 });

    await run(`release sign --channel stable --key ${old.privateKey} ${join(root, 'www', 'stable')}`);
    expect(await verifyJson(url)).toMatchObject({ ok: false, reason: 'UNKNOWN_SIGNING_KEY' });
  });

  it('the tool refuses to make a list the workstations would refuse', async () => {
    const old = await trustedKey('2026');
    const next = await keygen('2027');
    const rotate = (options: string) =>
      run(
        `release keys --from ${shippedKeys()} --add ${next.publicKey} ${options} --out ${join(root, 'k2.json')}`,
      );
    const onlyNew = await rotate(`--key ${next.privateKey}`);
    expect(onlyNew.code).toBe(1);
    expect(onlyNew.err.join('\n')).toContain('sign it with a private key of the current list');
    const onlyOld = await rotate(`--retire ${old.keyId} --key ${old.privateKey}`);
    expect(onlyOld.err.join('\n')).toContain('sign it also with a private key of the new list');
  });

  it('verify refuses a published key list signed by an unknown key', async () => {
    await trustedKey('2026');
    const intruder = await keygen('intruder');
    mkdirSync(join(root, 'www', 'keys'), { recursive: true });
    // The intruder's own first list, published as if it were the next link.
    await run(
      `release keys --add ${intruder.publicKey} --key ${intruder.privateKey} --out ${join(root, 'k1.json')}`,
    );
    const list = JSON.parse(readFileSync(join(root, 'k1.json'), 'utf8')) as { signed: { version: number } };
    list.signed.version = 2;
    writeFileSync(join(root, 'www', 'keys', '2.json'), JSON.stringify(list));
    const dist = electronBuilderOutput('1.1.0');
    await run(`release sign --channel stable --key ${intruder.privateKey} ${dist}`);

    const result = await run(`release verify ${upload(dist, 'stable')}`);
    expect(result.code).toBe(1);
    expect(result.text).toContain('REFUSED: KEY_LIST_REFUSED');
  });
});

describe('tabib update status', () => {
  it('prints the policy set by the administrator, the state and the decision log', async () => {
    const key = await trustedKey('release');
    writeFileSync(
      join(root, 'machine.json'),
      JSON.stringify({ update: { url: server.url, channel: 'pilot', checkIntervalHours: 12 } }),
    );
    const check = await host.invoke('update.check', { pendingVersion: null, updaterActive: true });
    expect(check).toMatchObject({ ok: true, value: { action: 'none', reason: 'SERVER_ERROR' } });

    const status = await run('update status');
    expect(status.code).toBe(0);
    expect(status.text).toContain(`Update server      ${server.url}`);
    expect(status.text).toContain('Channel            pilot, checked every 12 h');
    expect(status.text).toContain('State              failed');
    expect(status.text).toContain(`list version 1: ${key.keyId}`);
    expect(status.text).toMatch(/failed\s+SERVER_ERROR .*status=404/);
  });
});
