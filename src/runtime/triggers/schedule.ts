import { HiveError } from '../errors';
import { type CronSchedule, cronRunsAfter, parseCron } from './cron-schedule';
import { nextIntervalFire } from './interval-timer';

/** A timer trigger's schedule, resolved from its `trigger_config`. */
export type Schedule =
  | { kind: 'cron'; cron: CronSchedule; timezone: string }
  | { kind: 'interval'; minutes: number; intervalMs: number };

export class ScheduleError extends HiveError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super('SCHEDULE_INVALID', message);
    this.name = 'ScheduleError';
  }
}

/** Smallest interval we honour, so a typo like 0.0001 cannot turn into a busy loop. */
export const MIN_INTERVAL_MS = 1000;

/**
 * Schedule of a timer `trigger_config`. Like Hive, `cron` wins over `interval_minutes` when both are
 * set. `timezone` (ours; Hive's cron is always UTC) defaults to UTC.
 */
export function scheduleOf(config: Record<string, unknown>): Schedule {
  const { cron, interval_minutes: interval, timezone } = config;
  if (timezone !== undefined && (typeof timezone !== 'string' || timezone.trim() === '')) {
    throw new ScheduleError('timezone', 'timezone must be an IANA time zone name such as "Europe/Paris"');
  }
  if (cron !== undefined && cron !== null && cron !== '') {
    if (typeof cron !== 'string')
      throw new ScheduleError('cron', 'cron must be a string such as "0 9 * * 1-5"');
    const tz = (timezone as string | undefined) ?? 'UTC';
    try {
      return { kind: 'cron', cron: parseCron(cron, tz), timezone: tz };
    } catch (err) {
      const msg = (err as Error).message;
      throw new ScheduleError(/time zone/i.test(msg) ? 'timezone' : 'cron', msg);
    }
  }
  if (interval !== undefined && interval !== null) {
    if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0) {
      throw new ScheduleError(
        'interval_minutes',
        `interval_minutes must be a number > 0, got ${JSON.stringify(interval)}`,
      );
    }
    return { kind: 'interval', minutes: interval, intervalMs: Math.max(MIN_INTERVAL_MS, interval * 60_000) };
  }
  throw new ScheduleError('cron', "Timer trigger needs 'cron' or 'interval_minutes' in trigger_config.");
}

/**
 * Next fire strictly after `from` (epoch ms): node-cron's for a cron, `anchor + k·interval` for an
 * interval (see intervalTimer.ts). Without an anchor, `from` is the anchor.
 */
export function nextFireAt(schedule: Schedule, from: number, anchor: number = from): number {
  if (schedule.kind === 'interval') return nextIntervalFire(schedule.intervalMs, from, anchor);
  const [next] = cronRunsAfter(schedule.cron, from, 1);
  if (next === undefined) throw new ScheduleError('cron', `"${schedule.cron.source}" has no fire time ahead`);
  return next;
}

/** The next `count` fires strictly after `from`, for the panel. */
export function nextFires(schedule: Schedule, from: number, count: number, anchor: number = from): number[] {
  if (schedule.kind === 'cron') return cronRunsAfter(schedule.cron, from, count);
  const out: number[] = [];
  let t = from;
  for (let i = 0; i < count; i++) {
    t = nextIntervalFire(schedule.intervalMs, t, anchor);
    out.push(t);
  }
  return out;
}

export interface FiresBetween {
  /** Fires in (after, until]. Exact up to `maxCount`, then `capped` is true. */
  count: number;
  capped: boolean;
  /** The first `maxTicks` fire times. */
  ticks: number[];
}

/** Fire times asked of node-cron per call while counting a window. */
const CRON_BATCH = 500;

/** node-cron finds a fire in about half a millisecond, so cron fires are counted up to this by default. */
const CRON_MAX_COUNT = 1000;

