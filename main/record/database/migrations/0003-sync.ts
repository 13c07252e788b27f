/**
 * 0003: what the sync with the national record service keeps (main/sync/):
 * - `sync_state`: its cursors and markers (a pull stream's position, the push's progress), one
 *   JSON value per key, written in the same transaction as the page or acknowledgement they
 *   describe, so a crash resumes from the last page applied;
 * - `sync_patient`: patients the pull follows besides the facility's (opened, fetched on demand);
 * - `sync_conflict`: both versions of a resource changed here and on the national record, kept
 *   until a clinician resolves them (nothing is overwritten meanwhile);
 * - `sync_run`: the history of sync runs, for the sync page and `tabib sync status`.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sync_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_patient')
    .addColumn('patient_id', 'text', (c) => c.primaryKey())
    .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('opened', 'fetched', 'facility')`))
    .addColumn('added', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sync_conflict')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('patient_id', 'text')
    .addColumn('detected', 'text', (c) => c.notNull())
    .addColumn('cause', 'text', (c) =>
      c.notNull().check(sql`cause in ('precondition-failed', 'remote-change')`),
    )
    .addColumn('local_version', 'integer', (c) => c.notNull())
    .addColumn('local_json', 'text')
    .addColumn('remote_version', 'text')
    .addColumn('remote_json', 'text')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('open')
        .check(sql`status in ('open', 'resolved')`),
    )
    .addColumn('resolved', 'text')
    .addColumn('resolution', 'text', (c) => c.check(sql`resolution in ('local', 'remote', 'merged')`))
    .addColumn('resolved_by', 'text')
    .execute();
  await sql`create unique index sync_conflict_open on sync_conflict (resource_type, resource_id)
    where status = 'open'`.execute(db);

  await db.schema
    .createTable('sync_run')
    .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('trigger', 'text', (c) =>
      c.notNull().check(sql`trigger in ('schedule', 'reconnect', 'manual', 'cli', 'fetch')`),
    )
    .addColumn('started', 'text', (c) => c.notNull())
    .addColumn('finished', 'text')
    .addColumn('outcome', 'text', (c) => c.check(sql`outcome in ('ok', 'failed', 'interrupted')`))
    .addColumn('pulled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pushed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('conflicts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .execute();
}
