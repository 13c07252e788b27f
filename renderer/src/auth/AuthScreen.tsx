import { Center, Group, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useConfig } from '../app/config-context';
import { LanguageSwitch } from '../app/LanguageSwitch';

/**
 * The page around the session's screens before a workspace exists (sign-in, first administrator):
 * the app's name, the facility, the language switch, then the screen's own content.
 */
export function AuthScreen({
  width,
  testId,
  children,
}: {
  width: number;
  testId: string;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  return (
    <Center mih="100%" p="xl" className="tabib-auth-screen" data-testid={testId}>
      <Stack w={width} gap="lg">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={1} className="tabib-brand" c="teal.8">
              {t('app.name')}
            </Title>
            <Text c="dimmed" size="sm" data-testid="auth-facility">
              {config.facility?.name ?? t('app.tagline')}
            </Text>
          </Stack>
          <LanguageSwitch />
        </Group>
        {children}
      </Stack>
    </Center>
  );
}
