import { Combobox, Group, Loader, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useCallback, useEffect, useState, type ReactNode, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { AllergenHit, Icd10Hit } from '../../../main/contract/chart-types';
import { useConfig } from '../app/config-context';
import { invoke } from '../tabib-client';

export interface TerminologySearchProps<T> {
  label: string;
  placeholder?: string;
  search(query: string): Promise<T[]>;
  keyOf(hit: T): string;
  render(hit: T): ReactNode;
  onPick(hit: T): void;
  /** Offered when nothing matches (and the text is worth keeping): the typed text as is. */
  onFreeText?: (text: string) => void;
  freeTextLabel?: (text: string) => string;
  testId: string;
  inputRef?: Ref<HTMLInputElement>;
  error?: ReactNode;
  description?: ReactNode;
}

/**
 * Type-ahead over a terminology (ICD-10, allergens): the answer to what is typed, arrows to move,
 * Enter to take the highlighted entry. Only the latest answer is shown.
 */
export function TerminologySearch<T>({
  label,
  placeholder,
  search,
  keyOf,
  render,
  onPick,
  onFreeText,
  freeTextLabel,
  testId,
  inputRef,
  error,
  description,
}: TerminologySearchProps<T>) {
  const { t } = useTranslation();
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const [text, setText] = useState('');
  const [query] = useDebouncedValue(text.trim(), 120);
  const [answer, setAnswer] = useState<{ query: string; hits: T[] } | null>(null);

  useEffect(() => {
    if (!query) return;
    let current = true;
    search(query).then(
      (hits) => current && setAnswer({ query, hits }),
      () => current && setAnswer({ query, hits: [] }),
    );
    return () => {
      current = false;
    };
  }, [query, search]);

  // Once the answer's options are drawn, the first is highlighted: Enter takes it.
  useEffect(() => {
    if (answer) combobox.selectFirstOption();
    // combobox is a new object each render; only a new answer moves the highlight.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [answer]);

  const hits = answer && answer.query === query ? answer.hits : [];
  const pending = query.length > 0 && answer?.query !== query;
  const free = onFreeText && query.length >= 2 && !pending ? query : null;

  const pick = (value: string) => {
    if (value === '\u0000free' && free) onFreeText?.(free);
    else {
      const hit = hits.find((candidate) => keyOf(candidate) === value);
      if (!hit) return;
      onPick(hit);
    }
    setText('');
    setAnswer(null);
    combobox.closeDropdown();
  };

  return (
    <Combobox store={combobox} onOptionSubmit={pick} withinPortal={false}>
      <Combobox.Target>
        <TextInput
          ref={inputRef}
          label={label}
          placeholder={placeholder}
          description={description}
          error={error}
          value={text}
          leftSection={pending ? <Loader size={14} /> : <IconSearch size={16} aria-hidden />}
          onChange={(event) => {
            setText(event.currentTarget.value);
            combobox.openDropdown();
          }}
          onFocus={() => combobox.openDropdown()}
          onBlur={() => combobox.closeDropdown()}
          className="tabib-typed"
          data-testid={testId}
          data-answered={answer?.query ?? ''}
          autoComplete="off"
        />
      </Combobox.Target>
      <Combobox.Dropdown hidden={query.length === 0} data-testid={`${testId}-results`}>
        <Combobox.Options mah={320} style={{ overflowY: 'auto' }}>
          {hits.map((hit) => (
            <Combobox.Option value={keyOf(hit)} key={keyOf(hit)} data-value={keyOf(hit)}>
              {render(hit)}
            </Combobox.Option>
          ))}
          {free && (
            <Combobox.Option value={'\u0000free'} data-value="free-text">
              <Text size="sm" fs="italic" dir="auto">
                {freeTextLabel?.(free) ?? free}
              </Text>
            </Combobox.Option>
          )}
          {hits.length === 0 && !free && !pending && (
            <Combobox.Empty>{t('chart.search.none')}</Combobox.Empty>
          )}
        </Combobox.Options>
      </Combobox.Dropdown>
    </Combobox>
  );
}

/** An ICD-10 search in the interface's language (labels in fr, ar, en; codes typed as is). */
export function Icd10Search(props: Omit<TerminologySearchProps<Icd10Hit>, 'search' | 'keyOf' | 'render'>) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const language = config.language;
  const search = useCallback(
    (query: string) => invoke('terminology.searchIcd10', { query, limit: 12, language }),
    [language],
  );
  return (
    <TerminologySearch<Icd10Hit>
      description={t('chart.icd10.source')}
      {...props}
      search={search}
      keyOf={(hit) => hit.code}
      render={(hit) => (
        <Group gap="sm" wrap="nowrap">
          <Text size="sm" fw={600} dir="ltr" className="tabib-code">
            {hit.code}
          </Text>
          <Text size="sm">{hit.labels[language]}</Text>
        </Group>
      )}
    />
  );
}

export function AllergenSearch(
  props: Omit<TerminologySearchProps<AllergenHit>, 'search' | 'keyOf' | 'render'>,
) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const language = config.language;
  const search = useCallback(
    (query: string) => invoke('terminology.searchAllergens', { query, limit: 12, language }),
    [language],
  );
  return (
    <TerminologySearch<AllergenHit>
      {...props}
      search={search}
      keyOf={(hit) => `${hit.system}|${hit.code}`}
      render={(hit) => (
        <Group gap="sm" wrap="nowrap" justify="space-between">
          <Text size="sm">{hit.labels[language] ?? hit.labels.fr}</Text>
          <Text size="xs" c="dimmed">
            {t(`chart.allergies.kind.${hit.kind}`)}
            {hit.system.includes('atc') ? (
              <Text span inherit dir="ltr" ms={6}>
                {hit.code}
              </Text>
            ) : null}
          </Text>
        </Group>
      )}
    />
  );
}
