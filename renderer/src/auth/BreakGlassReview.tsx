import { Button, Group, Loader, Paper, Table, Text, Title } from '@mantine/core';
import { IconRefresh } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BreakGlassAccess } from '../../../main/contract/auth-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDateTime } from '../i18n/format';
import { NamesInScripts, scriptsInOrder } from '../patients/PatientName';
import { invoke } from '../tabib-client';

/**
 * Administration: every opening of a chart outside the facility's list (break-the-glass), newest
 * first — when, who, which patient, and the reason they gave. From the audit trail (audit.breakGlass).
 */
export function BreakGlassReview() {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [accesses, setAccesses] = useState<BreakGlassAccess[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    setBusy(true);
    try {
      setAccesses(await invoke('audit.breakGlass', { limit: 200 }));
      setError(null);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }, []);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  return (
    <Paper withBorder p="md" radius="md" data-testid="break-glass-review">
      <Group justify="space-between" mb="sm">
        <Title order={4}>{t('auth.breakGlass.reviewTitle')}</Title>
        <Button
          variant="light"
          leftSection={<IconRefresh size={16} aria-hidden />}
          loading={busy}
          onClick={() => void load()}
        >
          {t('admin.refresh')}
        </Button>
      </Group>
      <Text size="sm" c="dimmed" mb="sm">
        {t('auth.breakGlass.reviewDescription')}
      </Text>
      {error !== null && <ErrorAlert error={error} onRetry={() => void load()} />}
      {accesses === null && error === null && <Loader size="sm" />}
      {accesses && accesses.length === 0 && (
        <Text size="sm" c="dimmed" data-testid="break-glass-none">
          {t('auth.breakGlass.none')}
        </Text>
      )}
      {accesses && accesses.length > 0 && (
        <Table data-testid="break-glass-table" verticalSpacing="xs">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('auth.breakGlass.when')}</Table.Th>
              <Table.Th>{t('auth.breakGlass.who')}</Table.Th>
              <Table.Th>{t('auth.breakGlass.patient')}</Table.Th>
              <Table.Th>{t('auth.breakGlass.reason')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {accesses.map((access) => (
              <Table.Tr key={access.id}>
                <Table.Td>
                  <Text size="sm" className="tabib-identifier">
                    {formatDateTime(access.recorded, config.language, config.country)}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" dir="auto">
                    {access.practitioner.display}
                  </Text>
                </Table.Td>
                <Table.Td>
                  {access.patient ? (
                    <Text size="sm" component="div">
                      <NamesInScripts names={scriptsInOrder(access.patient, config.language)} />
                      {access.patient.identifier && (
                        <Text size="xs" c="dimmed" dir="ltr" ta="start">
                          {access.patient.identifier.value}
                        </Text>
                      )}
                    </Text>
                  ) : (
                    <Text size="sm" c="dimmed" dir="ltr">
                      {access.patientId}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Text size="sm" dir="auto">
                    {access.reason}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Paper>
  );
}
