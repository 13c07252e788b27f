import {
  ActionIcon,
  Badge,
  Button,
  Group,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { IconPencil, IconX } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  allergyCategories,
  allergyCriticalities,
  allergyStatuses,
  allergyVerifications,
  reactionSeverities,
  type AllergyCategory,
  type AllergyCriticality,
  type AllergyStatus,
  type AllergyVerification,
  type AllergyView,
  type ReactionSeverity,
} from '../../../main/contract/chart-types';
import type { ChartConcept } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { useCan } from '../auth/session-context';
import { invoke } from '../tabib-client';
import { conceptText, formatShortDate, localToday } from './chart-format';
import { EditableList, EntryForm, useEditableList, useEntrySave, type ListNames } from './EditableList';
import type { ChartTabProps } from './chart-tab';
import { AllergenSearch, Icd10Search } from './TerminologySearch';

type Substance =
  { system: string; code: string; concept: ChartConcept; category: AllergyCategory } | { text: string };

const names: ListNames = { list: 'allergies', item: 'allergy' };

interface Draft {
  allergyId?: string;
  version?: number;
  substance: Substance | null;
  category: AllergyCategory | null;
  criticality: AllergyCriticality;
  clinicalStatus: AllergyStatus;
  verificationStatus: AllergyVerification;
  reactions: ChartConcept[];
  severity: ReactionSeverity | null;
  onset: string;
  note: string;
}

const newDraft = (): Draft => ({
  substance: null,
  category: null,
  criticality: 'low',
  clinicalStatus: 'active',
  verificationStatus: 'confirmed',
  reactions: [],
  severity: null,
  onset: '',
  note: '',
});

function draftOf(allergy: AllergyView): Draft {
  const { substance } = allergy;
  return {
    allergyId: allergy.allergyId,
    version: allergy.version,
    substance:
      substance.system && substance.code
        ? {
            system: substance.system,
            code: substance.code,
            concept: substance,
            category: allergy.category ?? 'medication',
          }
        : { text: substance.text },
    category: allergy.category,
    criticality: allergy.criticality ?? 'low',
    clinicalStatus: allergy.clinicalStatus ?? 'active',
    verificationStatus: allergy.verificationStatus ?? 'confirmed',
    reactions: allergy.reactions,
    severity: allergy.severity,
    onset: allergy.onset?.slice(0, 10) ?? '',
    note: allergy.note ?? '',
  };
}

