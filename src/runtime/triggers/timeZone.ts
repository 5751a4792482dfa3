/**
 * Wall-clock arithmetic in an IANA time zone with nothing but `Intl` (no tz database of our own).
 * "Naive" times are epoch-like milliseconds that read the zone's wall clock as if it were UTC.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a RangeError naming the zone when `timeZone` is not a zone this runtime knows. */
export function assertTimeZone(timeZone: string): string {
  try {
    formatter(timeZone);
  } catch {
    throw new RangeError(
      `Unknown time zone "${timeZone}" (use an IANA name such as "Europe/Paris" or "UTC")`,
    );
  }
  return timeZone;
}

const isUtc = (tz: string) => tz === 'UTC' || tz === 'Etc/UTC' || tz === 'GMT' || tz === 'Etc/GMT';

/** Offset of the zone at `instant`, in ms (wall clock minus UTC; +3_600_000 for CET in winter). */
export function offsetAt(timeZone: string, instant: number): number {
  if (isUtc(timeZone)) return 0;
  const whole = Math.floor(instant / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(whole)) {
    if (part.type !== 'literal') p[part.type] = Number(part.value);
  }
  const naive = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return naive - whole;
}

/** The wall-clock reading of `instant` in the zone, as naive ms. */
export function toNaive(timeZone: string, instant: number): number {
  return instant + offsetAt(timeZone, instant);
}

export interface WallTimeResolution {
  /** Instants that read `naive` on the zone's clock: 1 normally, 2 in a repeated (fall-back) hour. */
  instants: number[];
  /** True when the wall time does not exist (spring-forward gap). */
  gap: boolean;
  /** For a gap: the instant the wall time maps to with the pre-transition offset (just after the gap). */
  shifted?: number;
}

/**
 * Resolves a wall-clock time given the offsets in force before (`before`) and after (`after`) any
 * transition near it. Callers pass offsets sampled well outside the day so one transition at most
 * lies between them (true for every real zone: transitions are months apart).
 */
export function resolveWallTime(
  timeZone: string,
  naive: number,
  before: number,
  after: number,
): WallTimeResolution {
  if (before === after) return { instants: [naive - before], gap: false };
  const a = naive - before;
  const b = naive - after;
  const instants: number[] = [];
  if (offsetAt(timeZone, a) === before) instants.push(a);
  if (offsetAt(timeZone, b) === after && b !== a) instants.push(b);
  if (instants.length > 0) return { instants: instants.sort((x, y) => x - y), gap: false };
  return { instants: [], gap: true, shifted: a };
}

/** `2026-03-08 14:05` style wall-clock text of an instant in the zone. */
export function formatWallTime(timeZone: string, instant: number): string {
  const d = new Date(toNaive(timeZone, instant));
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`;
}
