import { Alert, Group, Kbd, Loader, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { IconInfoCircle, IconSearch, IconUserSearch } from '@tabler/icons-react';
import { useEffect, useState, type KeyboardEvent, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSearchHit, PatientSummary } from '../../../main/contract/types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { NationalRecordFetch } from './NationalRecordFetch';
import { PatientResults, resultRowId } from './PatientResults';
import type { PatientSearchView } from './use-patient-search';

const RESULTS_ID = 'patient-search-results';

export interface PatientSearchPanelProps {
  inputRef: RefObject<HTMLInputElement | null>;
  text: string;
  onTextChange(text: string): void;
  search: PatientSearchView;
  /** The selected row of the list shown. */
  selected: number;
  onSelect(index: number): void;
  onOpen(hit: PatientSearchHit): void;
  /** False while another section of the frame is on screen. */
  active: boolean;
  /** A patient fetched from the national record (no local result): open their chart. */
  onFetched(patient: PatientSummary): void;
}

function KeyboardHelp() {
  const { t } = useTranslation();
  return (
    <Group gap={6} c="dimmed" data-testid="keyboard-help">
      <Kbd size="xs">↑</Kbd>
      <Kbd size="xs">↓</Kbd>
      <Text size="xs">{t('patients.keys.move')}</Text>
      <Kbd size="xs">{t('patients.keys.enter')}</Kbd>
      <Text size="xs">{t('patients.keys.open')}</Text>
      <Kbd size="xs">{t('patients.keys.escape')}</Kbd>
      <Text size="xs">{t('patients.keys.clear')}</Text>
    </Group>
  );
}

/**
 * Before anything is typed: what may be typed. Static on purpose: the screen a doctor lands on
 * is drawn at once, with nothing arriving later to move under the cursor (or into a screenshot).
 */
function SearchHint() {
  const { t } = useTranslation();
  return (
    <Paper withBorder p="lg" radius="md" data-testid="patient-search-hint">
      <Group gap="md" wrap="nowrap" align="flex-start">
        <IconUserSearch
          size={36}
          stroke={1.3}
          aria-hidden
          color="var(--mantine-color-teal-7)"
          className="tabib-no-shrink"
        />
        <Text>{t('patients.search.hint')}</Text>
      </Group>
    </Paper>
  );
}

/**
 * When nothing matches, whether the local record holds anyone at all: before a workstation's
 * first synchronisation "no result" means "nothing here yet", not "no such patient".
 */
function EmptyRecordNote() {
  const { t } = useTranslation();
  const [empty, setEmpty] = useState(false);
  useEffect(() => {
    let current = true;
    invoke('record.status', {}).then(
      (status) => current && setEmpty(status.state === 'notCreated' || status.patients === 0),
      () => undefined, // the search's own error, if any, is already on screen
    );
    return () => {
      current = false;
    };
  }, []);
  return empty ? (
    <Text size="sm" c="dimmed" data-testid="record-empty">
      {t('patients.search.recordEmpty')}
    </Text>
  ) : null;
}

export function PatientSearchPanel({
  inputRef,
  text,
  onTextChange,
  search,
  selected,
  onSelect,
  onOpen,
  active,
  onFetched,
}: PatientSearchPanelProps) {
  const { t } = useTranslation();
  const shown = search.shown;
  const hits = shown?.result?.hits ?? [];
  const selectedHit = hits[selected];

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        if (hits.length > 0) onSelect(Math.min(selected + 1, hits.length - 1));
        break;
      case 'ArrowUp':
        event.preventDefault();
        if (hits.length > 0) onSelect(Math.max(selected - 1, 0));
        break;
      case 'Enter':
        event.preventDefault();
        // The answer to what is typed now, never a list left from a shorter prefix.
        search.whenAnswered((answer) => {
          const answerHits = answer.result?.hits ?? [];
          const hit = answerHits[answer.query === shown?.query ? selected : 0];
          if (hit) onOpen(hit);
        });
        break;
      case 'Escape':
        if (text) {
          event.preventDefault();
          onTextChange('');
        }
        break;
    }
  }

  return (
    <Stack
      maw={1100}
      data-testid="screen-patients"
      data-answered-query={shown?.query ?? ''}
      data-pending={search.pending || undefined}
    >
      <Title order={2}>{t('screens.patients.title')}</Title>
      <TextInput
        ref={inputRef}
        size="lg"
        type="search"
        role="combobox"
        aria-label={t('patients.search.label')}
        aria-expanded={hits.length > 0}
        aria-controls={RESULTS_ID}
        aria-haspopup="grid"
        aria-autocomplete="list"
        aria-activedescendant={selectedHit ? resultRowId(selectedHit.id) : undefined}
        aria-keyshortcuts="ArrowUp ArrowDown Enter Escape"
        placeholder={t('patients.search.placeholder')}
        leftSection={<IconSearch size={20} aria-hidden />}
        rightSection={
          search.pending ? <Loader size="xs" aria-label={t('patients.search.searching')} /> : null
        }
        autoComplete="off"
        spellCheck={false}
        classNames={{ input: 'tabib-patient-query' }}
        value={text}
        onChange={(event) => onTextChange(event.currentTarget.value)}
        onKeyDown={onKeyDown}
        data-testid="patient-search-input"
      />
      {!shown && !search.pending && <SearchHint />}
      {shown?.error !== null && shown?.error !== undefined && (
        <ErrorAlert error={shown.error} fieldLabels={{ query: t('patients.search.label') }} />
      )}
      {shown?.result && hits.length === 0 && (
        <Paper withBorder p="lg" radius="md" data-testid="patient-no-result">
          <Stack gap={4}>
            <Text fw={600}>{t('patients.search.noResult', { query: shown.query })}</Text>
            <Text size="sm" c="dimmed">
              {t('patients.search.noResultHint')}
            </Text>
            <EmptyRecordNote />
          </Stack>
        </Paper>
      )}
      {shown?.result && hits.length === 0 && shown.result.nationalIdentifier && (
        <NationalRecordFetch
          key={shown.result.nationalIdentifier.value}
          identifier={shown.result.nationalIdentifier}
          active={active}
          onFetched={onFetched}
        />
      )}
      {shown?.result && hits.length > 0 && (
        <Stack gap="xs">
          <Group justify="space-between">
            <Text size="sm" c="dimmed" aria-live="polite" data-testid="patient-result-count">
              {t('patients.search.resultCount', { count: hits.length })}
            </Text>
            <KeyboardHelp />
          </Group>
          {shown.result.truncated && (
            <Alert
              color="yellow"
              variant="light"
              icon={<IconInfoCircle />}
              data-testid="patient-results-truncated"
            >
              {t('patients.search.truncated', { count: hits.length })}
            </Alert>
          )}
          <Paper withBorder radius="md">
            <PatientResults
              id={RESULTS_ID}
              hits={hits}
              selected={selected}
              stale={search.pending}
              onOpen={(index) => {
                const hit = hits[index];
                if (hit) onOpen(hit);
              }}
            />
          </Paper>
        </Stack>
      )}
    </Stack>
  );
}
