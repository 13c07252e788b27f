/** 0001: resources, the patient search projection, outbox and the append-only audit log. */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resource')
    .addColumn('rowid', 'integer', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('remote_version', 'text')
    .addColumn('last_updated', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text')
    .addColumn('status', 'text')
    .addColumn('date', 'text')
    .addColumn('deleted', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('json', 'text', (c) => c.notNull())
    .addUniqueConstraint('resource_type_id', ['type', 'id'])
    .execute();
  // The chart: every resource of one patient, by type, newest first.
  await db.schema
    .createIndex('resource_by_patient')
    .on('resource')
    .columns(['patient_id', 'type', 'date desc'])
    .execute();

  await db.schema
    .createTable('patient_search')
    .addColumn('rowid', 'integer', (c) => c.primaryKey())
    .addColumn('patient_id', 'text', (c) => c.notNull().unique())
    .addColumn('given_latin', 'text')
    .addColumn('family_latin', 'text')
    .addColumn('given_arabic', 'text')
    .addColumn('family_arabic', 'text')
    .addColumn('birth_date', 'text')
    .addColumn('gender', 'text')
    .addColumn('identifier_system', 'text')
    .addColumn('identifier_value', 'text')
    .addColumn('phone', 'text')
    .execute();
  await db.schema.createIndex('patient_by_birth_date').on('patient_search').column('birth_date').execute();

  await db.schema
    .createTable('patient_identifier')
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('system', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('patient_identifier_pk', ['value', 'system', 'patient_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema
    .createIndex('patient_identifier_by_patient')
    .on('patient_identifier')
    .column('patient_id')
    .execute();

  await db.schema
    .createTable('patient_phone')
    .addColumn('digits', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('patient_phone_pk', ['digits', 'patient_id'])
    .modifyEnd(sql`without rowid`)
    .execute();
  await db.schema.createIndex('patient_phone_by_patient').on('patient_phone').column('patient_id').execute();

  // Name terms (main/record/search): contentless, so the names are stored once (in the
  // encrypted resource JSON); prefix indexes make type-ahead a range scan.
  await sql`create virtual table patient_name_fts using fts5(
    terms, content='', contentless_delete=1,
    tokenize="unicode61 remove_diacritics 0", prefix='2 3 4'
  )`.execute(db);

  await db.schema
    .createTable('outbox')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('operation', 'text', (c) =>
      c.notNull().check(sql`operation in ('create', 'update', 'delete')`),
    )
    .addColumn('recorded', 'text', (c) => c.notNull())
    .addColumn('practitioner', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_by_resource')
    .on('outbox')
    .columns(['resource_type', 'resource_id'])
    .execute();

  await db.schema
    .createTable('audit_event')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('recorded', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action in ('C', 'R', 'U', 'D', 'E')`))
    .addColumn('practitioner', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text')
    .addColumn('entity_type', 'text')
    .addColumn('entity_id', 'text')
    .addColumn('workstation', 'text', (c) => c.notNull())
    .addColumn('json', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('audit_by_patient')
    .on('audit_event')
    .columns(['patient_id', 'recorded'])
    .execute();
  // Append-only (who saw what must not be rewritten, not even by the application).
  await sql`create trigger audit_event_no_update before update on audit_event
    begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
  await sql`create trigger audit_event_no_delete before delete on audit_event
    begin select raise(abort, 'the audit log is append-only'); end`.execute(db);
}
