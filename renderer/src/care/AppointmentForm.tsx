import { Loader, Paper, Select, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { DatePickerInput, TimeGrid } from '@mantine/dates';
import { getHotkeyHandler } from '@mantine/hooks';
import { IconCalendar } from '@tabler/icons-react';
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  appointmentTypes,
  type AppointmentType,
  type AppointmentView,
  type BookablePractitioners,
  type PractitionerCalendar,
} from '../../../main/contract/care-types';
import { useConfig } from '../app/config-context';
import { ErrorAlert } from '../errors/ErrorAlert';
import { invoke } from '../tabib-client';
import { minutesOf, practitionerName, timeOf } from './care-format';
import { CareDates } from './CareDates';
import { AppointmentErrorExplanation } from './AppointmentErrorExplanation';
import './care.css';
import { FormActions } from './FormActions';

/** The day's bookable times: every 15 minutes from 07:00 to 19:45 (consultations, vaccination sessions). */
export const SLOT_MINUTES = 15;
export const DAY_FIRST_SLOT = 7 * 60;
export const DAY_LAST_SLOT = 19 * 60 + 45;
const slots = Array.from({ length: (DAY_LAST_SLOT - DAY_FIRST_SLOT) / SLOT_MINUTES + 1 }, (_, index) =>
  timeOf(DAY_FIRST_SLOT + index * SLOT_MINUTES),
);
const lengths = [10, 15, 20, 30, 45, 60];

export interface AppointmentFormProps {
  /** Booking a new appointment, or moving `appointment`. */
  appointment?: AppointmentView;
  /** The patient (book); null until one is picked (the calendar's booking names one first). */
  patientId: string | null;
  /** Shown above the fields: who the appointment is for, or the patient picker. */
  patientSection?: ReactNode;
  practitioners: BookablePractitioners;
  initial?: { practitionerId?: string; date?: string; time?: string; type?: AppointmentType };
  onDone(appointment: AppointmentView): void;
  onCancel(): void;
}

/**
 * Booking or moving an appointment: the practitioner, the day (a date picker, weeks from Monday),
 * then the time among the day's 15-minute slots, those the practitioner already holds (or that
 * have passed) disabled; the length, the type, a description. The services check again on saving
 * (another workstation may have taken the slot meanwhile) and say so.
 */