/** Scheduled fires in (after, until], for missed-fire reports. */
export function firesBetween(
  schedule: Schedule,
  after: number,
  until: number,
  anchor: number = after,
  { maxCount = schedule.kind === 'cron' ? CRON_MAX_COUNT : 100_000, maxTicks = 100 } = {},
): FiresBetween {
  const out: FiresBetween = { count: 0, capped: false, ticks: [] };
  if (until <= after) return out;
  if (schedule.kind === 'interval') {
    let first = nextFireAt(schedule, after, anchor);
    const total = first > until ? 0 : Math.floor((until - first) / schedule.intervalMs) + 1;
    out.count = Math.min(total, maxCount);
    out.capped = total > maxCount;
    for (let i = 0; i < Math.min(total, maxTicks); i++, first += schedule.intervalMs) out.ticks.push(first);
    return out;
  }
  for (let from = after; ; ) {
    const batch = cronRunsAfter(schedule.cron, from, CRON_BATCH);
    for (const t of batch) {
      if (t > until) return out;
      if (out.count >= maxCount) {
        out.capped = true;
        return out;
      }
      out.count++;
      if (out.ticks.length < maxTicks) out.ticks.push(t);
    }
    if (batch.length < CRON_BATCH) return out;
    from = batch[batch.length - 1]!;
  }
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Human text: "at 09:00 on Mon–Fri (UTC)", "every 15 min (Europe/Paris)", "every 2 h". */
export function describeSchedule(schedule: Schedule): string {
  if (schedule.kind === 'interval') return `every ${describeMinutes(schedule.minutes)}`;
  const c = cronParts(schedule.cron);
  const tz = ` (${schedule.timezone})`;
  const allMinutes = c.minutes.length === 60;
  const allHours = c.hours.length === 24;
  const days = describeDays(c);
  const months =
    c.months.size === 12
      ? ''
      : ` in ${compress(
          [...c.months].sort((a, b) => a - b),
          (m) => MONTH_NAMES[m - 1]!,
        )}`;
  const step = uniformStep(c.minutes, 60);
  let time: string | undefined;
  if (allHours && allMinutes) time = 'every minute';
  else if (allHours && step !== undefined && c.minutes[0] === 0) time = `every ${step} min`;
  else if (allHours && c.minutes.length === 1) time = `hourly at :${pad(c.minutes[0]!)}`;
  else if (c.minutes.length === 1 && uniformStep(c.hours, 24) !== undefined && c.hours[0] === 0) {
    time = `every ${uniformStep(c.hours, 24)} h at :${pad(c.minutes[0]!)}`;
  } else if (c.hours.length * c.minutes.length <= 4 && !allMinutes) {
    time = `at ${c.hours.flatMap((h) => c.minutes.map((m) => `${pad(h)}:${pad(m)}`)).join(', ')}`;
  }
  if (time === undefined) return `cron "${c.source}"${tz}`;
  const daily = !days && !months && time.startsWith('at ') ? ' daily' : '';
  return `${time}${days}${months}${daily}${tz}`;
}

function describeMinutes(minutes: number): string {
  if (minutes < 1) return `${Math.round(minutes * 60)} s`;
  if (minutes >= 60 && minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/** node-cron's expanded fields, split into what the words below need. */
function cronParts(cron: CronSchedule) {
  const f = cron.fields;
  const numbers = (xs: (number | string)[]) => xs.filter((x): x is number => typeof x === 'number');
  const strings = (xs: (number | string)[]) => xs.filter((x): x is string => typeof x === 'string');
  const sorted = (xs: number[]) => [...new Set(xs)].sort((a, b) => a - b);
  return {
    source: cron.source,
    minutes: sorted(f.minute),
    hours: sorted(f.hour),
    months: new Set(f.month),
    domNumbers: new Set(numbers(f.dayOfMonth)),
    domSpecial: strings(f.dayOfMonth),
    dowNumbers: new Set(numbers(f.dayOfWeek)),
    dowSpecial: strings(f.dayOfWeek),
    domRestricted: cron.domRestricted,
    dowRestricted: cron.dowRestricted,
  };
}

function describeDays(c: ReturnType<typeof cronParts>): string {
  const dowAll = c.dowNumbers.size === 7 && c.dowSpecial.length === 0;
  const domAll = c.domNumbers.size === 31 && c.domSpecial.length === 0;
  const parts: string[] = [];
  if (c.dowRestricted && !dowAll) {
    const names = compress(
      [...c.dowNumbers].sort((a, b) => a - b),
      (d) => DAY_NAMES[d]!,
    );
    parts.push([names, ...c.dowSpecial.map(describeDowToken)].filter(Boolean).join(', '));
  }
  if (c.domRestricted && !domAll) {
    const nums = [...c.domNumbers].sort((a, b) => a - b).map(String);
    const special = c.domSpecial.map((s) => (s === 'L' ? 'last day' : s));
    parts.push(`day ${[...nums, ...special].join(', ')} of the month`);
  }
  return parts.length ? ` on ${parts.join(' or ')}` : '';
}

function describeDowToken(token: string): string {
  const [, day, kind, nth] = /^(\d)(L|#)(\d)?$/i.exec(token) ?? [];
  if (day === undefined) return token;
  const name = DAY_NAMES[Number(day) % 7]!;
  return kind === '#' ? `${['', '1st', '2nd', '3rd', '4th', '5th'][Number(nth)]} ${name}` : `last ${name}`;
}

/** [1,2,3,4,5] → "Mon–Fri"; [1,3] → "Mon, Wed". */
function compress(values: number[], name: (v: number) => string): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; ) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    out.push(
      j - i >= 2
        ? `${name(values[i]!)}–${name(values[j]!)}`
        : values
            .slice(i, j + 1)
            .map(name)
            .join(', '),
    );
    i = j + 1;
  }
  return out.join(', ');
}

function uniformStep(values: number[], period: number): number | undefined {
  if (values.length < 2 || period % values.length !== 0) return undefined;
  const step = period / values.length;
  return values.every((v, i) => v === values[0]! + i * step) ? step : undefined;
}

const pad = (n: number) => String(n).padStart(2, '0');
