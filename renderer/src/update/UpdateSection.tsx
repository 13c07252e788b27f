import { Badge, Group, Paper, Progress, ScrollArea, Table, Text, Title, Tooltip } from '@mantine/core';
import { IconLock } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UpdateLogEntry, UpdateState, UpdateStatus } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDateTime } from '../i18n/format';
import { invoke, subscribe } from '../tabib-client';

const stateColor: Record<UpdateState, string> = {
  disabled: 'gray',
  idle: 'gray',
  upToDate: 'teal',
  downloading: 'blue',
  readyToInstall: 'blue',
  awaitingConsent: 'blue',
  installing: 'blue',
  notInRollout: 'gray',
  halted: 'yellow',
  refused: 'red',
  failed: 'yellow',
};

const eventColor: Record<UpdateLogEntry['event'], string> = {
  accepted: 'blue',
  refused: 'red',
  skipped: 'gray',
  failed: 'yellow',
  keysRotated: 'grape',
  ready: 'teal',
  withdrawn: 'yellow',
  installOffered: 'blue',
  installAccepted: 'teal',
  installDeferred: 'gray',
  installed: 'teal',
};

/**
 * The Administration screen's update section: the installed version, the policy the administrator
 * set (read-only here: it comes from the machine-wide configuration), the state, the last check,
 * and the decision log, newest first. It follows `update.changed` as the driver works.
 * Versions, URLs and key ids are isolated with `<bdi dir="ltr">`: they read left to right while
 * the table follows the interface's direction (Unicode UAX #9, isolates).
 */
export function UpdateSection() {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [error, setError] = useState<unknown>(null);

  const load = useCallback(async () => {
    try {
      setStatus(await invoke('update.status', {}));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, []);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
    return subscribe('update.changed', () => void load());
  }, [load]);

  const when = (iso: string) => formatDateTime(iso, config.language, config.country);
  const entryText = (entry: UpdateLogEntry) =>
    entry.reason ? t(`update.reason.${entry.reason}`) : t(`update.eventDetail.${entry.event}`);

  if (error !== null) return <ErrorAlert error={error} onRetry={() => void load()} />;
  if (!status) return null;
  const policy = status.policy;
  const window = policy.maintenanceWindow;

  return (
    <Paper withBorder p="md" radius="md" data-testid="update-section" data-state={status.state}>
      <Group justify="space-between" mb="sm">
        <Group gap="sm">
          <Title order={4}>{t('update.title')}</Title>
          <Badge color={stateColor[status.state]} variant="light" data-testid="update-state">
            {t(`update.state.${status.state}`)}
          </Badge>
        </Group>
        {policy.configured && (
          <Tooltip label={t('update.policyLocked')}>
            <Badge color="gray" variant="outline" leftSection={<IconLock size={12} />}>
              {t('admin.locked')}
            </Badge>
          </Tooltip>
        )}
      </Group>
      {!policy.configured && (
        <Text size="sm" c="dimmed" mb="sm">
          {t('update.notConfigured')}
        </Text>
      )}
      <Table variant="vertical" withRowBorders={false} data-testid="update-policy">
        <Table.Tbody>
          <Table.Tr>
            <Table.Th w={200}>{t('update.installedVersion')}</Table.Th>
            <Table.Td>
              <bdi dir="ltr">{status.installedVersion}</bdi>
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('update.channel')}</Table.Th>
            <Table.Td>{t(`update.channels.${policy.channel}`)}</Table.Td>
          </Table.Tr>
          {policy.url && (
            <Table.Tr>
              <Table.Th>{t('update.server')}</Table.Th>
              <Table.Td className="tabib-facts">
                <bdi dir="ltr">{policy.url}</bdi>
              </Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Th>{t('update.schedule')}</Table.Th>
            <Table.Td>
              {t('update.every', { count: policy.checkIntervalHours })}
              {' · '}
              {window ? t('update.window', { start: window.start, end: window.end }) : t('update.atRestart')}
            </Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('update.lastCheck')}</Table.Th>
            <Table.Td data-testid="update-last-check">
              {status.lastCheck
                ? `${when(status.lastCheck.at)} — ${entryText(status.lastCheck)}`
                : t('update.never')}
            </Table.Td>
          </Table.Tr>
          {status.ready && (
            <Table.Tr>
              <Table.Th>{t('update.ready')}</Table.Th>
              <Table.Td>{t('update.readyValue', { version: status.ready.version })}</Table.Td>
            </Table.Tr>
          )}
          {status.progress && (
            <Table.Tr>
              <Table.Th>{t('update.progress')}</Table.Th>
              <Table.Td>
                <Progress value={status.progress.percent} aria-label={t('update.progress')} />
              </Table.Td>
            </Table.Tr>
          )}
          <Table.Tr>
            <Table.Th>{t('update.rollout')}</Table.Th>
            <Table.Td>{t('update.rolloutValue', { bucket: status.rolloutBucket.toFixed(1) })}</Table.Td>
          </Table.Tr>
          <Table.Tr>
            <Table.Th>{t('update.keys')}</Table.Th>
            <Table.Td className="tabib-facts">
              {status.trustedKeys.keyIds.length > 0 ? (
                <>
                  {t('update.keysValue', { version: status.trustedKeys.version })}{' '}
                  <Text span dir="ltr" ff="monospace" size="sm">
                    {status.trustedKeys.keyIds.join(' ')}
                  </Text>
                </>
              ) : (
                t('update.noKeys')
              )}
            </Table.Td>
          </Table.Tr>
        </Table.Tbody>
      </Table>
      <Title order={5} mt="md" mb="xs">
        {t('update.history')}
      </Title>
      {status.history.length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('update.noHistory')}
        </Text>
      ) : (
        <ScrollArea.Autosize mah={320}>
          <Table data-testid="update-history" striped>
            <Table.Tbody>
              {status.history.map((entry) => (
                <Table.Tr
                  key={`${entry.at}-${entry.event}`}
                  data-event={entry.event}
                  data-reason={entry.reason ?? ''}
                >
                  <Table.Td w={170}>
                    <Text size="sm">{when(entry.at)}</Text>
                  </Table.Td>
                  <Table.Td w={150}>
                    <Badge color={eventColor[entry.event]} variant="light">
                      {t(`update.event.${entry.event}`)}
                    </Badge>
                  </Table.Td>
                  <Table.Td w={90}>
                    <bdi dir="ltr">{entry.version ?? ''}</bdi>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{entryText(entry)}</Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollArea.Autosize>
      )}
    </Paper>
  );
}
