import { ActionIcon, Group, Kbd, Stack, Text, Tooltip } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconLock, IconLogout, IconUser } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { useSession } from './session-context';

/** Locks the session from anywhere in the workspace, text fields included. */
export const LOCK_SHORTCUT = 'mod+L';

/**
 * The top bar's practitioner: who is signed in and as what, with the lock (Ctrl+L, or leave the
 * workstation: it locks itself) and sign-out buttons.
 */
export function SessionMenu() {
  const { t } = useTranslation();
  const { user, lock, signOut } = useSession();
  useHotkeys([[LOCK_SHORTCUT, () => void lock()]], []);
  const roles = user.roles.map((role) => t(`auth.role.${role}`)).join(' · ');
  return (
    <Group
      gap={6}
      wrap="nowrap"
      data-testid="session-menu"
      role="group"
      aria-label={t('topbar.practitioner')}
    >
      <IconUser size={16} aria-hidden />
      <Stack gap={0}>
        <Text size="sm" fw={600} data-testid="session-user" style={{ whiteSpace: 'nowrap' }}>
          {user.displayName}
        </Text>
        <Text size="xs" c="gray.7" data-testid="session-roles" style={{ whiteSpace: 'nowrap' }}>
          {roles}
        </Text>
      </Stack>
      <Tooltip
        label={
          <Group gap={6} wrap="nowrap">
            {t('auth.lockNow')}
            <Kbd size="xs">{t('auth.keys.lock')}</Kbd>
          </Group>
        }
      >
        <ActionIcon
          variant="subtle"
          size="lg"
          aria-label={t('auth.lockNow')}
          aria-keyshortcuts="Control+L"
          onClick={() => void lock()}
          data-testid="session-lock"
        >
          <IconLock size={18} />
        </ActionIcon>
      </Tooltip>
      <Tooltip label={t('auth.signOutNow')}>
        <ActionIcon
          variant="subtle"
          color="gray"
          size="lg"
          aria-label={t('auth.signOutNow')}
          onClick={() => void signOut()}
          data-testid="session-sign-out"
        >
          <IconLogout size={18} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}
