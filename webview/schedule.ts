// Trigger schedules in words: cron expressions (as node-cron reads them) and intervals.
// Pure: no DOM, unit-tested under mocha.

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const MONTHS = ['', 'Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY_NAMES: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const MONTH_NAMES: Record<string, number> = Object.fromEntries(
  MONTHS.slice(1).map((m, i) => [m.toLowerCase(), i + 1]),
);

interface FieldSpec {
  min: number;
  max: number;
  names?: Record<string, number>;
}
const MINUTE: FieldSpec = { min: 0, max: 59 };
const HOUR: FieldSpec = { min: 0, max: 23 };
const DOM: FieldSpec = { min: 1, max: 31 };
const MONTH: FieldSpec = { min: 1, max: 12, names: MONTH_NAMES };
const DOW: FieldSpec = { min: 0, max: 7, names: DAY_NAMES };

/** A parsed cron field: every value (`*`), every n-th from `*`, or an explicit sorted set. */
type Field = { any: true } | { any: false; step: number | null; values: number[] };

class CronSyntaxError extends Error {}

export interface ScheduleLike {
  type: 'timer' | 'webhook';
  cron: string | null;
  intervalMinutes: number | null;
  timezone: string;
  webhook?: { methods: string[] } | null;
}

/** One line describing when a trigger fires. */
export function describeSchedule(t: ScheduleLike): string {
  if (t.type === 'webhook') {
    const methods = t.webhook?.methods.length ? t.webhook.methods.join('/') : 'POST';
    return `on each ${methods} request`;
  }
  if (t.cron) return describeCron(t.cron, t.timezone);
  if (t.intervalMinutes !== null && t.intervalMinutes > 0) return describeInterval(t.intervalMinutes);
  return 'no schedule';
}

