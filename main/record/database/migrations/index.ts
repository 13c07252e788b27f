/**
 * The record's schema changes, numbered, one change each (as Signal Desktop does). Bundled in
 * code rather than read from a folder, so the packaged app and the CLI carry the same list.
 * Never edit a migration that has shipped: add the next number.
 */
import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-record';
import * as m0002 from './0002-record-meta';
import * as m0003 from './0003-sync';
import * as m0004 from './0004-imaging';
import * as m0005 from './0005-remote-updated';
import * as m0006 from './0006-practitioner-accounts';
import * as m0010 from './0010-appointment-calendar';
import * as m0011 from './0011-imaging-geometry';

const migrations: Record<string, Migration> = {
  '0001-record': m0001,
  '0002-record-meta': m0002,
  '0003-sync': m0003,
  '0004-imaging': m0004,
  '0005-remote-updated': m0005,
  '0006-practitioner-accounts': m0006,
  '0010-appointment-calendar': m0010,
  '0011-imaging-geometry': m0011,
};

export const recordMigrations: MigrationProvider = {
  getMigrations: async () => migrations,
};

export const latestMigration = Object.keys(migrations).sort().at(-1) as string;
