/**
 * 0002: facts about the record itself, such as which version of the name-search rules built the
 * name index (so a new dictionary or new rules rebuild it at the next open).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('record_meta')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .execute();
}
