import { Paper, Stack, Textarea } from '@mantine/core';
import { getHotkeyHandler } from '@mantine/hooks';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppointmentView } from '../../../main/contract/care-types';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { FormActions } from './FormActions';

/** Cancelling an appointment: why (required, kept with it), then confirm. */
export function CancelAppointmentForm({
  appointment,
  onDone,
  onCancel,
}: {
  appointment: AppointmentView;
  onDone(appointment: AppointmentView): void;
  onCancel(): void;
}) {
  const { t } = useTranslation();
  const [reason, setReason] = useState('');
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function submit() {
    setTried(true);
    if (!reason.trim() || saving) return;
    setSaving(true);
    setError(null);
    try {
      onDone(
        await invoke('appointments.cancel', {
          id: appointment.id,
          version: appointment.version,
          reason: reason.trim(),
        }),
      );
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  return (
    <Paper
      withBorder
      p="sm"
      radius="md"
      onKeyDown={getHotkeyHandler([['mod+Enter', () => void submit()]])}
      data-testid="appointment-cancel-form"
    >
      <Stack gap="xs">
        <Textarea
          label={t('care.appointments.cancelReason')}
          value={reason}
          onChange={(event) => setReason(event.currentTarget.value)}
          autosize
          minRows={2}
          required
          autoFocus
          error={tried && !reason.trim() ? t('care.appointments.required.cancelReason') : null}
          data-testid="appointment-cancel-reason"
        />
        {error !== null && <ErrorAlert error={error} />}
        <FormActions
          onCancel={onCancel}
          onSubmit={() => void submit()}
          saving={saving}
          size="xs"
          color="red.9"
          cancelLabel={t('care.appointments.keep')}
          submitLabel={t('care.appointments.confirmCancel')}
          submitTestId="appointment-cancel-confirm"
        />
      </Stack>
    </Paper>
  );
}
