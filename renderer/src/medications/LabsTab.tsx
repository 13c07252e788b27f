import '@mantine/charts/styles.css';
import { LineChart } from '@mantine/charts';
import { Alert, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconCheck, IconPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabChartView, LabTestView, RecordedLabs } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { useChartEscape } from '../chart/chart-escape';
import type { ChartTabProps } from '../chart/chart-tab';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { TabHeader, readableTitle } from './tab-controls';
import { LabEntryForm } from './LabEntryForm';
import { LabFlagBadge, rangeText } from './lab-display';
import { formatClinicalDate, formatNumber, labelIn } from './medication-format';

export const LAB_ENTRY_SHORTCUT = 'alt+R';

function valueText(
  test: LabTestView,
  index: number,
  language: 'fr' | 'ar' | 'en',
  country: 'MA' | 'DZ' | 'TN',
) {
  const result = test.results[index];
  if (!result) return '—';
  if (result.valueText) return result.valueText;
  if (result.value === null) return '—';
  return `${formatNumber(result.value, language, country, test.decimals)} ${result.unit ?? ''}`.trim();
}

/** A test's values over time, with its reference range as two lines. */
function LabTrend({ test }: { test: LabTestView }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const label = labelIn(test.labels, config.language);
  if (test.trend.length < 2)
    return (
      <Text size="sm" c="gray.7" data-testid="lab-trend-single">
        {t('medication.labs.trendSingle')}
      </Text>
    );
  const data = test.trend.map((point) => ({
    date: formatClinicalDate(point.at, config.language, config.country),
    value: point.value,
  }));
  const lines = [
    ...(test.range?.low !== null && test.range?.low !== undefined
      ? [{ y: test.range.low, label: t('medication.labs.low'), color: 'blue.6' }]
      : []),
    ...(test.range?.high !== null && test.range?.high !== undefined
      ? [{ y: test.range.high, label: t('medication.labs.high'), color: 'orange.6' }]
      : []),
  ];
  const values = [...test.trend.map((point) => point.value), ...lines.map((line) => line.y)];
  const spread = Math.max(...values) - Math.min(...values) || 1;
  return (
    <Stack gap={4} data-testid="lab-trend" aria-label={t('medication.labs.trendOf', { test: label })}>
      <Text size="sm" fw={600}>
        {t('medication.labs.trendOf', { test: label })}
      </Text>
      <LineChart
        h={220}
        data={data}
        dataKey="date"
        series={[{ name: 'value', label, color: 'indigo.6' }]}
        referenceLines={lines}
        unit={test.unit ? ` ${test.unit}` : undefined}
        valueFormatter={(value) => formatNumber(value, config.language, config.country, test.decimals)}
        yAxisProps={{ domain: [Math.min(...values) - spread * 0.1, Math.max(...values) + spread * 0.1] }}
        withLegend={false}
        curveType="linear"
        dir="ltr"
      />
    </Stack>
  );
}

