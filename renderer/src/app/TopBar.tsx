import { Button, Group, Kbd, Stack, Text, Title } from '@mantine/core';
import { IconBuildingHospital, IconId } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { SessionMenu } from '../auth/SessionMenu';
import { useCan } from '../auth/session-context';
import { formatDate } from '../i18n/format';
import { SyncIndicator } from '../sync/SyncIndicator';
import { useConfig } from './config-context';
import { LanguageSwitch } from './LanguageSwitch';
import { CARD_SHORTCUT } from './sections';

function Labelled({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <Stack gap={0}>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      {children}
    </Stack>
  );
}

export function TopBar({
  cardActive,
  onReadCard,
  onOpenSync,
}: {
  cardActive: boolean;
  onReadCard: () => void;
  onOpenSync: () => void;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const can = useCan();
  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap" data-testid="top-bar">
      <Group gap="md" wrap="nowrap">
        <Title order={3} className="tabib-brand" c="teal.8">
          {t('app.name')}
        </Title>
        <Labelled label={t('topbar.facility')}>
          <Group gap={6} wrap="nowrap">
            <IconBuildingHospital size={16} aria-hidden />
            <Text size="sm" fw={600} data-testid="facility-name">
              {config.facility?.name ?? '—'}
            </Text>
          </Group>
        </Labelled>
        <SessionMenu />
      </Group>
      <Group gap="md" wrap="nowrap">
        {can('card.read') && (
          <Button
            variant={cardActive ? 'filled' : 'light'}
            leftSection={<IconId size={18} aria-hidden />}
            rightSection={<Kbd size="xs">{CARD_SHORTCUT}</Kbd>}
            aria-keyshortcuts={CARD_SHORTCUT}
            aria-pressed={cardActive}
            onClick={onReadCard}
            style={{ flexShrink: 0 }}
            data-testid="topbar-read-card"
          >
            {t('topbar.readCard')}
          </Button>
        )}
        <Labelled label={t('topbar.today')}>
          <Text size="sm" data-testid="today">
            {formatDate(new Date(), config.language, config.country)}
          </Text>
        </Labelled>
        <Labelled label={t('topbar.sync')}>
          <SyncIndicator onOpen={onOpenSync} />
        </Labelled>
        <LanguageSwitch />
      </Group>
    </Group>
  );
}
