import {
  ActionIcon,
  Button,
  Group,
  NumberInput,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconPlus, IconTrash } from '@tabler/icons-react';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { LabTestDefinition, RecordedLabs } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { FormActions, FormShell, useSubmission } from './tab-controls';
import { LabFlagBadge, rangeText } from './lab-display';
import { decimalInput, labelIn } from './medication-format';

interface Row {
  key: number;
  code: string | null;
  value: number | string;
}

interface LabEntryFormProps {
  patientId: string;
  definitions: LabTestDefinition[];
  /** Today in the clinic, `YYYY-MM-DD`: no result is dated later. */
  today: string;
  onRecorded: (recorded: RecordedLabs) => void;
  onCancel: () => void;
}

/** The flag the value will get (main computes it the same way when it is saved), shown while typing. */
function previewFlag(definition: LabTestDefinition | undefined, value: number | string) {
  if (!definition || typeof value !== 'number') return null;
  const critical = definition.critical;
  if (critical?.low !== null && critical?.low !== undefined && value < critical.low) return 'LL' as const;
  if (critical?.high !== null && critical?.high !== undefined && value > critical.high) return 'HH' as const;
  if (!definition.range) return null;
  if (definition.range.low !== null && value < definition.range.low) return 'L' as const;
  if (definition.range.high !== null && value > definition.range.high) return 'H' as const;
  return 'N' as const;
}

/** Results received on paper: the sampling date, the laboratory, one row per test. */
export function LabEntryForm({ patientId, definitions, today, onRecorded, onCancel }: LabEntryFormProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [effective, setEffective] = useState(today);
  const [laboratory, setLaboratory] = useState('');
  const [rows, setRows] = useState<Row[]>([{ key: 1, code: null, value: '' }]);
  const { tried, busy, error, submit } = useSubmission();

  const byCode = useMemo(
    () => new Map(definitions.map((definition) => [definition.code, definition])),
    [definitions],
  );
  const options = useMemo(
    () =>
      definitions
        .map((definition) => ({
          value: definition.code,
          label: `${labelIn(definition.labels, config.language)} (${definition.unitDisplay})`,
        }))
        .sort((a, b) => a.label.localeCompare(b.label, config.language)),
    [definitions, config.language],
  );

  const dateProblem = !/^\d{4}-\d{2}-\d{2}$/.test(effective) ? 'date' : effective > today ? 'future' : null;
  const rowProblem = (row: Row) => {
    if (!row.code) return 'test';
    if (rows.filter((other) => other.code === row.code).length > 1) return 'twice';
    if (typeof row.value !== 'number' || row.value < 0) return 'value';
    return null;
  };
  const valid = !dateProblem && rows.length > 0 && rows.every((row) => rowProblem(row) === null);

  const update = (key: number, change: Partial<Row>) =>
    setRows((current) => current.map((row) => (row.key === key ? { ...row, ...change } : row)));

  const save = () =>
    submit(
      valid,
      () =>
        invoke('labs.record', {
          patientId,
          effective,
          ...(laboratory.trim() ? { laboratory: laboratory.trim() } : {}),
          results: rows.map((row) => ({ code: row.code as string, value: row.value as number })),
        }),
      onRecorded,
    );

  return (
    <FormShell title={t('medication.labs.entryTitle')} onSave={() => void save()} testId="lab-entry">
      <Group grow align="flex-start">
        <TextInput
          type="date"
          label={t('medication.labs.effective')}
          value={effective}
          max={today}
          onChange={(event) => setEffective(event.currentTarget.value)}
          error={dateProblem ? t(`medication.validation.${dateProblem}`) : null}
          required
          data-testid="lab-effective"
        />
        <TextInput
          label={t('medication.labs.laboratory')}
          placeholder={t('medication.labs.laboratoryPlaceholder')}
          value={laboratory}
          onChange={(event) => setLaboratory(event.currentTarget.value)}
          maxLength={200}
          data-testid="lab-laboratory"
        />
      </Group>
      {rows.map((row, index) => {
        const definition = row.code ? byCode.get(row.code) : undefined;
        const problem = rowProblem(row);
        // A row's problems show once it is touched (a test chosen or a value typed), or after saving.
        const show = tried || row.code !== null || row.value !== '';
        return (
          <Group key={row.key} align="flex-start" wrap="nowrap" data-testid="lab-row">
            <Select
              label={index === 0 ? t('medication.labs.test') : undefined}
              aria-label={t('medication.labs.test')}
              placeholder={t('medication.labs.testPlaceholder')}
              data={options}
              value={row.code}
              onChange={(code) => update(row.key, { code })}
              searchable
              nothingFoundMessage={t('medication.labs.noTest')}
              error={
                show && (problem === 'test' || problem === 'twice')
                  ? t(`medication.validation.${problem}`)
                  : null
              }
              style={{ flex: 3 }}
              autoFocus={index === rows.length - 1}
              data-testid="lab-test"
            />
            <NumberInput
              label={index === 0 ? t('medication.labs.value') : undefined}
              aria-label={t('medication.labs.value')}
              value={row.value}
              onChange={(value) => update(row.key, { value })}
              min={0}
              decimalScale={definition ? Math.max(definition.decimals, 2) : 3}
              {...decimalInput(config.language, config.country)}
              rightSection={
                definition ? (
                  <Text size="xs" c="gray.7">
                    {definition.unitDisplay}
                  </Text>
                ) : null
              }
              rightSectionWidth={90}
              error={show && problem === 'value' ? t('medication.validation.value') : null}
              style={{ flex: 2 }}
              data-testid="lab-value"
            />
            <Stack gap={2} style={{ flex: 2 }} pt={index === 0 ? 26 : 0}>
              <Text size="xs" c="gray.7">
                {definition
                  ? t('medication.labs.reference', {
                      range: rangeText(
                        definition.range ? { ...definition.range, text: null, source: 'terminology' } : null,
                        config.language,
                        config.country,
                      ),
                    })
                  : ''}
              </Text>
              <LabFlagBadge flag={previewFlag(definition, row.value)} />
            </Stack>
            <Tooltip label={t('medication.labs.removeRow')}>
              <ActionIcon
                variant="subtle"
                color="red"
                mt={index === 0 ? 26 : 0}
                onClick={() => setRows((current) => current.filter((other) => other.key !== row.key))}
                aria-label={t('medication.labs.removeRow')}
                disabled={rows.length === 1}
              >
                <IconTrash size={16} />
              </ActionIcon>
            </Tooltip>
          </Group>
        );
      })}
      <Group>
        <Button
          variant="default"
          leftSection={<IconPlus size={16} />}
          onClick={() =>
            setRows((current) => [
              ...current,
              { key: Math.max(0, ...current.map((row) => row.key)) + 1, code: null, value: '' },
            ])
          }
          data-testid="lab-add-row"
        >
          {t('medication.labs.addRow')}
        </Button>
      </Group>
      {error !== null && <ErrorAlert error={error} />}
      <FormActions
        onCancel={onCancel}
        onSave={() => void save()}
        busy={busy}
        saveLabel={t('medication.labs.save')}
        saveTestId="lab-save"
      />
    </FormShell>
  );
}
