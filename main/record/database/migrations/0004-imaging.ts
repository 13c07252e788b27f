/**
 * 0004: the imaging index (main/imaging/): patient, study, series and instance as the DICOM files
 * say them (PS3.3 the composite information model), the link of each study to the record's
 * Patient, and where each instance's encrypted bytes are in the instance cache. The text of the
 * files (names, descriptions) is here, in the encrypted record, and never in the cache's names.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('imaging_patient')
    .addColumn('rowid', 'integer', (c) => c.primaryKey().autoIncrement())
    // The patient as the files identify them: ID, issuer, name and birth date (no global key exists).
    .addColumn('patient_key', 'text', (c) => c.notNull().unique())
    .addColumn('dicom_patient_id', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('other_ids_json', 'text', (c) => c.notNull())
    .addColumn('name_json', 'text')
    .addColumn('name_text', 'text', (c) => c.notNull())
    .addColumn('birth_date', 'text')
    .addColumn('sex', 'text', (c) => c.notNull())
    .addColumn('character_set', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('imaging_study')
    .addColumn('study_uid', 'text', (c) => c.primaryKey())
    .addColumn('imaging_patient', 'integer', (c) => c.notNull().references('imaging_patient.rowid'))
    // The record's Patient: set when the national identifier matched, or a clinician confirmed it.
    .addColumn('patient_id', 'text')
    .addColumn('patient_link', 'text', (c) => c.check(sql`patient_link in ('identifier', 'confirmed')`))
    .addColumn('study_date', 'text')
    .addColumn('study_time', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('accession_number', 'text', (c) => c.notNull())
    .addColumn('study_id', 'text', (c) => c.notNull())
    // The PACS holds it too: the cache may evict it (least recently used first) to stay in its limit.
    .addColumn('pacs_held', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('imported', 'text', (c) => c.notNull())
    .addColumn('last_access', 'text', (c) => c.notNull())
    .execute();
  await sql`create index imaging_study_eviction on imaging_study (last_access) where pacs_held = 1`.execute(
    db,
  );
  await sql`create index imaging_study_patient on imaging_study (patient_id)`.execute(db);

  await db.schema
    .createTable('imaging_series')
    .addColumn('series_uid', 'text', (c) => c.primaryKey())
    .addColumn('study_uid', 'text', (c) =>
      c.notNull().references('imaging_study.study_uid').onDelete('cascade'),
    )
    .addColumn('modality', 'text', (c) => c.notNull())
    .addColumn('series_number', 'integer')
    .addColumn('description', 'text', (c) => c.notNull())
    .execute();
  await sql`create index imaging_series_study on imaging_series (study_uid)`.execute(db);

  await db.schema
    .createTable('imaging_instance')
    .addColumn('sop_instance_uid', 'text', (c) => c.primaryKey())
    .addColumn('series_uid', 'text', (c) =>
      c.notNull().references('imaging_series.series_uid').onDelete('cascade'),
    )
    .addColumn('sop_class_uid', 'text', (c) => c.notNull())
    .addColumn('instance_number', 'integer')
    .addColumn('frames', 'integer', (c) => c.notNull())
    .addColumn('rows', 'integer')
    .addColumn('columns', 'integer')
    .addColumn('transfer_syntax', 'text', (c) => c.notNull())
    .addColumn('photometric', 'text', (c) => c.notNull())
    // SHA-256 of the Part 10 file: the same UID with the same bytes is a duplicate, with others a conflict.
    .addColumn('content_sha256', 'text', (c) => c.notNull())
    .addColumn('byte_size', 'integer', (c) => c.notNull())
    .addColumn('cache_file', 'text', (c) => c.notNull().unique())
    .addColumn('cached_size', 'integer', (c) => c.notNull())
    .addColumn('imported', 'text', (c) => c.notNull())
    .execute();
  await sql`create index imaging_instance_series on imaging_instance (series_uid, instance_number)`.execute(
    db,
  );
}
