import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, HealthCheck, HealthReport, HealthStatus } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { BreakGlassReview } from '../auth/BreakGlassReview';
import { useCan } from '../auth/session-context';
import { UsersSection } from '../auth/UsersSection';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatBytes, formatDateTime } from '../i18n/format';
import { invoke } from '../tabib-client';
import { UpdateSection } from '../update/UpdateSection';

const statusColor: Record<HealthStatus, string> = { ok: 'teal', warning: 'yellow', error: 'red' };

function StatusBadge({ status }: { status: HealthStatus }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="light">
      {t(`health.status.${status}`)}
    </Badge>
  );
}

export function AdministrationScreen() {
  const { t } = useTranslation();
  const { config } = useConfig();
  const can = useCan();
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [report, setReport] = useState<HealthReport | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const check = useCallback(async () => {
    setBusy(true);
    setError(null);
    try {
      const [nextInfo, nextReport] = await Promise.all([invoke('app.info', {}), invoke('app.health', {})]);
      setInfo(nextInfo);
      setReport(nextReport);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void check();
  }, [check]);

  const factsOf = (item: HealthCheck): string =>
    Object.entries(item.facts)
      .filter(([, value]) => typeof value === 'string' || typeof value === 'number')
      .map(([key, value]) =>
        key.endsWith('Bytes') && typeof value === 'number'
          ? formatBytes(value, config.language, config.country)
          : String(value),
      )
      .join(' · ');

  const modeLabel = {
    demo: t('admin.modeDemo'),
    national: t('admin.modeNational'),
    unconfigured: t('admin.modeUnconfigured'),
  }[config.mode];

  return (
    <Stack maw={980} data-testid="screen-administration">
      <Title order={2}>{t('screens.administration.title')}</Title>
      <Text>{t('screens.administration.description')}</Text>
      {error !== null && <ErrorAlert error={error} onRetry={() => void check()} />}
      <Paper withBorder p="md" radius="md">
        <Title order={4} mb="sm">
          {t('admin.about')}
        </Title>
        {info ? (
          <Table variant="vertical" withRowBorders={false} data-testid="app-info">
            <Table.Tbody>
              <Table.Tr>
                <Table.Th w={200}>{t('admin.version')}</Table.Th>
                <Table.Td>{info.version}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('admin.mode')}</Table.Th>
                <Table.Td>{modeLabel}</Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('admin.runtime')}</Table.Th>
                <Table.Td dir="ltr">
                  {[
                    `Node ${info.runtime.node}`,
                    info.runtime.electron && `Electron ${info.runtime.electron}`,
                    `${info.runtime.platform}/${info.runtime.arch}`,
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('admin.dataFolder')}</Table.Th>
                <Table.Td dir="ltr" className="tabib-facts">
                  {info.dataDir}
                </Table.Td>
              </Table.Tr>
              <Table.Tr>
                <Table.Th>{t('admin.serviceThread')}</Table.Th>
                <Table.Td data-testid="service-thread">
                  {info.serviceThread.isMainThread
                    ? t('admin.serviceThreadMain')
                    : t('admin.serviceThreadValue', { id: info.serviceThread.threadId })}
                </Table.Td>
              </Table.Tr>
            </Table.Tbody>
          </Table>
        ) : (
          <Loader size="sm" />
        )}
      </Paper>
      <Paper withBorder p="md" radius="md">
        <Group justify="space-between" mb="sm">
          <Group gap="sm">
            <Title order={4}>{t('admin.health')}</Title>
            {report && <StatusBadge status={report.status} />}
          </Group>
          <Button
            variant="light"
            leftSection={<IconRefresh size={16} />}
            loading={busy}
            onClick={() => void check()}
          >
            {t('admin.refresh')}
          </Button>
        </Group>
        {report && (
          <>
            <Text size="sm" c="dimmed" mb="sm">
              {t('admin.checkedAt', {
                date: formatDateTime(report.checkedAt, config.language, config.country),
              })}
            </Text>
            <Table data-testid="health-checks">
              <Table.Tbody>
                {report.checks.map((item) => (
                  <Table.Tr key={item.id} data-check={item.id} data-status={item.status}>
                    <Table.Td w={120}>
                      <StatusBadge status={item.status} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" fw={600}>
                        {t(`health.check.${item.id}`)}
                      </Text>
                      <Text size="sm">{t(`health.reason.${item.id}.${item.reason}`)}</Text>
                      <Text size="xs" c="dimmed" dir="ltr" className="tabib-facts">
                        {factsOf(item)}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </>
        )}
      </Paper>
      {can('users.manage') && <UsersSection />}
      {can('audit.read') && <BreakGlassReview />}
      <UpdateSection />
    </Stack>
  );
}
