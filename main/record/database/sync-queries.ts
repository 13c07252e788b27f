/**
 * Runs kysely-built queries synchronously on the better-sqlite3 handle, with prepared statements
 * cached by SQL text. Kysely's own executor is asynchronous: interleaving an async transaction with
 * the store's synchronous ones on one connection would merge them. So kysely builds (typed SQL)
 * and better-sqlite3 runs (synchronous transactions that cannot interleave).
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { Compilable } from 'kysely';
import type { SqliteHandle } from './sqlite-connection';

type Statement = Database.Statement<unknown[]>;

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

  /** One synchronous transaction: all or nothing. Nested calls become savepoints. */
  transaction<T>(work: () => T): T {
    return this.sqlite.transaction(work)();
  }
}
