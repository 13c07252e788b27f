/**
 * The workstation's session: one per workstation app, living in the services (the worker), so
 * every call of the renderer is checked against it in main (call-guard.ts), whatever the UI shows.
 *
 *   noAccounts ──createAdministrator──▶ signedIn ◀──signIn── signedOut
 *                                        │   ▲                  ▲
 *                          lock / idle   ▼   │ unlock           │ signOut (from signedIn or locked)
 *                                        locked ────────────────┘
 *
 * A locked session is unlocked by the same practitioner's password only; someone else signs in
 * from the lock screen by signing the first out. Wrong passwords at the lock screen count towards
 * the account's lockout like any: the fifth ends the session. Signing out forgets the session and
 * what the services hold about patients in memory (`forgetPatientData`).
 */
import type { AuthStatus, SessionChange, SessionState, SessionUser } from '../contract/auth-types';
import { permissionsOf, type Permission } from '../contract/permissions';
import type { ConfigStore } from '../config/config-store';
import { TabibError } from '../errors';
import type { Actor } from '../record/actor';
import type { RecordService } from '../record/record-service';
import type { PractitionerAccount } from './account-store';
import { guardCall, type CallOrigin, type SessionView } from './call-guard';
import { DEMO_PASSWORD, demoAccountViews, ensureDemoAccounts } from './demo-accounts';
import type { FacilityContext } from './facility-patients';
import { IdleLock, systemIdleTimers, type IdleTimers } from './idle-lock';
import type { LockoutPolicy } from './lockout';
import { PractitionerAccounts, type AccountChange, type NewAccount } from './practitioner-accounts';
import type { CallName } from '../contract/contract';

export interface AuthServiceOptions {
  config: ConfigStore;
  record: RecordService;
  /** The idle lock's timers; Node's by default, on the record's clock. */
  timers?: IdleTimers;
  lockout?: LockoutPolicy;
  /** Drops what the services hold in memory about patients (sign-out). */
  forgetPatientData?: () => Promise<void> | void;
}

export interface SessionEvent {
  state: SessionState;
  change: SessionChange;
}

interface Session {
  user: SessionUser;
  locked: boolean;
}

export function sessionUserOf(account: PractitionerAccount): SessionUser {
  return {
    id: account.id,
    username: account.username,
    displayName: account.displayName,
    roles: [...account.roles],
    permissions: [...permissionsOf(account.roles)],
    practitioner: { reference: `Practitioner/${account.practitionerId}`, display: account.displayName },
  };
}

export class AuthService {
  readonly accounts: PractitionerAccounts;
  private session: Session | null = null;
  private readonly idle: IdleLock;
  private readonly listeners = new Set<(event: SessionEvent) => void>();
  /** Demonstration accounts being made (once per workstation run). */
  private demoAccounts: Promise<unknown> | null = null;

  constructor(private readonly options: AuthServiceOptions) {
    const record = options.record;
    this.accounts = new PractitionerAccounts({
      record: () => record.open(),
      clock: () => record.now(),
      ...(options.lockout ? { lockout: options.lockout } : {}),
    });
    this.idle = new IdleLock(
      options.timers ?? systemIdleTimers(() => record.now().getTime()),
      () => this.idleLockMinutes() * 60_000,
      () => this.lockNow('idleLocked'),
    );
  }

