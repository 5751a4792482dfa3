/**
 * Timestamps exactly as Python's `datetime.isoformat()` prints them, since Hive's readers parse ours:
 * six fractional digits, and no fraction at all when the microseconds are zero.
 */

/** Epoch milliseconds; may carry a fraction for sub-millisecond precision. */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function splitMillis(epochMs: number): { date: Date; micros: number } {
  if (!Number.isFinite(epochMs)) throw new RangeError(`clock returned a non-finite time: ${epochMs}`);
  const whole = Math.floor(epochMs);
  const date = new Date(whole);
  // Rounded: a double near 1.7e12 carries ~0.25 µs of noise, so flooring could print 455 for 456 µs.
  const sub = Math.min(999, Math.round((epochMs - whole) * 1000));
  return { date, micros: date.getUTCMilliseconds() * 1000 + sub };
}

const fraction = (micros: number): string => (micros === 0 ? '' : `.${pad(micros, 6)}`);

/** Naive local time, like `datetime.now().isoformat()`: `2026-04-21T14:03:05.123000`. */
export function isoLocal(epochMs: number): string {
  const { date: d, micros } = splitMillis(epochMs);
  return (
    `${pad(d.getFullYear(), 4)}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}` +
    `T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${fraction(micros)}`
  );
}

/** UTC with explicit offset, like `datetime.now(UTC).isoformat()`: `2026-04-21T12:03:05.123000+00:00`. */
export function isoUtc(epochMs: number): string {
  const { date: d, micros } = splitMillis(epochMs);
  return (
    `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${fraction(micros)}+00:00`
  );
}
