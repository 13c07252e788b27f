import { VisuallyHidden } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { AppointmentView, PractitionerCalendar } from '../../../main/contract/care-types';
import type { Country } from '../../../main/contract/types';
import { useConfig } from '../app/config-context';
import { formatDay, minutesOf, patientName, timeOf } from './care-format';
import { DAY_FIRST_SLOT, DAY_LAST_SLOT, SLOT_MINUTES } from './AppointmentForm';

/** Height of one 15-minute row, in pixels. */
const ROW = 16;
const weekendDays: Record<Country, number[]> = { MA: [6, 0], DZ: [5, 6], TN: [6, 0] };

export interface PractitionerCalendarGridProps {
  calendar: PractitionerCalendar;
  onSlot(date: string, time: string): void;
  onAppointment(appointment: AppointmentView): void;
}

/**
 * A practitioner's days side by side (one for the day view, seven for the week), a row per
 * 15 minutes, their appointments placed on it. The grid follows the document's direction: in
 * Arabic the hours stand on the right and Monday is the first column from the right. A free slot
 * to come books on click; an appointment is a button (Tab, Enter).
 */
export function PractitionerCalendarGrid({ calendar, onSlot, onAppointment }: PractitionerCalendarGridProps) {
  const { t } = useTranslation();
  const { config } = useConfig();
  const today = calendar.clinicNow.date;
  const nowMinutes = minutesOf(calendar.clinicNow.time);
  const dates = calendar.days.map((day) => day.date);
  const shown = calendar.appointments.filter((appointment) => dates.includes(appointment.local.date));
  // The usual day, widened to show an appointment booked earlier or later.
  const first = Math.min(
    DAY_FIRST_SLOT,
    ...shown.map((appointment) => Math.floor(minutesOf(appointment.local.start) / 60) * 60),
  );
  const last = Math.max(
    DAY_LAST_SLOT + SLOT_MINUTES,
    ...shown.map((appointment) =>
      Math.min(24 * 60, minutesOf(appointment.local.start) + appointment.minutes),
    ),
  );
  const rows = Math.ceil((last - first) / SLOT_MINUTES);
  const height = rows * ROW;
  const top = (minutes: number) => ((minutes - first) / SLOT_MINUTES) * ROW;

  return (
    <div
      className="tabib-calendar"
      style={{ ['--calendar-days' as string]: String(dates.length) }}
      data-testid="calendar-grid"
      data-days={dates.length}
    >
      <div className="tabib-calendar-head" aria-hidden />
      {dates.map((date) => (
        <div
          key={date}
          className="tabib-calendar-head"
          data-today={date === today || undefined}
          data-testid="calendar-day-head"
          data-date={date}
        >
          {formatDay(date, config.language, config.country, dates.length === 1 ? 'long' : 'weekday')}
        </div>
      ))}
      <div className="tabib-calendar-hours" style={{ blockSize: height }} aria-hidden>
        {Array.from({ length: Math.ceil((last - first) / 60) }, (_, index) => first + index * 60).map(
          (minutes) => (
            <span key={minutes} className="tabib-calendar-hour" style={{ insetBlockStart: top(minutes) }}>
              {timeOf(minutes)}
            </span>
          ),
        )}
      </div>
      {dates.map((date) => {
        const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
        return (
          <div
            key={date}
            className="tabib-calendar-day"
            style={{ blockSize: height }}
            data-weekend={weekendDays[config.country].includes(weekday) || undefined}
            data-testid="calendar-day"
            data-date={date}
          >
            {Array.from({ length: rows }, (_, index) => first + index * SLOT_MINUTES).map((minutes) => {
              const time = timeOf(minutes);
              const past = date < today || (date === today && minutes + SLOT_MINUTES <= nowMinutes);
              return (
                <div
                  key={minutes}
                  className="tabib-calendar-slot"
                  style={{ insetBlockStart: top(minutes), blockSize: ROW }}
                  data-hour={minutes % 60 === 0 || undefined}
                  data-past={past || undefined}
                  data-slot={time}
                  title={past ? undefined : t('care.calendar.bookAt', { time })}
                  onClick={past ? undefined : () => onSlot(date, time)}
                />
              );
            })}
            {date === today && nowMinutes >= first && nowMinutes <= last && (
              <div className="tabib-calendar-now" style={{ insetBlockStart: top(nowMinutes) }} aria-hidden />
            )}
            {shown
              .filter((appointment) => appointment.local.date === date)
              .map((appointment) => {
                const start = minutesOf(appointment.local.start);
                const minutes = Math.min(appointment.minutes, 24 * 60 - start);
                const name = patientName(appointment.patient, config.language);
                return (
                  <button
                    key={appointment.id}
                    type="button"
                    className="tabib-calendar-appointment"
                    style={{
                      insetBlockStart: top(start),
                      blockSize: Math.max(ROW, (minutes / SLOT_MINUTES) * ROW) - 1,
                    }}
                    data-type={appointment.type ?? undefined}
                    data-appointment-id={appointment.id}
                    onClick={() => onAppointment(appointment)}
                  >
                    {/* The end time for screen readers only: the block's height shows it on screen. */}
                    <strong>{appointment.local.start}</strong>
                    <VisuallyHidden>–{appointment.local.end}</VisuallyHidden> {name}
                  </button>
                );
              })}
          </div>
        );
      })}
    </div>
  );
}
