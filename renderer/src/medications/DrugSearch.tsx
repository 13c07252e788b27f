import { Badge, Combobox, Group, Loader, Stack, Text, TextInput, useCombobox } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { IconSearch } from '@tabler/icons-react';
import { useEffect, useRef, useState, type RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrugHit } from '../../../main/contract/medication-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { drugName, labelIn } from './medication-format';

interface DrugSearchProps {
  onPick: (drug: DrugHit) => void;
  inputRef?: RefObject<HTMLInputElement | null>;
}

type SearchState = { query: string; hits: DrugHit[] } | { query: string; error: unknown };

/**
 * The medicine field of the prescription editor: type an INN, an ATC code or a class; ↑ and ↓
 * move in the list, Enter takes the medicine, Escape closes the list.
 */
export function DrugSearch({ onPick, inputRef }: DrugSearchProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [text, setText] = useState('');
  const [query] = useDebouncedValue(text.trim(), 150);
  const [answer, setAnswer] = useState<SearchState | null>(null);
  const combobox = useCombobox({ onDropdownClose: () => combobox.resetSelectedOption() });
  const fallbackRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (!query) return;
    let current = true;
    invoke('terminology.searchDrugs', { query, limit: 12 }).then(
      (hits) => current && setAnswer({ query, hits }),
      (error: unknown) => current && setAnswer({ query, error }),
    );
    return () => {
      current = false;
    };
  }, [query]);

  const shown = answer && answer.query === query && query ? answer : null;
  const hits = shown && 'hits' in shown ? shown.hits : [];
  const searching = text.trim() !== '' && (!shown || query !== text.trim());

  // When a new answer arrives, its first medicine is the one Enter takes. Only then: the store's
  // object is new at each render, and selecting on every render would undo ↑ and ↓.
  useEffect(() => {
    if (answer && 'hits' in answer && answer.hits.length > 0) combobox.selectFirstOption();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [answer]);

  const pick = (atc: string) => {
    const hit = hits.find((candidate) => candidate.atc === atc);
    if (!hit) return;
    onPick(hit);
    setText('');
    setAnswer(null);
    combobox.closeDropdown();
  };

  return (
    <Stack gap="xs">
      <Combobox store={combobox} onOptionSubmit={pick} withinPortal={false}>
        <Combobox.Target>
          <TextInput
            ref={inputRef ?? fallbackRef}
            label={t('medication.editor.drug')}
            description={t('medication.editor.drugHelp')}
            styles={{ description: { color: 'var(--mantine-color-gray-7)' } }}
            placeholder={t('medication.editor.drugPlaceholder')}
            leftSection={<IconSearch size={16} />}
            rightSection={searching ? <Loader size="xs" /> : null}
            value={text}
            onChange={(event) => {
              setText(event.currentTarget.value);
              combobox.openDropdown();
            }}
            onFocus={() => combobox.openDropdown()}
            onBlur={() => combobox.closeDropdown()}
            data-testid="drug-search"
            data-answered={shown?.query ?? ''}
            aria-label={t('medication.editor.drug')}
          />
        </Combobox.Target>
        {text.trim() !== '' && (
          <Combobox.Dropdown>
            <Combobox.Options mah={320} style={{ overflowY: 'auto' }} data-testid="drug-options">
              {shown && hits.length === 0 && !('error' in shown) && (
                <Combobox.Empty>{t('medication.editor.noDrug')}</Combobox.Empty>
              )}
              {hits.map((hit) => {
                const chemical = hit.groups.at(-1);
                return (
                  <Combobox.Option value={hit.atc} key={hit.atc} data-testid="drug-option">
                    <Group justify="space-between" wrap="nowrap" gap="sm">
                      <Stack gap={0}>
                        <Text size="sm" fw={600}>
                          {drugName(hit, config.language)}
                        </Text>
                        {chemical && (
                          <Text size="xs" c="gray.7">
                            {labelIn(chemical, config.language)}
                          </Text>
                        )}
                      </Stack>
                      <Badge variant="outline" color="gray.8" style={{ flexShrink: 0 }}>
                        {hit.atc}
                      </Badge>
                    </Group>
                  </Combobox.Option>
                );
              })}
            </Combobox.Options>
          </Combobox.Dropdown>
        )}
      </Combobox>
      {shown && 'error' in shown && <ErrorAlert error={shown.error} />}
    </Stack>
  );
}
