import { rename } from 'node:fs/promises';
import path from 'node:path';
import { HiveError } from '../errors';
import { writeJsonAtomically } from './atomic';
import { withFileLock } from './file-lock';
import { describeError } from './parts';
import { readTextSafe } from './safe-read';

/** A session's `meta.json` (docs/hive-format.md §2.1). Unknown keys are kept as they are. */
export interface SessionMeta {
  /** Epoch seconds (float). Hive resets it on every start. */
  created_at?: number;
  queen_id?: string;
  /** Title-case colony name and the colony dir, or null for a queen-only session. */
  agent_name?: string | null;
  agent_path?: string | null;
  worker_name?: string;
  /** Seed era: independent|incubating|working|reviewing (legacy building|planning|staging); HEAD: independent|colony. */
  phase?: string;
  colony_spawned?: boolean;
  spawned_colony_name?: string;
  /** HEAD's name for spawned_colony_name. */
  spawned_colony_id?: string;
  /** ISO-UTC. */
  spawned_colony_at?: string;
  /** A fork copy made by create_colony; hidden from the DM history. */
  colony_fork?: boolean;
  forked_from?: string;
  compacted_from?: string;
  compacted_at?: string | number;
  [key: string]: unknown;
}

export interface MetaError {
  file: string;
  kind: 'invalid-json' | 'not-an-object' | 'unreadable';
  message: string;
}

export type MetaReadResult =
  | { ok: true; exists: boolean; meta: SessionMeta }
  | { ok: false; exists: true; error: MetaError };

export class MetaCorruptError extends HiveError {
  override name = 'MetaCorruptError';
  constructor(readonly error: MetaError) {
    super('META_CORRUPT', `${error.file}: ${error.message} (left untouched)`);
  }
}

export function metaFile(sessionDir: string): string {
  return path.join(sessionDir, 'meta.json');
}

/** Reads meta.json. A missing file is an empty meta; a damaged one is reported, never thrown. */
export async function readMeta(sessionDir: string): Promise<MetaReadResult> {
  const file = metaFile(sessionDir);
  let text: string;
  try {
    text = await readTextSafe(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, exists: false, meta: {} };
    return { ok: false, exists: true, error: { file, kind: 'unreadable', message: describeError(err) } };
  }
  return parseMeta(file, text);
}

export function parseMeta(file: string, text: string): MetaReadResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, exists: true, error: { file, kind: 'invalid-json', message: describeError(err) } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    return {
      ok: false,
      exists: true,
      error: { file, kind: 'not-an-object', message: 'meta.json is not a JSON object' },
    };
  return { ok: true, exists: true, meta: value as SessionMeta };
}

/**
 * Read-merge-write of meta.json, atomically and serialized per file in this process.
 * `undefined` values in the patch leave a key alone; a key listed in `remove` is deleted.
 * A damaged meta.json is never overwritten: this throws MetaCorruptError instead.
 */
export async function updateMeta(
  sessionDir: string,
  patch: Partial<SessionMeta>,
  remove: readonly string[] = [],
): Promise<SessionMeta> {
  const file = metaFile(sessionDir);
  return withFileLock(file, async () => {
    const current = await readMeta(sessionDir);
    if (!current.ok) throw new MetaCorruptError(current.error);
    const merged: SessionMeta = { ...current.meta };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) merged[key] = value;
    for (const key of remove) delete merged[key];
    await writeJsonAtomically(file, merged);
    return merged;
  });
}

/**
 * Moves a meta.json that could not be read aside as `meta.json.damaged-<UTC stamp>` (kept for the user, never
 * deleted), so the session can go on with a fresh one. Returns the sentence that tells the user.
 */
export async function setAsideTornMeta(sessionDir: string, error: MetaError, nowMs: number): Promise<string> {
  const stamp = new Date(nowMs)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const kept = `${metaFile(sessionDir)}.damaged-${stamp}`;
  try {
    await rename(metaFile(sessionDir), kept);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return `meta.json vanished while resuming; a new one was written.`;
    throw err;
  }
  return `meta.json could not be read (${error.message}); it was kept as ${path.basename(kept)} and the session resumed with a fresh one (created time, colony and spawn lock start over).`;
}
