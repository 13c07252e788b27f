import { Badge, Button, Group, Kbd, Loader, Paper, Stack, Text, Title } from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconCalendarPlus } from '@tabler/icons-react';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AppointmentView,
  BookablePractitioners,
  PatientAppointments,
} from '../../../main/contract/care-types';
import { useConfig } from '../app/config-context';
import { useChartEscape } from '../chart/chart-escape';
import type { ChartTabProps } from '../chart/chart-tab';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { AppointmentForm } from './AppointmentForm';
import { CancelAppointmentForm } from './CancelAppointmentForm';
import { formatDay } from './care-format';
import { useLoaded } from './use-loaded';

interface TabData {
  list: PatientAppointments;
  practitioners: BookablePractitioners;
}

type Editing = { kind: 'book' } | { kind: 'reschedule' | 'cancel'; appointment: AppointmentView } | null;

/**
 * The chart's appointments: those to come (rescheduled or cancelled from here) and those past or
 * cancelled, with the form to book the next one (N), a follow-up by default.
 */
export function PatientAppointmentsTab({ patientId, active, onChanged }: ChartTabProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const load = useCallback(async (): Promise<TabData> => {
    const [list, practitioners] = await Promise.all([
      invoke('appointments.list', { patientId }),
      invoke('appointments.practitioners', {}),
    ]);
    return { list, practitioners };
  }, [patientId]);
  const { state, reload } = useLoaded(load, active);
  const [editing, setEditing] = useState<Editing>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useHotkeys(
    active && !editing ? [['n', () => setEditing({ kind: 'book' }), { usePhysicalKeys: true }]] : [],
  );
  // Escape closes the form open before it closes the chart.
  useChartEscape(active && editing !== null, () => {
    setEditing(null);
    return true;
  });

  if (state.status === 'loading') return <Loader aria-label={t('care.loading')} />;
  if (state.status === 'error') return <ErrorAlert error={state.error} onRetry={reload} />;
  const { list, practitioners } = state.value;
  const now = Date.parse(list.now);
  const upcoming = list.appointments.filter(
    (appointment) => appointment.status !== 'cancelled' && Date.parse(appointment.end) > now,
  );
  const past = list.appointments.filter((appointment) => !upcoming.includes(appointment)).reverse();

  const done = (appointment: AppointmentView) => {
    setEditing(null);
    setSaved(appointment.id);
    reload();
    onChanged();
  };

  const row = (appointment: AppointmentView, changeable: boolean) => (
    <Paper
      key={appointment.id}
      withBorder
      p="sm"
      radius="md"
      data-appointment-id={appointment.id}
      data-status={appointment.status}
      data-saved={saved === appointment.id || undefined}
    >
      <Stack gap="xs">
        <Group justify="space-between" wrap="nowrap" align="flex-start">
          <Stack gap={2}>
            <Text fw={600} data-testid="appointment-when">
              {formatDay(appointment.local.date, config.language, config.country)} · {appointment.local.start}
              –{appointment.local.end}
            </Text>
            <Text size="sm">
              {appointment.practitioner?.display ?? ''}
              {appointment.type ? ` · ${t(`care.appointments.types.${appointment.type}`)}` : ''}
            </Text>
            {appointment.description && (
              <Text size="sm" c="gray.7">
                {appointment.description}
              </Text>
            )}
            {appointment.cancellationReason && (
              <Text size="sm" c="red.8">
                {t('care.appointments.cancelledBecause', { reason: appointment.cancellationReason })}
              </Text>
            )}
          </Stack>
          <Group gap="xs" wrap="nowrap">
            {appointment.status === 'cancelled' && (
              <Badge color="red.9" variant="outline">
                {t('care.appointments.cancelled')}
              </Badge>
            )}
            {changeable && (
              <>
                <Button
                  color="teal.9"
                  size="xs"
                  variant="outline"
                  onClick={() => setEditing({ kind: 'reschedule', appointment })}
                  data-testid="appointment-reschedule"
                >
                  {t('care.appointments.reschedule')}
                </Button>
                <Button
                  size="xs"
                  variant="outline"
                  color="red.9"
                  onClick={() => setEditing({ kind: 'cancel', appointment })}
                  data-testid="appointment-cancel"
                >
                  {t('care.appointments.cancel')}
                </Button>
              </>
            )}
          </Group>
        </Group>
        {editing?.kind === 'cancel' && editing.appointment.id === appointment.id && (
          <CancelAppointmentForm appointment={appointment} onDone={done} onCancel={() => setEditing(null)} />
        )}
        {editing?.kind === 'reschedule' && editing.appointment.id === appointment.id && (
          <AppointmentForm
            appointment={appointment}
            patientId={patientId}
            practitioners={practitioners}
            onDone={done}
            onCancel={() => setEditing(null)}
          />
        )}
      </Stack>
    </Paper>
  );

  return (
    <Stack data-testid="appointments-tab">
      <Group justify="space-between">
        <Title order={3}>{t('care.appointments.title')}</Title>
        {editing?.kind !== 'book' && (
          <Button
            color="teal.9"
            leftSection={<IconCalendarPlus size={16} />}
            rightSection={<Kbd size="xs">N</Kbd>}
            onClick={() => setEditing({ kind: 'book' })}
            data-testid="appointment-new"
          >
            {t('care.appointments.book')}
          </Button>
        )}
      </Group>
      {editing?.kind === 'book' && (
        <AppointmentForm
          patientId={patientId}
          practitioners={practitioners}
          initial={{ type: 'FOLLOWUP' }}
          onDone={done}
          onCancel={() => setEditing(null)}
        />
      )}
      <Title order={4}>{t('care.appointments.upcoming')}</Title>
      {upcoming.length === 0 ? (
        <Text c="gray.7" data-testid="appointments-upcoming-empty">
          {t('care.appointments.noneUpcoming')}
        </Text>
      ) : (
        <Stack gap="xs" data-testid="appointments-upcoming">
          {upcoming.map((appointment) => row(appointment, appointment.status === 'booked'))}
        </Stack>
      )}
      <Title order={4}>{t('care.appointments.past')}</Title>
      {past.length === 0 ? (
        <Text c="gray.7">{t('care.appointments.nonePast')}</Text>
      ) : (
        <Stack gap="xs" data-testid="appointments-past">
          {past.map((appointment) => row(appointment, false))}
        </Stack>
      )}
    </Stack>
  );
}
