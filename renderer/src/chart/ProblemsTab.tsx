import { Badge, Button, Group, Select, Table, Text, Textarea, TextInput } from '@mantine/core';
import { IconCheck, IconPencil } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { problemStatuses, type ProblemStatus, type ProblemView } from '../../../main/contract/chart-types';
import type { ChartConcept } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { ContractError, invoke } from '../tabib-client';
import { conceptText, formatShortDate, localToday } from './chart-format';
import { EditableList, EntryForm, useEditableList, useEntrySave, type ListNames } from './EditableList';
import type { ChartTabProps } from './chart-tab';
import { Icd10Search } from './TerminologySearch';

const statusColor: Record<ProblemStatus, string> = {
  active: 'red',
  recurrence: 'red',
  relapse: 'red',
  inactive: 'gray',
  remission: 'teal',
  resolved: 'gray',
};
const ended = new Set<ProblemStatus>(['inactive', 'remission', 'resolved']);

const names: ListNames = { list: 'problems', item: 'problem' };

interface Draft {
  conditionId?: string;
  version?: number;
  concept: ChartConcept | null;
  clinicalStatus: ProblemStatus;
  onset: string;
  abatement: string;
  note: string;
}

const newDraft = (): Draft => ({
  concept: null,
  clinicalStatus: 'active',
  onset: '',
  abatement: '',
  note: '',
});
const draftOf = (problem: ProblemView): Draft => ({
  conditionId: problem.conditionId,
  version: problem.version,
  concept: problem.concept,
  clinicalStatus: problem.clinicalStatus ?? 'active',
  onset: problem.onset?.slice(0, 10) ?? '',
  abatement: problem.abatement?.slice(0, 10) ?? '',
  note: problem.note ?? '',
});

