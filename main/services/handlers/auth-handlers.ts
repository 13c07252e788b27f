/**
 * The handlers of the auth calls (main/contract/features/auth-contract.ts). The rules live in
 * main/auth/; who may make each call is the guard's affair, before any of these runs.
 */
import { breakGlassAccesses } from '../../auth/break-glass';
import type { PractitionerAccount } from '../../auth/account-store';
import type { PractitionerAccountView } from '../../contract/auth-types';
import type { AuthCallName } from '../../contract/names';
import type { Handlers } from '../contract-server';
import type { EventSink, Services } from '../services';

export function accountView(account: PractitionerAccount, now: Date): PractitionerAccountView {
  const lockedOut =
    account.lockedOutUntil && new Date(account.lockedOutUntil) > now ? account.lockedOutUntil : null;
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: [...account.roles],
    practitioner: { reference: `Practitioner/${account.practitionerId}`, display: account.displayName },
    disabled: account.disabled,
    lockedOutUntil: lockedOut,
    failedAttempts: lockedOut ? 0 : account.failedAttempts,
    created: account.created,
    updated: account.updated,
  };
}

export function authHandlers(services: Services, _emit: EventSink): Pick<Handlers, AuthCallName> {
  const { auth } = services;
  const view = (account: PractitionerAccount) => accountView(account, services.record.now());
  return {
    'auth.status': () => auth.status(),
    'auth.createAdministrator': (request) => auth.createAdministrator(request),
    'auth.signIn': ({ username, password }) => auth.signIn(username, password),
    'auth.signOut': () => auth.signOut(),
    'auth.lock': () => auth.lock(),
    'auth.unlock': ({ password }) => auth.unlock(password),
    'auth.activity': () => {
      auth.activity();
      const deadline = auth.idleDeadline();
      return { idleLockAt: deadline === null ? null : new Date(deadline).toISOString() };
    },
    'auth.changePassword': async ({ currentPassword, newPassword }) => {
      await auth.changePassword(currentPassword, newPassword);
      return auth.status();
    },
    'users.list': async () => (await auth.accounts.list()).map(view),
    'users.create': async (request) => view(await auth.createAccount(request)),
    'users.update': async ({ id, ...change }) => view(await auth.updateAccount(id, change)),
    'users.resetPassword': async ({ id, password }) => view(await auth.resetPassword(id, password)),
    'users.setIdleLock': ({ minutes }) => auth.setIdleLockMinutes(minutes),
    'audit.breakGlass': async ({ limit }) => breakGlassAccesses(await services.record.open(), limit),
  };
}
