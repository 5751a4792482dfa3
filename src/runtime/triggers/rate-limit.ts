/**
 * Token bucket: `burst` requests at once, refilled at `perMinute`. The webhook default is 30/min
 * with a burst of 10: enough for a CI pipeline or a GitHub push storm, too little for a flood to
 * turn the queen's inbox into a backlog.
 */
export interface RateLimit {
  perMinute: number;
  burst: number;
}

export const DEFAULT_WEBHOOK_RATE_LIMIT: RateLimit = { perMinute: 30, burst: 10 };

export type TakeResult = { ok: true } | { ok: false; retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number,
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }

  take(): TakeResult {
    const t = this.now();
    const perMs = this.limit.perMinute / 60_000;
    this.tokens = Math.min(this.limit.burst, this.tokens + Math.max(0, t - this.last) * perMs);
    this.last = t;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.ceil((1 - this.tokens) / perMs) };
  }
}
