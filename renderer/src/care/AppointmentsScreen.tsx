import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Kbd,
  Loader,
  Modal,
  SegmentedControl,
  Select,
  Stack,
  Text,
  Title,
  useDirection,
} from '@mantine/core';
import { useHotkeys } from '@mantine/hooks';
import { IconChevronLeft, IconChevronRight, IconFileText } from '@tabler/icons-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  AppointmentView,
  BookablePractitioners,
  PractitionerCalendar,
} from '../../../main/contract/care-types';
import type { PatientSummary } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { ChartScreen } from '../chart/ChartScreen';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { AppointmentForm } from './AppointmentForm';
import { CancelAppointmentForm } from './CancelAppointmentForm';
import './care.css';
import { addDays, formatDay, formatDayRange, mondayOf, patientName, practitionerName } from './care-format';
import { PatientPicker } from './PatientPicker';
import { PractitionerCalendarGrid } from './PractitionerCalendarGrid';
import { useLoaded } from './use-loaded';

type View = 'day' | 'week';

type Dialog =
  | { kind: 'book'; date: string; time: string | null; patient: PatientSummary | null }
  | { kind: 'appointment'; appointment: AppointmentView; action: 'show' | 'reschedule' | 'cancel' }
  | null;

export interface AppointmentsScreenProps {
  /** False while another section of the frame is on screen: its shortcuts must not act. */
  active: boolean;
}

function isSummary(patient: AppointmentView['patient']): patient is PatientSummary {
  return !('display' in patient);
}

/**
 * The Appointments section: one practitioner's day or week (the signed-in practitioner's by
 * default), moved through by keyboard (← → a day or a week, T today, D day, W week, N book), a
 * free slot clicked to book for a patient found by search, an appointment clicked to see, move
 * or cancel it, or to open the patient's chart (shown here, over the calendar, which it goes
 * back to on Escape).
 */
