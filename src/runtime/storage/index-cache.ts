import path from 'node:path';
import { writeJsonAtomically } from './atomic';
import type { IndexFs } from './index-fs';
import { extensionStateDir, locationFromKey } from './paths';
import type { SessionSummary } from './session-summary';

/** One indexed session: its summary and the fingerprint it was computed under. */
export interface IndexEntry {
  /** See fingerprint.ts. */
  fingerprint: number[];
  /** Timestamps were too recent to trust: re-read on the next refresh regardless. */
  racy: boolean;
  nodeDirs: string[];
  /** The fingerprint includes the session folder (its ctime is the session's created_at). */
  watchFolder: boolean;
  summary: SessionSummary;
}

const VERSION = 4;

export function defaultCacheFile(home: string): string {
  return path.join(extensionStateDir(home), 'session-index.json');
}

export type CacheLoad = { entries: Map<string, IndexEntry> } | { discarded: string };

/**
 * Loads the persisted index. It is only a cache: anything unexpected (missing, bad JSON,
 * another version or home, a malformed entry) discards it whole and the index is rebuilt
 * from the session files.
 */
export function loadIndexCache(fs: IndexFs, file: string, home: string): CacheLoad {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFile(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { discarded: code === 'ENOENT' ? 'no cache yet' : `unreadable cache (${code ?? 'invalid JSON'})` };
  }
  const d = data as { version?: unknown; home?: unknown; entries?: unknown };
  if (!d || typeof d !== 'object' || d.version !== VERSION) return { discarded: 'unknown cache version' };
  if (d.home !== home) return { discarded: 'cache belongs to another HIVE_HOME' };
  if (!Array.isArray(d.entries)) return { discarded: 'malformed cache' };
  const entries = new Map<string, IndexEntry>();
  for (const e of d.entries) {
    if (!isEntry(e, home)) return { discarded: 'malformed cache entry' };
    entries.set(e.summary.key, e);
  }
  return { entries };
}

export async function saveIndexCache(
  file: string,
  home: string,
  entries: Iterable<IndexEntry>,
): Promise<void> {
  await writeJsonAtomically(file, { version: VERSION, home, entries: [...entries] });
}

const STRING_OR_NULL = [
  'agent_name',
  'agent_path',
  'last_message',
  'first_message',
  'spawned_colony_name',
  'spawned_colony_id',
];
const BOOLEANS = ['has_messages', 'has_part_files', 'conversations_exists', 'colony_fork', 'colony_spawned'];

function isEntry(e: unknown, home: string): e is IndexEntry {
  const x = e as IndexEntry;
  if (!x || typeof x !== 'object' || !Array.isArray(x.fingerprint) || typeof x.racy !== 'boolean')
    return false;
  if (typeof x.watchFolder !== 'boolean' || !x.fingerprint.every(Number.isFinite)) return false;
  if (
    !Array.isArray(x.nodeDirs) ||
    !x.nodeDirs.every((n) => typeof n === 'string' && !/[/\\]|^\.\.?$/.test(n))
  )
    return false;
  const s = x.summary as unknown as Record<string, unknown>;
  if (!s || typeof s !== 'object' || typeof s.key !== 'string') return false;
  // The key must name a real session location under this home, consistent with the other ids.
  const loc = locationFromKey(home, s.key);
  if (!loc || loc.key !== s.key) return false;
  if (s.session_id !== loc.sessionId || s.queen_id !== loc.queenId || s.colony_id !== loc.colonyId)
    return false;
  if (s.layout !== loc.layout) return false;
  if (!Number.isFinite(s.created_at) || !Number.isFinite(s.last_active_at)) return false;
  if (!Number.isSafeInteger(s.message_count) || (s.message_count as number) < 0) return false;
  if (!STRING_OR_NULL.every((k) => s[k] === null || typeof s[k] === 'string')) return false;
  if (!BOOLEANS.every((k) => typeof s[k] === 'boolean')) return false;
  const dmg = s.damaged as { reason?: unknown } | undefined;
  return dmg === undefined || (typeof dmg === 'object' && dmg !== null && typeof dmg.reason === 'string');
}
