import { Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { ErrorCode } from '../../../main/contract/errors';
import { ContractError } from '../tabib-client';

/** What a refused booking says, with the appointment already holding the time when there is one. */
export function AppointmentErrorExplanation({ code, error }: { code: ErrorCode; error: unknown }) {
  const { t } = useTranslation();
  const details =
    error instanceof ContractError ? (error.details as Record<string, unknown> | undefined) : undefined;
  if (
    code === 'APPOINTMENT_CONFLICT' &&
    typeof details?.start === 'string' &&
    typeof details.end === 'string'
  )
    return (
      <Text size="sm" data-testid="appointment-conflict">
        {t('care.appointments.conflictAt', { start: details.start, end: details.end })}
      </Text>
    );
  return <Text size="sm">{t(`errors.${code}`)}</Text>;
}
