/**
 * Practitioner accounts in the encrypted record: created with their FHIR Practitioner through the
 * record's store (audited, queued for sync), user names unique whatever the case, the lockout
 * after five wrong passwords and its end fifteen minutes later (on a fake clock), administrators'
 * changes, and one enabled administrator always left.
 */
import type { Practitioner } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LOCKOUT_MINUTES, LOCKOUT_THRESHOLD, afterFailure, lockedOutAt } from '../../main/auth/lockout';
import { ACCOUNT_IDENTIFIER_SYSTEM } from '../../main/auth/practitioner-accounts';
import type { AuthStatus, PractitionerAccountView } from '../../main/contract/auth-types';
import { testPassword, testWorkstation } from '../support/test-workstation';
import { enrolled, failure } from './auth-fixtures';

type Station = ReturnType<typeof testWorkstation>;
let ws: Station;

/** An enrolled workstation with its first administrator signed in, and a doctor's account. */
async function withAccounts(): Promise<{ doctor: PractitionerAccountView }> {
  await ws.rendererCall('auth.createAdministrator', {
    username: 'admin',
    displayName: 'Omar Saïdi',
    password: testPassword('admin'),
  });
  const doctor = await ws.rendererCall<PractitionerAccountView>('users.create', {
    username: 'Dr.Benali',
    displayName: 'Dr Amina Benali',
    roles: ['doctor'],
    password: testPassword('dr.benali'),
  });
  await ws.rendererCall('auth.signOut');
  return { doctor };
}

beforeEach(() => {
  ws = testWorkstation({ prefix: 'tabib-accounts-', userConfig: enrolled });
});
afterEach(async () => {
  vi.useRealTimers();
  await ws.close();
});

describe('creating accounts', () => {
  it('creates the first administrator only while no account exists, with a Practitioner written through the store', async () => {
    const status = await ws.rendererCall<AuthStatus>('auth.createAdministrator', {
      username: 'admin',
      displayName: 'Omar Saïdi',
      password: testPassword('admin'),
    });
    expect(status.state).toBe('signedIn');
    const user = status.user!;
    expect(user).toMatchObject({
      username: 'admin',
      displayName: 'Omar Saïdi',
      roles: ['administrator'],
      permissions: expect.arrayContaining(['users.manage', 'audit.read', 'workstation.manage']),
    });
    expect(user.practitioner.reference).toMatch(/^Practitioner\/[0-9a-f-]{36}$/);

    const record = await ws.host.services.record.open();
    const practitionerId = user.practitioner.reference.split('/')[1]!;
    const practitioner = record.store.read<Practitioner>('Practitioner', practitionerId);
    expect(practitioner).toMatchObject({
      active: true,
      name: [{ text: 'Omar Saïdi' }],
      identifier: [{ system: ACCOUNT_IDENTIFIER_SYSTEM, value: user.id }],
    });
    // Written as any change: queued for the national record, audited.
    const outbox = record.queries
      .statement(`select resource_type, operation from outbox where resource_id = ?`)
      .all(practitionerId);
    expect(outbox).toEqual([{ resource_type: 'Practitioner', operation: 'create' }]);
    const audit = record.queries
      .statement(`select action from audit_event where entity_type = 'Practitioner' and entity_id = ?`)
      .all(practitionerId);
    expect(audit).toEqual([{ action: 'C' }]);

    // Once an account exists, this door is shut even to an administrator.
    expect(
      await failure(
        ws.rendererCall('auth.createAdministrator', {
          username: 'admin2',
          displayName: 'Second',
          password: testPassword('admin2'),
        }),
      ),
    ).toMatchObject({ code: 'ALREADY_CONFIGURED' });
    await ws.rendererCall('auth.signOut');
    expect(
      await failure(
        ws.rendererCall('auth.createAdministrator', {
          username: 'admin3',
          displayName: 'Third',
          password: testPassword('admin3'),
        }),
      ),
    ).toMatchObject({ code: 'AUTH_REQUIRED' });
  });

  it('keeps user names unique whatever their case, and hashes no password the policy refuses', async () => {
    await withAccounts();
    await ws.rendererCall('auth.signIn', { username: 'ADMIN', password: testPassword('admin') });
    expect(
      await failure(
        ws.rendererCall('users.create', {
          username: 'dr.BENALI',
          displayName: 'Quelqu’un d’autre',
          roles: ['nurse'],
          password: 'une phrase assez longue',
        }),
      ),
    ).toMatchObject({ code: 'USERNAME_TAKEN' });
    expect(
      await failure(
        ws.rendererCall('users.create', {
          username: 'karim',
          displayName: 'Karim',
          roles: ['nurse'],
          password: 'karim-2026-karim',
        }),
      ),
    ).toMatchObject({ code: 'PASSWORD_TOO_WEAK', details: { rule: 'containsUsername' } });
    expect(
      await failure(
        ws.rendererCall('users.create', {
          username: 'karim',
          displayName: 'Karim',
          roles: ['nurse'],
          password: 'court',
        }),
      ),
    ).toMatchObject({ code: 'PASSWORD_TOO_WEAK', details: { rule: 'tooShort', minLength: 10 } });
    expect(
      await failure(
        ws.rendererCall('users.create', {
          username: 'karim',
          displayName: 'Karim',
          roles: [],
          password: 'x'.repeat(12),
        }),
      ),
    ).toMatchObject({ code: 'INVALID_ARGUMENT', details: { issues: [{ path: ['roles'] }] } });
    // Nothing of the refused ones was written.
    const names = (await ws.rendererCall<PractitionerAccountView[]>('users.list')).map(
      (account) => account.username,
    );
    expect(names).toEqual(['admin', 'Dr.Benali']);
    // The user name signs in in any case.
    await ws.rendererCall('auth.signOut');
    expect(
      (
        await ws.rendererCall<AuthStatus>('auth.signIn', {
          username: 'dr.benali',
          password: testPassword('dr.benali'),
        })
      ).user?.displayName,
    ).toBe('Dr Amina Benali');
  });
});

