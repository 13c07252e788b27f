/**
 * Appointments: a FHIR R4 Appointment with two participants (the patient, and the practitioner
 * seen), `start`/`end` instants and `minutesDuration`, `appointmentType` from HL7 v2 table 0276 (as
 * the demonstration record writes them), `description`, `created`; status `booked`, or `cancelled`
 * with a `cancelationReason` (FHIR R4 spells it with one l). A reschedule changes the same resource
 * (a new version), so a patient's history shows one appointment, moved.
 *
 * A practitioner cannot hold two overlapping appointments that still stand: the check and the
 * write are one transaction of the record, so two bookings racing for a slot cannot both win.
 * Times arrive as the clinic's wall clock (or instants with offset) and are stored as instants;
 * see clinic-time.ts for the zones.
 */
import type { Appointment, HumanName, Patient, Practitioner, Reference } from '@medplum/fhirtypes';
import {
  appointmentTypes,
  type AppointmentType,
  type AppointmentView,
  type BookablePractitioners,
  type ClinicMoment,
  type PatientAppointments,
  type PractitionerCalendar,
  type PractitionerOption,
} from '../contract/care-types';
import { AccountStore } from '../auth/account-store';
import type { Role } from '../contract/permissions';
import { TabibError } from '../errors';
import type { LocalRecord } from '../record/local-record';
import { isArabicScript } from '../record/patient-index';
import type { StoredResource } from '../record/resource-store';
import { staffRole } from '../record/demo/practitioners';
import { clinicTimeZone, practitionerIdOf, type CareContext } from './care-context';
import { clinicDateTime, clinicDays, instantOf } from './clinic-time';
import { patientResources, referenceId, requirePatient, requireStored } from './stored-resources';

export const APPOINTMENT_TYPE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v2-0276';

const appointmentTypeDisplay: Record<AppointmentType, string> = {
  ROUTINE: 'Routine appointment - default if not valued',
  FOLLOWUP: 'A follow up visit from a previous appointment',
  CHECKUP: 'A routine check-up, such as an annual physical',
  WALKIN: 'A previously unscheduled walk-in visit',
  EMERGENCY: 'Emergency appointment',
};

export const DEFAULT_APPOINTMENT_MINUTES = 15;
/** The longest appointment Tabib books; the conflict search looks back this far and a day more. */
export const MAX_APPOINTMENT_MINUTES = 8 * 60;
/** The longest calendar asked at once: six weeks (a month view). */
export const MAX_CALENDAR_DAYS = 42;

/** FHIR appointment statuses that no longer hold the practitioner's time. */
const RELEASED = new Set(['cancelled', 'noshow', 'entered-in-error']);
/** Statuses that a reschedule or a cancellation may change. */
const CHANGEABLE = new Set(['proposed', 'pending', 'booked']);

const HOUR = 3_600_000;
const MINUTE = 60_000;
/**
 * How far a stored start may be, as text, from its instant: starts sort as text in the index, and
 * one written with an offset (…+01:00, from the national record) sorts by its local hour.
 */
const OFFSET_SLACK = 14 * HOUR;

export interface BookingInput {
  patientId: string;
  practitionerId: string;
  /** The clinic's wall clock `YYYY-MM-DDTHH:mm`, or an instant with offset. */
  start: string;
  minutes?: number | undefined;
  type: AppointmentType;
  description?: string | undefined;
}

export interface RescheduleInput {
  id: string;
  version: number;
  start: string;
  minutes?: number | undefined;
  practitionerId?: string | undefined;
}

export interface CancelInput {
  id: string;
  version: number;
  reason: string;
}

function endOf(appointment: Appointment): number {
  const start = Date.parse(appointment.start ?? '');
  const end = Date.parse(appointment.end ?? '');
  if (!Number.isNaN(end)) return end;
  return start + (appointment.minutesDuration ?? DEFAULT_APPOINTMENT_MINUTES) * MINUTE;
}

export function practitionerOf(appointment: Appointment): string | null {
  for (const participant of appointment.participant ?? []) {
    const id = referenceId(participant.actor, 'Practitioner');
    if (id) return id;
  }
  return null;
}

function patientOfAppointment(appointment: Appointment): string | null {
  for (const participant of appointment.participant ?? []) {
    const id = referenceId(participant.actor, 'Patient');
    if (id) return id;
  }
  return null;
}

function nameText(name: HumanName | undefined): string | null {
  if (!name) return null;
  const text =
    name.text ?? [...(name.prefix ?? []), ...(name.given ?? []), name.family ?? ''].join(' ').trim();
  return text || null;
}

