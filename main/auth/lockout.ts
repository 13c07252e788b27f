/**
 * The lockout after repeated wrong passwords (OWASP Authentication Cheat Sheet, "Account
 * Lockout"): LOCKOUT_THRESHOLD wrong passwords in a row lock the account out for
 * LOCKOUT_MINUTES; a right password before that resets the count. While locked out, even the right
 * password is refused, with the moment the lockout ends. An administrator's password reset ends
 * it at once. Pure: it takes the account's counters and the time, and returns the next ones.
 */

/** Wrong passwords in a row that lock an account out. */
export const LOCKOUT_THRESHOLD = 5;
/** How long a lockout lasts. */
export const LOCKOUT_MINUTES = 15;

export interface LockoutPolicy {
  threshold: number;
  minutes: number;
}

export const defaultLockoutPolicy: LockoutPolicy = { threshold: LOCKOUT_THRESHOLD, minutes: LOCKOUT_MINUTES };

export interface LockoutCounters {
  failedAttempts: number;
  /** ISO 8601, or null. */
  lockedOutUntil: string | null;
}

/** The end of the lockout in force at `now`, or null when the account may try. */
export function lockedOutAt(counters: LockoutCounters, now: Date): Date | null {
  if (!counters.lockedOutUntil) return null;
  const until = new Date(counters.lockedOutUntil);
  return until.getTime() > now.getTime() ? until : null;
}

/** After a wrong password: one more failure, and a lockout when the threshold is reached. */
export function afterFailure(
  counters: LockoutCounters,
  now: Date,
  policy: LockoutPolicy = defaultLockoutPolicy,
): LockoutCounters {
  // A lockout that has ended starts a new count.
  const previous = counters.lockedOutUntil && !lockedOutAt(counters, now) ? 0 : counters.failedAttempts;
  const failedAttempts = previous + 1;
  if (failedAttempts >= policy.threshold)
    return {
      failedAttempts: 0,
      lockedOutUntil: new Date(now.getTime() + policy.minutes * 60_000).toISOString(),
    };
  return { failedAttempts, lockedOutUntil: null };
}

export const afterSuccess: LockoutCounters = { failedAttempts: 0, lockedOutUntil: null };
