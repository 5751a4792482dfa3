/**
 * One typed error for everything that can go wrong talking to the model, with a `kind` callers can act on
 * (show "rate limited", offer Retry, ask for a key) and a `retryable` flag the retry loop follows.
 */

import { HiveError } from '../errors';
import { parseRetryAfter } from './retry';

export type ModelErrorKind =
  | 'rate_limited' // 429
  | 'overloaded' // 529 or an overloaded_error event mid-stream
  | 'server' // other 5xx, api_error
  | 'network' // connection refused/reset, stream cut
  | 'timeout' // no response / stream went idle
  | 'invalid_response' // malformed SSE or JSON
  | 'auth' // 401/403
  | 'bad_request' // other 4xx: retrying would not help
  | 'aborted' // the caller's signal (Stop)
  | 'unknown';

const RETRYABLE: Record<ModelErrorKind, boolean> = {
  rate_limited: true,
  overloaded: true,
  server: true,
  network: true,
  timeout: true,
  invalid_response: true,
  auth: false,
  bad_request: false,
  aborted: false,
  unknown: false,
};

export class ModelError extends HiveError {
  readonly kind: ModelErrorKind;
  readonly status?: number;
  readonly retryable: boolean;
  /** What the server asked us to wait, when it said so. */
  readonly retryAfterMs?: number;
  readonly requestId?: string;
  /** Set by the retry loop when it gives up. */
  attempts = 1;

  constructor(
    kind: ModelErrorKind,
    message: string,
    opts: {
      status?: number;
      retryable?: boolean;
      retryAfterMs?: number;
      requestId?: string;
      cause?: unknown;
    } = {},
  ) {
    super('MODEL_FAILED', message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ModelError';
    this.kind = kind;
    this.status = opts.status;
    this.retryable = opts.retryable ?? RETRYABLE[kind];
    this.retryAfterMs = opts.retryAfterMs;
    this.requestId = opts.requestId;
  }
}

/** The stream ended (cleanly, at the HTTP level) before `message_stop`. */
export class IncompleteStreamError extends HiveError {
  constructor(message = 'the stream ended before message_stop') {
    super('STREAM_INCOMPLETE', message);
    this.name = 'IncompleteStreamError';
  }
}

/** The stream went quiet for longer than the idle timeout. */
export class StreamIdleError extends HiveError {
  constructor(ms: number) {
    super('STREAM_IDLE', `no stream event for ${ms} ms`);
    this.name = 'StreamIdleError';
  }
}

interface ApiErrorLike {
  status?: number;
  headers?: { get(name: string): string | null } | undefined;
  type?: string | null;
  error?: { error?: { type?: string; message?: string } } | unknown;
  requestID?: string | null;
  message: string;
}

/** The SDK's error classes, so classification uses instanceof rather than guessing from names. */
export interface SdkErrorClasses {
  APIError: abstract new (...args: never[]) => Error;
  APIUserAbortError: abstract new (...args: never[]) => Error;
  APIConnectionError: abstract new (...args: never[]) => Error;
  APIConnectionTimeoutError: abstract new (...args: never[]) => Error;
}

const NETWORK_CODES =
  /ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|UND_ERR|ENETUNREACH|EHOSTUNREACH/;

/** Maps whatever the SDK or the network threw to a ModelError. `aborted` wins over everything. */
export function classifyError(err: unknown, sdk: SdkErrorClasses | undefined, aborted: boolean): ModelError {
  if (err instanceof ModelError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (aborted) return new ModelError('aborted', 'the request was aborted', { cause: err });
  if (sdk && err instanceof sdk.APIUserAbortError)
    return new ModelError('aborted', 'the request was aborted', { cause: err });
  if (err instanceof StreamIdleError)
    return new ModelError('timeout', `stream stalled: ${message}`, { cause: err });
  if (err instanceof IncompleteStreamError)
    return new ModelError('network', `stream cut: ${message}`, { cause: err });
  if (sdk && err instanceof sdk.APIConnectionTimeoutError)
    return new ModelError('timeout', 'the model API did not answer in time', { cause: err });
  if (sdk && err instanceof sdk.APIConnectionError)
    return new ModelError('network', `cannot reach the model API: ${describeCause(err)}`, { cause: err });
  if (sdk && err instanceof sdk.APIError) return fromApiError(err as unknown as ApiErrorLike, err);
  if (err instanceof SyntaxError)
    return new ModelError('invalid_response', `malformed response from the model API: ${message}`, {
      cause: err,
    });
  if (isNetworkError(err))
    return new ModelError('network', `stream cut: ${describeCause(err)}`, { cause: err });
  return new ModelError('unknown', message, { cause: err });
}

function fromApiError(e: ApiErrorLike, cause: unknown): ModelError {
  const body = (e.error as { error?: { type?: string; message?: string } } | undefined)?.error;
  const type = e.type ?? body?.type ?? undefined;
  const detail = body?.message ?? e.message;
  const status = e.status;
  const requestId = e.requestID ?? undefined;
  const retryAfterMs = e.headers ? parseRetryAfter(e.headers) : undefined;
  const shouldRetry = e.headers?.get('x-should-retry');
  const retryable = shouldRetry === 'true' ? true : shouldRetry === 'false' ? false : undefined;
  const opts = { status, requestId, retryAfterMs, retryable, cause };
  const where = status ? `${status} ` : '';
  if (status === 429 || type === 'rate_limit_error')
    return new ModelError('rate_limited', `rate limited by the model API (${where}${detail})`, opts);
  if (status === 529 || type === 'overloaded_error')
    return new ModelError('overloaded', `the model API is overloaded (${where}${detail})`, opts);
  if (status === 401 || status === 403 || type === 'authentication_error' || type === 'permission_error')
    return new ModelError('auth', `the API key was refused (${where}${detail})`, opts);
  if (status === 408 || status === 504) return new ModelError('timeout', `${where}${detail}`, opts);
  // 409 is the API's "try again" for lock contention, like the SDK treats it.
  if (status === 409)
    return new ModelError('server', `${where}${detail}`, { ...opts, retryable: retryable ?? true });
  if ((status !== undefined && status >= 500) || type === 'api_error')
    return new ModelError('server', `the model API failed (${where}${detail})`, opts);
  return new ModelError('bad_request', `the model API rejected the request (${where}${detail})`, opts);
}

function isNetworkError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.test(code)) return true;
  if (err.name === 'TypeError' && /terminated|fetch failed|socket|network/i.test(err.message)) return true;
  const cause = (err as { cause?: unknown }).cause;
  return cause !== undefined && cause !== err && isNetworkError(cause);
}

function describeCause(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let i = 0; i < 4 && cur instanceof Error; i++) {
    if (!parts.includes(cur.message)) parts.push(cur.message);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(': ') || String(err);
}
