/**
 * The signed-in practitioner, for the workspace: who they are, what their roles let them do (to
 * hide what they cannot use: main refuses it anyway, renderer/../main/auth/call-guard.ts), and
 * the lock and sign-out actions. Provided by App while a session is open.
 */
import { createContext, useContext } from 'react';
import type { AuthStatus, SessionUser } from '../../../main/contract/auth-types';
import type { Permission } from '../../../main/contract/permissions';

export interface SessionContextValue {
  status: AuthStatus;
  user: SessionUser;
  can(permission: Permission): boolean;
  lock(): Promise<void>;
  signOut(): Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | null>(null);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionContext');
  return value;
}

/**
 * `can(permission)`: whether the signed-in practitioner's roles grant it. Outside a session (a
 * component shown before sign-in), nothing is granted.
 */
export function useCan(): (permission: Permission) => boolean {
  const value = useContext(SessionContext);
  return value ? value.can : () => false;
}

export function sessionContextValue(
  status: AuthStatus & { user: SessionUser },
  actions: Pick<SessionContextValue, 'lock' | 'signOut'>,
): SessionContextValue {
  const granted = new Set<Permission>(status.user.permissions);
  return { status, user: status.user, can: (permission) => granted.has(permission), ...actions };
}
