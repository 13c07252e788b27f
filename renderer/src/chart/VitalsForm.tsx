import { Button, Group, Kbd, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconHeartbeat } from '@tabler/icons-react';
import { memo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  vitalFields,
  vitalRanges,
  vitalsProblems,
  type VitalField,
  type VitalReading,
  type VitalsInput,
} from '../../../main/contract/chart-types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { ContractError, invoke } from '../tabib-client';

export interface VitalsFormProps {
  patientId: string;
  /** The visit the readings belong to; without it main links them to the patient's open visit. */
  encounterId?: string;
  onRecorded(readings: VitalReading[]): void;
  testId?: string;
}

/** A typed number, with a comma or a point as decimal separator (fr writes 37,5). */
function parseValue(text: string): number | null {
  const trimmed = text.trim().replace(',', '.');
  if (trimmed === '') return null;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : Number.NaN;
}

const emptyValues = (): Record<VitalField, string> =>
  Object.fromEntries(vitalFields.map((field) => [field, ''])) as Record<VitalField, string>;

/**
 * Vital signs as the nurse or the doctor types them: each field checked as typed against the
 * plausible ranges main enforces too (contract/chart-types.ts), the BMI computed by main from the
 * weight. Enter in any field records them.
 */
export const VitalsForm = memo(function VitalsForm({
  patientId,
  encounterId,
  onRecorded,
  testId = 'vitals-form',
}: VitalsFormProps) {
  const { t } = useTranslation();
  const [values, setValues] = useState(emptyValues);
  const [touched, setTouched] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const input: VitalsInput = {};
  let unreadable: VitalField[] = [];
  for (const field of vitalFields) {
    const value = parseValue(values[field]);
    if (value === null) continue;
    if (Number.isNaN(value)) unreadable = [...unreadable, field];
    else input[field] = value;
  }
  const problems = vitalsProblems(input);
  for (const field of unreadable) problems[field] = 'range';
  const empty = Object.keys(input).length === 0 && unreadable.length === 0;
  const serverFields =
    error instanceof ContractError && error.code === 'VITALS_IMPLAUSIBLE'
      ? ((error.details as { fields?: Partial<Record<VitalField, string>> } | undefined)?.fields ?? {})
      : {};

  const message = (field: VitalField) => {
    const problem = problems[field] ?? serverFields[field];
    if (!problem || (!touched && values[field] === '')) return null;
    if (problem === 'order') return t('chart.vitals.order');
    const range = vitalRanges[field];
    return t('chart.vitals.range', { min: range.min, max: range.max, unit: range.unit });
  };

  async function record() {
    setTouched(true);
    if (empty || Object.keys(problems).length > 0) return;
    setSaving(true);
    setError(null);
    try {
      const recorded = await invoke('chart.recordVitals', {
        patientId,
        ...(encounterId ? { encounterId } : {}),
        values: input,
      });
      setValues(emptyValues());
      setTouched(false);
      onRecorded(recorded.readings);
    } catch (caught) {
      setError(caught);
    } finally {
      setSaving(false);
    }
  }

  const field = (name: VitalField) => (
    <TextInput
      key={name}
      label={t(`chart.vitals.field.${name}`)}
      value={values[name]}
      onChange={(event) => {
        const text = event.currentTarget.value;
        setValues((current) => ({ ...current, [name]: text }));
      }}
      onBlur={() => values[name] !== '' && setTouched(true)}
      inputMode="decimal"
      dir="ltr"
      rightSection={
        <Text size="xs" c="dimmed" dir="ltr">
          {vitalRanges[name].unit}
        </Text>
      }
      rightSectionWidth={52}
      error={message(name)}
      data-testid={`vital-${name}`}
      autoComplete="off"
    />
  );

  return (
    <Stack
      gap="sm"
      data-testid={testId}
      // Enter in a field records; on the button, its own click does.
      onKeyDown={(event) => {
        if (event.key === 'Enter' && (event.target as HTMLElement).tagName === 'INPUT') void record();
      }}
    >
      <Group justify="space-between">
        <Title order={4}>{t('chart.vitals.entry')}</Title>
        <Text size="xs" c="dimmed">
          {t('chart.vitals.bmiComputed')}
        </Text>
      </Group>
      <SimpleGrid cols={{ base: 2, md: 4 }} spacing="sm" verticalSpacing="xs">
        {field('systolic')}
        {field('diastolic')}
        {field('heartRate')}
        {field('temperature')}
        {field('spo2')}
        {field('weight')}
        {field('height')}
        {field('glucose')}
      </SimpleGrid>
      {touched && empty && (
        <Text size="sm" c="red" role="alert">
          {t('chart.vitals.empty')}
        </Text>
      )}
      {error !== null && !(error instanceof ContractError && error.code === 'VITALS_IMPLAUSIBLE') && (
        <ErrorAlert error={error} />
      )}
      <Group>
        <Button
          leftSection={<IconHeartbeat size={16} aria-hidden />}
          rightSection={<Kbd size="xs">{t('chart.keys.enter')}</Kbd>}
          aria-keyshortcuts="Enter"
          loading={saving}
          onClick={() => void record()}
          data-testid={`${testId}-record`}
        >
          {t('chart.vitals.record')}
        </Button>
      </Group>
    </Stack>
  );
});
