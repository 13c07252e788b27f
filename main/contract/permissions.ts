/**
 * Who may make which call. Every call of the contract names one access rule (contract.ts); main
 * enforces it where calls arrive (main/auth/call-guard.ts), and the renderer reads the same table
 * only to hide what a role cannot do. Dependency-free: the preload and the renderer import it.
 */

/** The roles of a practitioner account (issue 5). An account holds one or more. */
export const roles = ['doctor', 'nurse', 'radiologist', 'administrator'] as const;
export type Role = (typeof roles)[number];

/** What a role may do. Clinical permissions never go to the administrator role alone. */
export const permissions = [
  /** Search patients, open a chart, read what it holds. */
  'patient.read',
  /** Create and edit a patient's identity, address and coverage. */
  'patient.register',
  /** Visits and their notes. */
  'chart.document',
  'vitals.record',
  'problems.write',
  'allergies.write',
  /** Draft, change and stop medications (the medication list). */
  'medications.write',
  /** Sign a prescription (a MedicationRequest becomes active and printable). */
  'prescriptions.sign',
  'labs.record',
  'immunizations.record',
  'referrals.write',
  'appointments.write',
  'documents.write',
  'print.clinical',
  /** Read the card in a reader to identify a patient. */
  'card.read',
  'imaging.read',
  'imaging.import',
  'imaging.report',
  /** Local accounts and roles, the idle lock delay. */
  'users.manage',
  /** Read the audit trail and break-the-glass accesses. */
  'audit.read',
  /** Sync now, resolve conflicts: clinical data, so doctors and nurses resolve; administrators watch. */
  'sync.watch',
  'sync.resolve',
  /** Enrolment, updates, the record's key. */
  'workstation.manage',
] as const;
export type Permission = (typeof permissions)[number];

const clinicalReading: Permission[] = ['patient.read', 'card.read', 'sync.watch'];

export const rolePermissions: Record<Role, readonly Permission[]> = {
  doctor: [
    ...clinicalReading,
    'patient.register',
    'chart.document',
    'vitals.record',
    'problems.write',
    'allergies.write',
    'medications.write',
    'prescriptions.sign',
    'labs.record',
    'immunizations.record',
    'referrals.write',
    'appointments.write',
    'documents.write',
    'print.clinical',
    'imaging.read',
    'sync.resolve',
  ],
  nurse: [
    ...clinicalReading,
    'patient.register',
    'chart.document',
    'vitals.record',
    'allergies.write',
    'labs.record',
    'immunizations.record',
    'appointments.write',
    'documents.write',
    'print.clinical',
    'imaging.read',
    'sync.resolve',
  ],
  radiologist: [
    ...clinicalReading,
    'imaging.read',
    'imaging.import',
    'imaging.report',
    'documents.write',
    'print.clinical',
  ],
  administrator: ['users.manage', 'audit.read', 'sync.watch', 'workstation.manage'],
};

/**
 * A call's access rule:
 * - `open`: anyone, signed in or not (the configuration, the state of the session; nothing about a
 *   patient). While the session is locked, only the lock screen's calls are answered: auth.status,
 *   auth.unlock and auth.signOut (main/auth/call-guard.ts);
 * - `signedOut`: anyone when no session is locked (sign in, the interface language);
 * - `firstRun`: while no account exists (first-run setup and the first administrator), else
 *   `workstation.manage`;
 * - `session`: any signed-in practitioner with an unlocked session;
 * - a permission: a signed-in practitioner one of whose roles grants it;
 * - `host`: never from the renderer: the CLI and Electron main's own drivers (adminCallNames).
 */
export type Access = 'open' | 'signedOut' | 'firstRun' | 'session' | 'host' | Permission;

export function permissionsOf(assigned: readonly Role[]): Set<Permission> {
  return new Set(assigned.flatMap((role) => rolePermissions[role]));
}