/** The problem list: ICD-10 coded, active first; add (N), change, resolve. */
export function ProblemsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const writable = useCan()('problems.write');
  const load = useCallback(() => invoke('chart.problems', { patientId }), [patientId]);
  const list = useEditableList<ProblemView, Draft>(load, active, onChanged);
  const { draft, setDraft, saved } = list;
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);

  async function resolve(problem: ProblemView) {
    if (!problem.concept.code) return;
    setBusy(problem.conditionId);
    setError(null);
    try {
      await invoke('chart.saveProblem', {
        patientId,
        conditionId: problem.conditionId,
        version: problem.version,
        code: problem.concept.code,
        clinicalStatus: 'resolved',
      });
      saved();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(null);
    }
  }

  return (
    <EditableList
      list={list}
      names={names}
      active={active}
      writable={writable}
      onNew={() => setDraft(newDraft())}
      form={
        draft && (
          <ProblemForm
            patientId={patientId}
            draft={draft}
            active={active}
            onCancel={() => setDraft(null)}
            onSaved={saved}
          />
        )
      }
      notice={error !== null && <ErrorAlert error={error} />}
      empty={t('patients.chart.noProblem')}
      headers={[
        t('chart.problems.problem'),
        t('chart.problems.status'),
        t('chart.problems.onset'),
        t('chart.problems.abatement'),
      ]}
      row={(problem) => (
        <Table.Tr
          key={problem.conditionId}
          data-condition-id={problem.conditionId}
          data-status={problem.clinicalStatus}
        >
          <Table.Td>
            <Text size="sm" dir="auto">
              {conceptText(problem.concept, config.language)}
            </Text>
            {problem.concept.code && (
              <Text size="xs" c="dimmed" dir="ltr" ta="start">
                {problem.concept.code}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            {problem.clinicalStatus && (
              <Badge variant="light" color={statusColor[problem.clinicalStatus]}>
                {t(`chart.problems.statuses.${problem.clinicalStatus}`)}
              </Badge>
            )}
          </Table.Td>
          <Table.Td className="tabib-identifier">
            {problem.onset ? formatShortDate(problem.onset, config.language, config.country) : '—'}
          </Table.Td>
          <Table.Td className="tabib-identifier">
            {problem.abatement ? formatShortDate(problem.abatement, config.language, config.country) : '—'}
          </Table.Td>
          <Table.Td>
            <Group gap={4} justify="flex-end" wrap="nowrap" hidden={!writable}>
              <Button
                size="xs"
                variant="subtle"
                leftSection={<IconPencil size={14} />}
                onClick={() => setDraft(draftOf(problem))}
              >
                {t('chart.problems.edit')}
              </Button>
              {problem.clinicalStatus && !ended.has(problem.clinicalStatus) && (
                <Button
                  size="xs"
                  variant="light"
                  leftSection={<IconCheck size={14} />}
                  loading={busy === problem.conditionId}
                  onClick={() => void resolve(problem)}
                  data-testid="problem-resolve"
                >
                  {t('chart.problems.resolve')}
                </Button>
              )}
            </Group>
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}

function ProblemForm({
  patientId,
  draft: initial,
  active,
  onCancel,
  onSaved,
}: {
  patientId: string;
  draft: Draft;
  active: boolean;
  onCancel(): void;
  onSaved(): void;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [draft, setDraft] = useState(initial);
  const { tried, saving, error, save: submit } = useEntrySave();
  const today = localToday();
  const dateError = (value: string) => (value && value > today ? t('chart.dates.future') : null);
  const orderError =
    draft.onset && draft.abatement && ended.has(draft.clinicalStatus) && draft.abatement < draft.onset
      ? t('chart.dates.order')
      : null;
  const serverField =
    error instanceof ContractError && error.code === 'CHART_DATE_INVALID'
      ? (error.details as { field?: string } | undefined)?.field
      : undefined;

  const save = () =>
    void submit(
      !!draft.concept?.code && !dateError(draft.onset) && !dateError(draft.abatement) && !orderError,
      () =>
        invoke('chart.saveProblem', {
          patientId,
          ...(draft.conditionId ? { conditionId: draft.conditionId, version: draft.version } : {}),
          code: draft.concept?.code ?? '',
          clinicalStatus: draft.clinicalStatus,
          onset: draft.onset || null,
          ...(ended.has(draft.clinicalStatus) ? { abatement: draft.abatement || null } : {}),
          note: draft.note.trim() || null,
        }),
      onSaved,
    );

  return (
    <EntryForm names={names} active={active} saving={saving} error={error} onSave={save} onCancel={onCancel}>
      {draft.concept ? (
        <Group gap="sm">
          <Text fw={600} dir="auto">
            {conceptText(draft.concept, config.language)}
          </Text>
          <Text size="sm" c="dimmed" dir="ltr">
            {draft.concept.code}
          </Text>
          <Button size="xs" variant="subtle" onClick={() => setDraft({ ...draft, concept: null })}>
            {t('chart.problems.changeCode')}
          </Button>
        </Group>
      ) : (
        <Icd10Search
          label={t('chart.problems.problem')}
          placeholder={t('chart.icd10.placeholder')}
          onPick={(hit) =>
            setDraft({ ...draft, concept: { text: hit.labels.fr, code: hit.code, labels: hit.labels } })
          }
          testId="problem-search"
          error={tried ? t('chart.problems.codeRequired') : undefined}
        />
      )}
      <Group grow align="flex-start">
        <Select
          label={t('chart.problems.status')}
          data={problemStatuses.map((value) => ({ value, label: t(`chart.problems.statuses.${value}`) }))}
          value={draft.clinicalStatus}
          onChange={(value) => value && setDraft({ ...draft, clinicalStatus: value as ProblemStatus })}
          allowDeselect={false}
          data-testid="problem-status"
        />
        <TextInput
          type="date"
          label={t('chart.problems.onset')}
          value={draft.onset}
          max={today}
          onChange={(event) => setDraft({ ...draft, onset: event.currentTarget.value })}
          error={dateError(draft.onset) ?? (serverField === 'onset' ? t('errors.CHART_DATE_INVALID') : null)}
          data-testid="problem-onset"
        />
        {ended.has(draft.clinicalStatus) && (
          <TextInput
            type="date"
            label={t('chart.problems.abatement')}
            description={t('chart.problems.abatementDefault')}
            value={draft.abatement}
            max={today}
            onChange={(event) => setDraft({ ...draft, abatement: event.currentTarget.value })}
            error={
              dateError(draft.abatement) ??
              orderError ??
              (serverField === 'abatement' ? t('errors.CHART_DATE_INVALID') : null)
            }
            data-testid="problem-abatement"
          />
        )}
      </Group>
      <Textarea
        label={t('chart.problems.note')}
        value={draft.note}
        onChange={(event) => setDraft({ ...draft, note: event.currentTarget.value })}
        autosize
        minRows={1}
        dir="auto"
      />
    </EntryForm>
  );
}
