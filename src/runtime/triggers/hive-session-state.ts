import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomically } from '../storage/atomic';

/**
 * Hive's per-session trigger state: `<queen session dir>/sessions/<sid>/state.json`, the SessionState its
 * ColonyRuntime's SessionStore keeps for the session (Hive: core/framework/schemas/session_state.py; written
 * by tools/queen_lifecycle_tools.py _persist_active_triggers, read by server/session_manager.py
 * _restore_active_triggers). Only Hive's fields go here; our own trigger data stays in trigger-state.json.
 */
export interface HiveTriggerState {
  active_triggers: string[];
  trigger_tasks: Record<string, string>;
  worker_configured: boolean;
}

export function hiveStateFile(sessionDir: string, sessionId: string): string {
  return path.join(sessionDir, 'sessions', sessionId, 'state.json');
}

async function readObject(file: string): Promise<Record<string, unknown> | undefined> {
  try {
    const v: unknown = JSON.parse(await readFile(file, 'utf8'));
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** The trigger fields of a state.json, typed as Hive types them; undefined when there is none to use. */
export async function readHiveTriggerState(file: string): Promise<HiveTriggerState | undefined> {
  const s = await readObject(file);
  if (!s) return undefined;
  const ids = Array.isArray(s.active_triggers) ? s.active_triggers.filter((x) => typeof x === 'string') : [];
  const tasks: Record<string, string> = {};
  if (s.trigger_tasks && typeof s.trigger_tasks === 'object' && !Array.isArray(s.trigger_tasks))
    for (const [k, v] of Object.entries(s.trigger_tasks)) if (typeof v === 'string') tasks[k] = v;
  return { active_triggers: ids, trigger_tasks: tasks, worker_configured: s.worker_configured === true };
}

/** Python's naive `datetime.now().isoformat()`, as SessionState timestamps are written. */
function isoLocal(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`;
}

/**
 * Merges the trigger fields into state.json atomically (Hive writes it atomically too). A missing or unreadable
 * file is replaced by the smallest SessionState Hive's model accepts (session_id, goal_id, timestamps).
 */
export async function writeHiveTriggerState(
  file: string,
  sessionId: string,
  fields: Partial<HiveTriggerState>,
  nowMs: number,
): Promise<void> {
  const now = isoLocal(nowMs);
  const current = (await readObject(file)) ?? {
    schema_version: '1.1',
    session_id: sessionId,
    status: 'active',
    goal_id: '',
    timestamps: { started_at: now, updated_at: now },
    pid: process.pid,
  };
  const timestamps =
    current.timestamps && typeof current.timestamps === 'object' ? (current.timestamps as object) : {};
  await writeJsonAtomically(file, {
    ...current,
    ...fields,
    timestamps: { started_at: now, ...timestamps, updated_at: now },
  });
}
