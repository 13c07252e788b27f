/**
 * 0006: the workstation's practitioner accounts (main/auth/), kept in the encrypted record:
 * - `practitioner_account`: one row per local account. `username_key` is the user name folded for
 *   comparison (Unicode NFKC, lower case): unique, so `Amina` and `amina` are one name. `roles` is
 *   a JSON array (main/contract/permissions.ts). `practitioner_id`: the FHIR Practitioner the
 *   account acts as. `password_hash`: a PHC string carrying its own scrypt parameters
 *   (main/auth/password-hash.ts). `failed_attempts` and `locked_out_until`: the lockout after
 *   repeated wrong passwords.
 * - `audit_break_glass`: a partial index over the audit trail's break-the-glass openings
 *   (AuditEvent.purposeOfEvent = v3-ActReason BTG), so administrators list them without scanning
 *   every chart opening. The query must repeat the index's expression (main/auth/break-glass.ts).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('practitioner_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('username_key', 'text', (c) => c.notNull().unique())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('roles', 'text', (c) =>
      c.notNull().check(sql`json_valid(roles) and json_type(roles) = 'array'`),
    )
    .addColumn('practitioner_id', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('failed_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_out_until', 'text')
    .addColumn('disabled', 'integer', (c) =>
      c
        .notNull()
        .defaultTo(0)
        .check(sql`disabled in (0, 1)`),
    )
    .addColumn('created', 'text', (c) => c.notNull())
    .addColumn('updated', 'text', (c) => c.notNull())
    .execute();

  await sql`create index audit_break_glass on audit_event (recorded)
    where json_extract(json, '$.purposeOfEvent[0].coding[0].code') = 'BTG'`.execute(db);
}
