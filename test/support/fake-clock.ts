const real = {
  Date: globalThis.Date,
  setTimeout: globalThis.setTimeout,
  clearTimeout: globalThis.clearTimeout,
};

/**
 * A clock and timers that move only when the test says so. `advance(ms)` runs every timer that falls
 * due, in time order, at its own due time, letting promises settle between timers.
 *
 * Code that reads the time itself (node-cron, which schedules cron triggers with `new Date()` and
 * the global `setTimeout`) runs on this clock after `installGlobals()`; `restoreGlobals()` (in an
 * afterEach) puts the real ones back.
 */
export class FakeClock {
  private t: number;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; seq: number; fn: () => void }>();

  constructor(start: number | Date) {
    this.t = typeof start === 'number' ? start : start.getTime();
  }

  now = (): number => this.t;

  setTimeout = (fn: () => void, ms: number): unknown => {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + Math.max(0, ms), seq: id, fn });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };

  /** Timers waiting to run. */
  get timerCount(): number {
    return this.pending.size;
  }

  /** Moves time forward by `ms`, running due timers on the way. */
  async advance(ms: number): Promise<void> {
    await this.advanceTo(this.t + ms);
  }

  async advanceTo(target: number): Promise<void> {
    await settle();
    for (;;) {
      const next = [...this.pending.entries()]
        .filter(([, p]) => p.at <= target)
        .sort(([, a], [, b]) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      const [id, p] = next;
      this.pending.delete(id);
      this.t = Math.max(this.t, p.at);
      p.fn();
      await settle();
    }
    this.t = Math.max(this.t, target);
    await settle();
  }

  /** Makes the global `Date` (no-argument constructor, `now()`), `setTimeout` and `clearTimeout` this clock's. */
  installGlobals(): this {
    const clock = this;
    class FakeDate extends real.Date {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(clock.t);
        else super(...(args as [number]));
      }
      static override now(): number {
        return clock.t;
      }
    }
    globalThis.Date = FakeDate as DateConstructor;
    globalThis.setTimeout = ((fn: () => void, ms?: number) =>
      this.setTimeout(fn, ms ?? 0)) as unknown as typeof globalThis.setTimeout;
    globalThis.clearTimeout = ((h: unknown) => this.clearTimeout(h)) as typeof globalThis.clearTimeout;
    return this;
  }

  /** Jumps the clock without running timers (a machine that was asleep or switched off). */
  jump(ms: number): void {
    this.t += ms;
  }
}

/** Puts back the real `Date`, `setTimeout` and `clearTimeout` after `installGlobals()`. */
export function restoreGlobals(): void {
  globalThis.Date = real.Date;
  globalThis.setTimeout = real.setTimeout;
  globalThis.clearTimeout = real.clearTimeout;
}

/** Lets pending promise chains (and real file I/O callbacks) run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}
