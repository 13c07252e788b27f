/**
 * 0005: the national record's lastUpdated of the version the replica holds (resource.remote_version),
 * kept beside it. A pull that re-reads history from an older cursor meets versions older than the
 * one held (one this workstation pushed, say): they are recognised by this instant and skipped,
 * instead of rolling the replica back or raising a conflict with an old version of its own.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('resource').addColumn('remote_updated', 'text').execute();
}
