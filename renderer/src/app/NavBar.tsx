import { Kbd, NavLink, Stack } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { sectionIcons, sections, type Section } from './sections';

export function NavBar({
  active,
  onSelect,
}: {
  active: Section | null;
  onSelect: (section: Section) => void;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap={4} p="sm" component="nav" aria-label={t('nav.label')} data-testid="side-nav">
      {sections.map((section, index) => {
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
