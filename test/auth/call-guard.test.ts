/**
 * Permissions are enforced in main, where calls arrive: every call of the contract against every
 * state of the session and every role, read from the contract itself (calls[].access) and the
 * roles' table (rolePermissions) — so a call added tomorrow is covered the day it is declared.
 * Then the same refusals through the real services, as the renderer meets them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardCall, lockScreenCalls, type CallOrigin, type SessionView } from '../../main/auth/call-guard';
import type { AuthStatus } from '../../main/contract/auth-types';
import { adminCallNames, callNames, calls, type CallName } from '../../main/contract/contract';
import type { Envelope } from '../../main/contract/errors';
import { permissionsOf, rolePermissions, roles, type Role } from '../../main/contract/permissions';
import { InProcessHost } from '../../main/services/in-process-host';
import { WorkerHost } from '../../main/services/worker-host';
import { KeyFileKeychain } from '../../native/keychain/key-file-keychain';
import { repository, testPassword, testWorkstation } from '../support/test-workstation';
import { enrolled } from './auth-fixtures';

type State = 'noAccounts' | 'signedOut' | 'locked' | Role;
const states: State[] = ['noAccounts', 'signedOut', 'locked', ...roles];
const everyCall = [...callNames, ...adminCallNames] as CallName[];

function view(state: State): SessionView {
  const role = (roles as readonly string[]).includes(state) ? (state as Role) : null;
  return {
    state: role ? 'signedIn' : state === 'locked' ? 'locked' : 'signedOut',
    permissions: permissionsOf(role ? [role] : []),
    noAccounts: async () => state === 'noAccounts',
  };
}

async function outcome(name: CallName, origin: CallOrigin, state: State): Promise<string> {
  try {
    await guardCall(name, origin, view(state));
    return 'allowed';
  } catch (error) {
    return (error as { code: string }).code;
  }
}

/** The rules of permissions.ts, stated again from the contract's tables, independently of call-guard.ts. */
function expected(name: CallName, state: State): string {
  const access = calls[name].access;
  if (state === 'locked') return lockScreenCalls.includes(name) ? 'allowed' : 'SESSION_LOCKED';
  if (access === 'host') return 'PERMISSION_DENIED';
  if (!(callNames as readonly string[]).includes(name)) return 'UNKNOWN_CALL';
  if (access === 'open' || access === 'signedOut') return 'allowed';
  if (access === 'firstRun' && state === 'noAccounts') return 'allowed';
  if (state === 'noAccounts' || state === 'signedOut') return 'AUTH_REQUIRED';
  if (access === 'session') return 'allowed';
  const permission = access === 'firstRun' ? 'workstation.manage' : access;
  return rolePermissions[state].includes(permission) ? 'allowed' : 'PERMISSION_DENIED';
}

describe('the call guard, for every call of the contract', () => {
  it('decides every call from the renderer in every state, as calls[].access and rolePermissions say', async () => {
    const table: string[] = [];
    for (const name of everyCall)
      for (const state of states)
        table.push(
          `${name} as ${state}: ${await outcome(name, 'renderer', state)} (expected ${expected(name, state)})`,
        );
    const wrong = table.filter((line) => {
      const [, got, want] = /: (\S+) \(expected (\S+)\)$/.exec(line) ?? [];
      return got !== want;
    });
    expect(wrong).toEqual([]);
    expect(table.length).toBe(everyCall.length * states.length);
  });

  it('lets the host’s own calls through in every state (the CLI, Electron main’s drivers)', async () => {
    for (const name of everyCall)
      for (const state of states)
        expect(await outcome(name, 'host', state), `${name} ${state}`).toBe('allowed');
  });

  it('holds the acceptance cases: a nurse cannot sign, a radiologist cannot change medications, a locked session answers only unlock', async () => {
    const signing = everyCall.filter((name) => calls[name].access === 'prescriptions.sign');
    const medicationWrites = everyCall.filter((name) => calls[name].access === 'medications.write');
    expect(signing.length).toBeGreaterThan(0);
    expect(medicationWrites.length).toBeGreaterThan(0);
    for (const name of signing) {
      expect(await outcome(name, 'renderer', 'nurse')).toBe('PERMISSION_DENIED');
      expect(await outcome(name, 'renderer', 'doctor')).toBe('allowed');
    }
    for (const name of medicationWrites) {
      expect(await outcome(name, 'renderer', 'radiologist')).toBe('PERMISSION_DENIED');
      expect(await outcome(name, 'renderer', 'doctor')).toBe('allowed');
    }
    const answered = [];
    for (const name of everyCall)
      if ((await outcome(name, 'renderer', 'locked')) === 'allowed') answered.push(name);
    expect(answered.sort()).toEqual(['auth.signOut', 'auth.status', 'auth.unlock']);
    // An administrator administers; they do not read charts.
    expect(await outcome('patients.openChart', 'renderer', 'administrator')).toBe('PERMISSION_DENIED');
    expect(await outcome('users.create', 'renderer', 'doctor')).toBe('PERMISSION_DENIED');
    expect(await outcome('users.create', 'renderer', 'administrator')).toBe('allowed');
  });
});

