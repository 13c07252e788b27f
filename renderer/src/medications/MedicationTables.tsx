import { Badge, Button, Group, Kbd, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconAlertTriangle } from '@tabler/icons-react';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MedicationStatus, MedicationView } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { useChartEscape } from '../chart/chart-escape';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { useSubmission } from './tab-controls';
import { dosageSentence, formatClinicalDate } from './medication-format';

/** Outlined: the colour's text on white reads at WCAG AA contrast for each of these shades. */
const statusColor: Record<MedicationStatus, string> = {
  active: 'teal.9',
  'on-hold': 'indigo.9',
  cancelled: 'gray.8',
  completed: 'blue.9',
  'entered-in-error': 'gray.8',
  stopped: 'red.9',
  draft: 'gray.8',
  unknown: 'gray.8',
};

export function MedicationStatusBadge({ view }: { view: MedicationView }) {
  const { t } = useTranslation();
  // A course whose days are over reads as ended, whatever status it still carries.
  const ended = !view.current && (view.status === 'active' || view.status === 'on-hold');
  return (
    <Badge variant="outline" color={ended ? 'blue.9' : statusColor[view.status]}>
      {ended ? t('medication.status.ended') : t(`medication.status.${view.status}`)}
    </Badge>
  );
}

export function DosageText({ view }: { view: MedicationView }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  return (
    <>
      {view.dosage
        ? dosageSentence(view.dosage, t, config.language, config.country)
        : (view.dosageText ?? '—')}
    </>
  );
}

/** Warnings the prescriber overrode when signing, as an icon with their text. */
function Overridden({ view }: { view: MedicationView }) {
  const { t } = useTranslation();
  if (view.acknowledgedWarnings.length === 0) return null;
  return (
    <Tooltip
      multiline
      w={320}
      label={view.acknowledgedWarnings.map((warning) => warning.detail).join(' · ')}
      aria-label={t('medication.list.overridden')}
    >
      <IconAlertTriangle
        size={16}
        color="var(--mantine-color-orange-6)"
        aria-label={t('medication.list.overridden')}
      />
    </Tooltip>
  );
}

function StopForm({
  view,
  onStopped,
  onCancel,
}: {
  view: MedicationView;
  onStopped: () => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const { tried, busy, error, submit } = useSubmission();
  const stop = () =>
    submit(
      Boolean(reason.trim()),
      () => invoke('medications.stop', { id: view.id, reason: reason.trim() }),
      onStopped,
    );
  return (
    <Stack gap="xs" onKeyDown={getHotkeyHandler([['Enter', () => void stop()]])} data-testid="stop-form">
      <Group align="flex-end" wrap="nowrap">
        <TextInput
          label={t('medication.stop.reason')}
          placeholder={t('medication.stop.reasonPlaceholder')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          error={tried && !reason.trim() ? t('medication.validation.reason') : null}
          maxLength={500}
          autoFocus
          style={{ flex: 1 }}
          data-testid="stop-reason"
        />
        <Button
          color="red.9"
          onClick={() => void stop()}
          loading={busy}
          rightSection={<Kbd size="xs">{t('medication.keys.enter')}</Kbd>}
          data-testid="stop-confirm"
        >
          {t('medication.stop.confirm')}
        </Button>
        <Button
          variant="default"
          onClick={onCancel}
          rightSection={<Kbd size="xs">{t('medication.keys.escape')}</Kbd>}
        >
          {t('medication.editor.cancel')}
        </Button>
      </Group>
      {error !== null && <ErrorAlert error={error} />}
    </Stack>
  );
}

interface MedicationTableProps {
  views: MedicationView[];
  /** The tab is on screen: Escape cancels a stop being typed. */
  active: boolean;
  /** Current medicines can be stopped (medications.write). */
  canStop: boolean;
  onChanged: () => void;
  testId: string;
  empty: string;
}

/** Medicines, one row each: what, how, since when, until when, by whom; stop one with its reason. */
export function MedicationTable({ views, active, canStop, onChanged, testId, empty }: MedicationTableProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [stopping, setStopping] = useState<string | null>(null);
  useChartEscape(active && stopping !== null, () => {
    setStopping(null);
    return true;
  });
  if (views.length === 0)
    return (
      <Text size="sm" c="gray.7" data-testid={`${testId}-empty`}>
        {empty}
      </Text>
    );
  return (
    <Table striped highlightOnHover data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('medication.list.drug')}</Table.Th>
          <Table.Th>{t('medication.list.dosage')}</Table.Th>
          <Table.Th>{t('medication.list.since')}</Table.Th>
          <Table.Th>{t('medication.list.until')}</Table.Th>
          <Table.Th>{t('medication.list.prescriber')}</Table.Th>
          <Table.Th>{t('medication.list.status')}</Table.Th>
          {canStop && <Table.Th aria-label={t('medication.list.actions')} />}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {views.map((view) => (
          <Fragment key={view.id}>
            <Table.Tr data-testid="medication-row" data-atc={view.atc ?? ''}>
              <Table.Td>
                <Group gap={6} wrap="nowrap">
                  <Text size="sm" fw={500}>
                    {view.text}
                  </Text>
                  <Overridden view={view} />
                </Group>
              </Table.Td>
              <Table.Td>
                <Text size="sm">
                  <DosageText view={view} />
                </Text>
                {view.stop && (
                  <Text size="xs" c="gray.7">
                    {t('medication.stop.stoppedBecause', { reason: view.stop.reason })}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{formatClinicalDate(view.authoredOn, config.language, config.country)}</Table.Td>
              <Table.Td>
                {view.stop?.at
                  ? formatClinicalDate(view.stop.at, config.language, config.country)
                  : view.endsOn
                    ? formatClinicalDate(view.endsOn, config.language, config.country)
                    : t('medication.duration.longTerm')}
              </Table.Td>
              <Table.Td>{view.requester?.display ?? '—'}</Table.Td>
              <Table.Td>
                <MedicationStatusBadge view={view} />
              </Table.Td>
              {canStop && (
                <Table.Td>
                  {view.current && stopping !== view.id && (
                    <Button
                      size="xs"
                      variant="outline"
                      color="red.9"
                      onClick={() => setStopping(view.id)}
                      data-testid="medication-stop"
                    >
                      {t('medication.stop.action')}
                    </Button>
                  )}
                </Table.Td>
              )}
            </Table.Tr>
            {stopping === view.id && (
              <Table.Tr>
                <Table.Td colSpan={7}>
                  <StopForm
                    view={view}
                    onCancel={() => setStopping(null)}
                    onStopped={() => {
                      setStopping(null);
                      onChanged();
                    }}
                  />
                </Table.Td>
              </Table.Tr>
            )}
          </Fragment>
        ))}
      </Table.Tbody>
    </Table>
  );
}