function LabTestDetail({ test }: { test: LabTestView }) {
  const { t } = useTranslation();
  const { config } = useConfig();
  return (
    <Paper withBorder p="md" radius="md" data-testid="lab-detail" data-code={test.code}>
      <Stack gap="sm">
        <Title order={4}>{labelIn(test.labels, config.language)}</Title>
        <LabTrend test={test} />
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('medication.labs.date')}</Table.Th>
              <Table.Th>{t('medication.labs.value')}</Table.Th>
              <Table.Th>{t('medication.labs.range')}</Table.Th>
              <Table.Th>{t('medication.labs.flag')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {test.results.map((result, index) => (
              <Table.Tr key={result.observationId}>
                <Table.Td>
                  {formatClinicalDate(result.effective ?? result.issued, config.language, config.country)}
                </Table.Td>
                <Table.Td>{valueText(test, index, config.language, config.country)}</Table.Td>
                <Table.Td>{rangeText(result.range, config.language, config.country, test.decimals)}</Table.Td>
                <Table.Td>
                  <LabFlagBadge flag={result.flag} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Stack>
    </Paper>
  );
}

/** The chart's Labs tab: results by test with ranges and flags, a trend per test, entry from paper. */
export function LabsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const may = useCan();
  const canRecord = may('labs.record');
  const load = useCallback(() => invoke('chart.labs', { patientId }), [patientId]);
  const { state, reload } = useLoaded<LabChartView>(load, active);
  const [selected, setSelected] = useState<string | null>(null);
  const [entering, setEntering] = useState(false);
  const [recorded, setRecorded] = useState<RecordedLabs | null>(null);

  const open = useCallback(() => {
    setRecorded(null);
    setEntering(true);
  }, []);
  useHotkeys(active && canRecord && !entering ? [[LAB_ENTRY_SHORTCUT, open]] : [], [], true);
  useChartEscape(active && entering, () => {
    setEntering(false);
    return true;
  });

  if (state.status === 'loading') return <Loader />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const chart = state.value;
  const shown = chart.tests.find((test) => test.code === selected) ?? chart.tests[0] ?? null;

  return (
    <Stack gap="lg" data-testid="labs-tab">
      <TabHeader
        title={t('medication.labs.title')}
        action={
          canRecord && !entering
            ? {
                label: t('medication.labs.enter'),
                shortcut: t('medication.keys.labEntry'),
                icon: IconPlus,
                onClick: open,
                testId: 'lab-entry-open',
              }
            : null
        }
      />
      {recorded && (
        <Alert
          color="teal"
          styles={readableTitle}
          closeButtonLabel={t('medication.close')}
          icon={<IconCheck />}
          withCloseButton
          onClose={() => setRecorded(null)}
          data-testid="lab-recorded"
        >
          {t('medication.labs.recorded', { count: recorded.observationIds.length })}
        </Alert>
      )}
      {entering && (
        <LabEntryForm
          patientId={patientId}
          definitions={chart.definitions}
          today={chart.today}
          onCancel={() => setEntering(false)}
          onRecorded={(result) => {
            setEntering(false);
            setRecorded(result);
            reload();
            onChanged();
          }}
        />
      )}
      {chart.tests.length === 0 ? (
        <Text c="gray.7" data-testid="labs-empty">
          {t('medication.labs.empty')}
        </Text>
      ) : (
        <Table highlightOnHover data-testid="labs-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('medication.labs.test')}</Table.Th>
              <Table.Th>{t('medication.labs.latest')}</Table.Th>
              <Table.Th>{t('medication.labs.flag')}</Table.Th>
              <Table.Th>{t('medication.labs.range')}</Table.Th>
              <Table.Th>{t('medication.labs.date')}</Table.Th>
              <Table.Th>{t('medication.labs.count')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {chart.tests.map((test) => {
              const latest = test.results[0];
              const isShown = shown?.code === test.code;
              return (
                <Table.Tr
                  key={`${test.system ?? ''}|${test.code}`}
                  onClick={() => setSelected(test.code)}
                  onKeyDown={(event) => {
                    if (event.key === 'Enter' || event.key === ' ') {
                      event.preventDefault();
                      setSelected(test.code);
                    }
                  }}
                  tabIndex={0}
                  aria-current={isShown ? 'true' : undefined}
                  bg={isShown ? 'var(--mantine-primary-color-light)' : undefined}
                  style={{ cursor: 'pointer' }}
                  data-testid="lab-test-row"
                  data-code={test.code}
                >
                  <Table.Td fw={500}>{labelIn(test.labels, config.language)}</Table.Td>
                  <Table.Td>{valueText(test, 0, config.language, config.country)}</Table.Td>
                  <Table.Td>
                    <LabFlagBadge flag={latest?.flag ?? null} />
                  </Table.Td>
                  <Table.Td>{rangeText(test.range, config.language, config.country, test.decimals)}</Table.Td>
                  <Table.Td>
                    {formatClinicalDate(
                      latest?.effective ?? latest?.issued ?? null,
                      config.language,
                      config.country,
                    )}
                  </Table.Td>
                  <Table.Td>{test.results.length}</Table.Td>
                </Table.Tr>
              );
            })}
          </Table.Tbody>
        </Table>
      )}
      {shown && <LabTestDetail test={shown} />}
      {chart.reports.length > 0 && (
        <Stack gap="xs" data-testid="lab-reports">
          <Title order={4}>{t('medication.labs.reports')}</Title>
          {chart.reports.map((report) => (
            <Text size="sm" key={report.id}>
              {t('medication.labs.reportLine', {
                date: formatClinicalDate(report.effective ?? report.issued, config.language, config.country),
                laboratory: report.performer ?? t('medication.labs.unknownLaboratory'),
                count: report.observationIds.length,
              })}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