/** Allergies and intolerances: active ones first; add (N), change, mark resolved or refuted. */
export function AllergiesTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const writable = useCan()('allergies.write');
  const load = useCallback(() => invoke('chart.allergies', { patientId }), [patientId]);
  const list = useEditableList<AllergyView, Draft>(load, active, onChanged);
  const { draft, setDraft, saved } = list;

  return (
    <EditableList
      list={list}
      names={names}
      active={active}
      writable={writable}
      onNew={() => setDraft(newDraft())}
      form={
        draft && (
          <AllergyForm
            patientId={patientId}
            draft={draft}
            active={active}
            onCancel={() => setDraft(null)}
            onSaved={saved}
          />
        )
      }
      empty={t('patients.chart.noAllergy')}
      headers={[
        t('chart.allergies.substance'),
        t('chart.allergies.criticality'),
        t('chart.allergies.reactions'),
        t('chart.allergies.status'),
      ]}
      row={(allergy) => (
        <Table.Tr
          key={allergy.allergyId}
          data-allergy-id={allergy.allergyId}
          data-status={allergy.clinicalStatus}
        >
          <Table.Td>
            <Text size="sm" fw={600} dir="auto">
              {conceptText(allergy.substance, config.language)}
            </Text>
            <Text size="xs" c="dimmed">
              {allergy.category ? t(`chart.allergies.categories.${allergy.category}`) : ''}
              {allergy.onset ? ` · ${formatShortDate(allergy.onset, config.language, config.country)}` : ''}
            </Text>
          </Table.Td>
          <Table.Td>
            {allergy.criticality && (
              <Badge
                color={allergy.criticality === 'high' ? 'red' : 'gray'}
                variant={allergy.criticality === 'high' ? 'filled' : 'light'}
              >
                {t(`chart.allergies.criticalities.${allergy.criticality}`)}
              </Badge>
            )}
          </Table.Td>
          <Table.Td>
            <Text size="sm" dir="auto">
              {allergy.reactions.map((reaction) => conceptText(reaction, config.language)).join(' ; ') || '—'}
            </Text>
            {allergy.severity && (
              <Text size="xs" c="dimmed">
                {t(`chart.allergies.severities.${allergy.severity}`)}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            {allergy.clinicalStatus && (
              <Badge variant="light" color={allergy.clinicalStatus === 'active' ? 'red' : 'gray'}>
                {t(`chart.allergies.statuses.${allergy.clinicalStatus}`)}
              </Badge>
            )}
            {allergy.verificationStatus && allergy.verificationStatus !== 'confirmed' && (
              <Text size="xs" c="dimmed">
                {t(`chart.allergies.verifications.${allergy.verificationStatus}`)}
              </Text>
            )}
          </Table.Td>
          <Table.Td>
            <Button
              hidden={!writable}
              size="xs"
              variant="subtle"
              leftSection={<IconPencil size={14} />}
              onClick={() => setDraft(draftOf(allergy))}
            >
              {t('chart.allergies.edit')}
            </Button>
          </Table.Td>
        </Table.Tr>
      )}
    />
  );
}

function AllergyForm({
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
  const textSubstance = draft.substance !== null && 'text' in draft.substance;
  const onsetError = draft.onset && draft.onset > today ? t('chart.dates.future') : null;

  const substance = draft.substance;
  const save = () =>
    void submit(
      !!substance && !(textSubstance && !draft.category) && !onsetError,
      () =>
        invoke('chart.saveAllergy', {
          patientId,
          ...(draft.allergyId ? { allergyId: draft.allergyId, version: draft.version } : {}),
          substance:
            !substance || 'text' in substance
              ? { text: substance?.text ?? '' }
              : { system: substance.system, code: substance.code },
          ...(substance && 'text' in substance && draft.category ? { category: draft.category } : {}),
          criticality: draft.criticality,
          clinicalStatus: draft.clinicalStatus,
          verificationStatus: draft.verificationStatus,
          reactions: draft.reactions.map((reaction) =>
            reaction.code ? { code: reaction.code } : { text: reaction.text },
          ),
          ...(draft.severity ? { severity: draft.severity } : {}),
          onset: draft.onset || null,
          note: draft.note.trim() || null,
        }),
      onSaved,
    );

  const substanceLabel =
    draft.substance === null
      ? null
      : 'text' in draft.substance
        ? draft.substance.text
        : conceptText(draft.substance.concept, config.language);

  return (
    <EntryForm names={names} active={active} saving={saving} error={error} onSave={save} onCancel={onCancel}>
      {substanceLabel !== null ? (
        <Group gap="sm">
          <Text fw={600} dir="auto" data-testid="allergy-substance">
            {substanceLabel}
          </Text>
          <Button size="xs" variant="subtle" onClick={() => setDraft({ ...draft, substance: null })}>
            {t('chart.allergies.changeSubstance')}
          </Button>
        </Group>
      ) : (
        <AllergenSearch
          label={t('chart.allergies.substance')}
          placeholder={t('chart.allergies.substancePlaceholder')}
          onPick={(hit) =>
            setDraft({
              ...draft,
              substance: {
                system: hit.system,
                code: hit.code,
                category: hit.category,
                concept: { text: hit.labels.fr, code: hit.code, labels: hit.labels },
              },
              category: hit.category,
            })
          }
          onFreeText={(text) => setDraft({ ...draft, substance: { text }, category: null })}
          freeTextLabel={(text) => t('chart.allergies.asText', { text })}
          testId="allergy-search"
          error={tried ? t('chart.allergies.substanceRequired') : undefined}
        />
      )}
      {textSubstance && (
        <Select
          label={t('chart.allergies.category')}
          data={allergyCategories.map((value) => ({
            value,
            label: t(`chart.allergies.categories.${value}`),
          }))}
          value={draft.category}
          onChange={(value) => setDraft({ ...draft, category: value as AllergyCategory | null })}
          error={tried && !draft.category ? t('chart.allergies.categoryRequired') : null}
          data-testid="allergy-category"
        />
      )}
      <Group grow align="flex-start">
        <Stack gap={4}>
          <Text size="sm" fw={500}>
            {t('chart.allergies.criticality')}
          </Text>
          <SegmentedControl
            value={draft.criticality}
            onChange={(value) => setDraft({ ...draft, criticality: value as AllergyCriticality })}
            data={allergyCriticalities.map((value) => ({
              value,
              label: t(`chart.allergies.criticalities.${value}`),
            }))}
            data-testid="allergy-criticality"
          />
        </Stack>
        <Select
          label={t('chart.allergies.status')}
          data={allergyStatuses.map((value) => ({ value, label: t(`chart.allergies.statuses.${value}`) }))}
          value={draft.clinicalStatus}
          onChange={(value) => value && setDraft({ ...draft, clinicalStatus: value as AllergyStatus })}
          allowDeselect={false}
        />
        <Select
          label={t('chart.allergies.verification')}
          data={allergyVerifications.map((value) => ({
            value,
            label: t(`chart.allergies.verifications.${value}`),
          }))}
          value={draft.verificationStatus}
          onChange={(value) =>
            value && setDraft({ ...draft, verificationStatus: value as AllergyVerification })
          }
          allowDeselect={false}
        />
      </Group>
      <Stack gap={4}>
        <Text size="sm" fw={500}>
          {t('chart.allergies.reactions')}
        </Text>
        <Group gap="xs">
          {draft.reactions.map((reaction, index) => (
            <Badge
              key={`${reaction.code ?? reaction.text}-${index}`}
              variant="light"
              tt="none"
              rightSection={
                <ActionIcon
                  size="xs"
                  variant="transparent"
                  aria-label={t('chart.allergies.removeReaction')}
                  onClick={() =>
                    setDraft({ ...draft, reactions: draft.reactions.filter((_, other) => other !== index) })
                  }
                >
                  <IconX size={12} />
                </ActionIcon>
              }
            >
              <span dir="auto">{conceptText(reaction, config.language)}</span>
            </Badge>
          ))}
        </Group>
        <Icd10Search
          label={t('chart.allergies.addReaction')}
          placeholder={t('chart.icd10.placeholder')}
          onPick={(hit) =>
            setDraft({
              ...draft,
              reactions: [...draft.reactions, { text: hit.labels.fr, code: hit.code, labels: hit.labels }],
            })
          }
          onFreeText={(text) =>
            setDraft({ ...draft, reactions: [...draft.reactions, { text, code: null, labels: {} }] })
          }
          freeTextLabel={(text) => t('chart.allergies.asText', { text })}
          testId="reaction-search"
        />
      </Stack>
      <Group grow align="flex-start">
        <Select
          label={t('chart.allergies.severity')}
          data={reactionSeverities.map((value) => ({
            value,
            label: t(`chart.allergies.severities.${value}`),
          }))}
          value={draft.severity}
          onChange={(value) => setDraft({ ...draft, severity: value as ReactionSeverity | null })}
          clearable
        />
        <TextInput
          type="date"
          label={t('chart.allergies.onset')}
          value={draft.onset}
          max={today}
          onChange={(event) => setDraft({ ...draft, onset: event.currentTarget.value })}
          error={onsetError}
        />
      </Group>
      <Textarea
        label={t('chart.allergies.note')}
        value={draft.note}
        onChange={(event) => setDraft({ ...draft, note: event.currentTarget.value })}
        autosize
        minRows={1}
        dir="auto"
      />
    </EntryForm>
  );
}
