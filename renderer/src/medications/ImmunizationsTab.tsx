import { Badge, Button, Group, Loader, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconVaccine } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type {
  ImmunizationChartView,
  ImmunizationDoseStatus,
  ScheduledDoseView,
} from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { useLoaded } from '../care/use-loaded';
import { useChartEscape } from '../chart/chart-escape';
import type { ChartTabProps } from '../chart/chart-tab';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { TabHeader } from './tab-controls';
import { ImmunizationForm, type DosePrefill } from './ImmunizationForm';
import { formatClinicalDate, labelIn } from './medication-format';

export const RECORD_DOSE_SHORTCUT = 'alt+V';

/**
 * Colours whose text reads at WCAG AA contrast (Mantine's default palette measured): overdue red,
 * due amber with dark text, given green, the rest grey.
 */
const statusStyle: Record<
  ImmunizationDoseStatus,
  { color: string; variant: 'filled' | 'light' | 'outline' }
> = {
  given: { color: 'teal.9', variant: 'outline' },
  due: { color: 'yellow.4', variant: 'filled' },
  overdue: { color: 'red.9', variant: 'filled' },
  upcoming: { color: 'gray.8', variant: 'light' },
  notRecorded: { color: 'gray.8', variant: 'outline' },
  unknown: { color: 'gray.8', variant: 'light' },
};

export function DoseStatusBadge({ status }: { status: ImmunizationDoseStatus }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={statusStyle[status].color}
      variant={statusStyle[status].variant}
      autoContrast
      data-testid="dose-status"
      data-status={status}
    >
      {t(`medication.immunizations.status.${status}`)}
    </Badge>
  );
}

/** "Naissance", "2 mois", "18 mois", "5 ans". */
function ageLabel(months: number, t: TFunction): string {
  if (months === 0) return t('medication.immunizations.atBirth');
  if (months % 12 === 0 && months >= 24) return t('medication.immunizations.years', { count: months / 12 });
  return t('medication.immunizations.months', { count: months });
}

/** The chart's Immunizations tab: the national schedule by age, each dose's status, recording a dose. */
export function ImmunizationsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const may = useCan();
  const canRecord = may('immunizations.record');
  const load = useCallback(() => invoke('chart.immunizations', { patientId }), [patientId]);
  const { state, reload } = useLoaded<ImmunizationChartView>(load, active);
  const [form, setForm] = useState<{ prefill: DosePrefill | null } | null>(null);

  const open = useCallback(() => setForm({ prefill: null }), []);
  useHotkeys(active && canRecord && !form ? [[RECORD_DOSE_SHORTCUT, open]] : [], [], true);
  useChartEscape(active && form !== null, () => {
    setForm(null);
    return true;
  });

  if (state.status === 'loading') return <Loader />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const chart = state.value;
  const ages = [...new Set(chart.schedule.map((dose) => dose.ageMonths))];
  const count = (status: ImmunizationDoseStatus) =>
    chart.schedule.filter((dose) => dose.status === status).length;

  return (
    <Stack gap="lg" data-testid="immunizations-tab">
      <TabHeader
        title={t('medication.immunizations.title')}
        subtitle={
          <Text size="sm" c="gray.7">
            {t(`medication.immunizations.schedule.${chart.country}`)}
            {' · '}
            {t('medication.immunizations.asOf', {
              date: formatClinicalDate(chart.today, config.language, config.country, 'long'),
            })}
          </Text>
        }
        action={
          canRecord && !form
            ? {
                label: t('medication.immunizations.record'),
                shortcut: t('medication.keys.recordDose'),
                icon: IconVaccine,
                onClick: open,
                testId: 'immunization-open',
              }
            : null
        }
      />
      <Group gap="xs" data-testid="immunization-summary">
        <DoseStatusBadge status="overdue" />
        <Text size="sm">{count('overdue')}</Text>
        <DoseStatusBadge status="due" />
        <Text size="sm">{count('due')}</Text>
        <DoseStatusBadge status="given" />
        <Text size="sm">{count('given')}</Text>
      </Group>
      {!chart.birthDate && (
        <Text c="gray.7" size="sm">
          {t('medication.immunizations.noBirthDate')}
        </Text>
      )}
      {form && (
        <ImmunizationForm
          key={form.prefill ? `${form.prefill.vaccine}-${form.prefill.dose}` : 'new'}
          patientId={patientId}
          chart={chart}
          prefill={form.prefill}
          onCancel={() => setForm(null)}
          onRecorded={() => {
            setForm(null);
            reload();
            onChanged();
          }}
        />
      )}
      {ages.map((age) => (
        <Paper withBorder radius="md" p="sm" key={age} data-testid="immunization-age" data-age={age}>
          <Stack gap="xs">
            <Title order={5}>{ageLabel(age, t)}</Title>
            <Table>
              <Table.Tbody>
                {chart.schedule
                  .filter((dose) => dose.ageMonths === age)
                  .map((dose: ScheduledDoseView) => (
                    <Table.Tr
                      key={`${dose.series}-${dose.dose}`}
                      data-testid="immunization-dose"
                      data-series={dose.series}
                      data-dose={dose.dose}
                    >
                      <Table.Td w="40%">
                        <Text size="sm" fw={500}>
                          {labelIn(dose.vaccine, config.language)}
                        </Text>
                        <Text size="xs" c="gray.7">
                          {t('medication.immunizations.doseNumber', { dose: dose.dose })}
                        </Text>
                      </Table.Td>
                      <Table.Td>
                        <DoseStatusBadge status={dose.status} />
                      </Table.Td>
                      <Table.Td>
                        <Text size="sm">
                          {dose.given
                            ? t('medication.immunizations.givenOn', {
                                date: formatClinicalDate(dose.given.date, config.language, config.country),
                              })
                            : t('medication.immunizations.dueOn', {
                                date: formatClinicalDate(dose.dueDate, config.language, config.country),
                              })}
                        </Text>
                        {dose.given?.lot && (
                          <Text size="xs" c="gray.7">
                            {t('medication.immunizations.lotNumber', { lot: dose.given.lot })}
                          </Text>
                        )}
                      </Table.Td>
                      <Table.Td ta="end">
                        {canRecord &&
                          !dose.given &&
                          (dose.status === 'due' ||
                            dose.status === 'overdue' ||
                            dose.status === 'notRecorded') && (
                            <Button
                              size="xs"
                              variant="default"
                              onClick={() =>
                                setForm({ prefill: { vaccine: dose.vaccine.id, dose: dose.dose } })
                              }
                              data-testid="immunization-record-dose"
                            >
                              {t('medication.immunizations.recordThis')}
                            </Button>
                          )}
                      </Table.Td>
                    </Table.Tr>
                  ))}
              </Table.Tbody>
            </Table>
          </Stack>
        </Paper>
      ))}
      {chart.other.length > 0 && (
        <Stack gap="xs" data-testid="immunization-other">
          <Title order={4}>{t('medication.immunizations.other')}</Title>
          {chart.other.map((given) => (
            <Text size="sm" key={given.immunizationId}>
              {given.vaccine ? labelIn(given.vaccine, config.language) : given.text}
              {' — '}
              {formatClinicalDate(given.date, config.language, config.country)}
            </Text>
          ))}
        </Stack>
      )}
    </Stack>
  );
}
