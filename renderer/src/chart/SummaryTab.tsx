import {
  Alert,
  Badge,
  Button,
  Group,
  Kbd,
  List,
  Loader,
  Paper,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { IconAlertTriangle, IconInfoCircle, IconVaccine } from '@tabler/icons-react';
import { memo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { ChartAlert, ChartSummary } from '../../../main/contract/chart-types';
import { useConfig } from '../app/config-context';
import type { Loaded } from '../care/use-loaded';
import { ErrorAlert } from '../errors/ErrorAlert';
import { localeTag } from '../i18n/format';
import { chartContents } from '../patients/PatientChartHeader';
import {
  conceptText,
  flagColor,
  formatShortDate,
  formatShortDateTime,
  readingText,
  inVitalOrder,
} from './chart-format';

export interface SummaryTabProps {
  state: Loaded<ChartSummary>;
  onRetry(): void;
  /** Go on with the visit in progress (the Visit tab). */
  onContinueVisit(encounterId: string): void;
  /** The key that opens the Visit tab, shown on the button. */
  visitKey: string;
  /** Open the Immunizations tab (an overdue dose), with the key that does it. */
  onImmunizations(): void;
  immunizationsKey: string;
}

/** What a doctor must see first: alerts, allergies, active problems, current medicines, last vitals, what is booked. */
/** One card of the summary: its title, then what it lists or the sentence saying there is nothing. */
function SummaryCard({
  title,
  testId,
  empty,
  children,
}: {
  title: string;
  testId: string;
  empty: string | null;
  children: ReactNode;
}) {
  return (
    <Paper withBorder radius="md" p="lg" data-testid={testId}>
      <Title order={4} mb="xs">
        {title}
      </Title>
      {empty === null ? (
        children
      ) : (
        <Text size="sm" c="dimmed">
          {empty}
        </Text>
      )}
    </Paper>
  );
}

export const SummaryTab = memo(function SummaryTab({
  state,
  onRetry,
  onContinueVisit,
  visitKey,
  onImmunizations,
  immunizationsKey,
}: SummaryTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { language, country } = config;
  if (state.status === 'loading') return <Loader aria-label={t('chart.loading')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={onRetry} />;
  const summary = state.value;
  const number = new Intl.NumberFormat(localeTag(language, country));
  const vitals = inVitalOrder(summary.vitals);
  const alerts = summary.alerts.filter((alert) => alert.kind !== 'severeAllergy');

  return (
    <Stack gap="md" data-testid="chart-summary">
      {alerts.length > 0 && (
        <Stack gap="xs" data-testid="chart-alerts">
          {alerts.map((alert, index) => (
            <AlertLine
              key={index}
              alert={alert}
              onContinueVisit={onContinueVisit}
              visitKey={visitKey}
              onImmunizations={onImmunizations}
              immunizationsKey={immunizationsKey}
            />
          ))}
        </Stack>
      )}
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <SummaryCard
          title={t('patients.chart.problems')}
          testId="chart-problems"
          empty={summary.problems.length > 0 ? null : t('patients.chart.noProblem')}
        >
          <List size="sm" spacing={4}>
            {summary.problems.map((problem) => (
              <List.Item key={problem.conditionId}>
                <span dir="auto">{conceptText(problem.concept, language)}</span>
                {problem.concept.code ? (
                  <Text span size="xs" c="dimmed" ms={6} dir="ltr">
                    {problem.concept.code}
                  </Text>
                ) : null}
                {problem.onset ? (
                  <Text span size="xs" c="dimmed" ms={6}>
                    {t('chart.summary.since', { date: formatShortDate(problem.onset, language, country) })}
                  </Text>
                ) : null}
              </List.Item>
            ))}
          </List>
        </SummaryCard>
        <SummaryCard
          title={t('chart.summary.medications')}
          testId="chart-medications"
          empty={summary.medications.length > 0 ? null : t('chart.summary.noMedication')}
        >
          <List size="sm" spacing={4}>
            {summary.medications.map((medication) => (
              <List.Item key={medication.medicationRequestId}>
                <Text span size="sm" fw={600} dir="auto">
                  {conceptText(medication.concept, language)}
                </Text>
                {medication.dosage ? (
                  <Text size="xs" c="dimmed" dir="auto">
                    {medication.dosage}
                  </Text>
                ) : null}
              </List.Item>
            ))}
          </List>
        </SummaryCard>
        <SummaryCard
          title={t('chart.summary.vitals')}
          testId="chart-vitals"
          empty={vitals.length > 0 ? null : t('chart.summary.noVitals')}
        >
          <Table verticalSpacing={2} horizontalSpacing="xs">
            <Table.Tbody>
              {vitals.map((reading) => (
                <Table.Tr key={reading.kind} data-kind={reading.kind}>
                  <Table.Td>
                    <Text size="sm">{t(`chart.vitals.kind.${reading.kind}`)}</Text>
                  </Table.Td>
                  <Table.Td>
                    <Text
                      size="sm"
                      fw={600}
                      dir="ltr"
                      className="tabib-identifier"
                      c={reading.flag ? `${flagColor[reading.flag]}.8` : undefined}
                    >
                      {readingText(reading, language, country)}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="xs" c="dimmed" className="tabib-identifier">
                      {formatShortDate(reading.date, language, country)}
                    </Text>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </SummaryCard>
        <SummaryCard
          title={t('chart.summary.appointments')}
          testId="chart-appointments"
          empty={summary.appointments.length > 0 ? null : t('chart.summary.noAppointment')}
        >
          <List size="sm" spacing={4}>
            {summary.appointments.map((appointment) => (
              <List.Item key={appointment.appointmentId}>
                <Text span size="sm" fw={600} className="tabib-identifier">
                  {formatShortDateTime(appointment.start, language, country)}
                </Text>
                <Text span size="sm" ms={6} dir="auto">
                  {appointment.description ?? conceptText(appointment.reason, language)}
                </Text>
                {appointment.with ? (
                  <Text size="xs" c="dimmed" dir="auto">
                    {appointment.with}
                  </Text>
                ) : null}
              </List.Item>
            ))}
          </List>
        </SummaryCard>
        <Paper withBorder radius="md" p="lg" data-testid="chart-last-encounter">
          <Title order={4} mb="xs">
            {t('patients.chart.lastEncounter')}
          </Title>
          <Text size="sm">
            {summary.lastVisit?.start
              ? formatShortDate(summary.lastVisit.start, language, country)
              : t('patients.chart.noEncounter')}
          </Text>
          {summary.lastVisit?.type ? (
            <Text size="xs" c="dimmed" dir="auto">
              {summary.lastVisit.type}
            </Text>
          ) : null}
        </Paper>
        <SummaryCard
          title={t('patients.chart.contents')}
          testId="chart-contents"
          empty={chartContents(summary.counts).length > 0 ? null : t('patients.chart.noContents')}
        >
          <SimpleGrid cols={2} spacing="lg" verticalSpacing={4}>
            {chartContents(summary.counts).map(([type, count]) => (
              <Group key={type} gap="xs" wrap="nowrap" justify="space-between" data-resource-type={type}>
                <Text size="sm">{t(`resourceTypes.${type}`, { defaultValue: type })}</Text>
                <Badge variant="light" color="teal" size="lg" className="tabib-count">
                  {number.format(count)}
                </Badge>
              </Group>
            ))}
          </SimpleGrid>
        </SummaryCard>
      </SimpleGrid>
    </Stack>
  );
});

function AlertLine({
  alert,
  onContinueVisit,
  visitKey,
  onImmunizations,
  immunizationsKey,
}: {
  alert: ChartAlert;
  onContinueVisit(encounterId: string): void;
  visitKey: string;
  onImmunizations(): void;
  immunizationsKey: string;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  if (alert.kind === 'openVisit')
    return (
      <Alert color="blue" variant="light" icon={<IconInfoCircle />} data-testid="alert-open-visit">
        <Group justify="space-between">
          <Text size="sm">
            {t('chart.alerts.openVisit', {
              date: alert.start ? formatShortDateTime(alert.start, config.language, config.country) : '',
            })}
          </Text>
          <Button
            size="xs"
            variant="light"
            onClick={() => onContinueVisit(alert.encounterId)}
            rightSection={<Kbd size="xs">{visitKey}</Kbd>}
          >
            {t('chart.alerts.continueVisit')}
          </Button>
        </Group>
      </Alert>
    );
  if (alert.kind === 'overdueImmunizations')
    return (
      <Alert color="orange" variant="light" icon={<IconVaccine />} data-testid="alert-immunizations">
        <Group justify="space-between" wrap="nowrap">
          <Text size="sm">
            {t('chart.alerts.overdueImmunizations', { count: alert.doses.length })}{' '}
            {alert.doses
              .map(
                (dose) =>
                  `${dose.vaccine[config.language]} (${t('chart.alerts.dose', { dose: dose.dose })}, ${formatShortDate(dose.dueDate, config.language, config.country)})`,
              )
              .join(' ; ')}
          </Text>
          <Button
            size="xs"
            variant="light"
            color="orange"
            onClick={onImmunizations}
            rightSection={<Kbd size="xs">{immunizationsKey}</Kbd>}
            className="tabib-no-shrink"
          >
            {t('chart.alerts.openImmunizations')}
          </Button>
        </Group>
      </Alert>
    );
  if (alert.kind === 'abnormalVital')
    return (
      <Alert
        color={alert.severity === 'danger' ? 'red' : 'orange'}
        variant="light"
        icon={<IconAlertTriangle />}
        data-testid="alert-vital"
        data-kind={alert.reading.kind}
      >
        <Text size="sm">
          {t(`chart.alerts.vital.${alert.reading.flag ?? 'high'}`, {
            vital: t(`chart.vitals.kind.${alert.reading.kind}`),
          })}{' '}
          <Text span inherit fw={600} dir="ltr" className="tabib-identifier">
            {readingText(alert.reading, config.language, config.country)}
          </Text>{' '}
          <Text span inherit c="dimmed">
            ({formatShortDate(alert.reading.date, config.language, config.country)})
          </Text>
        </Text>
      </Alert>
    );
  return null;
}
