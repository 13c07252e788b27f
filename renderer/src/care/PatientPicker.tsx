import { Button, Group, Kbd, Loader, Paper, Stack, Text, TextInput, UnstyledButton } from '@mantine/core';
import { IconSearch, IconUser } from '@tabler/icons-react';
import { useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { NamesInScripts, scriptsInOrder } from '../patients/PatientName';
import { usePatientSearch } from '../patients/use-patient-search';

const SHOWN = 6;

/**
 * Who an appointment booked from the calendar is for: the patient search the Patients screen uses
 * (any script, identifier, birth year, phone), ↑ ↓ to choose, Enter to take; then the patient
 * chosen, with a way to change.
 */
export function PatientPicker({
  patient,
  onPick,
}: {
  patient: PatientSummary | null;
  onPick(patient: PatientSummary | null): void;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const [text, setText] = useState('');
  const [selected, setSelected] = useState(0);
  const search = usePatientSearch(text);
  const hits = (search.shown?.result?.hits ?? []).slice(0, SHOWN);

  if (patient)
    return (
      <Paper withBorder p="xs" radius="md" data-testid="picked-patient">
        <Group justify="space-between" wrap="nowrap">
          <Group gap="xs" wrap="nowrap">
            <IconUser size={18} aria-hidden />
            <Stack gap={0}>
              <NamesInScripts names={scriptsInOrder(patient, config.language)} />
              {patient.identifier && (
                <Text size="xs" c="gray.7">
                  {patient.identifier.value}
                </Text>
              )}
            </Stack>
          </Group>
          <Button color="teal.9" size="xs" variant="outline" onClick={() => onPick(null)}>
            {t('care.calendar.changePatient')}
          </Button>
        </Group>
      </Paper>
    );

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      setSelected((index) => Math.min(index + 1, Math.max(hits.length - 1, 0)));
    } else if (event.key === 'ArrowUp') {
      event.preventDefault();
      setSelected((index) => Math.max(index - 1, 0));
    } else if (event.key === 'Enter') {
      event.preventDefault();
      search.whenAnswered((answer) => {
        const hit = answer.result?.hits[answer.query === search.shown?.query ? selected : 0];
        if (hit) onPick(hit);
      });
    }
  };

  return (
    <Stack gap={4}>
      <TextInput
        label={t('care.calendar.patient')}
        placeholder={t('care.calendar.patientPlaceholder')}
        leftSection={<IconSearch size={16} />}
        rightSection={search.pending ? <Loader size="xs" /> : <Kbd size="xs">{t('care.keys.enter')}</Kbd>}
        value={text}
        onChange={(event) => {
          setText(event.currentTarget.value);
          setSelected(0);
        }}
        onKeyDown={onKeyDown}
        autoFocus
        required
        data-testid="calendar-patient-search"
      />
      {search.shown?.error ? <ErrorAlert error={search.shown.error} /> : null}
      {hits.length > 0 && (
        <Stack
          gap={2}
          role="listbox"
          aria-label={t('care.calendar.patientResults')}
          data-testid="calendar-patient-results"
        >
          {hits.map((hit, index) => (
            <UnstyledButton
              key={hit.id}
              role="option"
              aria-selected={index === selected}
              onClick={() => onPick(hit)}
              className="tabib-picker-option"
              data-selected={index === selected || undefined}
              data-patient-id={hit.id}
            >
              <Group gap="xs" justify="space-between" wrap="nowrap">
                <Group gap="xs" wrap="nowrap">
                  <NamesInScripts names={scriptsInOrder(hit, config.language)} />
                </Group>
                <Text size="xs" c="gray.7">
                  {hit.identifier?.value ?? ''} {hit.birthDate ?? ''}
                </Text>
              </Group>
            </UnstyledButton>
          ))}
        </Stack>
      )}
      {search.query !== '' && !search.pending && search.shown?.result?.hits.length === 0 && (
        <Text size="sm" c="gray.7">
          {t('care.calendar.noPatient')}
        </Text>
      )}
    </Stack>
  );
}