describe('the lockout', () => {
  it('counts wrong passwords and locks out after five, in the pure rule', () => {
    const now = new Date('2026-11-22T08:30:00Z');
    let counters = { failedAttempts: 0, lockedOutUntil: null as string | null };
    for (let attempt = 1; attempt < LOCKOUT_THRESHOLD; attempt++) {
      counters = afterFailure(counters, now);
      expect(counters).toEqual({ failedAttempts: attempt, lockedOutUntil: null });
    }
    counters = afterFailure(counters, now);
    expect(counters).toEqual({ failedAttempts: 0, lockedOutUntil: '2026-11-22T08:45:00.000Z' });
    expect(lockedOutAt(counters, new Date('2026-11-22T08:44:59.999Z'))).toEqual(
      new Date('2026-11-22T08:45:00Z'),
    );
    expect(lockedOutAt(counters, new Date('2026-11-22T08:45:00Z'))).toBeNull();
    expect(afterFailure(counters, new Date('2026-11-22T08:50:00Z'), { threshold: 3, minutes: 1 })).toEqual({
      failedAttempts: 1,
      lockedOutUntil: null,
    });
  });

  it('locks an account out after 5 wrong passwords for 15 minutes, says until when, and lets it in after', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-22T08:30:00Z'));
    await withAccounts();
    for (let attempt = 1; attempt < LOCKOUT_THRESHOLD; attempt++)
      expect(
        await failure(
          ws.rendererCall('auth.signIn', { username: 'dr.benali', password: `wrong password ${attempt}` }),
        ),
      ).toMatchObject({
        code: 'INVALID_CREDENTIALS',
        details: { remainingAttempts: LOCKOUT_THRESHOLD - attempt },
      });
    const until = '2026-11-22T08:45:00.000Z';
    expect(LOCKOUT_MINUTES).toBe(15);
    expect(
      await failure(ws.rendererCall('auth.signIn', { username: 'dr.benali', password: 'wrong password 5' })),
    ).toMatchObject({ code: 'ACCOUNT_LOCKED_OUT', details: { until } });
    // Even the right password waits.
    vi.setSystemTime(new Date('2026-11-22T08:44:59Z'));
    expect(
      await failure(
        ws.rendererCall('auth.signIn', { username: 'dr.benali', password: testPassword('dr.benali') }),
      ),
    ).toMatchObject({ code: 'ACCOUNT_LOCKED_OUT', details: { until } });
    // Other accounts are not held up.
    expect(
      (
        await ws.rendererCall<AuthStatus>('auth.signIn', {
          username: 'admin',
          password: testPassword('admin'),
        })
      ).state,
    ).toBe('signedIn');
    const listed = (await ws.rendererCall<PractitionerAccountView[]>('users.list')).find(
      (account) => account.username === 'Dr.Benali',
    );
    expect(listed).toMatchObject({ lockedOutUntil: until });
    await ws.rendererCall('auth.signOut');
    vi.setSystemTime(new Date('2026-11-22T08:45:00Z'));
    expect(
      (
        await ws.rendererCall<AuthStatus>('auth.signIn', {
          username: 'dr.benali',
          password: testPassword('dr.benali'),
        })
      ).state,
    ).toBe('signedIn');
  });

  it('answers an unknown user name exactly as a wrong password', async () => {
    await withAccounts();
    const unknown = await failure(
      ws.rendererCall('auth.signIn', { username: 'nobody', password: 'whatever 123' }),
    );
    const wrong = await failure(
      ws.rendererCall('auth.signIn', { username: 'admin', password: 'whatever 123' }),
    );
    expect(unknown.code).toBe('INVALID_CREDENTIALS');
    expect(wrong.code).toBe('INVALID_CREDENTIALS');
    expect(unknown.message).toBe(wrong.message);
  });

  it('ends at once when an administrator resets the password', async () => {
    await withAccounts();
    for (let attempt = 1; attempt <= LOCKOUT_THRESHOLD; attempt++)
      await failure(
        ws.rendererCall('auth.signIn', { username: 'dr.benali', password: `wrong ${attempt}-password` }),
      );
    const { id } = (await ws.call<PractitionerAccountView[]>('users.list')).find(
      (account) => account.username === 'Dr.Benali',
    )!;
    await ws.rendererCall('auth.signIn', { username: 'admin', password: testPassword('admin') });
    const reset = await ws.rendererCall<PractitionerAccountView>('users.resetPassword', {
      id,
      password: 'nouveau mot de passe',
    });
    expect(reset).toMatchObject({ lockedOutUntil: null, failedAttempts: 0 });
    await ws.rendererCall('auth.signOut');
    expect(
      (
        await ws.rendererCall<AuthStatus>('auth.signIn', {
          username: 'dr.benali',
          password: 'nouveau mot de passe',
        })
      ).state,
    ).toBe('signedIn');
  });
});

