import { Badge, Group, Stack, Table, Text } from '@mantine/core';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSearchHit } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ageOn, formatAge, formatBirthDate, useToday } from './age';
import { PatientName, scriptsInOrder } from './PatientName';

export const resultRowId = (patientId: string) => `patient-result-${patientId}`;

export interface PatientResultsProps {
  id: string;
  hits: PatientSearchHit[];
  selected: number;
  /** The list belongs to an earlier query while the answer to the field's text is on its way. */
  stale: boolean;
  onOpen(index: number): void;
}

/**
 * The search's results as a grid the search field controls (WAI-ARIA 1.2 combobox with a grid
 * popup): focus stays in the field, ArrowUp/ArrowDown move `aria-selected`, Enter opens.
 */
export function PatientResults({ id, hits, selected, stale, onOpen }: PatientResultsProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const today = useToday();
  const body = useRef<HTMLTableSectionElement>(null);

  useEffect(() => {
    body.current?.children[selected]?.scrollIntoView({ block: 'nearest' });
  }, [selected, hits]);

  return (
    <Table
      id={id}
      role="grid"
      aria-label={t('patients.results.label')}
      aria-busy={stale}
      highlightOnHover
      verticalSpacing="xs"
      className="tabib-patient-results"
      data-stale={stale || undefined}
      data-testid="patient-results"
    >
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('patients.column.name')}</Table.Th>
          <Table.Th>{t('patients.column.identifier')}</Table.Th>
          <Table.Th>{t('patients.column.birthDate')}</Table.Th>
          <Table.Th>{t('patients.column.sex')}</Table.Th>
          <Table.Th>{t('patients.column.phone')}</Table.Th>
          <Table.Th>{t('patients.column.matchedOn')}</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody ref={body}>
        {hits.map((hit, index) => {
          const names = scriptsInOrder(hit, config.language);
          const age = hit.birthDate ? ageOn(hit.birthDate, today) : null;
          return (
            <Table.Tr
              key={hit.id}
              id={resultRowId(hit.id)}
              aria-selected={index === selected}
              data-selected={index === selected || undefined}
              data-patient-id={hit.id}
              onClick={() => onOpen(index)}
            >
              <Table.Td role="gridcell">
                {/* flex-start: each name shrinks to its text, so an Arabic name sits at the cell's start too. */}
                <Stack gap={0} align="flex-start">
                  {names.map(({ script, name }, position) => (
                    <PatientName
                      key={script}
                      name={name}
                      script={script}
                      size="sm"
                      fw={position === 0 ? 600 : 400}
                      c={position === 0 ? undefined : 'dark.4'}
                    />
                  ))}
                  {names.length === 0 && <Text c="dimmed">{t('patients.noName')}</Text>}
                </Stack>
              </Table.Td>
              <Table.Td role="gridcell">
                <Text size="sm" dir="ltr" className="tabib-identifier">
                  {hit.identifier?.value ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td role="gridcell">
                {hit.birthDate ? (
                  <Stack gap={0}>
                    <Text size="sm" className="tabib-identifier">
                      {formatBirthDate(hit.birthDate, config.language, config.country)}
                    </Text>
                    {age && (
                      <Text size="xs" c="dimmed" data-testid="patient-age">
                        {formatAge(age, config.language, config.country)}
                      </Text>
                    )}
                  </Stack>
                ) : (
                  '—'
                )}
              </Table.Td>
              <Table.Td role="gridcell">
                <Text size="sm">{t(`patients.gender.${hit.gender ?? 'unknown'}`)}</Text>
              </Table.Td>
              <Table.Td role="gridcell">
                <Text size="sm" dir="ltr" className="tabib-identifier">
                  {hit.phone ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td role="gridcell">
                <Group gap={4}>
                  {hit.matchedOn.map((kind) => (
                    <Badge key={kind} size="sm" variant="light" color="gray" data-matched-on={kind}>
                      {t(`patients.matchedOn.${kind}`)}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}
