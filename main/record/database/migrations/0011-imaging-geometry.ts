/**
 * 0011: where each image lies in the patient (PS3.3 C.7.6.2, Image Plane): ImagePositionPatient
 * and ImageOrientationPatient, so a series is stacked along its slice normal (main/imaging/
 * study-view.ts) without decrypting its files; and the series' body part, which the viewer shows. Instances indexed before this migration have
 * `geometry_read` 0: their geometry is read once from the cache when their study is first opened.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // "x\y\z" and "rx\ry\rz\cx\cy\cz" as the file writes them (DS values); null when absent.
  await sql`alter table imaging_instance add column image_position text`.execute(db);
  await sql`alter table imaging_instance add column image_orientation text`.execute(db);
  await sql`alter table imaging_instance add column geometry_read integer not null default 0`.execute(db);
  // (0018,0015) BodyPartExamined of the series (CS), '' when absent or not yet read.
  await sql`alter table imaging_series add column body_part text not null default ''`.execute(db);
}
