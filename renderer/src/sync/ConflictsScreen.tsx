import './sync.css';
import { Alert, Badge, Button, Group, Loader, Paper, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { IconArrowBack, IconCheck } from '@tabler/icons-react';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConflictChoice, SyncConflictView } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { formatDateTime } from '../i18n/format';
import { PatientName } from '../patients/PatientName';
import { invoke } from '../tabib-client';
import { compareResources, mergeResources } from './resource-fields';
import { useSyncStatus } from './sync-status-context';

function Value({ text, deleted }: { text: string | null; deleted: boolean }) {
  const { t } = useTranslation();
  if (deleted)
    return (
      <Text size="sm" className="tabib-conflict-absent">
        {t('sync.conflicts.deleted')}
      </Text>
    );
  if (text === null || text === '')
    return (
      <Text size="sm" className="tabib-conflict-absent">
        {t('sync.conflicts.absent')}
      </Text>
    );
  return (
    <Text size="sm" className="tabib-conflict-value">
      <bdi>{text}</bdi>
    </Text>
  );
}

/**
 * One conflict: both versions side by side, field by field, the differing fields marked (colour
 * and a badge); keep this workstation's version, the national record's, or choose per differing
 * field and merge. Every choice is a radio group and every action a button: all by keyboard.
 */
