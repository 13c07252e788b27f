import { Badge, Button, Group, Kbd, Loader, Paper, Stack, Text, UnstyledButton } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconNotes } from '@tabler/icons-react';
import { memo, useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TimelineEntry, TimelineKind } from '../../../main/contract/chart-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { conceptText, formatShortDate } from './chart-format';
import type { ChartTabProps } from './chart-tab';

const PAGE = 30;

const kindColor: Record<TimelineKind, string> = {
  visit: 'teal',
  problem: 'grape',
  allergy: 'red',
  immunization: 'blue',
  referral: 'indigo',
  document: 'gray',
  report: 'cyan',
  imaging: 'violet',
  appointment: 'yellow',
};

type Pages =
  | { status: 'loading' }
  | { status: 'ready'; entries: TimelineEntry[]; next: string | null; more: boolean }
  | { status: 'error'; error: unknown };

export interface TimelineTabProps extends ChartTabProps {
  /** Raised by the chart when something changed: the timeline starts again from the newest. */
  revision: number;
  onOpenVisit(encounterId: string): void;
}

/**
 * Visits and the other dated events, newest first, thirty at a time ("older", P). A visit opens
 * in the Visit tab, to read or go on writing.
 */
export function TimelineTab({ patientId, active, revision, onOpenVisit }: TimelineTabProps) {
  const { t } = useTranslation();
  const [pages, setPages] = useState<Pages>({ status: 'loading' });
  const [wanted, setWanted] = useState(active);
  if (active && !wanted) setWanted(true);

  useEffect(() => {
    if (!wanted) return;
    let current = true;
    invoke('chart.timeline', { patientId, limit: PAGE }).then(
      (page) => current && setPages({ status: 'ready', entries: page.entries, next: page.next, more: false }),
      (error: unknown) => current && setPages({ status: 'error', error }),
    );
    return () => {
      current = false;
    };
  }, [patientId, wanted, revision]);

  const more = useCallback(async () => {
    if (pages.status !== 'ready' || !pages.next || pages.more) return;
    setPages({ ...pages, more: true });
    try {
      const page = await invoke('chart.timeline', { patientId, limit: PAGE, cursor: pages.next });
      setPages({
        status: 'ready',
        entries: [...pages.entries, ...page.entries],
        next: page.next,
        more: false,
      });
    } catch (error) {
      setPages({ status: 'error', error });
    }
  }, [pages, patientId]);

  // P (plus ancien / previous): the same key on AZERTY and QWERTY, read by position for Arabic layouts.
  useHotkeys(active ? [['p', () => void more(), { usePhysicalKeys: true }]] : []);

  if (pages.status === 'loading') return <Loader aria-label={t('chart.loading')} />;
  if (pages.status === 'error') return <ErrorAlert error={pages.error} />;
  if (pages.entries.length === 0)
    return (
      <Text c="dimmed" data-testid="timeline-empty">
        {t('chart.timeline.empty')}
      </Text>
    );
  return (
    <Stack gap="xs" data-testid="timeline">
      {pages.entries.map((entry) => (
        <TimelineItem key={`${entry.resourceType}/${entry.id}`} entry={entry} onOpenVisit={onOpenVisit} />
      ))}
      {pages.next && (
        <Button
          variant="light"
          w="fit-content"
          loading={pages.more}
          onClick={() => void more()}
          rightSection={<Kbd size="xs">P</Kbd>}
          aria-keyshortcuts="P"
          data-testid="timeline-more"
        >
          {t('chart.timeline.more')}
        </Button>
      )}
    </Stack>
  );
}

const TimelineItem = memo(function TimelineItem({
  entry,
  onOpenVisit,
}: {
  entry: TimelineEntry;
  onOpenVisit(encounterId: string): void;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { language, country } = config;
  const body = (
    <Group align="flex-start" wrap="nowrap" gap="md">
      <Text size="sm" w={110} c="dimmed" className="tabib-identifier tabib-no-shrink">
        {entry.date ? formatShortDate(entry.date, language, country) : '—'}
      </Text>
      <Stack gap={4} style={{ flex: 1 }}>
        <Group gap="xs">
          <Badge size="sm" variant="light" color={kindColor[entry.kind]}>
            {t(`chart.timeline.kind.${entry.kind}`)}
          </Badge>
          <Text size="sm" fw={600} dir="auto">
            {conceptText(entry.title, language) || t(`chart.timeline.kind.${entry.kind}`)}
          </Text>
          {entry.title?.code ? (
            <Text span size="xs" c="dimmed" dir="ltr">
              {entry.title.code}
            </Text>
          ) : null}
          {entry.hasNote && <IconNotes size={16} aria-label={t('chart.timeline.hasNote')} />}
        </Group>
        {entry.diagnoses.length > 0 && (
          <Text size="xs" dir="auto">
            {t('chart.timeline.diagnoses')}:{' '}
            {entry.diagnoses.map((diagnosis) => conceptText(diagnosis, language)).join(' ; ')}
          </Text>
        )}
        {entry.medications.length > 0 && (
          <Text size="xs" c="dimmed" dir="auto">
            {t('chart.timeline.medications')}: {entry.medications.join(' ; ')}
          </Text>
        )}
        {entry.practitioner && (
          <Text size="xs" c="dimmed" dir="auto">
            {entry.practitioner}
          </Text>
        )}
      </Stack>
    </Group>
  );
  return (
    <Paper
      withBorder
      radius="sm"
      p="sm"
      data-testid="timeline-entry"
      data-kind={entry.kind}
      data-id={entry.id}
    >
      {entry.kind === 'visit' ? (
        <UnstyledButton
          w="100%"
          onClick={() => onOpenVisit(entry.id)}
          title={t('chart.timeline.openVisit')}
          className="tabib-timeline-visit"
        >
          {body}
        </UnstyledButton>
      ) : (
        body
      )}
    </Paper>
  );
});
