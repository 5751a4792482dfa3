import { HiveError } from '../errors';
/** Every id that becomes a path segment goes through here first. */
export type IdKind = 'session' | 'queen' | 'colony' | 'worker' | 'trigger';

export class InvalidIdError extends HiveError {
  constructor(
    readonly kind: IdKind,
    readonly value: unknown,
    reason: string,
  ) {
    super('INVALID_ID', `Invalid ${kind} id ${describe(value)}: ${reason}`);
    this.name = 'InvalidIdError';
  }
}

const MAX_LENGTH = 128;
// One path segment: starts with a letter or digit, then letters, digits, `_`, `-` or `.`.
const GENERIC = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// Hive's colony names (config.py: `^[a-z0-9_]+$`).
const COLONY = /^[a-z0-9_]+$/;
const QUEEN = /^[a-z0-9][a-z0-9_-]*$/;

const PATTERNS: Record<IdKind, { re: RegExp; hint: string }> = {
  session: { re: GENERIC, hint: 'letters, digits, "_", "-" or "." (e.g. session_20260101_120000_0a1b2c3d)' },
  worker: { re: GENERIC, hint: 'letters, digits, "_", "-" or "."' },
  trigger: { re: GENERIC, hint: 'letters, digits, "_", "-" or "."' },
  queen: { re: QUEEN, hint: 'lower-case letters, digits, "_" or "-" (e.g. queen_technology)' },
  colony: { re: COLONY, hint: 'lower-case letters, digits and "_" (e.g. my_colony)' },
};

/** Returns the id unchanged when it is a safe path segment of its kind; throws InvalidIdError otherwise. */
export function validateId(kind: IdKind, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidIdError(kind, value, 'must be a string');
  if (value.length === 0) throw new InvalidIdError(kind, value, 'must not be empty');
  if (value.length > MAX_LENGTH)
    throw new InvalidIdError(kind, value, `longer than ${MAX_LENGTH} characters`);
  if (value.includes('\0')) throw new InvalidIdError(kind, value, 'contains a NUL character');
  if (value.includes('/') || value.includes('\\'))
    throw new InvalidIdError(kind, value, 'contains a path separator');
  if (value.includes('..')) throw new InvalidIdError(kind, value, 'contains ".."');
  const { re, hint } = PATTERNS[kind];
  if (!re.test(value)) throw new InvalidIdError(kind, value, `allowed: ${hint}`);
  return value;
}

export function isValidId(kind: IdKind, value: unknown): value is string {
  try {
    validateId(kind, value);
    return true;
  } catch {
    return false;
  }
}

/** Hive's id format: `session_YYYYMMDD_HHMMSS_<8 hex>`, local time (also used for worker ids). */
export function newSessionId(now: Date = new Date(), prefix = 'session'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${prefix}_${stamp}_${randomHex(4)}`;
}

function describe(value: unknown): string {
  if (typeof value !== 'string') return `(${typeof value})`;
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return JSON.stringify(shown);
}

/**
 * `bytes` random bytes as hex, from Web Crypto: unlike importing node:crypto, which the extension
 * host would load with dist/extension.js (that bundle shares this module), it costs nothing until called.
 */
export function randomHex(bytes: number): string {
  const buf = globalThis.crypto.getRandomValues(new Uint8Array(bytes));
  return Array.from(buf, (b) => b.toString(16).padStart(2, '0')).join('');
}
