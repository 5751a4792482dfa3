/**
 * Our retry policy (the SDK's own retries are off): exponential backoff with jitter, a server's
 * `retry-after` honoured, a bounded number of tries. Sleep and randomness are injected for tests.
 */
import type { ModelError } from './errors';

export interface RetryPolicy {
  /** Total tries including the first (default 5). */
  maxAttempts: number;
  /** Backoff before the 2nd try; doubles each time (default 1000 ms). */
  baseDelayMs: number;
  /** Cap of the computed backoff (default 30 s). */
  maxDelayMs: number;
  /** A `retry-after` longer than this is not waited out: the error is raised at once (default 60 s). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/**
 * Delay before try `attempt + 1` after try `attempt` failed with `error`: the server's retry-after when
 * given, else "equal jitter" backoff (half fixed, half random) so concurrent clients spread out.
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  error: ModelError,
  random: () => number,
): number {
  if (error.retryAfterMs !== undefined) return Math.max(0, error.retryAfterMs);
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** Whether to try again after `attempt` failed, and if not, why not. */
export function shouldRetry(policy: RetryPolicy, attempt: number, error: ModelError): boolean {
  if (!error.retryable || error.kind === 'aborted') return false;
  if (attempt >= policy.maxAttempts) return false;
  if (error.retryAfterMs !== undefined && error.retryAfterMs > policy.maxRetryAfterMs) return false;
  return true;
}

/**
 * `retry-after-ms` (Anthropic's precise form), else `retry-after` as seconds or an HTTP date.
 * Returns undefined when absent or unparseable.
 */
export function parseRetryAfter(
  headers: { get(name: string): string | null },
  now: () => number = Date.now,
): number | undefined {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '') {
    const v = Number(ms);
    if (Number.isFinite(v) && v >= 0) return Math.round(v);
  }
  const ra = headers.get('retry-after');
  if (ra === null || ra.trim() === '') return undefined;
  const secs = Number(ra);
  if (Number.isFinite(secs)) return secs >= 0 ? Math.round(secs * 1000) : undefined;
  const at = Date.parse(ra);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now());
}

/** A sleep that ends early (rejecting with the signal's reason) when the signal aborts. */
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
