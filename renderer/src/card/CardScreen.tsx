import './card.css';
import { Button, Group, Kbd, Loader, Paper, Progress, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconCreditCard, IconCreditCardOff, IconPlugConnectedX, IconRefresh } from '@tabler/icons-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardReadProgress, CardReadResult, PatientSummary } from '../../../main/contract/types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { PatientChartHeader } from '../patients/PatientChartHeader';
import { invoke, subscribe } from '../tabib-client';
import { AccessKeyPanel, type CardAccessKey } from './AccessKeyPanel';
import { CardMatches } from './CardMatches';
import { IdentityCard } from './IdentityCard';
import { useCardReaders, type ReadersState } from './use-card-readers';

type ReadState =
  | { status: 'idle' }
  /** A scanned MRZ waiting for its card to be put in the reader. */
  | { status: 'waiting'; key: CardAccessKey }
  | { status: 'reading'; progress: CardReadProgress | null }
  | { status: 'done'; result: CardReadResult }
  | { status: 'error'; error: unknown };

function ReaderStatus({ state }: { state: ReadersState }) {
  const { t } = useTranslation();
  if (state.status === 'loading')
    return (
      <Group gap="sm" c="dimmed">
        <Loader size="xs" />
        <Text size="sm">{t('card.readers.loading')}</Text>
      </Group>
    );
  if (state.status === 'error') return <ErrorAlert error={state.error} />;
  const withCard = state.readers.find((reader) => reader.cardPresent);
  const [Icon, text, color, status] =
    state.readers.length === 0
      ? [IconPlugConnectedX, t('card.readers.none'), 'gray', 'none']
      : withCard
        ? [IconCreditCard, t('card.readers.cardIn', { reader: withCard.name }), 'teal', 'card']
        : [IconCreditCardOff, t('card.readers.insert'), 'blue', 'empty'];
  return (
    <Paper withBorder radius="md" p="md" data-testid="card-reader-status" data-status={status}>
      <Group gap="sm" wrap="nowrap">
        <Icon size={28} aria-hidden color={`var(--mantine-color-${color}-7)`} />
        <Stack gap={0}>
          <Text fw={600} aria-live="polite">
            {text}
          </Text>
          {state.readers.length === 0 && (
            <Text size="sm" c="dimmed">
              {t('card.readers.noneHint')}
            </Text>
          )}
        </Stack>
      </Group>
    </Paper>
  );
}

function ReadProgress({ progress }: { progress: CardReadProgress | null }) {
  const { t } = useTranslation();
  const step = progress?.step ?? 'connecting';
  const value = progress?.total ? Math.min(100, (100 * progress.done) / progress.total) : null;
  return (
    <Paper withBorder radius="md" p="lg" data-testid="card-progress" data-step={step}>
      <Stack gap="xs">
        <Text fw={600} aria-live="polite">
          {step === 'reading' && progress?.file
            ? t('card.progress.readingFile', { file: progress.file })
            : t(`card.progress.${step}`)}
        </Text>
        <Progress
          value={value ?? 100}
          animated={value === null}
          striped={value === null}
          aria-label={t('card.progress.label')}
        />
        <Text size="sm" c="dimmed">
          {t('card.progress.keepCard')}
        </Text>
      </Stack>
    </Paper>
  );
}

/**
 * Identifying a patient by their national ID card or passport: insert the card and give its
 * access key (the MRZ, scanned or typed, or the CAN) → the read's progress → the identity as the
 * chip holds it, with its verification → the patients of the record it may be, to open.
 * Nothing read is kept: leaving the screen forgets it.
 */
