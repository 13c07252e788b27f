import { Group, NumberInput, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ImmunizationChartView } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { FormActions, FormShell, useSubmission } from './tab-controls';
import { labelIn } from './medication-format';

export interface DosePrefill {
  vaccine: string;
  dose: number;
}

interface ImmunizationFormProps {
  patientId: string;
  chart: ImmunizationChartView;
  prefill: DosePrefill | null;
  onRecorded: (chart: ImmunizationChartView) => void;
  onCancel: () => void;
}

/** Record a dose: given here today by default, or copied from the vaccination booklet. */
export function ImmunizationForm({ patientId, chart, prefill, onRecorded, onCancel }: ImmunizationFormProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [vaccine, setVaccine] = useState<string | null>(prefill?.vaccine ?? null);
  const [dose, setDose] = useState<number | string>(prefill?.dose ?? 1);
  const [date, setDate] = useState(chart.today);
  const [lot, setLot] = useState('');
  const [source, setSource] = useState<'administered' | 'reported'>('administered');
  const { tried, busy, error, submit } = useSubmission();

  const problems = {
    vaccine: vaccine ? null : 'vaccine',
    dose: typeof dose === 'number' && Number.isInteger(dose) && dose >= 1 && dose <= 10 ? null : 'doseNumber',
    date: !/^\d{4}-\d{2}-\d{2}$/.test(date)
      ? 'date'
      : date > chart.today
        ? 'future'
        : chart.birthDate && date < chart.birthDate
          ? 'beforeBirth'
          : null,
  };
  const message = (problem: string | null, touched: boolean) =>
    problem && (tried || touched) ? t(`medication.validation.${problem}`) : null;

  const save = () =>
    submit(
      !Object.values(problems).some(Boolean),
      () =>
        invoke('immunizations.record', {
          patientId,
          vaccine: vaccine as string,
          dose: dose as number,
          date,
          source,
          ...(lot.trim() ? { lot: lot.trim() } : {}),
        }),
      onRecorded,
    );

  return (
    <FormShell
      title={t('medication.immunizations.recordTitle')}
      onSave={() => void save()}
      testId="immunization-form"
    >
      <Group grow align="flex-start">
        <Select
          label={t('medication.immunizations.vaccine')}
          data={chart.vaccines.map((candidate) => ({
            value: candidate.id,
            label: labelIn(candidate, config.language),
          }))}
          value={vaccine}
          onChange={setVaccine}
          searchable
          required
          autoFocus
          error={message(problems.vaccine, false)}
          data-testid="immunization-vaccine"
        />
        <NumberInput
          label={t('medication.immunizations.dose')}
          value={dose}
          onChange={setDose}
          min={1}
          max={10}
          allowDecimal={false}
          required
          error={message(problems.dose, dose !== '')}
          data-testid="immunization-dose"
        />
        <TextInput
          type="date"
          label={t('medication.immunizations.date')}
          value={date}
          max={chart.today}
          min={chart.birthDate ?? undefined}
          onChange={(event) => setDate(event.currentTarget.value)}
          required
          error={message(problems.date, true)}
          data-testid="immunization-date"
        />
        <TextInput
          label={t('medication.immunizations.lot')}
          value={lot}
          onChange={(event) => setLot(event.currentTarget.value)}
          maxLength={40}
          data-testid="immunization-lot"
        />
      </Group>
      <Stack gap={4}>
        <Text size="sm" fw={500} id="immunization-source-label">
          {t('medication.immunizations.source')}
        </Text>
        <SegmentedControl
          aria-labelledby="immunization-source-label"
          value={source}
          onChange={(value) => setSource(value as typeof source)}
          data={[
            { value: 'administered', label: t('medication.immunizations.administered') },
            { value: 'reported', label: t('medication.immunizations.reported') },
          ]}
          w="fit-content"
          data-testid="immunization-source"
        />
      </Stack>
      {error !== null && <ErrorAlert error={error} />}
      <FormActions
        onCancel={onCancel}
        onSave={() => void save()}
        busy={busy}
        saveLabel={t('medication.immunizations.save')}
        saveTestId="immunization-save"
      />
    </FormShell>
  );
}
