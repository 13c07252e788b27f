/**
 * Runs kysely-built queries synchronously on the better-sqlite3 handle, with prepared statements
 * cached by SQL text. Kysely's own executor is asynchronous: interleaving an async transaction with
 * the store's synchronous ones on one connection would merge them. So kysely builds (typed SQL)
 * and better-sqlite3 runs (synchronous transactions that cannot interleave).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { sql, type Compilable, type RawBuilder } from 'kysely';
import type { SqliteHandle } from './sqlite-connection';

export type Statement = Database.Statement<unknown[]>;

export class SyncQueries {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly sqlite: SqliteHandle) {}

  statement(sqlText: string): Statement {
    let statement = this.statements.get(sqlText);
    if (!statement) {
      statement = this.sqlite.prepare<unknown[]>(sqlText);
      this.statements.set(sqlText, statement);
    }
    return statement;
  }

  /**
   * A statement kysely builds once, for hot paths (one per row of a bulk load): the query is
   * written with `slot()` for each value and run with the values in the order the slots appear
   * in the SQL. Compiling a kysely query costs tens of microseconds; preparing once saves that on
   * every row.
   */
  prepare(query: Compilable<unknown>): Statement {
    const compiled = query.compile();
    if (compiled.parameters.length > 0)
      throw new Error(`A prepared statement takes its values through slot(), not literals: ${compiled.sql}`);
    return this.statement(compiled.sql);
  }

  all<R>(query: Compilable<R>): R[] {
    const compiled = query.compile();
    return this.statement(compiled.sql).all(...(compiled.parameters as unknown[])) as R[];
  }

  first<R>(query: Compilable<R>): R | undefined {
    const compiled = query.compile();
    return this.statement(compiled.sql).get(...(compiled.parameters as unknown[])) as R | undefined;
  }

  run(query: Compilable<unknown>): { changes: number; lastInsertRowid: number | bigint } {
    const compiled = query.compile();
    return this.statement(compiled.sql).run(...(compiled.parameters as unknown[]));
  }

  /**
   * One synchronous transaction: all or nothing. Nested calls become savepoints.
   *
   * `replayable`: what it writes can be fetched again, and its position is written with it (a
   * page of the national record and its cursor): it commits without waiting for the disk
   * (`synchronous = NORMAL`; in WAL mode still atomic and consistent after a crash or power cut,
   * only possibly lost, and then pulled again). Local changes always wait for the disk (FULL).
   */
  transaction<T>(work: () => T, options: { replayable?: boolean } = {}): T {
    if (!options.replayable || this.sqlite.inTransaction) return this.sqlite.transaction(work)();
    this.sqlite.pragma('synchronous = NORMAL');
    try {
      return this.sqlite.transaction(work)();
    } finally {
      this.sqlite.pragma('synchronous = FULL');
    }
  }
}

/** A value's place in a statement built by SyncQueries.prepare. */
export function slot<T>(): RawBuilder<T> {
  return sql<T>`?`;
}
