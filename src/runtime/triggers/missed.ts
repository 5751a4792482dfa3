import type { TriggerDefinition } from './definitions';
import { firesBetween, nextFireAt, type Schedule } from './schedule';
import type { PendingMissed, TriggerStats } from './trigger-state';

/**
 * Fires that fell while nothing was running (VS Code closed, session stopped). Every delivered fire
 * moves `last_fired_at` and every activation moves `activated_at`, so any scheduled time after both
 * and before now was missed. Never replayed silently: the manager reports them in a
 * `missed_triggers` event (the event type current Hive added for this, not a `custom` one) and
 * waits for runMissedOnce() or skipMissed(). A trigger that never fired nor was activated by us
 * (e.g. a brand-new Hive triggers.json) reports nothing, as in Hive.
 */

export interface MissedTrigger {
  trigger_id: string;
  trigger_type: 'timer';
  name: string;
  /** Missed fires; a lower bound when `capped`. */
  count: number;
  capped: boolean;
  /** First missed fire times, ISO-UTC (at most 100), as in Hive's MissedTrigger. */
  ticks: string[];
  /** Next scheduled fire after now, ISO-UTC. */
  next_due_at: string | null;
}

/** Hive (HEAD) keeps `last_fired_at` as ISO-UTC inside triggers.json; read it when we have nothing. */
export function hiveLastFiredAt(def: TriggerDefinition): number | undefined {
  const v = def.last_fired_at;
  if (typeof v !== 'string') return undefined;
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(t) ? t : undefined;
}

/** Newly missed fires since the last fire/activation, or undefined when none. */
export function newlyMissed(
  schedule: Schedule,
  stats: TriggerStats,
  now: number,
  fallbackLast?: number,
): PendingMissed | undefined {
  const last = stats.last_fired_at ?? fallbackLast;
  const since = Math.max(last ?? -Infinity, stats.activated_at ?? -Infinity);
  if (!Number.isFinite(since) || since >= now) return undefined;
  const anchor = stats.activated_at ?? since;
  const r = firesBetween(schedule, since, now, anchor);
  return r.count > 0 ? { count: r.count, capped: r.capped, ticks: r.ticks } : undefined;
}

export function mergeMissed(
  a: PendingMissed | undefined,
  b: PendingMissed | undefined,
): PendingMissed | undefined {
  if (!a) return b;
  if (!b) return a;
  return {
    count: a.count + b.count,
    capped: a.capped || b.capped,
    ticks: [...a.ticks, ...b.ticks].slice(0, 100),
  };
}

export function missedReport(
  def: TriggerDefinition,
  schedule: Schedule | undefined,
  pending: PendingMissed,
  now: number,
): MissedTrigger {
  let next: string | null = null;
  try {
    if (schedule) next = new Date(nextFireAt(schedule, now)).toISOString();
  } catch {
    next = null;
  }
  return {
    trigger_id: def.id,
    trigger_type: 'timer',
    name: def.name || def.id,
    count: pending.count,
    capped: pending.capped,
    ticks: pending.ticks.map((t) => new Date(t).toISOString()),
    next_due_at: next,
  };
}
