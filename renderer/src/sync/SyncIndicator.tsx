import './sync.css';
import { Badge, UnstyledButton } from '@mantine/core';
import {
  IconAlertTriangle,
  IconArrowsExchange,
  IconCloudCheck,
  IconCloudOff,
  IconCloudUpload,
  IconRefresh,
} from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { SyncProgressView, SyncStateName } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { formatDateTime } from '../i18n/format';
import { useSyncStatus } from './sync-status-context';

const stateColor: Record<SyncStateName, string> = {
  disabled: 'gray',
  syncing: 'blue',
  conflicts: 'orange',
  offline: 'yellow',
  failed: 'red',
  pending: 'yellow',
  upToDate: 'teal',
  never: 'yellow',
};

const stateIcon = {
  disabled: IconCloudOff,
  syncing: IconArrowsExchange,
  conflicts: IconAlertTriangle,
  offline: IconCloudOff,
  failed: IconAlertTriangle,
  pending: IconCloudUpload,
  upToDate: IconCloudCheck,
  never: IconRefresh,
} as const;

/** A run in progress in a few words: its phase and count when known (the indicator, the Sync page). */
export function syncingLabel(t: TFunction, progress: SyncProgressView | null): string {
  return progress && progress.total !== null && progress.total > 0
    ? t('sync.indicator.syncingCount', {
        phase: t(`sync.phase.${progress.phase}`),
        done: progress.done,
        total: progress.total,
      })
    : t('sync.indicator.syncing');
}

/**
 * The top bar's sync state in a word or two; a button to the Sync page. Its title holds the
 * localised error when the last sync failed. In a demonstration it reads as before the sync
 * existed: not connected to a national service.
 */
export function SyncIndicator({ onOpen }: { onOpen: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { status, progress } = useSyncStatus();
  const demo = config.mode === 'demo';
  const state: SyncStateName = status?.state ?? (demo ? 'disabled' : 'never');
  const Icon = stateIcon[state];

  let label: string;
  switch (state) {
    case 'disabled':
      label =
        status?.disabledReason === 'notEnrolled' ? t('sync.indicator.notEnrolled') : t('topbar.syncDemo');
      break;
    case 'syncing':
      label = syncingLabel(t, progress);
      break;
    case 'conflicts':
      label = t('sync.indicator.conflicts', { count: status?.openConflicts ?? 0 });
      break;
    case 'offline':
      label = t('sync.indicator.offline');
      break;
    case 'failed':
      label = t('sync.indicator.failed');
      break;
    case 'pending':
      label = t('sync.indicator.pending', { count: status?.pendingChanges ?? 0 });
      break;
    case 'upToDate':
      label = status?.lastSuccess
        ? t('sync.indicator.upToDate', {
            date: formatDateTime(status.lastSuccess, config.language, config.country),
          })
        : t('sync.indicator.upToDateNoDate');
      break;
    default:
      label = t('topbar.syncNever');
  }
  const error =
    status?.lastError && (state === 'offline' || state === 'failed')
      ? t(`errors.${status.lastError.code}`)
      : null;

  return (
    <UnstyledButton
      className="tabib-sync-indicator"
      onClick={onOpen}
      title={error ?? t('sync.indicator.open')}
      data-testid="sync-indicator"
      data-state={state}
    >
      <Badge
        variant="light"
        color={stateColor[state]}
        leftSection={<Icon size={12} />}
        data-testid="sync-status"
      >
        {label}
      </Badge>
    </UnstyledButton>
  );
}
