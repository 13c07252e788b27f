import { Alert, Badge, Button, Group, Stack, Table, Text, Title } from '@mantine/core';
import { IconAlertTriangle, IconCopy, IconFolderOpen } from '@tabler/icons-react';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import type { DuplicateCandidate, DuplicateCheck } from '../../../main/contract/registration-types';
import { useConfig } from '../app/config-context';
import { ageOn, formatAge, formatBirthDate, useToday } from '../patients/age';
import { NamesInScripts, scriptsInOrder } from '../patients/PatientName';

export interface DuplicatePanelProps {
  check: DuplicateCheck;
  /** A save was asked with similar patients not yet confirmed: offer "create anyway". */
  confirming: boolean;
  /**
   * Raised by each save the panel stops: it takes the focus (and comes into view), so the
   * keyboard goes there. 0: never.
   */
  focusRequest: number;
  busy: boolean;
  /** Opens an existing patient's chart instead; without it, the candidates are only listed. */
  onOpen?(candidate: DuplicateCandidate): void;
  onCreateAnyway(): void;
}

function Candidates({
  candidates,
  onOpen,
}: {
  candidates: DuplicateCandidate[];
  onOpen: ((candidate: DuplicateCandidate) => void) | undefined;
}) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const today = useToday();
  return (
    <Table verticalSpacing={4} data-testid="duplicate-candidates">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('patients.column.name')}</Table.Th>
          <Table.Th>{t('patients.column.identifier')}</Table.Th>
          <Table.Th>{t('patients.column.birthDate')}</Table.Th>
          <Table.Th>{t('registration.duplicates.because')}</Table.Th>
          <Table.Th />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {candidates.map((candidate) => {
          const age = candidate.birthDate ? ageOn(candidate.birthDate, today) : null;
          const names = scriptsInOrder(candidate, config.language);
          return (
            <Table.Tr key={candidate.id} data-testid="duplicate-candidate" data-patient-id={candidate.id}>
              <Table.Td>
                <Stack gap={0}>
                  <NamesInScripts names={names} />
                  {names.length === 0 && t('patients.noName')}
                </Stack>
              </Table.Td>
              <Table.Td>
                <Text span size="sm" dir="ltr" className="tabib-registration-identifier">
                  {candidate.identifier?.value ?? '—'}
                </Text>
              </Table.Td>
              <Table.Td>
                {candidate.birthDate ? (
                  <Text span size="sm" className="tabib-registration-identifier">
                    {formatBirthDate(candidate.birthDate, config.language, config.country)}
                    {age ? ` (${formatAge(age, config.language, config.country)})` : ''}
                  </Text>
                ) : (
                  '—'
                )}
              </Table.Td>
              <Table.Td>
                <Group gap={4}>
                  {candidate.reasons.map((reason) => (
                    <Badge key={reason} variant="default" size="sm" tt="none">
                      {t(`registration.duplicates.reason.${reason}`)}
                    </Badge>
                  ))}
                </Group>
              </Table.Td>
              <Table.Td>
                {onOpen && (
                  <Button
                    size="xs"
                    variant="default"
                    leftSection={<IconFolderOpen size={16} aria-hidden />}
                    onClick={() => onOpen(candidate)}
                    data-testid="duplicate-open"
                  >
                    {t('registration.duplicates.open')}
                  </Button>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </Table.Tbody>
    </Table>
  );
}

/**
 * The patients already in the record that the one being registered may be: the same identifier
 * stops the registration (open the existing chart instead); similar names, the same birth year
 * and sex are shown while typing, and a save asks to confirm it is someone else.
 */
export function DuplicatePanel({
  check,
  confirming,
  focusRequest,
  busy,
  onOpen,
  onCreateAnyway,
}: DuplicatePanelProps) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const blocked = check.identifier.length > 0;
  const shown = blocked ? check.identifier : check.similar;

  useEffect(() => {
    if (focusRequest === 0) return;
    heading.current?.focus({ preventScroll: true });
    // Centred, wherever the page was scrolled: the candidates and the buttons under the heading show.
    panel.current?.scrollIntoView({ block: 'center' });
  }, [focusRequest]);

  if (shown.length === 0) return null;
  return (
    <Alert
      ref={panel}
      color={blocked ? 'red' : 'yellow'}
      variant="light"
      icon={blocked ? <IconAlertTriangle /> : <IconCopy />}
      role={confirming || blocked ? 'alert' : 'status'}
      data-testid="duplicate-panel"
      data-kind={blocked ? 'identifier' : 'similar'}
      data-confirming={confirming || undefined}
    >
      <Stack gap="xs">
        <Title order={4} ref={heading} tabIndex={-1}>
          {blocked
            ? t('registration.duplicates.identifierTitle')
            : t('registration.duplicates.similarTitle', { count: shown.length })}
        </Title>
        <Text size="sm">
          {blocked ? t('registration.duplicates.identifierText') : t('registration.duplicates.similarText')}
        </Text>
        <Candidates candidates={shown} onOpen={onOpen} />
        {!blocked && confirming && (
          <Group gap="sm">
            <Text size="sm" fw={600}>
              {t('registration.duplicates.confirmQuestion')}
            </Text>
            <Button
              color="yellow"
              autoContrast
              loading={busy}
              onClick={onCreateAnyway}
              data-testid="duplicate-create-anyway"
            >
              {t('registration.duplicates.createAnyway')}
            </Button>
          </Group>
        )}
      </Stack>
    </Alert>
  );
}