/** `15` → "every 15 min", `60` → "every hour", `90` → "every 1 h 30 min", `1440` → "every day". */
export function describeInterval(minutes: number): string {
  if (!Number.isFinite(minutes) || minutes <= 0) return 'no schedule';
  if (minutes < 1) return `every ${Math.max(1, Math.round(minutes * 60))} s`;
  const m = Math.round(minutes);
  if (m === 1) return 'every minute';
  if (m < 60) return `every ${m} min`;
  if (m % 1440 === 0) return m === 1440 ? 'every day' : `every ${m / 1440} days`;
  if (m % 60 === 0) return m === 60 ? 'every hour' : `every ${m / 60} h`;
  return `every ${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * `0 9 * * 1-5` → "at 09:00 on Mon–Fri (UTC)". Expressions it cannot put in words come back
 * verbatim ("cron 0 0 L * * (UTC)") rather than being guessed at.
 */
export function describeCron(expr: string, timezone = 'UTC'): string {
  const tz = timezone ? ` (${timezone})` : '';
  try {
    return describeFields(expr.trim().split(/\s+/)) + tz;
  } catch (err) {
    if (err instanceof CronSyntaxError) return `cron ${expr.trim()}${tz}`;
    throw err;
  }
}

function describeFields(raw: string[]): string {
  let parts = raw;
  if (parts.length === 6) {
    // node-cron's optional seconds field: only a fixed 0 reads naturally in minutes.
    if (parts[0] !== '0') throw new CronSyntaxError();
    parts = parts.slice(1);
  }
  if (parts.length !== 5) throw new CronSyntaxError();
  const [minS, hourS, domS, monS, dowS] = parts as [string, string, string, string, string];
  const minute = parseField(minS, MINUTE);
  const hour = parseField(hourS, HOUR);
  const dom = parseField(domS, DOM);
  const month = parseField(monS, MONTH);
  const dow = normaliseDow(parseField(dowS, DOW));

  const time = describeTime(minute, hour);
  const days = describeDays(dom, dow);
  const months = month.any ? '' : ` in ${joinRuns(month.values, (v) => MONTHS[v]!, false)}`;
  const everyDay = !days && !months && !hour.any && time.startsWith('at ') ? ' every day' : '';
  return `${time}${days}${everyDay}${months}`;
}

function describeTime(minute: Field, hour: Field): string {
  if (minute.any) {
    if (hour.any) return 'every minute';
    return `every minute ${hourWindow(hour)}`;
  }
  if (minute.step !== null && minute.values[0] === 0 && minute.step > 1) {
    const every = `every ${minute.step} min`;
    return hour.any ? every : `${every} ${hourWindow(hour)}`;
  }
  if (minute.values.length === 1) {
    const mm = pad(minute.values[0]!);
    if (hour.any) return `every hour at :${mm}`;
    if (hour.step !== null && hour.values[0] === 0) return `every ${hour.step} hours at :${mm}`;
    if (hour.values.length <= 4) {
      return `at ${joinList(hour.values.map((h) => `${pad(h)}:${mm}`))}`;
    }
    return `every hour at :${mm} ${hourWindow(hour)}`;
  }
  if (!hour.any && hour.values.length * minute.values.length <= 4) {
    const times = hour.values.flatMap((h) => minute.values.map((m) => `${pad(h)}:${pad(m)}`));
    return `at ${joinList(times)}`;
  }
  const mins = `at minutes ${minute.values.join(', ')}`;
  return hour.any ? `${mins} of every hour` : `${mins} ${hourWindow(hour)}`;
}

/** "from 09:00 to 17:59" for a contiguous hour range, else "during hours 9, 12 and 18". */
function hourWindow(hour: Field): string {
  if (hour.any) return '';
  const v = hour.values;
  const first = v[0]!;
  const last = v[v.length - 1]!;
  if (v.length > 1 && hour.step === null && last - first === v.length - 1) {
    return `from ${pad(first)}:00 to ${pad(last)}:59`;
  }
  if (v.length === 1) return `from ${pad(first)}:00 to ${pad(first)}:59`;
  return `during hours ${joinList(v.map(String))}`;
}

function describeDays(dom: Field, dow: Field): string {
  const weekdays = dow.any ? '' : joinRuns(dow.values, (d) => DAYS[d]!, true);
  if (dom.any) return weekdays ? ` on ${weekdays}` : '';
  const n = dom.values.length;
  const days = `on day${n > 1 ? 's' : ''} ${joinRuns(dom.values, String, false)} of the month`;
  // Cron matches either field when both are restricted.
  return weekdays ? ` ${days} or on ${weekdays}` : ` ${days}`;
}

function parseField(src: string, spec: FieldSpec): Field {
  if (src === '*' || src === '?') return { any: true };
  const values = new Set<number>();
  let step: number | null = null;
  const pieces = src.split(',');
  for (const piece of pieces) {
    const [rangeSrc, stepSrc, ...rest] = piece.split('/');
    if (rest.length > 0 || rangeSrc === undefined || rangeSrc === '') throw new CronSyntaxError();
    const stepN = stepSrc === undefined ? 1 : toInt(stepSrc);
    if (stepN < 1) throw new CronSyntaxError();
    let lo: number;
    let hi: number;
    if (rangeSrc === '*') {
      lo = spec.min;
      hi = spec.max === 7 ? 6 : spec.max;
      if (pieces.length === 1 && stepSrc !== undefined) {
        if (stepN === 1) return { any: true };
        step = stepN;
      }
    } else if (rangeSrc.includes('-')) {
      const [a, b, ...more] = rangeSrc.split('-');
      if (more.length > 0 || a === undefined || b === undefined) throw new CronSyntaxError();
      lo = toValue(a, spec);
      hi = toValue(b, spec);
      if (hi < lo) throw new CronSyntaxError();
    } else {
      lo = toValue(rangeSrc, spec);
      hi = stepSrc === undefined ? lo : spec.max;
    }
    for (let v = lo; v <= hi; v += stepN) values.add(v);
  }
  return { any: false, step, values: [...values].sort((x, y) => x - y) };
}

/** Sunday is 0 or 7; order the week Monday first, and treat all seven days as "any". */
function normaliseDow(f: Field): Field {
  if (f.any) return f;
  const values = [...new Set(f.values.map((d) => (d === 0 ? 7 : d)))].sort((a, b) => a - b);
  if (values.length === 7) return { any: true };
  return { any: false, step: null, values };
}

function toValue(src: string, spec: FieldSpec): number {
  const named = spec.names?.[src.toLowerCase()];
  const v = named ?? toInt(src);
  if (v < spec.min || v > spec.max) throw new CronSyntaxError();
  return v;
}

function toInt(src: string): number {
  if (!/^\d{1,2}$/.test(src)) throw new CronSyntaxError();
  return Number(src);
}

/** Sorted values as runs: [1,2,3,4,5] → "Mon–Fri"; [1,3,5] → "Mon, Wed and Fri". */
function joinRuns(values: number[], name: (v: number) => string, useAnd: boolean): string {
  const runs: string[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] === values[j]! + 1) j++;
    const len = j - i + 1;
    if (len >= 3) runs.push(`${name(values[i]!)}–${name(values[j]!)}`);
    else for (let k = i; k <= j; k++) runs.push(name(values[k]!));
    i = j + 1;
  }
  return useAnd ? joinList(runs) : runs.join(', ');
}

function joinList(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
