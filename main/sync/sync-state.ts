/**
 * The sync's persisted positions (table `sync_state`): one JSON value per key. Callers write them
 * inside the transaction that applies what they describe (a pull page, a push acknowledgement), so
 * after a crash the position and the data agree.
 */
import type { SyncQueries } from '../record/database/sync-queries';

export class SyncState {
  constructor(private readonly queries: SyncQueries) {}

  get<T>(key: string): T | null {
    const row = this.queries.statement('select value from sync_state where key = ?').get(key) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : null;
  }

  /** Call inside the transaction that applies what the value describes. */
  set(key: string, value: unknown): void {
    this.queries
      .statement(
        'insert into sync_state (key, value) values (?, ?) on conflict (key) do update set value = excluded.value',
      )
      .run(key, JSON.stringify(value));
  }

  delete(key: string): void {
    this.queries.statement('delete from sync_state where key = ?').run(key);
  }
}
