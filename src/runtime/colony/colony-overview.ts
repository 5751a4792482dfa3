import path from 'node:path';
import { describeSchedule, nextFireAt, scheduleOf } from '../triggers/schedule';
import type { TriggerView } from '../triggers/trigger-views';
import { loadColony } from './colony-load';
import { findColonyDir, listHomeColonies } from './colony-locate';

/**
 * What the Colonies view shows of one colony: name, worker goal, triggers with their next fire, and
 * whether a live session runs it. Read from disk; a live session's triggers replace the file's
 * (they carry the real next fire and the on/off state).
 */

export interface ColonyTriggerOverview {
  id: string;
  type: 'timer' | 'webhook';
  /** "at 09:00 (UTC)", "every 15 min", "POST /hooks/push". */
  schedule: string;
  task: string;
  /** Epoch ms of the next fire (timers), null for webhooks or when off. */
  nextFireAt: number | null;
  /** Running in a live session (false when the colony is not running). */
  active: boolean;
}

export interface ColonyOverview {
  name: string;
  folder: string;
  source: 'home' | 'workspace';
  goal: string;
  triggers: ColonyTriggerOverview[];
  /** The live session running this colony, if any. */
  sessionId: string | null;
  /** The colony files could not be read (the view shows the reason). */
  error?: string;
}

export interface LiveColony {
  sessionId: string;
  folder: string;
  triggers: TriggerView[];
}

export async function colonyOverviews(opts: {
  hiveHome: string;
  workspaceFolders: readonly string[];
  live: readonly LiveColony[];
  now: number;
}): Promise<ColonyOverview[]> {
  const seen = new Set<string>();
  const out: ColonyOverview[] = [];
  const add = async (folder: string, source: ColonyOverview['source']) => {
    const key = path.resolve(folder);
    if (seen.has(key)) return;
    seen.add(key);
    out.push(await overviewOf(key, source, opts.live, opts.now));
  };
  for (const name of await listHomeColonies(opts.hiveHome))
    await add(path.join(opts.hiveHome, 'colonies', name), 'home');
  for (const f of opts.workspaceFolders) if (await findColonyDir(f)) await add(f, 'workspace');
  return out;
}

async function overviewOf(
  folder: string,
  source: ColonyOverview['source'],
  live: readonly LiveColony[],
  now: number,
): Promise<ColonyOverview> {
  const running = live.find((l) => path.resolve(l.folder) === folder);
  try {
    const colony = await loadColony(folder);
    const goal =
      colony.worker.config.goal?.description?.trim() || colony.worker.config.description?.trim() || '';
    const triggers = running
      ? running.triggers.map(liveTrigger)
      : colony.triggers.map((t) => fileTrigger(t as unknown as FileTrigger, now));
    return { name: colony.name, folder, source, goal, triggers, sessionId: running?.sessionId ?? null };
  } catch (err) {
    return {
      name: path.basename(folder),
      folder,
      source,
      goal: '',
      triggers: [],
      sessionId: running?.sessionId ?? null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}

interface FileTrigger {
  id: string;
  trigger_type: string;
  trigger_config?: Record<string, unknown> | null;
  task?: string | null;
}

/** A trigger of triggers.json while the colony is not running: the next fire it would have if started now. */
function fileTrigger(t: FileTrigger, now: number): ColonyTriggerOverview {
  const config = t.trigger_config ?? {};
  if (t.trigger_type === 'webhook') {
    const methods = Array.isArray(config.methods) ? (config.methods as string[]).join('|') : 'POST';
    return {
      id: t.id,
      type: 'webhook',
      schedule: `${methods} ${String(config.path ?? '?')}`,
      task: t.task ?? '',
      nextFireAt: null,
      active: false,
    };
  }
  try {
    const schedule = scheduleOf(config);
    return {
      id: t.id,
      type: 'timer',
      schedule: describeSchedule(schedule),
      task: t.task ?? '',
      nextFireAt: nextFireAt(schedule, now),
      active: false,
    };
  } catch (err) {
    return {
      id: t.id,
      type: 'timer',
      schedule: `invalid: ${(err as Error).message}`,
      task: t.task ?? '',
      nextFireAt: null,
      active: false,
    };
  }
}

function liveTrigger(v: TriggerView): ColonyTriggerOverview {
  return {
    id: v.trigger_id,
    type: v.trigger_type,
    schedule: v.schedule_text,
    task: v.task,
    nextFireAt: v.active ? v.next_fire_at : null,
    active: v.active,
  };
}