export function practitionerOption(practitioner: Practitioner): PractitionerOption {
  const current = (practitioner.name ?? []).filter((name) => name.use !== 'old' && !name.period?.end);
  const latin = current.find((name) => !isArabicScript(nameText(name) ?? ''));
  const arabic = current.find((name) => isArabicScript(nameText(name) ?? ''));
  return {
    id: practitioner.id as string,
    latin: nameText(latin),
    arabic: nameText(arabic),
    role: staffRole(practitioner),
  };
}

const roleOrder = { doctor: 0, midwife: 1, nurse: 2 } as const;

/** Account roles that see patients, and so may be booked. */
const CARING_ROLES = new Set<Role>(['doctor', 'nurse', 'radiologist']);

/**
 * Practitioners of the record who are not to be booked: those whose local accounts (main/auth) are
 * all disabled or hold no caring role (an administrator's account has a Practitioner too). A
 * Practitioner without an account (the demonstration's other staff, say) stays bookable.
 */
function unbookablePractitioners(record: LocalRecord): Set<string> {
  const accounts = new AccountStore(record.queries).list();
  const caring = new Set(
    accounts
      .filter((account) => !account.disabled && account.roles.some((role) => CARING_ROLES.has(role)))
      .map((account) => account.practitionerId),
  );
  return new Set(accounts.map((account) => account.practitionerId).filter((id) => !caring.has(id)));
}

/**
 * Through the partial index resource_appointment_by_start (migration 0010), named: without
 * statistics the planner would rather scan every appointment by the (type, id) index. The literal
 * type and `deleted = 0` are what let SQLite use a partial index at all.
 */
export const APPOINTMENTS_STARTING_BETWEEN = `select version, json from resource indexed by resource_appointment_by_start
  where type = 'Appointment' and deleted = 0 and date >= ? and date < ?`;

export class Appointments {
  constructor(private readonly context: CareContext) {}

  private zone(): string {
    return clinicTimeZone(this.context);
  }

  /** The clinic's zone and the services' clock, as an instant and on the clinic's wall clock. */
  private clock(): { timeZone: string; now: string; clinicNow: ClinicMoment } {
    const now = this.context.now();
    const zone = this.zone();
    const { date, time } = clinicDateTime(now, zone);
    return { timeZone: zone, now: now.toISOString(), clinicNow: { date, time } };
  }

  /** Appointments whose start lies in [from, to) give or take the offset slack (partial index, migration 0010). */
  private startingBetween(record: LocalRecord, from: number, to: number): StoredResource<Appointment>[] {
    const rows = record.queries
      .statement(APPOINTMENTS_STARTING_BETWEEN)
      .all(new Date(from - OFFSET_SLACK).toISOString(), new Date(to + OFFSET_SLACK).toISOString()) as {
      version: number;
      json: string;
    }[];
    return rows.map((row) => ({ resource: JSON.parse(row.json) as Appointment, version: row.version }));
  }

  /** The practitioner's standing appointments that overlap [start, end). */
  private overlapping(
    record: LocalRecord,
    practitionerId: string,
    start: number,
    end: number,
  ): StoredResource<Appointment>[] {
    return this.startingBetween(record, start - MAX_APPOINTMENT_MINUTES * MINUTE - 24 * HOUR, end)
      .filter(({ resource }) => !RELEASED.has(resource.status) && practitionerOf(resource) === practitionerId)
      .filter(({ resource }) => Date.parse(resource.start ?? '') < end && endOf(resource) > start)
      .sort((a, b) => Date.parse(a.resource.start ?? '') - Date.parse(b.resource.start ?? ''));
  }

  private assertFree(
    record: LocalRecord,
    practitionerId: string,
    start: number,
    end: number,
    exceptId: string | null,
  ): void {
    const taken = this.overlapping(record, practitionerId, start, end).find(
      ({ resource }) => resource.id !== exceptId,
    );
    if (!taken) return;
    const zone = this.zone();
    const from = clinicDateTime(taken.resource.start as string, zone);
    const until = clinicDateTime(new Date(endOf(taken.resource)), zone);
    throw new TabibError(
      'APPOINTMENT_CONFLICT',
      `Practitioner/${practitionerId} already has Appointment/${taken.resource.id} from ${from.date} ${from.time} to ${until.time}`,
      { appointmentId: taken.resource.id, date: from.date, start: from.time, end: until.time },
    );
  }