describe('administering accounts', () => {
  it('changes roles and display name (the Practitioner follows), disables and enables', async () => {
    const { doctor } = await withAccounts();
    await ws.rendererCall('auth.signIn', { username: 'admin', password: testPassword('admin') });
    const changed = await ws.rendererCall<PractitionerAccountView>('users.update', {
      id: doctor.id,
      displayName: 'Dr Amina Benali-Tazi',
      roles: ['doctor', 'radiologist'],
    });
    expect(changed).toMatchObject({ displayName: 'Dr Amina Benali-Tazi', roles: ['doctor', 'radiologist'] });
    const record = await ws.host.services.record.open();
    expect(
      record.store.read<Practitioner>('Practitioner', doctor.practitioner.reference.split('/')[1]!)?.name,
    ).toEqual([{ text: 'Dr Amina Benali-Tazi' }]);

    await ws.rendererCall('users.update', { id: doctor.id, disabled: true });
    await ws.rendererCall('auth.signOut');
    expect(
      await failure(
        ws.rendererCall('auth.signIn', { username: 'dr.benali', password: testPassword('dr.benali') }),
      ),
    ).toMatchObject({ code: 'ACCOUNT_DISABLED' });
    // A wrong password does not tell that the account is disabled.
    expect(
      await failure(ws.rendererCall('auth.signIn', { username: 'dr.benali', password: 'not the password' })),
    ).toMatchObject({ code: 'INVALID_CREDENTIALS' });

    await ws.rendererCall('auth.signIn', { username: 'admin', password: testPassword('admin') });
    await ws.rendererCall('users.update', { id: doctor.id, disabled: false });
    await ws.rendererCall('auth.signOut');
    const signedIn = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'dr.benali',
      password: testPassword('dr.benali'),
    });
    expect(signedIn.user?.permissions).toEqual(
      expect.arrayContaining(['prescriptions.sign', 'imaging.report']),
    );
  });

  it('always leaves one enabled administrator', async () => {
    const { doctor } = await withAccounts();
    const status = await ws.rendererCall<AuthStatus>('auth.signIn', {
      username: 'admin',
      password: testPassword('admin'),
    });
    const adminId = status.user!.id;
    expect(await failure(ws.rendererCall('users.update', { id: adminId, disabled: true }))).toMatchObject({
      code: 'LAST_ADMINISTRATOR',
    });
    expect(await failure(ws.rendererCall('users.update', { id: adminId, roles: ['doctor'] }))).toMatchObject({
      code: 'LAST_ADMINISTRATOR',
    });
    // With a second administrator, the first may step down: their session loses the permissions at once.
    await ws.rendererCall('users.update', { id: doctor.id, roles: ['doctor', 'administrator'] });
    const events: unknown[] = [];
    ws.host.onEvent((name, payload) => name === 'auth.changed' && events.push(payload));
    await ws.rendererCall('users.update', { id: adminId, roles: ['nurse'] });
    expect(events).toEqual([{ state: 'signedIn', change: 'accounts' }]);
    expect((await ws.rendererCall<AuthStatus>('auth.status')).user?.roles).toEqual(['nurse']);
    expect(await failure(ws.rendererCall('users.list'))).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('lets a practitioner change their own password, the current one asked again', async () => {
    await withAccounts();
    await ws.rendererCall('auth.signIn', { username: 'dr.benali', password: testPassword('dr.benali') });
    expect(
      await failure(
        ws.rendererCall('auth.changePassword', {
          currentPassword: 'pas le bon',
          newPassword: 'nouvelle phrase 2026',
        }),
      ),
    ).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(
      await failure(
        ws.rendererCall('auth.changePassword', {
          currentPassword: testPassword('dr.benali'),
          newPassword: 'court',
        }),
      ),
    ).toMatchObject({ code: 'PASSWORD_TOO_WEAK' });
    await ws.rendererCall('auth.changePassword', {
      currentPassword: testPassword('dr.benali'),
      newPassword: 'nouvelle phrase 2026',
    });
    await ws.rendererCall('auth.signOut');
    expect(
      await failure(
        ws.rendererCall('auth.signIn', { username: 'dr.benali', password: testPassword('dr.benali') }),
      ),
    ).toMatchObject({ code: 'INVALID_CREDENTIALS' });
    expect(
      (
        await ws.rendererCall<AuthStatus>('auth.signIn', {
          username: 'dr.benali',
          password: 'nouvelle phrase 2026',
        })
      ).state,
    ).toBe('signedIn');
  });
});
