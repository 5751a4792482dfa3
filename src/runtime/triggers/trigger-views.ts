import { isEnabled, type TriggerDefinition, webhookSettings } from './definitions';
import { publicTriggerConfig } from './injection';
import type { MissedTrigger } from './missed';
import { describeSchedule, nextFires, type Schedule } from './schedule';
import type { TriggerStats } from './trigger-state';

/**
 * What the panel and the events see of a trigger: Hive's event data (docs/hive-format.md §2.2), with the
 * live fields Hive merges into `trigger_config` for the countdown and the "fired N×, last 2 min ago"
 * badge: next_fire_in (s), next_fire_at (epoch ms), fire_count, last_fired_at (epoch ms). Ours adds
 * schedule_text ("at 09:00 on Mon–Fri (UTC)") and, for a running webhook, webhook_url.
 */

export interface TriggerSnapshot {
  def: TriggerDefinition;
  schedule?: Schedule;
  active: boolean;
  nextFireAt?: number;
  /** Undefined when the trigger never ran here. */
  stats?: TriggerStats;
  webhookUrl?: string;
  missed?: MissedTrigger;
  error?: string;
}

export interface TriggerView {
  trigger_id: string;
  trigger_type: 'timer' | 'webhook';
  name: string;
  task: string;
  /** trigger_config plus live fields (see above). Never contains a webhook secret. */
  trigger_config: Record<string, unknown>;
  /** Persisted flag (absent in the file = true). */
  enabled: boolean;
  /** Running in this session. */
  active: boolean;
  schedule_text: string;
  next_fire_at: number | null;
  /** The next few fire times (epoch ms), starting with next_fire_at; empty when not scheduled. */
  next_fires: number[];
  fire_count: number;
  last_fired_at: number | null;
  webhook_url?: string;
  missed?: MissedTrigger;
  /** Why the last activation failed. */
  error?: string;
}

export function scheduleText(def: TriggerDefinition, schedule: Schedule | undefined): string {
  if (schedule) return describeSchedule(schedule);
  const s = webhookSettings(def);
  return `${s.methods.join('|')} ${s.path}`;
}

export function liveConfig(s: TriggerSnapshot, now: number): Record<string, unknown> {
  const out = publicTriggerConfig(s.def.trigger_config);
  if (s.nextFireAt !== undefined) {
    out.next_fire_in = Math.max(0, (s.nextFireAt - now) / 1000);
    out.next_fire_at = s.nextFireAt;
  }
  if (s.stats) {
    out.fire_count = s.stats.fire_count;
    if (s.stats.last_fired_at !== null) out.last_fired_at = s.stats.last_fired_at;
  }
  out.schedule_text = scheduleText(s.def, s.schedule);
  if (s.webhookUrl) out.webhook_url = s.webhookUrl;
  return out;
}

export function triggerView(s: TriggerSnapshot, now: number): TriggerView {
  const config = liveConfig(s, now);
  return {
    trigger_id: s.def.id,
    trigger_type: s.def.trigger_type,
    name: s.def.name || s.def.id,
    task: s.def.task ?? '',
    trigger_config: config,
    enabled: isEnabled(s.def),
    active: s.active,
    schedule_text: config.schedule_text as string,
    next_fire_at: s.nextFireAt ?? null,
    next_fires: upcomingFires(s),
    fire_count: s.stats?.fire_count ?? 0,
    last_fired_at: s.stats?.last_fired_at ?? null,
    ...(s.webhookUrl ? { webhook_url: s.webhookUrl } : {}),
    ...(s.missed ? { missed: s.missed } : {}),
    ...(s.error ? { error: s.error } : {}),
  };
}

/** How many fire times a view lists. */
const UPCOMING = 3;

function upcomingFires(s: TriggerSnapshot): number[] {
  if (s.nextFireAt === undefined || !s.schedule) return [];
  return [s.nextFireAt, ...nextFires(s.schedule, s.nextFireAt, UPCOMING - 1)];
}

/** Data of trigger_available / trigger_activated / trigger_removed. */
export function triggerEventData(
  s: TriggerSnapshot,
  now: number,
  entryNode?: string,
): Record<string, unknown> {
  return {
    trigger_id: s.def.id,
    trigger_type: s.def.trigger_type,
    trigger_config: liveConfig(s, now),
    name: s.def.name || s.def.id,
    task: s.def.task ?? '',
    enabled: isEnabled(s.def),
    ...(entryNode ? { entry_node: entryNode } : {}),
  };
}
