/**
 * The practitioner accounts' table in the encrypted record (`practitioner_account`, migration
 * 0006): rows in, rows out, nothing else. The rules (password policy, lockout, the last
 * administrator) are in practitioner-accounts.ts. Synchronous, on the record's connection, so a
 * caller can put an account and its Practitioner resource in one transaction.
 */
import type { Selectable } from 'kysely';
import { roles as knownRoles, type Role } from '../contract/permissions';
import type { PractitionerAccountTable } from '../record/database/schema';
import type { SyncQueries } from '../record/database/sync-queries';
import type { LockoutCounters } from './lockout';

export interface PractitionerAccount extends LockoutCounters {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  practitionerId: string;
  passwordHash: string;
  disabled: boolean;
  created: string;
  updated: string;
}

type AccountRow = Selectable<PractitionerAccountTable>;

/** How user names are compared: `Amina`, `AMINA` and `amina` are one name (Unicode-aware). */
export function usernameKey(username: string): string {
  return username.trim().normalize('NFKC').toLowerCase();
}

const isRole = (value: unknown): value is Role => (knownRoles as readonly unknown[]).includes(value);

function fromRow(row: AccountRow): PractitionerAccount {
  const roles = (JSON.parse(row.roles) as unknown[]).filter(isRole);
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles,
    practitionerId: row.practitioner_id,
    passwordHash: row.password_hash,
    failedAttempts: row.failed_attempts,
    lockedOutUntil: row.locked_out_until,
    disabled: row.disabled === 1,
    created: row.created,
    updated: row.updated,
  };
}

const COLUMNS =
  'id, username, username_key, display_name, roles, practitioner_id, password_hash, failed_attempts, locked_out_until, disabled, created, updated';

export class AccountStore {
  constructor(private readonly queries: SyncQueries) {}

  count(): number {
    return (this.queries.statement('select count(*) as n from practitioner_account').get() as { n: number })
      .n;
  }

  byId(id: string): PractitionerAccount | null {
    const row = this.queries.statement(`select ${COLUMNS} from practitioner_account where id = ?`).get(id) as
      AccountRow | undefined;
    return row ? fromRow(row) : null;
  }

  byUsername(username: string): PractitionerAccount | null {
    const row = this.queries
      .statement(`select ${COLUMNS} from practitioner_account where username_key = ?`)
      .get(usernameKey(username)) as AccountRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Every account, by user name. */
  list(): PractitionerAccount[] {
    const rows = this.queries
      .statement(`select ${COLUMNS} from practitioner_account order by username_key`)
      .all() as AccountRow[];
    return rows.map(fromRow);
  }

  /** Enabled accounts holding the administrator role. */
  activeAdministrators(): PractitionerAccount[] {
    return this.list().filter((account) => !account.disabled && account.roles.includes('administrator'));
  }

  insert(account: PractitionerAccount): void {
    this.queries
      .statement(`insert into practitioner_account (${COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(
        account.id,
        account.username,
        usernameKey(account.username),
        account.displayName,
        JSON.stringify(account.roles),
        account.practitionerId,
        account.passwordHash,
        account.failedAttempts,
        account.lockedOutUntil,
        account.disabled ? 1 : 0,
        account.created,
        account.updated,
      );
  }

  /** Writes every changeable field of `account` (its id, user name and creation stay). */
  save(account: PractitionerAccount): void {
    this.queries
      .statement(
        `update practitioner_account set display_name = ?, roles = ?, password_hash = ?, failed_attempts = ?,
           locked_out_until = ?, disabled = ?, updated = ? where id = ?`,
      )
      .run(
        account.displayName,
        JSON.stringify(account.roles),
        account.passwordHash,
        account.failedAttempts,
        account.lockedOutUntil,
        account.disabled ? 1 : 0,
        account.updated,
        account.id,
      );
  }
}