function ConflictCard({ conflict, onResolved }: { conflict: SyncConflictView; onResolved: () => void }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const rows = useMemo(() => compareResources(conflict.local, conflict.remote), [conflict]);
  const differing = rows.filter((row) => row.differs);
  const [choices, setChoices] = useState<Record<string, 'local' | 'remote'>>({});
  const [busy, setBusy] = useState<ConflictChoice | null>(null);
  const [error, setError] = useState<unknown>(null);
  const canMerge = conflict.local !== null && conflict.remote !== null && differing.length > 0;
  const choiceOf = (field: string) => choices[field] ?? 'local';

  const resolve = async (choice: ConflictChoice) => {
    setBusy(choice);
    setError(null);
    try {
      await invoke('sync.resolveConflict', {
        seq: conflict.seq,
        choice,
        ...(choice === 'merged' && conflict.local && conflict.remote
          ? {
              merged: mergeResources(
                conflict.local,
                conflict.remote,
                Object.fromEntries(differing.map((row) => [row.field, choiceOf(row.field)])),
              ) as unknown as { resourceType: string; id: string },
            }
          : {}),
      });
      onResolved();
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(null);
    }
  };

  const patient = conflict.patient;
  const typeLabel = t(`resourceTypes.${conflict.resourceType}`, { defaultValue: conflict.resourceType });
  const titleId = `conflict-${conflict.seq}-title`;

  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="section"
      aria-labelledby={titleId}
      data-testid="sync-conflict"
      data-seq={conflict.seq}
    >
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Stack gap={2}>
            <Title order={4} id={titleId}>
              {conflict.resourceType === 'Patient' ? t('sync.conflicts.patientRecord') : typeLabel}
            </Title>
            {patient && (
              <Group gap="xs">
                <Text size="sm" c="dimmed">
                  {t('sync.conflicts.patient')}
                </Text>
                {patient.latin && <PatientName name={patient.latin} script="latin" size="sm" fw={600} />}
                {patient.arabic && <PatientName name={patient.arabic} script="arabic" size="sm" fw={600} />}
              </Group>
            )}
            <Text size="sm" c="dimmed">
              {t('sync.conflicts.detected', {
                date: formatDateTime(conflict.detected, config.language, config.country),
              })}
              {' · '}
              {t(`sync.conflicts.cause.${conflict.cause}`)}
            </Text>
          </Stack>
          <Badge color="orange" variant="light">
            {t('sync.conflicts.differences', { count: differing.length })}
          </Badge>
        </Group>
        {error !== null && <ErrorAlert error={error} />}
        <Table withTableBorder withColumnBorders data-testid="conflict-comparison">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={180}>{t('sync.conflicts.field')}</Table.Th>
              <Table.Th>{t('sync.conflicts.local')}</Table.Th>
              <Table.Th>{t('sync.conflicts.remote')}</Table.Th>
              {canMerge && <Table.Th w={220}>{t('sync.conflicts.keep')}</Table.Th>}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((row) => (
              <Table.Tr
                key={row.field}
                className={row.differs ? 'tabib-conflict-differs' : undefined}
                data-field={row.field}
                data-differs={row.differs ? 'true' : 'false'}
              >
                <Table.Td>
                  <Stack gap={2}>
                    <Text size="sm" fw={600}>
                      {t(`sync.fields.${row.field}`, { defaultValue: row.field })}
                    </Text>
                    {row.differs && (
                      <Badge size="xs" color="yellow" variant="filled" w="fit-content">
                        {t('sync.conflicts.differs')}
                      </Badge>
                    )}
                  </Stack>
                </Table.Td>
                <Table.Td data-side="local">
                  <Value text={row.local} deleted={conflict.local === null} />
                </Table.Td>
                <Table.Td data-side="remote">
                  <Value text={row.remote} deleted={conflict.remote === null} />
                </Table.Td>
                {canMerge && (
                  <Table.Td>
                    {row.differs && (
                      <Radio.Group
                        value={choiceOf(row.field)}
                        onChange={(value) =>
                          setChoices((current) => ({ ...current, [row.field]: value as 'local' | 'remote' }))
                        }
                        aria-label={t('sync.conflicts.keepField', {
                          field: t(`sync.fields.${row.field}`, { defaultValue: row.field }),
                        })}
                      >
                        <Stack gap={4}>
                          <Radio
                            value="local"
                            label={t('sync.conflicts.local')}
                            data-testid={`merge-${row.field}-local`}
                          />
                          <Radio
                            value="remote"
                            label={t('sync.conflicts.remote')}
                            data-testid={`merge-${row.field}-remote`}
                          />
                        </Stack>
                      </Radio.Group>
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group gap="sm">
          <Button
            variant="light"
            loading={busy === 'local'}
            disabled={busy !== null}
            onClick={() => void resolve('local')}
            data-testid="conflict-keep-local"
          >
            {t('sync.conflicts.keepLocal')}
          </Button>
          <Button
            variant="light"
            loading={busy === 'remote'}
            disabled={busy !== null}
            onClick={() => void resolve('remote')}
            data-testid="conflict-keep-remote"
          >
            {t('sync.conflicts.keepRemote')}
          </Button>
          {canMerge && (
            <Button
              loading={busy === 'merged'}
              disabled={busy !== null}
              onClick={() => void resolve('merged')}
              data-testid="conflict-merge"
            >
              {t('sync.conflicts.merge')}
            </Button>
          )}
        </Group>
      </Stack>
    </Paper>
  );
}

/** The conflicts between this workstation and the national record, open ones, for a clinician to resolve. */
export function ConflictsScreen({ onBack }: { onBack: () => void }) {
  const { t } = useTranslation();
  const { reload: reloadStatus } = useSyncStatus();
  const [conflicts, setConflicts] = useState<SyncConflictView[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [resolvedCount, setResolvedCount] = useState(0);

  const load = useCallback(async () => {
    try {
      setConflicts(await invoke('sync.conflicts', { status: 'open' }));
      setError(null);
    } catch (failure) {
      setError(failure);
    }
  }, []);

  useEffect(() => {
    // Loading from the services (an external system); state is set when the answer arrives.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    void load();
  }, [load]);

  const resolved = () => {
    setResolvedCount((count) => count + 1);
    void load();
    void reloadStatus();
  };

  return (
    <Stack maw={1100} data-testid="screen-conflicts">
      <Group justify="space-between">
        <Title order={2}>{t('sync.conflicts.title')}</Title>
        <Button
          variant="subtle"
          leftSection={<IconArrowBack size={16} aria-hidden />}
          onClick={onBack}
          data-testid="conflicts-back"
        >
          {t('sync.conflicts.back')}
        </Button>
      </Group>
      <Text>{t('sync.conflicts.description')}</Text>
      {error !== null && <ErrorAlert error={error} onRetry={() => void load()} />}
      {resolvedCount > 0 && (
        <Alert
          color="teal"
          variant="light"
          icon={<IconCheck />}
          role="status"
          data-testid="conflict-resolved"
        >
          {t('sync.conflicts.resolved', { count: resolvedCount })}
        </Alert>
      )}
      {conflicts === null ? (
        <Loader size="sm" />
      ) : conflicts.length === 0 ? (
        <Text c="dimmed" data-testid="conflicts-none">
          {t('sync.conflicts.none')}
        </Text>
      ) : (
        conflicts.map((conflict) => (
          <ConflictCard key={conflict.seq} conflict={conflict} onResolved={resolved} />
        ))
      )}
    </Stack>
  );
}
