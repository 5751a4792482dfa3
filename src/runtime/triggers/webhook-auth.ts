import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * Webhook authentication. A caller proves it knows the trigger's secret either by sending it
 * (`X-Hive-Secret: <secret>`) or by signing the raw body (`X-Hive-Signature-256: sha256=<hex HMAC-
 * SHA256>`; GitHub's `X-Hub-Signature-256`, which Hive's server read, is accepted too, so a GitHub
 * webhook works when given the secret). All comparisons are constant-time.
 */

export const SECRET_HEADER = 'x-hive-secret';
export const SIGNATURE_HEADERS = ['x-hive-signature-256', 'x-hub-signature-256'] as const;

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Compares digests so neither the content nor the length of the secret leaks through timing. */
export function secretMatches(given: string, secret: string): boolean {
  return timingSafeEqual(digest(given), digest(secret));
}

export function signBody(body: Buffer | string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

export function signatureMatches(header: string, body: Buffer, secret: string): boolean {
  const m = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (!m) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(Buffer.from(m[1]!, 'hex'), expected);
}

export function firstHeader(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

// Credentials of any kind never reach the queen or events.jsonl (Hive persisted them all, bug 4).
const PRIVATE_HEADER =
  /^(authorization|proxy-authorization|cookie|set-cookie)$|secret|token|api[-_]?key|password|signature/i;

/** Request headers safe to pass on and persist (lower-case names, repeated values joined). */
export function persistableHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || PRIVATE_HEADER.test(name)) continue;
    out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

// Query strings carry credentials too (`?token=…`, `?sig=…`, `?code=…`): such parameters are dropped.
const PRIVATE_QUERY =
  /secret|token|api[-_]?key|password|passwd|signature|^(sig|code|key|auth|access|state|session)$/i;

/** Query parameters safe to pass on and persist (credential-like names dropped; repeated names: the first). */
export function persistableQuery(params: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of params) {
    if (PRIVATE_QUERY.test(name) || name in out) continue;
    out[name] = value;
  }
  return out;
}
