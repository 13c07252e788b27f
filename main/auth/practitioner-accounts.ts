/**
 * The workstation's practitioner accounts: create (with the FHIR Practitioner the account acts
 * as, written through the record's store in the same transaction, so it is audited and queued for
 * sync), authenticate (password, lockout, disabled), change. The passwords are hashed before a
 * transaction starts: scrypt runs on libuv's thread pool, never inside a database transaction.
 *
 * Authentication attempts run one after the other: two wrong passwords typed at once must both be
 * counted (a read-verify-write of the counters that interleaved would lose one).
 */
import { randomUUID } from 'node:crypto';
import type { Practitioner } from '@medplum/fhirtypes';
import type { Role } from '../contract/permissions';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import type { LocalRecord } from '../record/local-record';
import { AccountStore, type PractitionerAccount } from './account-store';
import { afterFailure, afterSuccess, defaultLockoutPolicy, lockedOutAt, type LockoutPolicy } from './lockout';
import { decoyPasswordHash, hashPassword, needsRehash, verifyPassword } from './password-hash';
import { assertPasswordAcceptable } from './password-policy';

/** The identifier a Practitioner created for a local account carries (its value: the account's id). */
export const ACCOUNT_IDENTIFIER_SYSTEM = 'urn:tabib:practitioner-account';

export interface NewAccount {
  username: string;
  displayName: string;
  roles: Role[];
  password: string;
  /**
   * The Practitioner the account acts as. Without it a new Practitioner is created, named after
   * the account. With one that is not in the record yet (a demonstration's staff), it is created.
   */
  practitioner?: Practitioner & { id: string };
}

export interface AccountChange {
  displayName?: string;
  roles?: Role[];
  disabled?: boolean;
}

export interface PractitionerAccountsOptions {
  record: () => Promise<LocalRecord>;
  clock: () => Date;
  lockout?: LockoutPolicy;
}

export class PractitionerAccounts {
  private attempts: Promise<unknown> = Promise.resolve();
  readonly lockout: LockoutPolicy;

  constructor(private readonly options: PractitionerAccountsOptions) {
    this.lockout = options.lockout ?? defaultLockoutPolicy;
  }

  private async store(): Promise<{ record: LocalRecord; accounts: AccountStore }> {
    const record = await this.options.record();
    return { record, accounts: new AccountStore(record.queries) };
  }

  async count(): Promise<number> {
    return (await this.store()).accounts.count();
  }

  async list(): Promise<PractitionerAccount[]> {
    return (await this.store()).accounts.list();
  }

  async get(id: string): Promise<PractitionerAccount> {
    const account = (await this.store()).accounts.byId(id);
    if (!account) throw new TabibError('RESOURCE_NOT_FOUND', `No account ${id}`);
    return account;
  }

  async byUsername(username: string): Promise<PractitionerAccount | null> {
    return (await this.store()).accounts.byUsername(username);
  }

  /** Creates an account and its Practitioner in one transaction; USERNAME_TAKEN if the name exists. */
  async create(request: NewAccount, actor: Actor): Promise<PractitionerAccount> {
    assertPasswordAcceptable(request.password, request.username);
    const passwordHash = await hashPassword(request.password);
    const { record, accounts } = await this.store();
    const now = this.options.clock().toISOString();
    const id = randomUUID();
    return record.queries.transaction(() => {
      if (accounts.byUsername(request.username))
        throw new TabibError('USERNAME_TAKEN', `The user name ${request.username} is taken`, {
          username: request.username,
        });
      const given = request.practitioner;
      let practitionerId: string;
      if (given && record.store.read('Practitioner', given.id)) practitionerId = given.id;
      else {
        const resource: Practitioner = given ?? {
          resourceType: 'Practitioner',
          active: true,
          identifier: [{ system: ACCOUNT_IDENTIFIER_SYSTEM, value: id }],
          name: [{ text: request.displayName }],
        };
        practitionerId = record.store.create(resource, actor).resource.id as string;
      }
      const account: PractitionerAccount = {
        id,
        username: request.username.trim(),
        displayName: request.displayName.trim(),
        roles: [...new Set(request.roles)],
        practitionerId,
        passwordHash,
        failedAttempts: 0,
        lockedOutUntil: null,
        disabled: false,
        created: now,
        updated: now,
      };
      accounts.insert(account);
      return account;
    });
  }

  /** One attempt at a time (see the file comment). */
  private serialised<T>(attempt: () => Promise<T>): Promise<T> {
    const next = this.attempts.then(attempt, attempt);
    this.attempts = next.catch(() => undefined);
    return next;
  }

