import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomically } from '../storage/atomic';
import { validateId } from '../storage/ids';
import { readTextSafe } from '../storage/safe-read';
import { isPidAlive as defaultIsPidAlive } from './pid';

/**
 * Stale worker-session cleanup (docs/hive-format.md §3 rule 22). A worker `state.json` still saying
 * `active` after its runtime died would show as running forever. Like Hive, a session is left alone when
 * it is live in this process or its recorded `pid` is a running process; otherwise (dead pid, or no pid
 * at all, as Hive does) it becomes `cancelled` with `result.error = "Stale session: runtime restarted"`.
 * `paused`, `completed`, … are never touched. Unlike Hive the write is atomic, a file that changed while
 * we looked is left for the next pass, and a corrupt file is reported and left as it is.
 *
 * Layouts scanned (both Hive eras, docs/hive-format.md §1 and §6):
 *   agents/<colony>/sessions/<sid>/state.json            (what Hive's cleaner scans)
 *   agents/<colony>/<worker>/sessions/<sid>/state.json   (AgentHost worker state, worker = "worker")
 *   colonies/<colony>/workers/<sid>/state.json           (Hive HEAD)
 * `agents/queens` is the seed-era queens folder, not a colony, and is skipped.
 */
export const STALE_ERROR = 'Stale session: runtime restarted';

export interface StaleCleanupOptions {
  hiveHome: string;
  /** Only this colony; default every colony found under agents/ and colonies/. */
  colony?: string;
  /** Session (or worker) ids running in this process. */
  isLive?: (sessionId: string) => boolean;
  isPidAlive?: (pid: number) => boolean;
  now?: () => Date;
}

export interface StaleCleanupResult {
  /** state.json files rewritten as cancelled. */
  cancelled: string[];
  /** Active sessions left alone: live here, or their pid runs. */
  alive: string[];
  /** Unreadable or non-object state.json files, untouched. */
  corrupt: Array<{ file: string; error: string }>;
  /** Files that changed between our read and our write, untouched. */
  changed: string[];
}

export async function cleanupStaleSessions(options: StaleCleanupOptions): Promise<StaleCleanupResult> {
  const result: StaleCleanupResult = { cancelled: [], alive: [], corrupt: [], changed: [] };
  const isLive = options.isLive ?? (() => false);
  const pidAlive = options.isPidAlive ?? defaultIsPidAlive;
  const now = options.now ?? (() => new Date());
  for (const file of await findStateFiles(options.hiveHome, options.colony)) {
    const before = await stat(file).catch(() => undefined);
    if (!before) continue;
    let state: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(await readTextSafe(file));
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
        throw new Error('not a JSON object');
      state = parsed as Record<string, unknown>;
    } catch (err) {
      result.corrupt.push({ file, error: (err as Error).message });
      continue;
    }
    if (state.status !== 'active') continue;
    const dirName = path.basename(path.dirname(file));
    const sessionId = typeof state.session_id === 'string' ? state.session_id : dirName;
    const pid = state.pid;
    if (isLive(sessionId) || isLive(dirName) || (typeof pid === 'number' && pid > 0 && pidAlive(pid))) {
      result.alive.push(file);
      continue;
    }
    state.status = 'cancelled';
    state.result = { ...asObject(state.result), error: STALE_ERROR };
    state.timestamps = { ...asObject(state.timestamps), updated_at: isoLocal(now()) };
    const after = await stat(file).catch(() => undefined);
    if (!after || after.mtimeMs !== before.mtimeMs || after.size !== before.size) {
      result.changed.push(file);
      continue;
    }
    await writeJsonAtomically(file, state, 2);
    result.cancelled.push(file);
  }
  return result;
}

/** Every worker state.json of the scanned layouts. */
export async function findStateFiles(hiveHome: string, colony?: string): Promise<string[]> {
  if (colony !== undefined) validateId('colony', colony);
  const files: string[] = [];
  const agents = path.join(hiveHome, 'agents');
  const colonies = path.join(hiveHome, 'colonies');
  const agentColonies = colony ? [colony] : (await subdirs(agents)).filter((n) => n !== 'queens');
  for (const c of agentColonies) {
    const base = path.join(agents, c);
    files.push(...(await statesIn(path.join(base, 'sessions'))));
    for (const w of await subdirs(base)) {
      if (w === 'sessions') continue;
      files.push(...(await statesIn(path.join(base, w, 'sessions'))));
    }
  }
  for (const c of colony ? [colony] : await subdirs(colonies))
    files.push(...(await statesIn(path.join(colonies, c, 'workers'))));
  return files;
}

async function statesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const d of await subdirs(dir)) {
    const file = path.join(dir, d, 'state.json');
    if ((await stat(file).catch(() => undefined))?.isFile()) out.push(file);
  }
  return out;
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

function asObject(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Python's naive `datetime.now().isoformat()`: local time, microseconds. */
function isoLocal(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:` +
    `${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}000`
  );
}
