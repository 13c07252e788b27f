import { Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { sectionIcons, type Section } from '../app/sections';

/**
 * A section whose capability has not landed yet: it says what it will hold, and shows no
 * invented data.
 */
export function PlannedScreen({ section }: { section: Exclude<Section, 'patients' | 'administration'> }) {
  const { t } = useTranslation();
  const Icon = sectionIcons[section];
  return (
    <Stack maw={760} data-testid={`screen-${section}`}>
      <Title order={2}>{t(`screens.${section}.title`)}</Title>
      <Text>{t(`screens.${section}.description`)}</Text>
      <Paper withBorder p="lg" radius="md">
        <Stack align="center" gap="sm">
          <Icon size={40} stroke={1.2} aria-hidden color="var(--mantine-color-gray-6)" />
          <Text c="dimmed" ta="center">
            {t(`screens.${section}.willHold`)}
          </Text>
        </Stack>
      </Paper>
    </Stack>
  );
}