  private bookable(record: LocalRecord, practitionerId: string): Practitioner {
    const practitioner = requireStored<Practitioner>(record, 'Practitioner', practitionerId).resource;
    if (practitioner.active === false || unbookablePractitioners(record).has(practitionerId))
      throw new TabibError('RESOURCE_NOT_FOUND', `Practitioner/${practitionerId} cannot be booked`);
    return practitioner;
  }

  private period(
    start: string,
    minutes: number | undefined,
  ): { start: number; end: number; minutes: number } {
    const instant = instantOf(start, this.zone()).getTime();
    const length = minutes ?? DEFAULT_APPOINTMENT_MINUTES;
    if (instant < this.context.now().getTime())
      throw new TabibError('APPOINTMENT_IN_PAST', `${start} has passed`, { start });
    return { start: instant, end: instant + length * MINUTE, minutes: length };
  }

  private practitionerReference(practitioner: Practitioner): Reference<Practitioner> {
    const option = practitionerOption(practitioner);
    return {
      reference: `Practitioner/${practitioner.id}`,
      ...((option.latin ?? option.arabic) ? { display: (option.latin ?? option.arabic) as string } : {}),
    };
  }

  private view(record: LocalRecord, stored: StoredResource<Appointment>): AppointmentView {
    const appointment = stored.resource;
    const zone = this.zone();
    const start = appointment.start as string;
    const end = new Date(endOf(appointment)).toISOString();
    const localStart = clinicDateTime(start, zone);
    const patientId = patientOfAppointment(appointment);
    const patient = patientId ? record.store.read<Patient>('Patient', patientId) : null;
    const patientParticipant = appointment.participant.find((participant) =>
      referenceId(participant.actor, 'Patient'),
    );
    const practitionerId = practitionerOf(appointment);
    const practitionerParticipant = appointment.participant.find((participant) =>
      referenceId(participant.actor, 'Practitioner'),
    );
    let practitionerDisplay = practitionerParticipant?.actor?.display ?? null;
    if (practitionerId && !practitionerDisplay) {
      const practitioner = record.store.read<Practitioner>('Practitioner', practitionerId);
      practitionerDisplay = practitioner ? practitionerOption(practitioner).latin : null;
    }
    const code = appointment.appointmentType?.coding?.find(
      (coding) => coding.system === APPOINTMENT_TYPE_SYSTEM,
    )?.code;
    return {
      id: appointment.id as string,
      version: stored.version,
      status: appointment.status,
      start: new Date(start).toISOString(),
      end,
      minutes: Math.round((Date.parse(end) - Date.parse(start)) / MINUTE),
      local: { date: localStart.date, start: localStart.time, end: clinicDateTime(end, zone).time },
      type: (appointmentTypes as readonly string[]).includes(code ?? '') ? (code as AppointmentType) : null,
      description: appointment.description ?? null,
      cancellationReason: appointment.cancelationReason?.text ?? null,
      patient: patient
        ? record.patients.summaryOf(patient)
        : {
            id: patientId ?? '',
            latin: null,
            arabic: null,
            display: patientParticipant?.actor?.display ?? null,
          },
      practitioner: practitionerId ? { id: practitionerId, display: practitionerDisplay } : null,
      created: appointment.created ?? null,
    };
  }

  async book(input: BookingInput): Promise<AppointmentView> {
    const record = await this.context.openRecord();
    const patient = requirePatient(record, input.patientId);
    const practitioner = this.bookable(record, input.practitionerId);
    const period = this.period(input.start, input.minutes);
    const summary = record.patients.summaryOf(patient);
    const patientDisplay = summary.latin
      ? `${summary.latin.given} ${summary.latin.family}`.trim()
      : summary.arabic
        ? `${summary.arabic.given} ${summary.arabic.family}`.trim()
        : undefined;
    const appointment: Appointment = {
      resourceType: 'Appointment',
      status: 'booked',
      appointmentType: {
        coding: [
          { system: APPOINTMENT_TYPE_SYSTEM, code: input.type, display: appointmentTypeDisplay[input.type] },
        ],
      },
      ...(input.description ? { description: input.description } : {}),
      start: new Date(period.start).toISOString(),
      end: new Date(period.end).toISOString(),
      minutesDuration: period.minutes,
      created: this.context.now().toISOString(),
      participant: [
        {
          actor: {
            reference: `Patient/${input.patientId}`,
            ...(patientDisplay ? { display: patientDisplay } : {}),
          },
          required: 'required',
          status: 'accepted',
        },
        { actor: this.practitionerReference(practitioner), required: 'required', status: 'accepted' },
      ],
    };
    const stored = record.queries.transaction(() => {
      this.assertFree(record, input.practitionerId, period.start, period.end, null);
      return record.store.create(appointment, this.context.actor());
    });
    return this.view(record, stored);
  }