export function AppointmentForm({
  appointment,
  patientId,
  patientSection,
  practitioners,
  initial = {},
  onDone,
  onCancel,
}: AppointmentFormProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const language = config.language;
  const zone = practitioners.timeZone;
  // The clinic's wall clock as the services compute it (never the browser's time-zone data).
  const today = practitioners.clinicNow.date;
  const nowTime = practitioners.clinicNow.time;
  const [practitionerId, setPractitionerId] = useState<string | null>(
    initial.practitionerId ??
      appointment?.practitioner?.id ??
      practitioners.self ??
      practitioners.practitioners[0]?.id ??
      null,
  );
  const [date, setDate] = useState<string | null>(initial.date ?? appointment?.local.date ?? today);
  const [time, setTime] = useState<string | null>(initial.time ?? null);
  const [minutes, setMinutes] = useState<string>(String(appointment?.minutes ?? 15));
  const [type, setType] = useState<AppointmentType>(initial.type ?? appointment?.type ?? 'FOLLOWUP');
  const [description, setDescription] = useState(appointment?.description ?? '');
  const [day, setDay] = useState<{ key: string; calendar: PractitionerCalendar | null; error: unknown }>({
    key: '',
    calendar: null,
    error: null,
  });
  const [tried, setTried] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const dayKey = practitionerId && date ? `${practitionerId}/${date}` : '';
  useEffect(() => {
    if (!practitionerId || !date) return;
    let current = true;
    const key = `${practitionerId}/${date}`;
    invoke('appointments.calendar', { practitionerId, from: date, to: date }).then(
      (calendar) => current && setDay({ key, calendar, error: null }),
      (caught: unknown) => current && setDay({ key, calendar: null, error: caught }),
    );
    return () => {
      current = false;
    };
  }, [practitionerId, date]);
  const calendar = day.key === dayKey ? day.calendar : null;

  const length = Number(minutes);
  const taken = useMemo(() => {
    const dayStart = calendar ? Date.parse(calendar.days[0]?.start ?? '') : Number.NaN;
    // Minutes since the day's midnight, from instants: an appointment from the evening before counts too.
    const held = (calendar?.appointments ?? [])
      .filter((entry) => entry.id !== appointment?.id)
      .map((entry) => ({
        from: (Date.parse(entry.start) - dayStart) / 60_000,
        until: (Date.parse(entry.end) - dayStart) / 60_000,
      }));
    return (slot: string) => {
      if (date === today && slot < nowTime) return true;
      const start = minutesOf(slot);
      const end = start + length;
      return held.some((entry) => start < entry.until && end > entry.from);
    };
  }, [calendar, appointment?.id, date, today, nowTime, length]);

  const problems = {
    patient: patientId ? null : t('care.appointments.required.patient'),
    practitioner: practitionerId ? null : t('care.appointments.required.practitioner'),
    date: date ? null : t('care.appointments.required.date'),
    time: time
      ? taken(time)
        ? t('care.appointments.slotTaken')
        : null
      : t('care.appointments.required.time'),
  };
  const valid = Object.values(problems).every((problem) => problem === null);

  async function submit() {
    setTried(true);
    if (!valid || saving || !practitionerId || !date || !time || !patientId) return;
    setSaving(true);
    setError(null);
    try {
      const start = `${date}T${time}`;
      const saved = appointment
        ? await invoke('appointments.reschedule', {
            id: appointment.id,
            version: appointment.version,
            start,
            minutes: length,
            practitionerId,
          })
        : await invoke('appointments.book', {
            patientId,
            practitionerId,
            start,
            minutes: length,
            type,
            ...(description.trim() ? { description: description.trim() } : {}),
          });
      onDone(saved);
    } catch (caught) {
      setError(caught);
      setSaving(false);
    }
  }

  const keys = getHotkeyHandler([['mod+Enter', () => void submit()]]);

  return (
    <CareDates>
      <Paper withBorder p="md" radius="md" onKeyDown={keys} data-testid="appointment-form">
        <Stack gap="sm">
          <Title order={4}>
            {appointment ? t('care.appointments.rescheduleTitle') : t('care.appointments.bookTitle')}
          </Title>
          {patientSection}
          {tried && problems.patient && (
            <Text size="sm" c="red.9" role="alert">
              {problems.patient}
            </Text>
          )}
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t('care.appointments.practitioner')}
              data={practitioners.practitioners.map((entry) => ({
                value: entry.id,
                label: practitionerName(entry, language),
              }))}
              value={practitionerId}
              onChange={setPractitionerId}
              searchable
              required
              allowDeselect={false}
              error={tried ? problems.practitioner : null}
              data-testid="appointment-practitioner"
            />
            <DatePickerInput
              label={t('care.appointments.date')}
              leftSection={<IconCalendar size={16} />}
              value={date}
              onChange={(value) => {
                setDate(value);
                setTime(null);
              }}
              minDate={today}
              valueFormat="dddd D MMMM YYYY"
              required
              error={tried ? problems.date : null}
              data-testid="appointment-date"
            />
          </SimpleGrid>
          <Stack gap={4}>
            <Text size="sm" fw={500} id="appointment-time-label">
              {t('care.appointments.time')}{' '}
              <Text span c="gray.7" size="xs">
                ({zone})
              </Text>
            </Text>
            {day.error !== null && day.key === dayKey ? (
              <ErrorAlert error={day.error} />
            ) : !calendar ? (
              <Loader size="sm" aria-label={t('care.loading')} />
            ) : (
              <TimeGrid
                className="tabib-time-grid"
                aria-labelledby="appointment-time-label"
                data={slots}
                value={time}
                onChange={setTime}
                disableTime={taken}
                simpleGridProps={{ cols: { base: 4, sm: 8 }, spacing: 4 }}
                size="xs"
                getControlProps={(slot) => ({ 'data-slot': slot })}
                data-testid="appointment-time"
              />
            )}
            {tried && problems.time && (
              <Text size="sm" c="red.9" role="alert">
                {problems.time}
              </Text>
            )}
          </Stack>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <Select
              label={t('care.appointments.length')}
              data={lengths.map((value) => ({
                value: String(value),
                label: t('care.appointments.minutes', { count: value }),
              }))}
              value={minutes}
              onChange={(value) => value && setMinutes(value)}
              allowDeselect={false}
              data-testid="appointment-length"
            />
            {!appointment && (
              <Select
                label={t('care.appointments.type')}
                data={appointmentTypes.map((value) => ({
                  value,
                  label: t(`care.appointments.types.${value}`),
                }))}
                value={type}
                onChange={(value) => value && setType(value as AppointmentType)}
                allowDeselect={false}
                data-testid="appointment-type"
              />
            )}
          </SimpleGrid>
          {!appointment && (
            <TextInput
              label={t('care.appointments.description')}
              placeholder={t('care.appointments.descriptionPlaceholder')}
              value={description}
              onChange={(event) => setDescription(event.currentTarget.value)}
              maxLength={500}
              data-testid="appointment-description"
            />
          )}
          {error !== null && (
            <ErrorAlert
              error={error}
              testId="appointment-error"
              explanation={(code) => <AppointmentErrorExplanation code={code} error={error} />}
            />
          )}
          <FormActions
            onCancel={onCancel}
            onSubmit={() => void submit()}
            saving={saving}
            submitLabel={
              appointment ? t('care.appointments.saveReschedule') : t('care.appointments.saveBook')
            }
            submitTestId="appointment-submit"
          />
        </Stack>
      </Paper>
    </CareDates>
  );
}
