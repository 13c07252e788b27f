import {
  ActionIcon,
  Badge,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  Select,
  Stack,
  Text,
  TextInput,
  Tooltip,
} from '@mantine/core';
import { IconAlertTriangle, IconTrash } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import { doseUnits, periodUnits } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { decimalInput, dosageSentence, drugName } from './medication-format';
import { lineItem, lineProblems, type EditorLine, type NewLine } from './prescription-lines';

interface LineProps {
  line: EditorLine;
  index: number;
  /** Show every problem, not only those of fields already typed in (after a sign attempt). */
  showAll: boolean;
  /** The gravest warning about this line's medicine, if any (shown in full above the lines). */
  warned: 'high' | 'moderate' | null;
  onChange: (line: NewLine) => void;
  onRemove: () => void;
}

/** One line of the prescription: the medicine, its presentation, dose, frequency and duration. */
export function PrescriptionLineFields({ line, index, showAll, warned, onChange, onRemove }: LineProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const warning = warned && (
    <Badge
      color={warned === 'high' ? 'red.9' : 'yellow.4'}
      variant="filled"
      autoContrast
      leftSection={<IconAlertTriangle size={12} />}
      data-testid="line-warned"
    >
      {t('medication.warnings.onLine')}
    </Badge>
  );
  const remove = (
    <Tooltip label={t('medication.editor.removeLine')}>
      <ActionIcon
        variant="subtle"
        color="red"
        onClick={onRemove}
        aria-label={t('medication.editor.removeLine')}
        data-testid="line-remove"
      >
        <IconTrash size={16} />
      </ActionIcon>
    </Tooltip>
  );

  if (line.kind === 'draft') {
    const { draft } = line;
    return (
      <Paper withBorder p="sm" radius="md" data-testid="prescription-line" data-line-kind="draft">
        <Group justify="space-between" wrap="nowrap">
          <Stack gap={2}>
            <Group gap="xs">
              <Text fw={600}>{draft.text}</Text>
              <Badge variant="outline" color="gray.8">
                {t('medication.status.draft')}
              </Badge>
              {warning}
            </Group>
            <Text size="sm" c="gray.7">
              {draft.dosage
                ? dosageSentence(draft.dosage, t, config.language, config.country)
                : (draft.dosageText ?? '')}
            </Text>
          </Stack>
          {remove}
        </Group>
      </Paper>
    );
  }

  const problems = lineProblems(line);
  const item = lineItem(line);
  const error = (field: keyof typeof problems, value: number | string) =>
    problems[field] && (showAll || value !== '') ? t(`medication.validation.${problems[field]}`) : null;
  const presentations = line.drug.presentations.map((presentation, position) => ({
    value: String(position),
    // Isolated (U+2068…U+2069): in an Arabic screen "500 mg — gélule" keeps its order.
    label: `\u2068${presentation.strength} — ${presentation.form}\u2069`,
  }));
  const id = `line-${index}`;

  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      data-testid="prescription-line"
      data-line-kind="new"
      data-atc={line.drug.atc}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs">
            <Text fw={600}>{drugName(line.drug, config.language)}</Text>
            <Badge variant="outline" color="gray.8">
              {line.drug.atc}
            </Badge>
            {warning}
          </Group>
          {remove}
        </Group>
        <Group grow align="flex-start">
          <Select
            label={t('medication.editor.presentation')}
            data={presentations}
            value={String(line.presentation)}
            onChange={(value) => value !== null && onChange({ ...line, presentation: Number(value) })}
            allowDeselect={false}
            data-testid="line-presentation"
          />
          <NumberInput
            label={t('medication.editor.dose')}
            value={line.dose}
            onChange={(value) => onChange({ ...line, dose: value })}
            min={0}
            step={0.5}
            decimalScale={2}
            {...decimalInput(config.language, config.country)}
            error={error('dose', line.dose)}
            data-testid="line-dose"
          />
          <Select
            label={t('medication.editor.unit')}
            data={doseUnits.map((unit) => ({ value: unit, label: t(`medication.unitNames.${unit}`) }))}
            value={line.unit}
            onChange={(value) => value && onChange({ ...line, unit: value as NewLine['unit'] })}
            allowDeselect={false}
            data-testid="line-unit"
          />
        </Group>
        <Group grow align="flex-start">
          <NumberInput
            label={t('medication.editor.frequency')}
            value={line.frequency}
            onChange={(value) => onChange({ ...line, frequency: value })}
            min={1}
            max={24}
            allowDecimal={false}
            error={error('frequency', line.frequency)}
            data-testid="line-frequency"
          />
          <NumberInput
            label={t('medication.editor.period')}
            value={line.period}
            onChange={(value) => onChange({ ...line, period: value })}
            min={1}
            error={error('period', line.period)}
            data-testid="line-period"
          />
          <Select
            label={t('medication.editor.periodUnit')}
            data={periodUnits.map((unit) => ({ value: unit, label: t(`medication.periodUnits.${unit}`) }))}
            value={line.periodUnit}
            onChange={(value) => value && onChange({ ...line, periodUnit: value as NewLine['periodUnit'] })}
            allowDeselect={false}
            data-testid="line-period-unit"
          />
          <NumberInput
            label={t('medication.editor.duration')}
            value={line.longTerm ? '' : line.durationDays}
            onChange={(value) => onChange({ ...line, durationDays: value })}
            min={1}
            max={365}
            allowDecimal={false}
            disabled={line.longTerm}
            error={line.longTerm ? null : error('durationDays', line.durationDays)}
            data-testid="line-duration"
          />
        </Group>
        <Group>
          <Checkbox
            id={`${id}-long-term`}
            label={t('medication.editor.longTerm')}
            checked={line.longTerm}
            onChange={(event) => onChange({ ...line, longTerm: event.currentTarget.checked })}
            data-testid="line-long-term"
          />
          <Checkbox
            id={`${id}-as-needed`}
            label={t('medication.editor.asNeeded')}
            checked={line.asNeeded}
            onChange={(event) => onChange({ ...line, asNeeded: event.currentTarget.checked })}
            data-testid="line-as-needed"
          />
        </Group>
        <TextInput
          label={t('medication.editor.instructions')}
          placeholder={t('medication.editor.instructionsPlaceholder')}
          value={line.instructions}
          onChange={(event) => onChange({ ...line, instructions: event.currentTarget.value })}
          maxLength={500}
          data-testid="line-instructions"
        />
        {item && (
          <Text size="sm" c="gray.7" data-testid="line-summary">
            {dosageSentence(item, t, config.language, config.country)}
          </Text>
        )}
      </Stack>
    </Paper>
  );
}