export function CardScreen({ active }: { active: boolean }) {
  const { t } = useTranslation();
  const [read, setRead] = useState<ReadState>({ status: 'idle' });
  const [open, setOpen] = useState<PatientSummary | null>(null);
  /** The scanned key waiting for its card, for the insertion event (which comes outside React). */
  const waitingKey = useRef<CardAccessKey | null>(null);
  const reading = read.status === 'reading';

  useEffect(() => {
    waitingKey.current = read.status === 'waiting' ? read.key : null;
  }, [read]);

  const start = useCallback((key: CardAccessKey, reader?: string) => {
    waitingKey.current = null;
    setRead({ status: 'reading', progress: null });
    invoke('card.read', { ...key, ...(reader ? { reader } : {}) }).then(
      (result) => setRead({ status: 'done', result }),
      (error: unknown) => setRead({ status: 'error', error }),
    );
  }, []);

  const onInserted = useCallback(
    (reader: string) => {
      if (waitingKey.current) start(waitingKey.current, reader);
    },
    [start],
  );
  const readers = useCardReaders(onInserted);

  useEffect(() => {
    if (!reading) return;
    return subscribe('card.progress', (progress) => setRead({ status: 'reading', progress }));
  }, [reading]);

  /** Without the chip: the MRZ's own fields, which nothing can verify. */
  const readWithoutChip = useCallback((mrz: string[]) => {
    waitingKey.current = null;
    invoke('card.readMrz', { mrz }).then(
      (result) => setRead({ status: 'done', result }),
      (error: unknown) => setRead({ status: 'error', error }),
    );
  }, []);

  const onKey = (key: CardAccessKey, scanned: boolean) => {
    const ready = readers.state.status === 'ready' ? readers.state.readers : null;
    // No card reader at this desk: the scanned or typed MRZ is all there is.
    if (ready?.length === 0 && 'mrz' in key) {
      readWithoutChip(key.mrz);
      return;
    }
    const present = ready?.some((reader) => reader.cardPresent) ?? false;
    // A scan reads at once if the card is in; otherwise it reads when the card comes.
    if (scanned && !present) {
      waitingKey.current = key;
      setRead({ status: 'waiting', key });
      return;
    }
    start(key);
  };

  const again = useCallback(() => setRead({ status: 'idle' }), []);

  useHotkeys(active && read.status === 'done' && !open ? [['Escape', again]] : []);

  if (open)
    return <PatientChartHeader key={open.id} patient={open} active={active} onBack={() => setOpen(null)} />;

  return (
    <Stack maw={1100} data-testid="screen-card" data-state={read.status}>
      <Title order={2}>{t('card.title')}</Title>
      {read.status === 'done' ? (
        <>
          <Group>
            <Button
              variant="subtle"
              leftSection={<IconRefresh size={18} aria-hidden />}
              rightSection={<Kbd size="xs">{t('patients.keys.escape')}</Kbd>}
              aria-keyshortcuts="Escape"
              onClick={again}
              data-testid="card-read-another"
            >
              {t('card.readAnother')}
            </Button>
          </Group>
          <IdentityCard report={read.result.report} />
          <CardMatches
            matches={read.result.matches}
            active={active}
            onOpen={(match) => setOpen(match.patient)}
            nationalId={read.result.report.identity.nationalId}
            onFetched={setOpen}
          />
        </>
      ) : (
        <>
          <Text>{t('card.description')}</Text>
          <ReaderStatus state={readers.state} />
          <AccessKeyPanel active={active} busy={reading} onKey={onKey} />
          {read.status === 'waiting' && (
            <Group justify="space-between" data-testid="card-waiting-insert">
              <Text c="blue.8" fw={600}>
                {t('card.waitingInsert')}
              </Text>
              {'mrz' in read.key && (
                <Button
                  variant="default"
                  onClick={() => 'mrz' in read.key && readWithoutChip(read.key.mrz)}
                  data-testid="card-without-chip"
                >
                  {t('card.withoutChip')}
                </Button>
              )}
            </Group>
          )}
          {read.status === 'reading' && <ReadProgress progress={read.progress} />}
          {read.status === 'error' && <ErrorAlert error={read.error} />}
        </>
      )}
    </Stack>
  );
}