describe('the guard in the real services', () => {
  const ws = testWorkstation({ prefix: 'tabib-guard-', userConfig: enrolled });
  const renderer = ws.host.forRenderer();
  const code = async (name: string, args: unknown = {}) => {
    const envelope = await renderer.invoke(name, args);
    return envelope.ok ? 'ok' : envelope.error.code;
  };
  afterAll(() => ws.close());

  beforeAll(async () => {
    // First run: no account; the first administrator is created from the renderer, as the screen does.
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('noAccounts');
    expect(await code('patients.search', { query: 'x' })).toBe('AUTH_REQUIRED');
    const admin = await ws.rendererCall<AuthStatus>('auth.createAdministrator', {
      username: 'admin',
      displayName: 'Omar Saïdi',
      password: testPassword('admin'),
    });
    expect(admin).toMatchObject({ state: 'signedIn', user: { username: 'admin', roles: ['administrator'] } });
    for (const role of ['doctor', 'nurse', 'radiologist'] as const)
      await ws.rendererCall('users.create', {
        username: role,
        displayName: `${role} of the centre`,
        roles: [role],
        password: testPassword(role),
      });
    await ws.rendererCall('auth.signOut');
  }, 60_000);

  it('answers AUTH_REQUIRED to a signed-out renderer, and never lets it make the host’s calls', async () => {
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('signedOut');
    for (const name of callNames.filter(
      (call) =>
        calls[call].access !== 'open' &&
        calls[call].access !== 'signedOut' &&
        calls[call].access !== 'firstRun',
    ))
      expect(await code(name), name).toBe('AUTH_REQUIRED');
    // firstRun calls are an administrator's once accounts exist.
    expect(await code('setup.startDemo', { country: 'MA' })).toBe('AUTH_REQUIRED');
    for (const name of adminCallNames.filter((call) => calls[call].access === 'host'))
      expect(await code(name), name).toBe('PERMISSION_DENIED');
    // The same services, from the host itself: trusted (the CLI).
    expect((await ws.host.invoke('record.status', {})).ok).toBe(true);
  });

  it('refuses a nurse every prescriptions.sign call and a radiologist every medications.write call, before validating anything', async () => {
    await ws.signInAs('nurse');
    for (const name of callNames.filter((call) => calls[call].access === 'prescriptions.sign'))
      expect(await code(name, { anything: true }), name).toBe('PERMISSION_DENIED');
    expect(await code('patients.search', { query: 'x' })).toBe('ok');
    await ws.signInAs('radiologist');
    for (const name of callNames.filter((call) => calls[call].access === 'medications.write'))
      expect(await code(name, { anything: true }), name).toBe('PERMISSION_DENIED');
    expect(await code('users.list')).toBe('PERMISSION_DENIED');
  });

  it('answers nothing but auth.status, auth.unlock and auth.signOut while the session is locked', async () => {
    await ws.signInAs('doctor');
    expect(await code('patients.search', { query: 'x' })).toBe('ok');
    expect((await ws.rendererCall<AuthStatus>('auth.lock')).state).toBe('locked');
    for (const name of everyCall.filter((call) => !lockScreenCalls.includes(call)))
      expect(await code(name), name).toBe('SESSION_LOCKED');
    expect(await ws.rendererCall<AuthStatus>('auth.status')).toMatchObject({
      state: 'locked',
      user: { username: 'doctor' },
    });
    expect(await code('auth.unlock', { password: 'not the password' })).toBe('INVALID_CREDENTIALS');
    expect(
      (await ws.rendererCall<AuthStatus>('auth.unlock', { password: testPassword('doctor') })).state,
    ).toBe('signedIn');
    expect(await code('patients.search', { query: 'x' })).toBe('ok');
  });
});

describe('an in-process host asked to be guarded', () => {
  it('makes every call a renderer’s: checked against the session', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabib-guarded-'));
    const host = new InProcessHost(
      {
        dataDir: join(dir, 'data'),
        machineConfigPath: join(dir, 'machine.json'),
        resourcesDir: join(repository, 'resources'),
        appVersion: '1.2.3-test',
        electronVersion: null,
      },
      new KeyFileKeychain(join(dir, 'data', 'keychain', 'wrapping.key')),
      {},
      { guarded: true },
    );
    try {
      expect(await host.invoke('record.status', {})).toMatchObject({
        ok: false,
        error: { code: 'AUTH_REQUIRED' },
      });
      expect(await host.invoke('demo.seed', { patients: 1 })).toMatchObject({
        ok: false,
        error: { code: 'PERMISSION_DENIED' },
      });
      expect(await host.invoke('config.get', {})).toMatchObject({ ok: true });
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the guard in the services worker (Electron, the e2e harness)', () => {
  it('checks the window’s calls and trusts the host’s own', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tabib-guard-worker-'));
    const host = new WorkerHost({
      entry: join(repository, 'main', 'services', 'worker.ts'),
      env: {
        dataDir: join(dir, 'data'),
        machineConfigPath: join(dir, 'machine.json'),
        resourcesDir: join(repository, 'resources'),
        appVersion: '1.2.3-test',
        electronVersion: null,
      },
    });
    try {
      const window = host.forRenderer();
      const asWindow = async (name: string, args: unknown) =>
        (await window.invoke(name, args)) as Envelope<unknown>;
      expect(await asWindow('patients.search', { query: 'x' })).toMatchObject({
        ok: false,
        error: { code: 'AUTH_REQUIRED' },
      });
      expect(await asWindow('demo.seed', { patients: 1 })).toMatchObject({
        ok: false,
        error: { code: 'PERMISSION_DENIED' },
      });
      expect(await asWindow('auth.status', {})).toMatchObject({ ok: true, value: { state: 'noAccounts' } });
      // The host's own call, on the same worker: trusted, as Electron main's update driver is.
      expect(await host.invoke('update.status', {})).toMatchObject({ ok: true });
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
