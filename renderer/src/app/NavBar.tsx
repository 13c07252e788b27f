import { Kbd, NavLink, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { mayShow } from '../auth/section-access';
import { useCan } from '../auth/session-context';
import { sectionIcons, sections, type Section } from './sections';

export function NavBar({
  active,
  onSelect,
}: {
  active: Section | null;
  onSelect: (section: Section) => void;
}) {
  const { t } = useTranslation();
  const can = useCan();
  return (
    <Stack gap={4} p="sm" component="nav" aria-label={t('nav.label')} data-testid="side-nav">
      {sections.map((section, index) => {
        // The shortcut stays the section's place in the full list: Alt+4 is Administration for every role.
        if (!mayShow(section, can)) return null;
        const Icon = sectionIcons[section];
        return (
          <NavLink
            key={section}
            component="button"
            active={section === active}
            label={t(`nav.${section}`)}
            leftSection={<Icon size={18} aria-hidden />}
            rightSection={<Kbd size="xs">{t('nav.shortcut', { key: index + 1 })}</Kbd>}
            aria-current={section === active ? 'page' : undefined}
            aria-keyshortcuts={`Alt+${index + 1}`}
            data-testid={`nav-${section}`}
            onClick={() => onSelect(section)}
          />
        );
      })}
    </Stack>
  );
}
