import { createTask, type ParsedFields, type ScheduledTask, validateDetailed } from 'node-cron';
import { HiveError } from '../errors';

/**
 * Cron expressions of timer triggers, read and scheduled by node-cron; this module only decides
 * which expressions are valid (the one validator: the runtime, the queen's tools and the panel all
 * go through it) and asks node-cron for fire times.
 *
 * - 5 fields (minute hour day-of-month month day-of-week) or a nickname (@hourly, @daily, …).
 *   node-cron also takes a leading seconds field, but Hive's croniter reads a 6th field as
 *   trailing seconds, so a 6-field expression would mean different things to the two: rejected.
 * - Fields are read on the wall clock of `timezone` (IANA name; Hive's cron is always UTC).
 * - When both day-of-month and day-of-week are restricted, either one matching is enough (as in
 *   Hive's croniter and Vixie cron); node-cron requires both, so such an expression becomes two
 *   node-cron patterns whose fire times are merged.
 * - DST follows node-cron: a wall time skipped by a spring-forward gap does not fire, a repeated
 *   wall time fires once.
 */

export class CronError extends HiveError {
  constructor(
    readonly expression: string,
    reason: string,
  ) {
    super('CRON_INVALID', `Invalid cron expression "${expression}": ${reason}`);
    this.name = 'CronError';
  }
}

export interface CronSchedule {
  /** As written in triggers.json. */
  source: string;
  timezone: string;
  /** node-cron patterns whose fire times together make the schedule (two for day-of-month OR day-of-week). */
  patterns: string[];
  /** node-cron's expansion of the expression (seconds first), for describing it. */
  fields: ParsedFields;
  domRestricted: boolean;
  dowRestricted: boolean;
}

const unrestricted = (field: string) => field.startsWith('*') || field.startsWith('?');

export function parseCron(source: string, timezone = 'UTC'): CronSchedule {
  if (typeof source !== 'string' || source.trim() === '') throw new CronError(String(source), 'empty');
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new CronError(
      source,
      `Unknown time zone "${timezone}" (use an IANA name such as "Europe/Paris" or "UTC")`,
    );
  }
  const trimmed = source.trim();
  const raw = trimmed.split(/\s+/);
  const nickname = raw.length === 1 && trimmed.startsWith('@');
  if (!nickname && raw.length !== 5) {
    throw new CronError(
      source,
      `expected 5 fields (minute hour day-of-month month day-of-week), got ${raw.length}`,
    );
  }
  const check = validateDetailed(trimmed);
  if (!check.valid || !check.fields) {
    throw new CronError(source, check.errors.map((e) => `${e.field}: ${e.message}`).join('; '));
  }
  const fields = check.fields;
  // Nicknames restrict at most one day field.
  const domRestricted = nickname ? fields.dayOfMonth.length < 31 : !unrestricted(raw[2]!);
  const dowRestricted = nickname ? fields.dayOfWeek.length < 7 : !unrestricted(raw[4]!);
  const [min, hour, dom, month, dow] = raw;
  const patterns =
    domRestricted && dowRestricted && !nickname
      ? [`${min} ${hour} ${dom} ${month} *`, `${min} ${hour} * ${month} ${dow}`]
      : [trimmed];
  const cron: CronSchedule = { source, timezone, patterns, fields, domRestricted, dowRestricted };
  // Reject schedules that can never fire (e.g. "0 0 L-30 2 *") instead of failing later.
  try {
    if (cronRunsAfter(cron, Date.UTC(2024, 0, 1), 1).length === 0) throw new Error('no fire time');
  } catch {
    throw new CronError(source, 'never fires');
  }
  return cron;
}

/**
 * The first `count` fire times strictly after `after` (epoch ms), in increasing order, from
 * node-cron's own search. node-cron only searches from the current time (`new Date()`), so the
 * search runs with `Date` reading `after`: synchronously, so no other code ever sees the swap.
 */
export function cronRunsAfter(cron: CronSchedule, after: number, count: number): number[] {
  if (count <= 0) return [];
  const runs = new Set<number>();
  for (const pattern of cron.patterns) {
    const task = createTask(pattern, () => undefined, { timezone: cron.timezone });
    try {
      for (const d of atInstant(after, () => task.getNextRuns(count))) runs.add(d.getTime());
    } finally {
      task.destroy();
    }
  }
  return [...runs].sort((a, b) => a - b).slice(0, count);
}

/** Runs `fn` with `new Date()` and `Date.now()` reading `instant`. */
function atInstant<T>(instant: number, fn: () => T): T {
  const RealDate = globalThis.Date;
  class DateAt extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(instant);
      else super(...(args as [number]));
    }
    static override now(): number {
      return instant;
    }
  }
  globalThis.Date = DateAt as DateConstructor;
  try {
    return fn();
  } finally {
    globalThis.Date = RealDate;
  }
}

export interface CronTimerLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * One cron trigger's node-cron tasks. A machine that slept through several fire times fires once
 * on waking (node-cron's missed-execution tolerance is unbounded here; the restart case is
 * counted separately, see missed.ts). The countdown is node-cron's next run.
 */
export class CronTimer {
  private tasks: ScheduledTask[] = [];
  private lastScheduled = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly cron: CronSchedule,
    private readonly onFire: (scheduledAt: number) => void,
    private readonly logger: CronTimerLogger,
  ) {}

  get isRunning(): boolean {
    return this.tasks.length > 0;
  }

  get nextFireAt(): number | undefined {
    let next: number | undefined;
    for (const t of this.tasks) {
      const d = t.getNextRun()?.getTime();
      if (d !== undefined && (next === undefined || d < next)) next = d;
    }
    return next;
  }

  start(): void {
    if (this.tasks.length) return;
    const log = this.logger;
    const logger = {
      info: (m: string) => log.info(`node-cron: ${m}`),
      warn: (m: string) => log.warn(`node-cron: ${m}`),
      error: (m: string | Error) => log.warn(`node-cron: ${m instanceof Error ? m.message : m}`),
      debug: () => undefined,
    };
    this.tasks = this.cron.patterns.map((pattern) =>
      createTask(pattern, (ctx) => this.fired(ctx.date.getTime()), {
        timezone: this.cron.timezone,
        // A fire only hands itself to the delivery queue, which folds fires of a trigger still waiting.
        noOverlap: true,
        missedExecutionTolerance: Number.MAX_SAFE_INTEGER,
        suppressMissedWarning: true,
        logger,
      }),
    );
    for (const t of this.tasks) t.start();
  }

  stop(): void {
    for (const t of this.tasks) t.destroy();
    this.tasks = [];
  }

  /** Both patterns of a day-of-month OR day-of-week schedule can match the same minute: fire once. */
  private fired(scheduledAt: number): void {
    if (scheduledAt <= this.lastScheduled) return;
    this.lastScheduled = scheduledAt;
    this.onFire(scheduledAt);
  }
}
