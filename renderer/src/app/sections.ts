import { IconCalendarEvent, IconPhotoScan, IconSettings, IconUsers, type Icon } from '@tabler/icons-react';

export const sections = ['patients', 'imaging', 'appointments', 'administration'] as const;
export type Section = (typeof sections)[number];

export const sectionIcons: Record<Section, Icon> = {
  patients: IconUsers,
  imaging: IconPhotoScan,
  appointments: IconCalendarEvent,
  administration: IconSettings,
};

/**
 * Screens that are not sections of the list: card reading (the top bar's button or its key), and
 * the sync page with its conflicts (the top bar's sync indicator).
 */
export type Screen = Section | 'card' | 'sync' | 'conflicts';
export const CARD_SHORTCUT = 'F2';
