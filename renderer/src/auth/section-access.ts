/**
 * Which permission shows each section of the side navigation (renderer/src/app/sections.ts): a
 * role that cannot use a section does not see it. Administration is everyone's (the workstation's
 * health and updates); its users and audit parts ask for their own permissions.
 */
import type { Permission } from '../../../main/contract/permissions';
import type { Screen, Section } from '../app/sections';

export const sectionPermission: Record<Section, Permission | null> = {
  patients: 'patient.read',
  imaging: 'imaging.read',
  appointments: 'patient.read',
  administration: null,
};

/** The screens outside the list: the card reader (F2), the sync page and its conflicts. */
export const screenPermission: Record<Exclude<Screen, Section>, Permission> = {
  card: 'card.read',
  sync: 'sync.watch',
  conflicts: 'sync.watch',
};

export function mayShow(screen: Screen, can: (permission: Permission) => boolean): boolean {
  const permission =
    screen in sectionPermission
      ? sectionPermission[screen as Section]
      : screenPermission[screen as Exclude<Screen, Section>];
  return permission === null || can(permission);
}
