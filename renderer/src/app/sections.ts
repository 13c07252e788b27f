import { IconCalendarEvent, IconPhotoScan, IconSettings, IconUsers, type Icon } from '@tabler/icons-react';

export const sections = ['patients', 'imaging', 'appointments', 'administration'] as const;
export type Section = (typeof sections)[number];

export const sectionIcons: Record<Section, Icon> = {
  patients: IconUsers,
  imaging: IconPhotoScan,
  appointments: IconCalendarEvent,
  administration: IconSettings,
};

/** The card reading screen: reached from the top bar or its key, from anywhere; not a section of the list. */
export type Screen = Section | 'card';
export const CARD_SHORTCUT = 'F2';
