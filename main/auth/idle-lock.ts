/**
 * The idle lock: a signed-in session locks itself after `delay()` without keyboard or pointer
 * input. The renderer reports input (`auth.activity`, at most every 30 s, the trailing report
 * included); main keeps the last one and decides on its own timer, so a renderer that stops
 * reporting (hung, closed, tampered) still gets locked.
 *
 * Time comes from the services' clock and injected timers: tests move them (vitest fake timers).
 * When the timer fires, the clock decides: if less than the delay has passed since the last input
 * (the delay was lengthened meanwhile; or the e2e harness's fixed clock, under which no time
 * passes and the session never locks by itself), the timer is set again for what remains.
 */

export interface IdleTimers {
  /** Milliseconds since the epoch (the services' clock). */
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Node's timers, looked up at each call (so vitest's fake timers apply); never keeping a process alive. */
export function systemIdleTimers(now: () => number): IdleTimers {
  return {
    now,
    setTimeout: (callback, ms) => {
      const handle = setTimeout(callback, ms);
      (handle as { unref?: () => void }).unref?.();
      return handle;
    },
    clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  };
}

export class IdleLock {
  private timer: unknown = null;
  private lastActivity = 0;
  private running = false;

  constructor(
    private readonly timers: IdleTimers,
    /** The delay in milliseconds (read each time: an administrator may change it). */
    private readonly delay: () => number,
    private readonly onIdle: () => void,
  ) {}

  /** Starts watching (sign-in, unlock): now counts as activity. */
  start(): void {
    this.running = true;
    this.activity();
  }

  /** Stops watching (sign-out, lock). */
  stop(): void {
    this.running = false;
    this.disarm();
  }

  get watching(): boolean {
    return this.running;
  }

  /** Input at the workstation: the delay starts again. */
  activity(): void {
    if (!this.running) return;
    this.lastActivity = this.timers.now();
    this.arm(this.delay());
  }

  /** The delay changed: count it from the last activity. */
  delayChanged(): void {
    if (!this.running) return;
    this.arm(Math.max(0, this.lastActivity + this.delay() - this.timers.now()));
  }

  /** When the session will lock if nothing happens (ms since the epoch), or null. */
  deadline(): number | null {
    return this.running ? this.lastActivity + this.delay() : null;
  }

  private disarm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(ms: number): void {
    this.disarm();
    this.timer = this.timers.setTimeout(() => this.fire(), ms);
  }

  private fire(): void {
    this.timer = null;
    if (!this.running) return;
    const idle = this.timers.now() - this.lastActivity;
    const delay = this.delay();
    if (idle >= delay) {
      this.running = false;
      this.onIdle();
    } else this.arm(delay - idle);
  }
}
