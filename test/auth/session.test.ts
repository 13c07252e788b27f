/**
 * The workstation's session: who is signed in acts in the record (every opening and change audited
 * under their Practitioner), a lock is undone only by the same practitioner, another person signs
 * in only by signing the first out, sign-out forgets, and idleness locks on main's own timer
 * (vitest's fake timers: no real waiting).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Patient } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleLock, type IdleTimers } from '../../main/auth/idle-lock';
import { LOCKOUT_THRESHOLD } from '../../main/auth/lockout';
import type { AuthStatus } from '../../main/contract/auth-types';
import type { AuditTrailEntry } from '../../main/contract/types';
import { testPassword, testWorkstation } from '../support/test-workstation';
import { enrolled, failure } from './auth-fixtures';

type Station = ReturnType<typeof testWorkstation>;
let ws: Station;
let events: { state: string; change: string }[];

const amina: Patient = {
  resourceType: 'Patient',
  name: [{ family: 'Benali', given: ['Amina'] }],
  birthDate: '1985-03-14',
  gender: 'female',
};

async function setUp(): Promise<void> {
  await ws.rendererCall('auth.createAdministrator', {
    username: 'admin',
    displayName: 'Omar Saïdi',
    password: testPassword('admin'),
  });
  for (const [username, role, displayName] of [
    ['doctor', 'doctor', 'Dr Amina Haddad'],
    ['nurse', 'nurse', 'Hicham Ait Taleb'],
  ] as const)
    await ws.rendererCall('users.create', {
      username,
      displayName,
      roles: [role],
      password: testPassword(username),
    });
  await ws.rendererCall('auth.signOut');
  events = [];
  ws.host.onEvent((name, payload) => {
    if (name === 'auth.changed') events.push(payload as { state: string; change: string });
  });
}

beforeEach(async () => {
  ws = testWorkstation({ prefix: 'tabib-session-', userConfig: enrolled });
  await setUp();
});
afterEach(async () => {
  vi.useRealTimers();
  await ws.close();
});

describe('signing in and out', () => {
  it('makes the signed-in practitioner the actor of every audited opening and change', async () => {
    const signedIn = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'doctor',
      password: testPassword('doctor'),
    });
    const practitioner = signedIn.user!.practitioner;
    expect(ws.host.services.record.actor()).toEqual(practitioner);
    const record = await ws.host.services.record.open();
    const { resource } = record.store.create(amina, ws.host.services.record.actor());
    await ws.rendererCall('patients.openChart', { patientId: resource.id });

    await ws.rendererCall('auth.signOut');
    await ws.rendererCall('auth.signIn', { username: 'nurse', password: testPassword('nurse') });
    await ws.rendererCall('patients.openChart', { patientId: resource.id });
    await ws.rendererCall('auth.signOut');

    // Without a session, the host acts as the workstation itself, as the CLI always has.
    expect(ws.host.services.record.actor().reference).toMatch(/^Device\//);
    const trail = await ws.call<AuditTrailEntry[]>('record.auditTrail', { patientId: resource.id });
    expect(trail.map((entry) => [entry.action, entry.practitioner, entry.practitionerDisplay])).toEqual([
      ['C', practitioner.reference, 'Dr Amina Haddad'],
      ['R', practitioner.reference, 'Dr Amina Haddad'],
      ['R', expect.stringMatching(/^Practitioner\//), 'Hicham Ait Taleb'],
    ]);
    expect(trail[2]!.practitioner).not.toBe(practitioner.reference);
    expect(events.map((event) => event.change)).toEqual(['signedIn', 'signedOut', 'signedIn', 'signedOut']);
  });

  it('clears the session on sign-out: nothing answers but the signed-out calls, the search forgets its names', async () => {
    await ws.signInAs('doctor');
    const record = await ws.host.services.record.open();
    record.store.create(amina, ws.host.services.record.actor());
    expect(
      (await ws.rendererCall<{ hits: unknown[] }>('patients.search', { query: 'Benali Amina' })).hits,
    ).toHaveLength(1);
    const memo = (record.search as unknown as { nameTermsMemo: Map<string, unknown> }).nameTermsMemo;
    expect(memo.size).toBeGreaterThan(0);

    const status = await ws.rendererCall<AuthStatus>('auth.signOut');
    expect(status).toMatchObject({ state: 'signedOut', user: null });
    expect(memo.size).toBe(0);
    expect(ws.host.services.auth.sessionActor()).toBeNull();
    expect(await failure(ws.rendererCall('patients.search', { query: 'Benali' }))).toMatchObject({
      code: 'AUTH_REQUIRED',
    });
    // Signing out twice is harmless.
    expect((await ws.rendererCall<AuthStatus>('auth.signOut')).state).toBe('signedOut');
  });

  it('signs the current practitioner out when another signs in at an unlocked workstation', async () => {
    await ws.signInAs('doctor');
    const nurse = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'nurse',
      password: testPassword('nurse'),
    });
    expect(nurse.user?.username).toBe('nurse');
    // A wrong attempt leaves whoever is signed in signed in.
    await failure(ws.rendererCall('auth.signIn', { username: 'doctor', password: 'not the password' }));
    expect((await ws.rendererCall<AuthStatus>('auth.status')).user?.username).toBe('nurse');
  });
});

describe('the lock', () => {
  it('is undone by the same practitioner’s password only; another signs in only by signing the first out', async () => {
    await ws.signInAs('doctor');
    expect((await ws.rendererCall<AuthStatus>('auth.lock')).state).toBe('locked');
    // The nurse cannot take over a locked session.
    expect(
      await failure(ws.rendererCall('auth.signIn', { username: 'nurse', password: testPassword('nurse') })),
    ).toMatchObject({ code: 'SESSION_LOCKED' });
    expect(await failure(ws.rendererCall('auth.unlock', { password: testPassword('nurse') }))).toMatchObject({
      code: 'INVALID_CREDENTIALS',
    });
    expect(
      (await ws.rendererCall<AuthStatus>('auth.unlock', { password: testPassword('doctor') })).state,
    ).toBe('signedIn');
    await ws.rendererCall('auth.lock');
    expect((await ws.rendererCall<AuthStatus>('auth.signOut')).state).toBe('signedOut');
    expect(
      (
        await ws.rendererCall<AuthStatus>('auth.signIn', {
          username: 'nurse',
          password: testPassword('nurse'),
        })
      ).user?.username,
    ).toBe('nurse');
    expect(events.map((event) => event.change)).toEqual([
      'signedIn',
      'locked',
      'unlocked',
      'locked',
      'signedOut',
      'signedIn',
    ]);
  });

  it('ends the session when wrong passwords at the lock screen lock the account out', async () => {
    await ws.signInAs('doctor');
    await ws.rendererCall('auth.lock');
    for (let attempt = 1; attempt < LOCKOUT_THRESHOLD; attempt++)
      expect(
        await failure(ws.rendererCall('auth.unlock', { password: `wrong ${attempt} password` })),
      ).toMatchObject({
        code: 'INVALID_CREDENTIALS',
      });
    expect(await failure(ws.rendererCall('auth.unlock', { password: 'wrong again, fifth' }))).toMatchObject({
      code: 'ACCOUNT_LOCKED_OUT',
    });
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('signedOut');
    expect(events.at(-1)).toEqual({ state: 'signedOut', change: 'signedOut' });
  });
});

describe('the idle lock', () => {
  it('locks after the idle delay (5 minutes by default) on main’s own timer, counted from the last input', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const status = await ws.signInAs('doctor');
    expect(status.idleLockMinutes).toBe(5);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    // Input at 4 minutes: the delay starts again.
    const { idleLockAt } = await ws.rendererCall<{ idleLockAt: string }>('auth.activity');
    expect(new Date(idleLockAt).getTime() - Date.now()).toBe(5 * 60_000);
    await vi.advanceTimersByTimeAsync(5 * 60_000 - 1);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('signedIn');
    await vi.advanceTimersByTimeAsync(1);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('locked');
    expect(events.at(-1)).toEqual({ state: 'locked', change: 'idleLocked' });
    expect(await failure(ws.rendererCall('patients.search', { query: 'x' }))).toMatchObject({
      code: 'SESSION_LOCKED',
    });
    // Unlocking starts the watch again.
    await ws.rendererCall('auth.unlock', { password: testPassword('doctor') });
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('locked');
  });

  it('follows the delay an administrator sets, from the last input', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await ws.signInAs('administrator', 'admin');
    await vi.advanceTimersByTimeAsync(3 * 60_000);
    const status = await ws.rendererCall<AuthStatus>('users.setIdleLock', { minutes: 10 });
    expect(status).toMatchObject({ idleLockMinutes: 10, idleLockFixed: false });
    expect(events.at(-1)).toEqual({ state: 'signedIn', change: 'idleDelay' });
    await vi.advanceTimersByTimeAsync(7 * 60_000 - 1);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('signedIn');
    await vi.advanceTimersByTimeAsync(1);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('locked');
    // Kept in the user configuration for the next start.
    expect(ws.host.services.config.readUser().idleLockMinutes).toBe(10);
    await ws.rendererCall('auth.signOut');
    await ws.signInAs('doctor');
    expect(await failure(ws.rendererCall('users.setIdleLock', { minutes: 30 }))).toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('never locks a signed-out workstation, and a delay the machine fixes cannot be changed here', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    await vi.advanceTimersByTimeAsync(60 * 60_000);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('signedOut');
    expect(vi.getTimerCount()).toBe(0);

    writeFileSync(join(ws.dir, 'machine.json'), JSON.stringify({ idleLockMinutes: 15 }));
    const status = await ws.signInAs('administrator', 'admin');
    expect(status).toMatchObject({ idleLockMinutes: 15, idleLockFixed: true });
    expect(await failure(ws.rendererCall('users.setIdleLock', { minutes: 30 }))).toMatchObject({
      code: 'LOCKED_BY_ADMINISTRATOR',
    });
    await vi.advanceTimersByTimeAsync(15 * 60_000);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).state).toBe('locked');
  });

  it('decides by the clock when its timer fires (a fixed clock never locks)', () => {
    let now = 0;
    const scheduled: { at: number; run: () => void }[] = [];
    const timers: IdleTimers = {
      now: () => now,
      setTimeout: (run, ms) => {
        const timer = { at: now + ms, run };
        scheduled.push(timer);
        return timer;
      },
      clearTimeout: (handle) => {
        const index = scheduled.indexOf(handle as (typeof scheduled)[number]);
        if (index >= 0) scheduled.splice(index, 1);
      },
    };
    let locks = 0;
    const idle = new IdleLock(
      timers,
      () => 1000,
      () => locks++,
    );
    idle.start();
    // The timer fires but the clock has not moved (the e2e harness's fixed clock): set again.
    scheduled.shift()!.run();
    expect(locks).toBe(0);
    expect(scheduled).toHaveLength(1);
    now = 600;
    scheduled.shift()!.run();
    expect(locks).toBe(0);
    expect(scheduled[0]!.at).toBe(1000);
    now = 1000;
    scheduled.shift()!.run();
    expect(locks).toBe(1);
    expect(idle.watching).toBe(false);
    idle.activity();
    expect(scheduled).toHaveLength(0);
  });
});
