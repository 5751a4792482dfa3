import { parse as parseCronFields, validateDetailed } from 'node-cron';
import { assertTimeZone, offsetAt, resolveWallTime, toNaive } from './timeZone';

/**
 * Cron expressions for timer triggers: node-cron validates and expands the fields; the walk to the
 * next fire time is ours because node-cron only answers "next run after *now*" (real clock), and we
 * need it from any instant (fake clocks in tests, countdowns, missed-fire counting).
 *
 * Semantics, chosen to match Hive's croniter on ordinary days and Vixie cron around DST:
 * - 5 fields (minute hour day-of-month month day-of-week) or a nickname (@hourly, @daily, …);
 *   names (MON, JAN), ranges, steps, lists, `?`, `L`, `L-n`, `nL` and `n#k` are accepted; `W` is not.
 * - Fields are read on the wall clock of `timezone` (IANA name; Hive's cron is always UTC).
 * - When both day-of-month and day-of-week are restricted, either one matching is enough (Vixie,
 *   croniter); node-cron alone would require both.
 * - Expressions whose hour field is `*` or `*∕n` follow real time across DST changes: wall times
 *   skipped by a spring-forward gap do not fire, and the repeated fall-back hour fires twice.
 * - Fixed-hour expressions fire once per matching wall time: a time inside a gap fires just after
 *   the gap (02:30 → 03:30), a repeated time fires at its first occurrence only.
 */

export class CronError extends Error {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super(`Invalid cron expression "${expression}": ${reason}`);
    this.name = 'CronError';
  }
}

export interface CronExpression {
  /** As written in triggers.json. */
  source: string;
  timezone: string;
  minutes: number[];
  hours: number[];
  months: Set<number>;
  domNumbers: Set<number>;
  domSpecial: string[];
  dowNumbers: Set<number>;
  dowSpecial: string[];
  domRestricted: boolean;
  dowRestricted: boolean;
  followsRealTime: boolean;
}

const NICKNAMES: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const DAY = 86_400_000;
const HOUR = 3_600_000;
// Long enough for "29 Feb" schedules across a skipped leap year (2100).
const MAX_SEARCH_DAYS = 366 * 9;

export function parseCron(source: string, timezone = 'UTC'): CronExpression {
  if (typeof source !== 'string' || source.trim() === '') throw new CronError(String(source), 'empty');
  try {
    assertTimeZone(timezone);
  } catch (err) {
    throw new CronError(source, (err as Error).message);
  }
  const trimmed = source.trim();
  const expanded = NICKNAMES[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.startsWith('@')) throw new CronError(source, `unknown nickname ${expanded}`);
  const raw = expanded.split(/\s+/);
  if (raw.length !== 5) {
    throw new CronError(
      source,
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${raw.length}`,
    );
  }
  const [, rawHour, rawDom, , rawDow] = raw as [string, string, string, string, string];
  if (/w/i.test(rawDom)) throw new CronError(source, 'the W (nearest weekday) token is not supported');
  const check = validateDetailed(expanded);
  if (!check.valid) {
    throw new CronError(source, check.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
  const f = parseCronFields(expanded);
  const numbers = (xs: (number | string)[]) => xs.filter((x): x is number => typeof x === 'number');
  const strings = (xs: (number | string)[]) => xs.filter((x): x is string => typeof x === 'string');
  const expr: CronExpression = {
    source,
    timezone,
    minutes: [...new Set(f.minute)].sort((a, b) => a - b),
    hours: [...new Set(f.hour)].sort((a, b) => a - b),
    months: new Set(f.month),
    domNumbers: new Set(numbers(f.dayOfMonth)),
    domSpecial: strings(f.dayOfMonth),
    dowNumbers: new Set(numbers(f.dayOfWeek)),
    dowSpecial: strings(f.dayOfWeek),
    domRestricted: !/^[*?]/.test(rawDom),
    dowRestricted: !/^[*?]/.test(rawDow),
    followsRealTime: rawHour.startsWith('*'),
  };
  // Reject schedules that can never fire (e.g. "0 0 30 2 *") instead of timing out later.
  if (nextCronFire(expr, Date.UTC(2024, 0, 1)) === undefined) throw new CronError(source, 'never fires');
  return expr;
}

/** First fire strictly after `after` (epoch ms), or undefined if none within nine years. */
export function nextCronFire(expr: CronExpression, after: number): number | undefined {
  for (const t of cronFiresAfter(expr, after)) return t;
  return undefined;
}

/** Fire times strictly after `after`, in increasing order. */
export function* cronFiresAfter(expr: CronExpression, after: number): Generator<number> {
  const startNaive = toNaive(expr.timezone, after);
  // Start a day early: a time shifted out of a DST gap can land after `after` from the previous day.
  let day = Math.floor(startNaive / DAY) * DAY - DAY;
  let last = after;
  for (let i = 0; i < MAX_SEARCH_DAYS; i++, day += DAY) {
    const d = new Date(day);
    const y = d.getUTCFullYear();
    const m = d.getUTCMonth() + 1;
    const dom = d.getUTCDate();
    if (!dayMatches(expr, y, m, dom, d.getUTCDay())) continue;
    for (const t of firesOnDay(expr, day)) {
      if (t > last) {
        yield t;
        last = t;
      }
    }
  }
}

function firesOnDay(expr: CronExpression, dayNaive: number): number[] {
  const tz = expr.timezone;
  // Offsets sampled outside the local day (offsets lie within -12h..+14h), so a transition on
  // this day shows up as before !== after.
  const before = offsetAt(tz, dayNaive - 14 * HOUR);
  const after = offsetAt(tz, dayNaive + DAY + 14 * HOUR);
  const out: number[] = [];
  for (const h of expr.hours) {
    for (const min of expr.minutes) {
      const naive = dayNaive + h * HOUR + min * 60_000;
      if (before === after) {
        out.push(naive - before);
        continue;
      }
      const r = resolveWallTime(tz, naive, before, after);
      if (r.gap) {
        if (!expr.followsRealTime && r.shifted !== undefined) out.push(r.shifted);
      } else if (expr.followsRealTime) out.push(...r.instants);
      else out.push(r.instants[0]!);
    }
  }
  if (before !== after) out.sort((a, b) => a - b);
  return out;
}

function lastDayOfMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function domMatches(expr: CronExpression, y: number, m: number, d: number): boolean {
  if (expr.domNumbers.has(d)) return true;
  for (const s of expr.domSpecial) {
    const last = lastDayOfMonth(y, m);
    if (s === 'L' && d === last) return true;
    const off = /^L-(\d{1,2})$/.exec(s);
    if (off && d === last - Number(off[1])) return true;
  }
  return false;
}

function dowMatches(expr: CronExpression, y: number, m: number, d: number, wd: number): boolean {
  if (expr.dowNumbers.has(wd)) return true;
  for (const s of expr.dowSpecial) {
    const lastOf = /^([0-7])L$/i.exec(s);
    if (lastOf && Number(lastOf[1]) % 7 === wd && d + 7 > lastDayOfMonth(y, m)) return true;
    const nth = /^([0-7])#([1-5])$/.exec(s);
    if (nth && Number(nth[1]) % 7 === wd && Math.ceil(d / 7) === Number(nth[2])) return true;
  }
  return false;
}

function dayMatches(expr: CronExpression, y: number, m: number, d: number, wd: number): boolean {
  if (!expr.months.has(m)) return false;
  const dom = domMatches(expr, y, m, d);
  const dow = dowMatches(expr, y, m, d, wd);
  return expr.domRestricted && expr.dowRestricted ? dom || dow : dom && dow;
}
