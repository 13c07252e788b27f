/**
 * The auth calls of the contract (issue 5): the workstation's session (sign-in, lock, idle lock,
 * sign-out), its practitioner accounts, and the review of break-the-glass openings. Names in
 * ../names.ts (authCallNames); result types in ../auth-types.ts; handlers in
 * main/services/handlers/auth-handlers.ts; the rules in main/auth/.
 */
import { z } from 'zod';
import type { AuthStatus, BreakGlassAccess, IdleLockDeadline, PractitionerAccountView } from '../auth-types';
import { call, fhirId, none, type CallSpec } from '../call-spec';
import type { AuthCallName } from '../names';
import { roles } from '../permissions';

/**
 * A user name: letters (any script) and digits, with `.`, `_`, `-` or `@` inside; compared without
 * regard to case (main/auth/account-store.ts).
 */
export const username = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[\p{L}\p{N}](?:[\p{L}\p{N}._@-]*[\p{L}\p{N}])?$/u, 'must be a user name');

/** Only the length is bounded here: the policy (main/auth/password-policy.ts) answers PASSWORD_TOO_WEAK. */
const password = z.string().min(1).max(256);
const displayName = z.string().trim().min(1).max(200);
const roleList = z
  .array(z.enum(roles))
  .min(1)
  .max(roles.length)
  .refine((list) => new Set(list).size === list.length, 'must not repeat a role');

/** The idle delay's bounds, as the configuration file allows them (main/config/schema.ts). */
export const idleLockBounds = { min: 1, max: 240 } as const;

export const authCalls = {
  'auth.status': call<AuthStatus>()(
    none,
    'open',
    'The session: its state, the signed-in practitioner with roles and permissions, the idle delay; in a demonstration, the demo accounts.',
  ),
  'auth.createAdministrator': call<AuthStatus>()(
    z.object({ username, displayName, password }).strict(),
    'firstRun',
    'First run of an enrolled workstation: creates the first administrator account (only while no account exists) and signs them in.',
  ),
  'auth.signIn': call<AuthStatus>()(
    z.object({ username, password }).strict(),
    'signedOut',
    'Sign in with a local account; five wrong passwords in a row lock the account out for 15 minutes.',
  ),
  'auth.signOut': call<AuthStatus>()(
    none,
    'open',
    'End the session (also from the lock screen): forgets the practitioner and what the services hold in memory about patients.',
  ),
  'auth.lock': call<AuthStatus>()(
    none,
    'session',
    'Lock the session now; only the same practitioner unlocks it.',
  ),
  'auth.unlock': call<AuthStatus>()(
    z.object({ password }).strict(),
    'open',
    'Unlock the locked session with the signed-in practitioner’s password.',
  ),
  'auth.activity': call<IdleLockDeadline>()(
    none,
    'session',
    'The person at the workstation used the keyboard or the pointer (the renderer says so at most every 30 s): the idle lock starts again.',
  ),
  'auth.changePassword': call<AuthStatus>()(
    z.object({ currentPassword: password, newPassword: password }).strict(),
    'session',
    'Change one’s own password (the current one is asked again).',
  ),
  'users.list': call<PractitionerAccountView[]>()(
    none,
    'users.manage',
    'Administrators: the workstation’s practitioner accounts.',
  ),
  'users.create': call<PractitionerAccountView>()(
    z.object({ username, displayName, roles: roleList, password }).strict(),
    'users.manage',
    'Administrators: create an account (and its FHIR Practitioner).',
  ),
  'users.update': call<PractitionerAccountView>()(
    z
      .object({
        id: fhirId,
        displayName: displayName.optional(),
        roles: roleList.optional(),
        disabled: z.boolean().optional(),
      })
      .strict(),
    'users.manage',
    'Administrators: change an account’s display name or roles, disable or enable it (one enabled administrator always remains).',
  ),
  'users.resetPassword': call<PractitionerAccountView>()(
    z.object({ id: fhirId, password }).strict(),
    'users.manage',
    'Administrators: give an account a new password; also ends a lockout.',
  ),
  'users.setIdleLock': call<AuthStatus>()(
    z.object({ minutes: z.number().int().min(idleLockBounds.min).max(idleLockBounds.max) }).strict(),
    'users.manage',
    'Administrators: minutes without input before the session locks itself (unless the machine-wide configuration fixes it).',
  ),
  'audit.breakGlass': call<BreakGlassAccess[]>()(
    z.object({ limit: z.number().int().min(1).max(1000).optional() }).strict(),
    'audit.read',
    'Administrators: openings of charts outside the facility’s list (break-the-glass), newest first, with who and why.',
  ),
} as const satisfies Record<AuthCallName, CallSpec<z.ZodType, unknown>>;