  private changeable(record: LocalRecord, id: string, version: number): StoredResource<Appointment> {
    const stored = requireStored<Appointment>(record, 'Appointment', id);
    if (stored.version !== version)
      throw new TabibError('VERSION_CONFLICT', `Appointment/${id} changed meanwhile`, {
        expected: version,
        current: stored.version,
      });
    if (!CHANGEABLE.has(stored.resource.status))
      throw new TabibError('APPOINTMENT_NOT_BOOKED', `Appointment/${id} is ${stored.resource.status}`, {
        status: stored.resource.status,
      });
    return stored;
  }

  async reschedule(input: RescheduleInput): Promise<AppointmentView> {
    const record = await this.context.openRecord();
    const stored = this.changeable(record, input.id, input.version);
    const current = stored.resource;
    const practitionerId = input.practitionerId ?? practitionerOf(current);
    if (!practitionerId)
      throw new TabibError('RESOURCE_INVALID', `Appointment/${input.id} names no practitioner`);
    const practitioner = this.bookable(record, practitionerId);
    const currentMinutes = Math.round((endOf(current) - Date.parse(current.start ?? '')) / MINUTE);
    const period = this.period(input.start, input.minutes ?? currentMinutes);
    const next: Appointment = {
      ...current,
      start: new Date(period.start).toISOString(),
      end: new Date(period.end).toISOString(),
      minutesDuration: period.minutes,
      participant: current.participant.map((participant) =>
        referenceId(participant.actor, 'Practitioner')
          ? { ...participant, actor: this.practitionerReference(practitioner) }
          : participant,
      ),
    };
    const written = record.queries.transaction(() => {
      this.assertFree(record, practitionerId, period.start, period.end, input.id);
      return record.store.update(next, this.context.actor(), input.version);
    });
    return this.view(record, written);
  }

  async cancel(input: CancelInput): Promise<AppointmentView> {
    const record = await this.context.openRecord();
    const stored = this.changeable(record, input.id, input.version);
    const next: Appointment = {
      ...stored.resource,
      status: 'cancelled',
      cancelationReason: { text: input.reason },
    };
    return this.view(record, record.store.update(next, this.context.actor(), input.version));
  }

  async list(patientId: string): Promise<PatientAppointments> {
    const record = await this.context.openRecord();
    requirePatient(record, patientId);
    const appointments = patientResources<Appointment>(record, patientId, 'Appointment')
      .filter(({ resource }) => resource.start)
      .map((stored) => this.view(record, stored))
      .sort((a, b) => a.start.localeCompare(b.start));
    return { ...this.clock(), appointments };
  }

  async calendar(practitionerId: string, from: string, to: string): Promise<PractitionerCalendar> {
    const record = await this.context.openRecord();
    requireStored<Practitioner>(record, 'Practitioner', practitionerId);
    const zone = this.zone();
    const days = clinicDays(from, to, zone, MAX_CALENDAR_DAYS);
    const start = Date.parse((days[0] as { start: string }).start);
    const end = Date.parse((days.at(-1) as { end: string }).end);
    const appointments = this.overlapping(record, practitionerId, start, end).map((stored) =>
      this.view(record, stored),
    );
    return { ...this.clock(), practitionerId, days, appointments };
  }

  async practitioners(): Promise<BookablePractitioners> {
    const record = await this.context.openRecord();
    const rows = record.queries
      .statement(`select json from resource where type = 'Practitioner' and deleted = 0`)
      .all() as { json: string }[];
    const unbookable = unbookablePractitioners(record);
    const practitioners = rows
      .map((row) => JSON.parse(row.json) as Practitioner)
      .filter((practitioner) => practitioner.active !== false && !unbookable.has(practitioner.id as string))
      .map(practitionerOption)
      .sort(
        (a, b) =>
          (a.role ? roleOrder[a.role] : 3) - (b.role ? roleOrder[b.role] : 3) ||
          (a.latin ?? a.arabic ?? '').localeCompare(b.latin ?? b.arabic ?? ''),
      );
    const acting = practitionerIdOf(this.context.actor().reference);
    return {
      practitioners,
      self: practitioners.some((practitioner) => practitioner.id === acting) ? acting : null,
      ...this.clock(),
    };
  }
}
