/**
 * 0010: a practitioner's calendar and the double-booking check (main/care/appointments.ts) look up
 * appointments by start, whoever the patient: without this index that is a scan of every
 * appointment of the record (the chart's index starts with the patient). Partial, so the other
 * resources' writes do not pay for it; queries name the type as a literal to use it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index resource_appointment_by_start on resource (date) where type = 'Appointment' and deleted = 0`.execute(
    db,
  );
}
