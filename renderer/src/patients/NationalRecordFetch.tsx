import { Button, Group, Kbd, Paper, Progress, Stack, Text } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconCloudDownload } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../../main/contract/types';
import { useSyncStatus } from '../sync/sync-status-context';
import { ErrorAlert, errorCodeOf } from '../errors/ErrorAlert';
import { invoke, subscribe } from '../tabib-client';

/** Errors the offer explains itself (`patients.national.todo.<code>`); others get the general text. */
const explained = new Set([
  'SYNC_PATIENT_NOT_FOUND',
  'SYNC_PATIENT_AMBIGUOUS',
  'SYNC_UNREACHABLE',
  'SYNC_TIMEOUT',
  'SYNC_SERVER_ERROR',
  'SYNC_UNAUTHORIZED',
  'IDENTIFIER_INVALID',
]);

type FetchState =
  | { status: 'idle' }
  | { status: 'fetching'; done: number; total: number | null }
  | { status: 'failed'; error: unknown };

export interface NationalRecordFetchProps {
  /** The identifier to ask for; without `system`, the country's national identifier. */
  identifier: { system?: string; value: string };
  /** False while another section of the frame is on screen: the shortcut must not act. */
  active: boolean;
  /** The patient is in the local record now: open their chart. */
  onFetched(patient: PatientSummary): void;
  /** The offer's button takes the focus (the card screen, where no field holds it). */
  autoFocus?: boolean;
}

function FetchFailure({ error, onRetry }: { error: unknown; onRetry(): void }) {
  const { t } = useTranslation();
  const code = errorCodeOf(error);
  return (
    <ErrorAlert
      error={error}
      title={t('patients.national.failed')}
      testId="national-fetch-error"
      explanation={(shown) =>
        explained.has(shown) ? (
          // What happened and what to do, said for a fetch (the general texts speak of the background sync).
          <Text size="sm">{t(`patients.national.todo.${shown}`)}</Text>
        ) : (
          <>
            <Text size="sm">{t(`errors.${shown}`)}</Text>
            <Text size="sm">{t('patients.national.todo.other')}</Text>
          </>
        )
      }
      {...(code !== 'SYNC_PATIENT_NOT_FOUND' && code !== 'SYNC_PATIENT_AMBIGUOUS' ? { onRetry } : {})}
    />
  );
}

/**
 * Asking the national record for a patient this workstation does not hold (issue 4, item 5): a
 * national identifier typed in the search or read from a card → `patients.fetchNational` → the
 * patient and their record in the local record, with progress → their chart. Only an enrolled
 * workstation offers it: a demonstration, or a workstation not enrolled, shows nothing here.
 */
export function NationalRecordFetch({ identifier, active, onFetched, autoFocus }: NationalRecordFetchProps) {
  const { t } = useTranslation();
  const { status } = useSyncStatus();
  const [state, setState] = useState<FetchState>({ status: 'idle' });
  const button = useRef<HTMLButtonElement>(null);
  const fetching = state.status === 'fetching';
  const enrolled = status !== null && status.state !== 'disabled';

  useEffect(() => {
    if (!fetching) return;
    return subscribe('patients.fetchProgress', ({ done, total }) =>
      setState((current) => (current.status === 'fetching' ? { status: 'fetching', done, total } : current)),
    );
  }, [fetching]);

  useEffect(() => {
    if (autoFocus && active && enrolled) button.current?.focus();
  }, [autoFocus, active, enrolled]);

  const start = useCallback(() => {
    if (fetching) return;
    setState({ status: 'fetching', done: 0, total: null });
    invoke('patients.fetchNational', identifier).then(
      ({ patient }) => {
        setState({ status: 'idle' });
        onFetched(patient);
      },
      (error: unknown) => setState({ status: 'failed', error }),
    );
  }, [fetching, identifier, onFetched]);

  // Ctrl+Enter from the search field itself (where the focus stays while typing).
  useHotkeys(active && enrolled ? [['ctrl+Enter', start]] : [], []);

  if (!enrolled) return null;

  const value =
    state.status === 'fetching' && state.total ? Math.min(100, (100 * state.done) / state.total) : null;
  return (
    <Paper
      withBorder
      radius="md"
      p="md"
      data-testid="national-fetch"
      data-state={state.status}
      data-identifier={identifier.value}
    >
      <Stack gap="sm">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm">
            {t('patients.national.offer')}{' '}
            <Text span dir="ltr" fw={600} className="tabib-identifier">
              {identifier.value}
            </Text>
          </Text>
          <Button
            ref={button}
            className="tabib-no-shrink"
            leftSection={<IconCloudDownload size={18} aria-hidden />}
            rightSection={<Kbd size="xs">{t('patients.keys.ctrlEnter')}</Kbd>}
            aria-keyshortcuts="Control+Enter"
            disabled={fetching}
            onClick={start}
            data-testid="national-fetch-start"
          >
            {t('patients.national.search')}
          </Button>
        </Group>
        {state.status === 'fetching' && (
          <Stack gap={4} data-testid="national-fetch-progress" data-done={state.done}>
            <Text size="sm" aria-live="polite">
              {state.total
                ? t('patients.national.progressOf', { done: state.done, total: state.total })
                : t('patients.national.progress', { count: state.done })}
            </Text>
            <Progress
              value={value ?? 100}
              animated={value === null}
              striped={value === null}
              aria-label={t('patients.national.progressLabel')}
            />
          </Stack>
        )}
        {state.status === 'failed' && <FetchFailure error={state.error} onRetry={start} />}
      </Stack>
    </Paper>
  );
}