  /**
   * Checks a password against an account, counting failures: ACCOUNT_LOCKED_OUT (with the end of
   * the lockout) while locked out or when this failure locks it, else INVALID_CREDENTIALS.
   */
  private async check(account: PractitionerAccount, password: string): Promise<PractitionerAccount> {
    const now = this.options.clock();
    const lockedUntil = lockedOutAt(account, now);
    if (lockedUntil) throw lockedOut(lockedUntil);
    const valid = await verifyPassword(password, account.passwordHash);
    const { accounts } = await this.store();
    const current = accounts.byId(account.id) ?? account;
    if (!valid) {
      const counters = afterFailure(current, now, this.lockout);
      accounts.save({ ...current, ...counters });
      if (counters.lockedOutUntil) throw lockedOut(new Date(counters.lockedOutUntil));
      throw new TabibError('INVALID_CREDENTIALS', 'Wrong user name or password', {
        remainingAttempts: this.lockout.threshold - counters.failedAttempts,
      });
    }
    let updated: PractitionerAccount = { ...current, ...afterSuccess };
    // A hash made with weaker parameters than today's is replaced now that the password is known.
    if (needsRehash(current.passwordHash))
      updated = { ...updated, passwordHash: await hashPassword(password) };
    if (
      updated.failedAttempts !== current.failedAttempts ||
      updated.lockedOutUntil !== current.lockedOutUntil ||
      updated.passwordHash !== current.passwordHash
    )
      accounts.save(updated);
    return updated;
  }

  /**
   * Sign-in: the account whose user name and password these are. An unknown name costs the same
   * time as a wrong password and gets the same answer; a disabled account is named only to the
   * one who knows its password.
   */
  authenticate(username: string, password: string): Promise<PractitionerAccount> {
    return this.serialised(async () => {
      const account = await this.byUsername(username);
      if (!account) {
        await verifyPassword(password, await decoyPasswordHash());
        throw new TabibError('INVALID_CREDENTIALS', 'Wrong user name or password');
      }
      const checked = await this.check(account, password);
      if (checked.disabled) throw new TabibError('ACCOUNT_DISABLED', `The account ${username} is disabled`);
      return checked;
    });
  }

  /** The signed-in practitioner proves it is them (quick unlock, password change). */
  confirm(accountId: string, password: string): Promise<PractitionerAccount> {
    return this.serialised(async () => {
      const checked = await this.check(await this.get(accountId), password);
      if (checked.disabled) throw new TabibError('ACCOUNT_DISABLED', 'The account is disabled');
      return checked;
    });
  }

  async changePassword(accountId: string, current: string, next: string): Promise<PractitionerAccount> {
    const account = await this.confirm(accountId, current);
    return this.setPassword(account, next);
  }

  /** An administrator's reset: a new password, and the end of any lockout. */
  async resetPassword(accountId: string, password: string): Promise<PractitionerAccount> {
    return this.setPassword(await this.get(accountId), password);
  }

  private async setPassword(account: PractitionerAccount, password: string): Promise<PractitionerAccount> {
    assertPasswordAcceptable(password, account.username);
    const passwordHash = await hashPassword(password);
    const { accounts } = await this.store();
    const current = accounts.byId(account.id) ?? account;
    const updated: PractitionerAccount = {
      ...current,
      ...afterSuccess,
      passwordHash,
      updated: this.options.clock().toISOString(),
    };
    accounts.save(updated);
    return updated;
  }

  /**
   * Display name, roles, disabled. One enabled administrator always remains (LAST_ADMINISTRATOR):
   * a workstation nobody can administer could not create accounts again. A Practitioner created
   * for the account follows its display name; one from elsewhere (the national registry, the
   * demonstration's staff) keeps its own.
   */
  async update(accountId: string, change: AccountChange, actor: Actor): Promise<PractitionerAccount> {
    const { record, accounts } = await this.store();
    return record.queries.transaction(() => {
      const current = accounts.byId(accountId);
      if (!current) throw new TabibError('RESOURCE_NOT_FOUND', `No account ${accountId}`);
      const updated: PractitionerAccount = {
        ...current,
        ...(change.displayName !== undefined ? { displayName: change.displayName.trim() } : {}),
        ...(change.roles !== undefined ? { roles: [...new Set(change.roles)] } : {}),
        ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
        updated: this.options.clock().toISOString(),
      };
      const administers = (account: PractitionerAccount) =>
        !account.disabled && account.roles.includes('administrator');
      if (administers(current) && !administers(updated) && accounts.activeAdministrators().length <= 1)
        throw new TabibError('LAST_ADMINISTRATOR', 'The last enabled administrator must stay one');
      accounts.save(updated);
      if (updated.displayName !== current.displayName) {
        const stored = record.store.readStored<Practitioner>('Practitioner', current.practitionerId);
        const ours = stored?.resource.identifier?.some(
          (identifier) => identifier.system === ACCOUNT_IDENTIFIER_SYSTEM && identifier.value === current.id,
        );
        if (stored && ours)
          record.store.update(
            { ...stored.resource, name: [{ text: updated.displayName }] },
            actor,
            stored.version,
          );
      }
      return updated;
    });
  }
}

function lockedOut(until: Date): TabibError {
  return new TabibError(
    'ACCOUNT_LOCKED_OUT',
    `Too many wrong passwords: locked out until ${until.toISOString()}`,
    {
      until: until.toISOString(),
    },
  );
}