  onChanged(listener: (event: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async changed(change: SessionChange): Promise<void> {
    const event = { state: await this.state(), change };
    for (const listener of this.listeners) listener(event);
  }

  /** The practitioner acting in the record, when someone is signed in (main/record/record-service.ts). */
  sessionActor(): Actor | null {
    const user = this.session?.user;
    return user ? { reference: user.practitioner.reference, display: user.practitioner.display } : null;
  }

  /** The signed-in practitioner (also while locked), or null. */
  currentUser(): SessionUser | null {
    return this.session?.user ?? null;
  }

  idleLockMinutes(): number {
    return this.options.config.effective().idleLockMinutes;
  }

  /** When the idle lock will fall if nothing happens (ms since the epoch), or null. */
  idleDeadline(): number | null {
    return this.idle.deadline();
  }

  /**
   * Whether any account exists. A workstation not set up yet, or whose record has not been created,
   * has none (and its record is not created for asking). A demonstration has its demo accounts.
   */
  async hasAccounts(): Promise<boolean> {
    const mode = this.options.config.effective().mode;
    if (mode === 'demo') await this.ensureDemoAccounts();
    else if (mode === 'unconfigured' || !this.options.record.exists()) return false;
    return (await this.accounts.count()) > 0;
  }

  /** The demonstration's accounts (setup.startDemo calls it after the seed; hasAccounts otherwise). */
  ensureDemoAccounts(): Promise<unknown> {
    this.demoAccounts ??= ensureDemoAccounts(
      this.accounts,
      this.options.config.effective().country,
      this.options.record.now(),
      this.options.record.actor(),
    ).catch((error: unknown) => {
      this.demoAccounts = null;
      throw error;
    });
    return this.demoAccounts;
  }

  async state(): Promise<SessionState> {
    if (this.session) return this.session.locked ? 'locked' : 'signedIn';
    return (await this.hasAccounts()) ? 'signedOut' : 'noAccounts';
  }

  async status(): Promise<AuthStatus> {
    const config = this.options.config.effective();
    const state = await this.state();
    return {
      state,
      user: this.session?.user ?? null,
      idleLockMinutes: config.idleLockMinutes,
      idleLockFixed: this.options.config.lockedKeys().includes('idleLockMinutes'),
      language: config.language,
      demo:
        config.mode === 'demo'
          ? { accounts: demoAccountViews(config.country, this.options.record.now()), password: DEMO_PASSWORD }
          : null,
    };
  }

  /** The guard's view of the session (call-guard.ts). */
  view(): SessionView {
    const session = this.session;
    return {
      state: session ? (session.locked ? 'locked' : 'signedIn') : 'signedOut',
      permissions: new Set<Permission>(session && !session.locked ? session.user.permissions : []),
      noAccounts: async () => !(await this.hasAccounts()),
    };
  }

  /** Refuses a call the session does not allow (before its handler runs). */
  guard(name: CallName, origin: CallOrigin): Promise<void> {
    return guardCall(name, origin, this.view());
  }

  private open(account: PractitionerAccount): void {
    this.session = { user: sessionUserOf(account), locked: false };
    this.idle.start();
  }

  /** First run of an enrolled workstation: the first administrator, signed in at once. */
  async createAdministrator(request: Omit<NewAccount, 'roles' | 'practitioner'>): Promise<AuthStatus> {
    if (await this.hasAccounts())
      throw new TabibError('ALREADY_CONFIGURED', 'This workstation already has its accounts');
    const account = await this.accounts.create(
      { ...request, roles: ['administrator'] },
      this.options.record.actor(),
    );
    await this.endSession();
    this.open(account);
    await this.changed('signedIn');
    return this.status();
  }

  /**
   * Sign-in. Someone already signed in (and not locked) is signed out first: the person at the
   * keyboard changes. From a locked session it is refused by the guard: sign the first out.
   */
  async signIn(username: string, password: string): Promise<AuthStatus> {
    if (this.session?.locked)
      throw new TabibError('SESSION_LOCKED', 'The session is locked: sign its practitioner out first');
    await this.hasAccounts();
    const account = await this.accounts.authenticate(username, password);
    if (this.session) await this.endSession();
    this.open(account);
    await this.changed('signedIn');
    return this.status();
  }

  async signOut(): Promise<AuthStatus> {
    if (this.session) {
      await this.endSession();
      await this.changed('signedOut');
    }
    return this.status();
  }

  private async endSession(): Promise<void> {
    this.session = null;
    this.idle.stop();
    await this.options.forgetPatientData?.();
  }

  private lockNow(change: 'locked' | 'idleLocked'): void {
    if (!this.session || this.session.locked) return;
    this.session.locked = true;
    this.idle.stop();
    void this.changed(change);
  }

  async lock(): Promise<AuthStatus> {
    if (!this.session) throw new TabibError('AUTH_REQUIRED', 'Nobody is signed in');
    this.lockNow('locked');
    return this.status();
  }

  /**
   * Quick unlock with the signed-in practitioner's password. The fifth wrong one locks the account
   * out and ends the session (ACCOUNT_LOCKED_OUT): the next person signs in afresh.
   */
  async unlock(password: string): Promise<AuthStatus> {
    const session = this.session;
    if (!session) throw new TabibError('AUTH_REQUIRED', 'Nobody is signed in');
    if (!session.locked) return this.status();
    try {
      const account = await this.accounts.confirm(session.user.id, password);
      if (this.session !== session) return this.status();
      session.user = sessionUserOf(account);
      session.locked = false;
      this.idle.start();
    } catch (error) {
      if (
        error instanceof TabibError &&
        (error.code === 'ACCOUNT_LOCKED_OUT' || error.code === 'ACCOUNT_DISABLED') &&
        this.session === session
      ) {
        await this.endSession();
        await this.changed('signedOut');
      }
      throw error;
    }
    await this.changed('unlocked');
    return this.status();
  }

  /** Input at the workstation (the renderer's report): the idle delay starts again. */
  activity(): void {
    if (this.session && !this.session.locked) this.idle.activity();
  }

  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const session = this.requireSession();
    await this.accounts.changePassword(session.user.id, currentPassword, newPassword);
  }

  private requireSession(): Session {
    if (!this.session) throw new TabibError('AUTH_REQUIRED', 'Nobody is signed in');
    return this.session;
  }

  /** Administrators: a new account (and its Practitioner), made by the signed-in administrator. */
  createAccount(request: Omit<NewAccount, 'practitioner'>): Promise<PractitionerAccount> {
    return this.accounts.create(request, this.options.record.actor());
  }

  /**
   * Administrators: display name, roles, disabled. When it is the signed-in account, the session
   * follows (its permissions at once; disabled: signed out).
   */
  async updateAccount(id: string, change: AccountChange): Promise<PractitionerAccount> {
    const account = await this.accounts.update(id, change, this.options.record.actor());
    await this.accountChanged(account);
    return account;
  }

  async resetPassword(id: string, password: string): Promise<PractitionerAccount> {
    const account = await this.accounts.resetPassword(id, password);
    await this.accountChanged(account);
    return account;
  }

  private async accountChanged(account: PractitionerAccount): Promise<void> {
    const session = this.session;
    if (!session || session.user.id !== account.id) return;
    if (account.disabled) {
      await this.endSession();
      await this.changed('signedOut');
      return;
    }
    session.user = sessionUserOf(account);
    await this.changed('accounts');
  }

  /** Administrators: the idle delay, in the user configuration (LOCKED_BY_ADMINISTRATOR if the machine fixes it). */
  async setIdleLockMinutes(minutes: number): Promise<AuthStatus> {
    this.options.config.update({ idleLockMinutes: minutes });
    this.idle.delayChanged();
    await this.changed('idleDelay');
    return this.status();
  }

  /** Who may be opened without break-the-glass (facility-patients.ts). */
  async facilityContext(): Promise<FacilityContext> {
    const accounts = this.options.record.exists() ? await this.accounts.list() : [];
    return {
      facilityId: this.options.config.effective().facility?.id ?? null,
      practitionerReferences: [
        ...new Set(accounts.map((account) => `Practitioner/${account.practitionerId}`)),
      ],
    };
  }

  close(): void {
    this.idle.stop();
    this.listeners.clear();
  }
}