export function AppointmentsScreen({ active }: AppointmentsScreenProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const { dir } = useDirection();
  const loadPractitioners = useCallback(() => invoke('appointments.practitioners', {}), []);
  const { state: practitionersState, reload: reloadPractitioners } = useLoaded(loadPractitioners, true);
  const bookable: BookablePractitioners | null =
    practitionersState.status === 'ready' ? practitionersState.value : null;
  const today = bookable ? bookable.clinicNow.date : null;

  const [chosen, setChosen] = useState<string | null>(null);
  const practitionerId = chosen ?? bookable?.self ?? bookable?.practitioners[0]?.id ?? null;
  const [view, setView] = useState<View>('week');
  const [anchor, setAnchor] = useState<string | null>(null);
  const day = anchor ?? today;
  const from = day ? (view === 'week' ? mondayOf(day) : day) : null;
  const to = from ? (view === 'week' ? addDays(from, 6) : from) : null;
  const [revision, setRevision] = useState(0);
  const [calendar, setCalendar] = useState<{
    key: string;
    value: PractitionerCalendar | null;
    error: unknown;
  }>({
    key: '',
    value: null,
    error: null,
  });
  const [dialog, setDialog] = useState<Dialog>(null);
  /** A patient's chart opened from the calendar, over it; Escape (or back) returns to the same week. */
  const [chart, setChart] = useState<PatientSummary | null>(null);

  const key = practitionerId && from && to ? `${practitionerId}/${from}/${to}/${revision}` : '';
  useEffect(() => {
    if (!practitionerId || !from || !to) return;
    let current = true;
    const requested = `${practitionerId}/${from}/${to}/${revision}`;
    invoke('appointments.calendar', { practitionerId, from, to }).then(
      (value) => current && setCalendar({ key: requested, value, error: null }),
      (error: unknown) => current && setCalendar({ key: requested, value: null, error }),
    );
    return () => {
      current = false;
    };
  }, [practitionerId, from, to, revision]);
  // While the next range loads, the last one stays on screen (no blink at each arrow key).
  const shown = calendar.value;
  const loading = calendar.key !== key;

  const move = (direction: 1 | -1) => day && setAnchor(addDays(day, direction * (view === 'week' ? 7 : 1)));
  // In Arabic the calendar runs right to left: the left arrow goes forward in time.
  const forward = dir === 'rtl' ? 'ArrowLeft' : 'ArrowRight';
  const backward = dir === 'rtl' ? 'ArrowRight' : 'ArrowLeft';
  useHotkeys(
    active && dialog === null && chart === null
      ? [
          [forward, () => move(1)],
          [backward, () => move(-1)],
          ['t', () => setAnchor(null), { usePhysicalKeys: true }],
          ['d', () => setView('day'), { usePhysicalKeys: true }],
          ['w', () => setView('week'), { usePhysicalKeys: true }],
          [
            'n',
            () =>
              day &&
              setDialog({
                kind: 'book',
                date: day < (today ?? day) ? (today ?? day) : day,
                time: null,
                patient: null,
              }),
            { usePhysicalKeys: true },
          ],
        ]
      : [],
  );

  const changed = () => {
    setDialog(null);
    setRevision((value) => value + 1);
  };

  if (chart)
    return (
      <ChartScreen
        key={chart.id}
        patient={chart}
        active={active}
        onBack={() => {
          setChart(null);
          setRevision((value) => value + 1);
        }}
      />
    );
  if (practitionersState.status === 'loading') return <Loader aria-label={t('care.loading')} />;
  if (practitionersState.status === 'error')
    return <ErrorAlert error={practitionersState.error} onRetry={reloadPractitioners} />;
  if (!bookable || !practitionerId || !from || !to)
    return (
      <Stack data-testid="screen-appointments">
        <Title order={2}>{t('screens.appointments.title')}</Title>
        <Text c="gray.7">{t('care.calendar.noPractitioner')}</Text>
      </Stack>
    );

  const Previous = dir === 'rtl' ? IconChevronRight : IconChevronLeft;
  const Next = dir === 'rtl' ? IconChevronLeft : IconChevronRight;
  const rangeLabel =
    view === 'week'
      ? formatDayRange(from, to, config.language, config.country)
      : formatDay(from, config.language, config.country);
  const open = dialog?.kind === 'appointment' ? dialog.appointment : null;

  return (
    <Stack
      data-testid="screen-appointments"
      data-view={view}
      data-from={from}
      data-to={to}
      data-loading={loading || undefined}
    >
      <Group justify="space-between" align="flex-end">
        <Title order={2}>{t('screens.appointments.title')}</Title>
        <Select
          label={t('care.calendar.practitioner')}
          data={bookable.practitioners.map((entry) => ({
            value: entry.id,
            label: practitionerName(entry, config.language),
          }))}
          value={practitionerId}
          onChange={(value) => value && setChosen(value)}
          allowDeselect={false}
          searchable
          w={280}
          data-testid="calendar-practitioner"
        />
      </Group>
      <Group justify="space-between">
        <Group gap="xs">
          <ActionIcon
            variant="default"
            size="lg"
            onClick={() => move(-1)}
            aria-label={t(`care.calendar.previous.${view}`)}
            data-testid="calendar-previous"
          >
            <Previous size={18} />
          </ActionIcon>
          <Button
            variant="default"
            onClick={() => setAnchor(null)}
            rightSection={<Kbd size="xs">T</Kbd>}
            data-testid="calendar-today"
          >
            {t('care.calendar.today')}
          </Button>
          <ActionIcon
            variant="default"
            size="lg"
            onClick={() => move(1)}
            aria-label={t(`care.calendar.next.${view}`)}
            data-testid="calendar-next"
          >
            <Next size={18} />
          </ActionIcon>
          <Text fw={600} data-testid="calendar-range">
            {rangeLabel}
          </Text>
          {loading && <Loader size="xs" aria-label={t('care.loading')} />}
        </Group>
        <Group gap="xs">
          <SegmentedControl
            value={view}
            onChange={(value) => setView(value as View)}
            data={[
              { value: 'day', label: t('care.calendar.day') },
              { value: 'week', label: t('care.calendar.week') },
            ]}
            aria-label={t('care.calendar.view')}
            data-testid="calendar-view"
          />
          <Button
            color="teal.9"
            onClick={() =>
              setDialog({
                kind: 'book',
                date: day && today && day < today ? today : (day ?? from),
                time: null,
                patient: null,
              })
            }
            rightSection={<Kbd size="xs">N</Kbd>}
            data-testid="calendar-book"
          >
            {t('care.calendar.book')}
          </Button>
        </Group>
      </Group>
      <Group gap={6} c="gray.7" data-testid="calendar-keys">
        <Kbd size="xs">{dir === 'rtl' ? '→' : '←'}</Kbd>
        <Kbd size="xs">{dir === 'rtl' ? '←' : '→'}</Kbd>
        <Text size="xs">{t(`care.calendar.keys.move.${view}`)}</Text>
        <Kbd size="xs">T</Kbd>
        <Text size="xs">{t('care.calendar.keys.today')}</Text>
        <Kbd size="xs">D</Kbd>
        <Text size="xs">{t('care.calendar.keys.day')}</Text>
        <Kbd size="xs">W</Kbd>
        <Text size="xs">{t('care.calendar.keys.week')}</Text>
        <Kbd size="xs">N</Kbd>
        <Text size="xs">{t('care.calendar.keys.book')}</Text>
        <Text size="xs">· {t('care.calendar.timeZone', { zone: bookable.timeZone })}</Text>
      </Group>
      {calendar.error !== null && calendar.key === key && (
        <ErrorAlert error={calendar.error} onRetry={() => setRevision((value) => value + 1)} />
      )}
      {shown && (
        <PractitionerCalendarGrid
          calendar={shown}
          onSlot={(date, time) => setDialog({ kind: 'book', date, time, patient: null })}
          onAppointment={(appointment) => setDialog({ kind: 'appointment', appointment, action: 'show' })}
        />
      )}

      <Modal
        opened={dialog?.kind === 'book'}
        onClose={() => setDialog(null)}
        title={t('care.calendar.bookTitle')}
        size="lg"
        data-testid="calendar-book-dialog"
      >
        {dialog?.kind === 'book' && (
          <AppointmentForm
            patientId={dialog.patient?.id ?? null}
            patientSection={
              <PatientPicker
                patient={dialog.patient}
                onPick={(patient) => setDialog({ ...dialog, patient })}
              />
            }
            practitioners={bookable}
            initial={{
              practitionerId,
              date: dialog.date,
              ...(dialog.time ? { time: dialog.time } : {}),
              type: 'ROUTINE',
            }}
            onDone={changed}
            onCancel={() => setDialog(null)}
          />
        )}
      </Modal>

      <Modal
        opened={open !== null}
        onClose={() => setDialog(null)}
        title={t('care.calendar.appointmentTitle')}
        size="lg"
        data-testid="calendar-appointment-dialog"
      >
        {open && dialog?.kind === 'appointment' && (
          <Stack gap="sm">
            <Text fw={600} size="lg" data-testid="calendar-appointment-patient">
              {patientName(open.patient, config.language)}
            </Text>
            <Text>
              {formatDay(open.local.date, config.language, config.country)} · {open.local.start}–
              {open.local.end}
            </Text>
            <Group gap="xs">
              {open.type && (
                <Badge color="teal.9" variant="outline">
                  {t(`care.appointments.types.${open.type}`)}
                </Badge>
              )}
              <Text size="sm">{open.practitioner?.display ?? ''}</Text>
            </Group>
            {open.description && <Text size="sm">{open.description}</Text>}
            {dialog.action === 'show' && (
              <Group gap="sm">
                {isSummary(open.patient) && (
                  <Button
                    color="teal.9"
                    leftSection={<IconFileText size={16} />}
                    onClick={() => {
                      const patient = open.patient;
                      setDialog(null);
                      if (isSummary(patient)) setChart(patient);
                    }}
                    data-testid="calendar-open-chart"
                  >
                    {t('care.calendar.openChart')}
                  </Button>
                )}
                <Button
                  color="teal.9"
                  variant="outline"
                  onClick={() => setDialog({ ...dialog, action: 'reschedule' })}
                  data-testid="calendar-reschedule"
                >
                  {t('care.appointments.reschedule')}
                </Button>
                <Button
                  variant="outline"
                  color="red.9"
                  onClick={() => setDialog({ ...dialog, action: 'cancel' })}
                  data-testid="calendar-cancel"
                >
                  {t('care.appointments.cancel')}
                </Button>
              </Group>
            )}
            {dialog.action === 'reschedule' && (
              <AppointmentForm
                appointment={open}
                patientId={open.patient.id}
                practitioners={bookable}
                onDone={changed}
                onCancel={() => setDialog({ ...dialog, action: 'show' })}
              />
            )}
            {dialog.action === 'cancel' && (
              <CancelAppointmentForm
                appointment={open}
                onDone={changed}
                onCancel={() => setDialog({ ...dialog, action: 'show' })}
              />
            )}
          </Stack>
        )}
      </Modal>
    </Stack>
  );
}
