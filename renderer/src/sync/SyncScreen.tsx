import './sync.css';
import {
  Alert,
  Badge,
  Button,
  Group,
  Loader,
  Paper,
  Progress,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconRefresh } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SyncRunView } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDateTime } from '../i18n/format';
import { invoke } from '../tabib-client';
import { syncingLabel } from './SyncIndicator';
import { useSyncStatus } from './sync-status-context';

const outcomeColor: Record<SyncRunView['outcome'], string> = {
  ok: 'teal',
  failed: 'red',
  interrupted: 'yellow',
  running: 'blue',
};

/**
 * The Sync page: where the workstation stands with the national record (last success and attempt,
 * changes waiting, conflicts, the last error in the user's language), "sync now", and the history
 * of runs, newest first. Reached from the top bar's indicator.
 */
export function SyncScreen({ onOpenConflicts }: { onOpenConflicts: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { status, progress, error, reload } = useSyncStatus();
  const [runError, setRunError] = useState<unknown>(null);
  const [asking, setAsking] = useState(false);
  const when = (iso: string | null) =>
    iso ? formatDateTime(iso, config.language, config.country) : t('sync.never');

  const runNow = async () => {
    setAsking(true);
    setRunError(null);
    try {
      await invoke('sync.runNow', {});
    } catch (failure) {
      setRunError(failure);
    } finally {
      setAsking(false);
      await reload();
    }
  };

  if (error !== null && !status) return <ErrorAlert error={error} onRetry={() => void reload()} />;
  if (!status) return <Loader size="sm" />;
  const disabled = status.state === 'disabled';
  const running = status.running || asking;

  return (
    <Stack maw={980} data-testid="screen-sync" data-state={status.state}>
      <Title order={2}>{t('sync.title')}</Title>
      <Text>{t('sync.description')}</Text>
      {disabled && (
        <Alert color="gray" variant="light" data-testid="sync-disabled">
          {status.disabledReason === 'demo' ? t('sync.disabledDemo') : t('sync.disabledNotEnrolled')}
        </Alert>
      )}
      {runError !== null && <ErrorAlert error={runError} />}
      {!disabled && (
        <Paper withBorder p="md" radius="md">
          <Group justify="space-between" mb="sm">
            <Title order={4}>{t('sync.state')}</Title>
            <Button
              leftSection={<IconRefresh size={16} aria-hidden />}
              loading={running}
              onClick={() => void runNow()}
              data-testid="sync-run-now"
            >
              {t('sync.runNow')}
            </Button>
          </Group>
          {running && (
            <Stack gap={4} mb="sm" data-testid="sync-progress">
              <Text size="sm">{syncingLabel(t, progress)}</Text>
              <Progress
                value={progress?.total ? (100 * progress.done) / progress.total : 100}
                striped
                animated={false}
                aria-label={t('sync.title')}
              />
            </Stack>
          )}
          <Table variant="vertical" withRowBorders={false} data-testid="sync-facts">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={260}>{t('sync.lastSuccess')}</Table.Th>
                <Table.Td data-testid="sync-last-success">{when(status.lastSuccess)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('sync.lastAttempt')}</Table.Th>
                <Table.Td>{when(status.lastAttempt)}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('sync.pendingChanges')}</Table.Th>
                <Table.Td data-testid="sync-pending">{status.pendingChanges}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('sync.openConflicts')}</Table.Th>
                <Table.Td>
                  <Group gap="sm">
                    <Text size="sm" data-testid="sync-conflict-count">
                      {status.openConflicts}
                    </Text>
                    {status.openConflicts > 0 && (
                      <Button
                        size="compact-sm"
                        variant="light"
                        color="orange"
                        leftSection={<IconAlertTriangle size={14} aria-hidden />}
                        onClick={onOpenConflicts}
                        data-testid="sync-open-conflicts"
                      >
                        {t('sync.viewConflicts')}
                      </Button>
                    )}
                  </Group>
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('sync.nextRun')}</Table.Th>
                <Table.Td>{status.nextRun ? when(status.nextRun) : t('sync.notScheduled')}</Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
          {status.lastError && (
            <Alert
              mt="sm"
              color={status.state === 'offline' ? 'yellow' : 'red'}
              variant="light"
              icon={<IconAlertTriangle />}
              title={t('sync.lastError', { date: when(status.lastError.at) })}
              data-testid="sync-last-error"
              data-error-code={status.lastError.code}
            >
              {t(`errors.${status.lastError.code}`)}
            </Alert>
          )}
        </Paper>
      )}
      <Paper withBorder p="md" radius="md">
        <Title order={4} mb="sm">
          {t('sync.history')}
        </Title>
        {status.history.length === 0 ? (
          <Text size="sm" c="dimmed" data-testid="sync-history-empty">
            {t('sync.historyEmpty')}
          </Text>
        ) : (
          <Table data-testid="sync-history">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('sync.column.started')}</Table.Th>
                <Table.Th>{t('sync.column.trigger')}</Table.Th>
                <Table.Th>{t('sync.column.outcome')}</Table.Th>
                <Table.Th>{t('sync.column.pushed')}</Table.Th>
                <Table.Th>{t('sync.column.pulled')}</Table.Th>
                <Table.Th>{t('sync.column.conflicts')}</Table.Th>
                <Table.Th>{t('sync.column.error')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {status.history.map((run) => (
                <Table.Tr key={run.seq} data-seq={run.seq} data-outcome={run.outcome}>
                  <Table.Td className="tabib-nowrap">{when(run.started)}</Table.Td>
                  <Table.Td>{t(`sync.trigger.${run.trigger}`)}</Table.Td>
                  <Table.Td className="tabib-sync-outcome">
                    <Badge variant="light" color={outcomeColor[run.outcome]}>
                      {t(`sync.outcome.${run.outcome}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{run.pushed}</Table.Td>
                  <Table.Td>{run.pulled}</Table.Td>
                  <Table.Td>{run.conflicts}</Table.Td>
                  <Table.Td>{run.error ? t(`errors.${run.error.code}`) : ''}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Paper>
    </Stack>
  );
}
