/** Time and timers, injected so tests run on a fake clock instead of waiting. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: Clock = { now: () => Date.now() };

export const systemTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface TriggerLogger {
  info(message: string): void;
  warn(message: string): void;
}

export const silentLogger: TriggerLogger = { info: () => undefined, warn: () => undefined };
