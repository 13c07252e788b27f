import { Avatar, Button, Center, Group, Kbd, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconLock, IconLogout } from '@tabler/icons-react';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuthStatus, SessionUser } from '../../../main/contract/auth-types';
import type { Country } from '../../../main/contract/types';
import { invoke } from '../tabib-client';
import { AuthErrorAlert } from './AuthErrorAlert';

function initials(name: string): string {
  return name
    .split(/\s+/)
    .filter((word) => word.length > 1 && word !== 'Dr')
    .slice(0, 2)
    .map((word) => [...word][0]?.toUpperCase() ?? '')
    .join('');
}

/**
 * The lock screen, over the workspace (which stays mounted, hidden and inert): the signed-in
 * practitioner unlocks with their password (Enter); anyone else signs them out first. Keys typed
 * here never reach the workspace's shortcuts. It draws from auth.status alone: a locked session
 * answers nothing else.
 */
export function LockScreen({
  status,
  user,
  country,
  onChanged,
}: {
  status: AuthStatus;
  user: SessionUser;
  country: Country;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'unlock' | 'signOut' | null>(null);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    input.current?.focus();
  }, []);

  async function unlock(event: FormEvent) {
    event.preventDefault();
    setBusy('unlock');
    setError(null);
    try {
      await invoke('auth.unlock', { password });
      onChanged();
    } catch (failure) {
      setError(failure);
      setPassword('');
      setBusy(null);
      input.current?.focus();
    }
  }

  async function signOut() {
    setBusy('signOut');
    try {
      await invoke('auth.signOut', {});
    } finally {
      onChanged();
    }
  }

  return (
    <div
      className="tabib-lock-screen tabib-auth-screen"
      role="dialog"
      aria-modal="true"
      aria-labelledby="tabib-lock-title"
      data-testid="lock-screen"
      onKeyDown={(event) => event.stopPropagation()}
    >
      <Center mih="100%" p="xl">
        <Paper
          withBorder
          shadow="md"
          p="xl"
          radius="md"
          w={420}
          component="form"
          onSubmit={(event) => void unlock(event)}
        >
          <Stack align="stretch">
            <Group gap="sm">
              <IconLock aria-hidden />
              <Title order={2} size="h3" id="tabib-lock-title">
                {t('auth.lock.title')}
              </Title>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <Avatar color="teal" radius="xl" aria-hidden>
                {initials(user.displayName)}
              </Avatar>
              <Stack gap={0}>
                <Text fw={600} data-testid="lock-user">
                  {user.displayName}
                </Text>
                <Text size="sm" c="dimmed">
                  {user.roles.map((role) => t(`auth.role.${role}`)).join(' · ')}
                </Text>
              </Stack>
            </Group>
            <Text size="sm">{t('auth.lock.description', { name: user.displayName })}</Text>
            {error !== null && <AuthErrorAlert error={error} language={status.language} country={country} />}
            <PasswordInput
              ref={input}
              label={t('auth.password')}
              autoComplete="current-password"
              required
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              data-testid="unlock-password"
            />
            <Button
              type="submit"
              loading={busy === 'unlock'}
              disabled={busy !== null}
              rightSection={<Kbd size="xs">{t('auth.keys.enter')}</Kbd>}
              aria-keyshortcuts="Enter"
              data-testid="unlock-submit"
            >
              {t('auth.lock.unlock')}
            </Button>
            <Text size="xs" c="dimmed">
              {t('auth.lock.someoneElse')}
            </Text>
            <Button
              variant="default"
              leftSection={<IconLogout size={16} aria-hidden />}
              loading={busy === 'signOut'}
              disabled={busy !== null}
              onClick={() => void signOut()}
              data-testid="lock-sign-out"
            >
              {t('auth.lock.signOut', { name: user.displayName })}
            </Button>
          </Stack>
        </Paper>
      </Center>
    </div>
  );
}
