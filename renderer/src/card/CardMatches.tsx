import { Alert, Badge, Button, Group, Kbd, Paper, Stack, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconFolderOpen, IconUserQuestion } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { CardPatientMatch, PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { formatBirthDate } from '../patients/age';
import { NationalRecordFetch } from '../patients/NationalRecordFetch';
import { PatientName, scriptsInOrder } from '../patients/PatientName';

export interface CardMatchesProps {
  matches: CardPatientMatch[];
  active: boolean;
  onOpen(match: CardPatientMatch): void;
  /** The holder's national identifier as the card gives it (its country, its value), if it does. */
  nationalId: { country: string; value: string } | null;
  /** The holder, not in the local record, was fetched from the national record: open their chart. */
  onFetched(patient: PatientSummary): void;
}

/** The card's holder in the local record: the patients it may be, best first, each to open. */
export function CardMatches({ matches, active, onOpen, nationalId, onFetched }: CardMatchesProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const first = useRef<HTMLButtonElement>(null);

  // Keyboard-first: Enter opens the best match.
  useEffect(() => {
    if (active) first.current?.focus();
  }, [active, matches]);

  if (matches.length === 0) {
    // Only this country's national identifier can be asked for (a foreign card's is not ours).
    const fetchable = nationalId && nationalId.country === config.country ? nationalId.value : null;
    return (
      <Stack gap="sm">
        <Paper withBorder radius="md" p="lg" data-testid="card-no-match">
          <Group align="flex-start" wrap="nowrap">
            <IconUserQuestion size={28} aria-hidden color="var(--mantine-color-gray-6)" />
            <Stack gap={4}>
              <Text fw={600}>{t('card.matches.none')}</Text>
              <Text size="sm">{t('card.matches.noneTodo')}</Text>
              <Text size="sm" c="dimmed">
                {t('card.matches.registrationLater')}
              </Text>
            </Stack>
          </Group>
        </Paper>
        {fetchable && (
          <NationalRecordFetch
            key={fetchable}
            identifier={{ value: fetchable }}
            active={active}
            onFetched={onFetched}
            autoFocus
          />
        )}
      </Stack>
    );
  }

  return (
    <Stack gap="xs" data-testid="card-matches">
      <Title order={4}>{t('card.matches.title', { count: matches.length })}</Title>
      {matches.map((match, index) => {
        const names = scriptsInOrder(match.patient, config.language);
        return (
          <Paper
            key={match.patient.id}
            withBorder
            radius="md"
            p="md"
            data-testid="card-match"
            data-patient-id={match.patient.id}
            data-matched-by={match.matchedBy}
          >
            <Group justify="space-between" wrap="nowrap" align="flex-start">
              <Stack gap={6}>
                <Group gap="sm">
                  {names.map(({ script, name }, position) => (
                    <PatientName
                      key={script}
                      name={name}
                      script={script}
                      fw={position === 0 ? 600 : 400}
                      c={position === 0 ? undefined : 'dark.4'}
                    />
                  ))}
                  <Badge variant="light" color={match.matchedBy === 'identifier' ? 'teal' : 'yellow'}>
                    {t(`card.matches.by.${match.matchedBy}`)}
                  </Badge>
                </Group>
                <Group gap="lg">
                  <Text size="sm" dir="ltr" className="tabib-identifier">
                    {match.patient.identifier?.value ?? '—'}
                  </Text>
                  <Text size="sm" className="tabib-identifier">
                    {match.patient.birthDate
                      ? formatBirthDate(match.patient.birthDate, config.language, config.country)
                      : '—'}
                  </Text>
                  <Text size="sm">{t(`patients.gender.${match.patient.gender ?? 'unknown'}`)}</Text>
                </Group>
                {match.matchedBy === 'nameAndBirthDate' && (
                  <Text size="sm" c="dimmed">
                    {t('card.matches.checkBeforeOpening')}
                  </Text>
                )}
                {match.differences.length > 0 && (
                  <Alert
                    color="orange"
                    variant="light"
                    p="xs"
                    icon={<IconAlertTriangle size={16} />}
                    data-testid="card-match-differences"
                  >
                    {t('card.matches.differences', {
                      fields: match.differences.map((field) => t(`card.matches.field.${field}`)).join(', '),
                    })}
                  </Alert>
                )}
              </Stack>
              <Button
                ref={index === 0 ? first : undefined}
                variant={index === 0 ? 'filled' : 'light'}
                leftSection={<IconFolderOpen size={16} aria-hidden />}
                rightSection={index === 0 ? <Kbd size="xs">{t('card.keys.enter')}</Kbd> : undefined}
                onClick={() => onOpen(match)}
                data-testid="card-open-chart"
              >
                {t('card.matches.open')}
              </Button>
            </Group>
          </Paper>
        );
      })}
    </Stack>
  );
}
