import type { Clock, Timers } from './clock';

/** Timers are re-armed at least this often, so long waits survive sleep and clock changes. */
const MAX_WAIT_MS = 60 * 60 * 1000;

/**
 * Next fire of an interval strictly after `from`: fires are `anchor + k·interval` (k ≥ 1), where
 * the anchor is the activation time, so the first fire is activation + interval (no immediate
 * fire) and late ticks cause no drift.
 */
export function nextIntervalFire(intervalMs: number, from: number, anchor: number): number {
  if (from < anchor) return anchor + intervalMs;
  return anchor + (Math.floor((from - anchor) / intervalMs) + 1) * intervalMs;
}

/**
 * One interval trigger's clock: at most one pending timeout (start() on a running timer does
 * nothing), the next fire computed from the clock on every wake-up (a laptop waking up after
 * several fire times fires once), and the next fire time known before `onFire` runs so the fired
 * event can carry it.
 */
export class IntervalTimer {
  private handle: unknown;
  private running = false;
  private next: number | undefined;

  constructor(
    private readonly intervalMs: number,
    /** The activation time: fires at anchor + k·interval. */
    private readonly anchor: number,
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly onFire: (scheduledAt: number) => void,
  ) {}

  get nextFireAt(): number | undefined {
    return this.next;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.next = nextIntervalFire(this.intervalMs, this.clock.now(), this.anchor);
    this.arm();
  }

  stop(): void {
    this.running = false;
    this.next = undefined;
    if (this.handle !== undefined) this.timers.clearTimeout(this.handle);
    this.handle = undefined;
  }

  private arm(): void {
    const wait = Math.min(Math.max(0, this.next! - this.clock.now()), MAX_WAIT_MS);
    this.handle = this.timers.setTimeout(() => this.wake(), wait);
  }

  private wake(): void {
    this.handle = undefined;
    if (!this.running || this.next === undefined) return;
    const now = this.clock.now();
    if (now < this.next) {
      this.arm();
      return;
    }
    const scheduledAt = this.next;
    this.next = nextIntervalFire(this.intervalMs, now, this.anchor);
    this.arm();
    this.onFire(scheduledAt);
  }
}
