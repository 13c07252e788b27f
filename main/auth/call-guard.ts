/**
 * The guard every call passes before its handler runs (main/services/contract-server.ts): the
 * call's access rule (main/contract/permissions.ts) against the session. Calls from the host
 * itself (the `tabib` CLI, Electron main's update driver) are trusted and pass; calls from the
 * renderer (Electron IPC, the e2e harness's binding) are checked, always:
 *
 * - a locked session answers only the lock screen's calls (`lockScreenCalls`): SESSION_LOCKED;
 * - `host` calls are never the renderer's: PERMISSION_DENIED (nor are the CLI's other calls,
 *   which no renderer transport exposes: UNKNOWN_CALL);
 * - `open` and `signedOut` pass (when not locked);
 * - `firstRun` passes while no account exists, then asks for `workstation.manage`;
 * - `session` asks for a signed-in practitioner: AUTH_REQUIRED;
 * - a permission asks for a signed-in practitioner (AUTH_REQUIRED) one of whose roles grants it
 *   (PERMISSION_DENIED).
 *
 * Pure apart from `noAccounts`, which the guard asks only for a `firstRun` call.
 */
import { calls, callNames, type CallName } from '../contract/contract';
import type { SessionState } from '../contract/auth-types';
import type { Access, Permission } from '../contract/permissions';
import { TabibError } from '../errors';

/** Where a call comes from: the renderer (guarded) or the host itself (trusted). */
export type CallOrigin = 'renderer' | 'host';

/** What a locked session still answers: the lock screen's three calls. */
export const lockScreenCalls: readonly CallName[] = ['auth.status', 'auth.unlock', 'auth.signOut'];

export interface SessionView {
  /** 'signedIn' or 'locked' with a session; otherwise 'signedOut' (accounts or not: see noAccounts). */
  state: Exclude<SessionState, 'noAccounts'>;
  permissions: ReadonlySet<Permission>;
  /** True while no practitioner account exists (asked for `firstRun` calls only: it may open the record). */
  noAccounts(): Promise<boolean>;
}

function refuse(
  code: 'AUTH_REQUIRED' | 'SESSION_LOCKED' | 'PERMISSION_DENIED' | 'UNKNOWN_CALL',
  name: string,
  access: Access,
) {
  const messages = {
    AUTH_REQUIRED: `${name} needs a signed-in practitioner`,
    SESSION_LOCKED: `The session is locked: ${name} waits until it is unlocked`,
    PERMISSION_DENIED: `The signed-in practitioner's roles do not allow ${name} (${access})`,
    UNKNOWN_CALL: `No such call: ${name}`,
  };
  return new TabibError(code, messages[code], { call: name, access });
}

const rendererCalls = new Set<string>(callNames);

/** Throws the refusal of a call, or returns when it may run. */
export async function guardCall(name: CallName, origin: CallOrigin, session: SessionView): Promise<void> {
  if (origin === 'host') return;
  const access = calls[name].access;
  if (session.state === 'locked' && !lockScreenCalls.includes(name))
    throw refuse('SESSION_LOCKED', name, access);
  if (access === 'host') throw refuse('PERMISSION_DENIED', name, access);
  if (!rendererCalls.has(name)) throw refuse('UNKNOWN_CALL', name, access);
  if (access === 'open' || access === 'signedOut') return;
  if (access === 'firstRun' && (await session.noAccounts())) return;
  if (session.state !== 'signedIn') throw refuse('AUTH_REQUIRED', name, access);
  if (access === 'session') return;
  const needed: Permission = access === 'firstRun' ? 'workstation.manage' : access;
  if (!session.permissions.has(needed)) throw refuse('PERMISSION_DENIED', name, access);
}
