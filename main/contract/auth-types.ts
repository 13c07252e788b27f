/**
 * Result types of the auth calls (features/auth-contract.ts): the session, the accounts, the
 * break-the-glass review. Plain data: they cross IPC by structured clone. Dependency-free.
 */
import type { Permission, Role } from './permissions';
import type { Language, PatientSummary } from './types';

/**
 * The workstation's session (main/auth/workstation-session.ts):
 * - `noAccounts`: no practitioner account exists yet (an enrolled workstation creates its first
 *   administrator; a demonstration creates its demo accounts);
 * - `signedOut`: accounts exist, nobody is signed in;
 * - `locked`: someone is signed in but the session is locked (by them, or idle): only they unlock;
 * - `signedIn`: a practitioner works.
 */
/** The password policy's shortest password (main/auth/password-policy.ts); the forms say it too. */
export const PASSWORD_MIN_LENGTH = 10;

export const sessionStates = ['noAccounts', 'signedOut', 'locked', 'signedIn'] as const;
export type SessionState = (typeof sessionStates)[number];

/** Why the session changed (event `auth.changed`). */
export const sessionChanges = [
  'signedIn',
  'signedOut',
  'locked',
  'idleLocked',
  'unlocked',
  'accounts',
  'idleDelay',
] as const;
export type SessionChange = (typeof sessionChanges)[number];

/** Who acts, as a FHIR reference (the audit trail's agent, the requester of a prescription, …). */
export interface PractitionerReference {
  /** `Practitioner/<id>`. */
  reference: string;
  display: string;
}

export interface SessionUser {
  /** The account's id (not the Practitioner's). */
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  /** What the roles grant (permissions.ts), for the renderer to hide what it cannot use. */
  permissions: Permission[];
  practitioner: PractitionerReference;
}

/** A demonstration account offered on the sign-in screen (demo mode only). */
export interface DemoAccountView {
  username: string;
  displayName: string;
  role: Role;
}

export interface AuthStatus {
  state: SessionState;
  /** The signed-in practitioner (also while locked: the lock screen names them). */
  user: SessionUser | null;
  /** Minutes without keyboard or pointer input before the session locks itself. */
  idleLockMinutes: number;
  /** The idle delay is fixed by the machine-wide configuration: administrators cannot change it here. */
  idleLockFixed: boolean;
  /**
   * The interface language: the lock screen is drawn from this status alone, since a locked
   * session answers nothing else (not even config.get).
   */
  language: Language;
  /** A demonstration's accounts and their one password, shown on the sign-in screen; null elsewhere. */
  demo: { accounts: DemoAccountView[]; password: string } | null;
}

/** auth.activity's answer: when the session will lock itself if nothing else happens (ISO 8601). */
export interface IdleLockDeadline {
  idleLockAt: string | null;
}

/** An account as administrators see it (users.list): never its password hash. */
export interface PractitionerAccountView {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  practitioner: PractitionerReference;
  disabled: boolean;
  /** Until when repeated wrong passwords lock the account out (ISO 8601), or null. */
  lockedOutUntil: string | null;
  failedAttempts: number;
  created: string;
  updated: string;
}

/** One opening of a chart outside the facility's list, with its reason (audit.breakGlass). */
export interface BreakGlassAccess {
  /** The AuditEvent's id. */
  id: string;
  recorded: string;
  practitioner: PractitionerReference;
  patientId: string;
  /** Who the patient is, as the record knows them now (null if no longer in the record). */
  patient: PatientSummary | null;
  reason: string;
  workstation: string;
}
