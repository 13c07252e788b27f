import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Badge, Box, Group, Loader, Paper, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { memo, useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  vitalKinds,
  type VitalKind,
  type VitalReading,
  type VitalsSeries,
} from '../../../main/contract/chart-types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { flagColor, formatShortDate, formatShortDateTime, readingText } from './chart-format';
import type { ChartTabProps } from './chart-tab';
import { VitalsForm } from './VitalsForm';

export interface VitalsTabProps extends ChartTabProps {
  revision: number;
}

/**
 * The vital signs: the entry form (linked by main to the visit in progress, if any), the trend of
 * the chosen sign and its readings, newest first. Charts read left to right in every language.
 */
export function VitalsTab({ patientId, active, onChanged, revision }: VitalsTabProps) {
  const { t } = useTranslation();
  const can = useCan();
  const load = useCallback(
    () => invoke('chart.vitalsSeries', { patientId }),
    // The revision is a reason to load again, not an argument.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [patientId, revision],
  );
  const { state, reload } = useLoaded(load, active);
  const [chosen, setChosen] = useState<VitalKind | null>(null);
  const recorded = useCallback(() => {
    reload();
    onChanged();
  }, [reload, onChanged]);

  return (
    <Stack gap="md" data-testid="vitals-tab">
      {can('vitals.record') && (
        <Paper withBorder radius="md" p="md">
          <VitalsForm patientId={patientId} onRecorded={recorded} />
        </Paper>
      )}
      {state.status === 'loading' && <Loader aria-label={t('chart.loading')} />}
      {state.status === 'error' && <ErrorAlert error={state.error} onRetry={reload} />}
      {state.status === 'ready' && <VitalsTrends series={state.value} chosen={chosen} onChoose={setChosen} />}
    </Stack>
  );
}

const VitalsTrends = memo(function VitalsTrends({
  series,
  chosen,
  onChoose,
}: {
  series: VitalsSeries;
  chosen: VitalKind | null;
  onChoose(kind: VitalKind): void;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { language, country } = config;
  const kinds = vitalKinds.filter((kind) => series[kind].length > 0);
  const kind = chosen && series[chosen].length > 0 ? chosen : kinds[0];
  const readings = kind ? series[kind] : [];
  const data = readings.map((reading) => ({
    date: formatShortDate(reading.date, language, country),
    value: reading.value,
    ...(reading.diastolic !== undefined ? { diastolic: reading.diastolic } : {}),
  }));
  if (!kind)
    return (
      <Text c="dimmed" data-testid="vitals-empty">
        {t('chart.summary.noVitals')}
      </Text>
    );
  return (
    <Paper withBorder radius="md" p="md" data-testid="vitals-trends" data-kind={kind}>
      <Stack gap="md">
        <Group justify="space-between">
          <Title order={4}>{t('chart.vitals.trends')}</Title>
          <SegmentedControl
            size="xs"
            value={kind}
            onChange={(value) => onChoose(value as VitalKind)}
            data={kinds.map((value) => ({ value, label: t(`chart.vitals.kind.${value}`) }))}
            data-testid="vitals-kind"
          />
        </Group>
        {readings.length > 1 ? (
          <Box dir="ltr">
            <LineChart
              h={220}
              data={data}
              dataKey="date"
              curveType="linear"
              withLegend={kind === 'bloodPressure'}
              unit={` ${readings[0]?.unit ?? ''}`}
              series={
                kind === 'bloodPressure'
                  ? [
                      { name: 'value', label: t('chart.vitals.field.systolic'), color: 'red.6' },
                      { name: 'diastolic', label: t('chart.vitals.field.diastolic'), color: 'blue.6' },
                    ]
                  : [{ name: 'value', label: t(`chart.vitals.kind.${kind}`), color: 'teal.6' }]
              }
              data-testid="vitals-chart"
            />
          </Box>
        ) : (
          <Text size="sm" c="dimmed">
            {t('chart.vitals.oneReading')}
          </Text>
        )}
        <ReadingsTable readings={readings} />
      </Stack>
    </Paper>
  );
});

function ReadingsTable({ readings }: { readings: VitalReading[] }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const newestFirst = [...readings].reverse();
  return (
    <Table striped verticalSpacing={4} data-testid="vitals-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('chart.vitals.date')}</Table.Th>
          <Table.Th>{t('chart.vitals.value')}</Table.Th>
          <Table.Th>{t('chart.vitals.flag')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {newestFirst.map((reading) => (
          <Table.Tr key={reading.observationId}>
            <Table.Td className="tabib-identifier">
              {formatShortDateTime(reading.date, config.language, config.country)}
            </Table.Td>
            <Table.Td>
              <Text span size="sm" fw={600} dir="ltr" className="tabib-identifier">
                {readingText(reading, config.language, config.country)}
              </Text>
            </Table.Td>
            <Table.Td>
              {reading.flag ? (
                <Badge size="sm" color={flagColor[reading.flag]} variant="light">
                  {t(`chart.vitals.flags.${reading.flag}`)}
                </Badge>
              ) : null}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
