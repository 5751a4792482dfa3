import path from 'node:path';
import { writeFileAtomically } from './atomic';
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

/**
 * The cache file is JSON Lines: a header line `{"version":5,"home":…}`, then one entry per line, whose summary
 * leaves out what its key already says (session_id, queen_id, colony_id, layout). Line by line, a large index is
 * read and written in batches with the event loop free between them; version 4 (one JSON document with every
 * field) is still read.
 */
const VERSION = 5;
const LEGACY_VERSION = 4;
/** Entries parsed (or written) between two yields to the event loop. */
const BATCH = 250;

export function defaultCacheFile(home: string): string {
  return path.join(extensionStateDir(home), 'session-index.json');
}

/** `outdated`: read from an older format, to be written again in the current one. */
export type CacheLoad = { entries: Map<string, IndexEntry>; outdated?: boolean } | { discarded: string };

/** Lets the event loop run (a no-op where nothing else waits, as in the CLI). */
export type Pause = () => Promise<void>;
const noPause: Pause = () => Promise.resolve();

/**
 * Loads the persisted index. It is only a cache: anything unexpected (missing, bad JSON,
 * another version or home, a malformed entry) discards it whole and the index is rebuilt
 * from the session files.
 */
export async function loadIndexCache(
  fs: IndexFs,
  file: string,
  home: string,
  pause = noPause,
): Promise<CacheLoad> {
  // A megabytes-large cache is read and decoded a chunk at a time, the event loop free between chunks.
  const chunks = fs.readFileChunks ? fs.readFileChunks(file) : [fs.readFile(file)];
  const lines = linesOf(chunks);
  try {
    return await parseCache(lines, home, pause);
  } catch (err) {
    return { discarded: unreadable(err) }; // the file could not be read (its chunks are read as lines are asked for)
  } finally {
    lines.return(undefined); // closes the file when parsing stopped before its end
  }
}

async function parseCache(lines: Iterator<string>, home: string, pause: Pause): Promise<CacheLoad> {
  const first = lines.next();
  let header: { version?: unknown; home?: unknown; entries?: unknown };
  try {
    header = JSON.parse(first.done ? '' : first.value);
  } catch {
    return { discarded: 'unreadable cache (invalid JSON)' };
  }
  if (!header || typeof header !== 'object') return { discarded: 'unknown cache version' };
  if (header.version === LEGACY_VERSION) return loadLegacy(header, home);
  if (header.version !== VERSION) return { discarded: 'unknown cache version' };
  if (header.home !== home) return { discarded: 'cache belongs to another HIVE_HOME' };
  const entries = new Map<string, IndexEntry>();
  let n = 0;
  for (let next = lines.next(); !next.done; next = lines.next()) {
    if (next.value === '') continue; // the newline that ends the file
    let e: unknown;
    try {
      e = JSON.parse(next.value);
    } catch {
      return { discarded: 'unreadable cache (invalid JSON)' };
    }
    const entry = completeEntry(e, home);
    if (!entry) return { discarded: 'malformed cache entry' };
    entries.set(entry.summary.key, entry);
    if (++n % BATCH === 0) await pause();
  }
  return { entries };
}

function unreadable(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no cache yet' : `unreadable cache (${code ?? 'invalid JSON'})`;
}

/** The lines of a text given in chunks; each chunk is read only when its lines are asked for. */
function* linesOf(chunks: Iterable<string>): Generator<string> {
  let rest = '';
  for (const chunk of chunks) {
    let at = 0;
    for (let end = chunk.indexOf('\n'); end >= 0; end = chunk.indexOf('\n', at)) {
      // Only a line begun in an earlier chunk is joined; the chunk itself is never copied.
      yield rest === '' ? chunk.slice(at, end) : rest + chunk.slice(at, end);
      rest = '';
      at = end + 1;
    }
    rest += chunk.slice(at);
  }
  if (rest !== '') yield rest;
}

function loadLegacy(d: { home?: unknown; entries?: unknown }, home: string): CacheLoad {
  if (d.home !== home) return { discarded: 'cache belongs to another HIVE_HOME' };
  if (!Array.isArray(d.entries)) return { discarded: 'malformed cache' };
  const entries = new Map<string, IndexEntry>();
  for (const e of d.entries) {
    const entry = completeEntry(e, home);
    if (!entry) return { discarded: 'malformed cache entry' };
    entries.set(entry.summary.key, entry);
  }
  return { entries, outdated: true };
}

/** The cache's text: the header, then each entry on one line without the fields its key says. */
export async function saveIndexCache(
  file: string,
  home: string,
  entries: readonly IndexEntry[],
  pause = noPause,
): Promise<void> {
  const lines = [JSON.stringify({ version: VERSION, home })];
  for (let i = 0; i < entries.length; i++) {
    const { session_id, queen_id, colony_id, layout, ...summary } = entries[i]!.summary;
    lines.push(JSON.stringify({ ...entries[i], summary }));
    if ((i + 1) % BATCH === 0) await pause();
  }
  await writeFileAtomically(file, `${lines.join('\n')}\n`);
}

/** The entry with the fields its key implies filled in, or undefined when malformed or inconsistent. */
function completeEntry(e: unknown, home: string): IndexEntry | undefined {
  const s = (e as IndexEntry | null)?.summary as unknown as Record<string, unknown> | undefined;
  if (!s || typeof s !== 'object' || typeof s.key !== 'string') return undefined;
  // The key must name a real session location under this home; ids stored beside it must agree with it.
  const loc = locationFromKey(home, s.key);
  if (!loc || loc.key !== s.key) return undefined;
  if (!implies(s, 'session_id', loc.sessionId) || !implies(s, 'queen_id', loc.queenId)) return undefined;
  if (!implies(s, 'colony_id', loc.colonyId) || !implies(s, 'layout', loc.layout)) return undefined;
  return isEntry(e) ? e : undefined;
}

/** Fills in a field the key implies; false if the entry stored a different value. */
function implies(s: Record<string, unknown>, field: string, value: unknown): boolean {
  if (field in s && s[field] !== value) return false;
  s[field] = value;
  return true;
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

function isEntry(e: unknown): e is IndexEntry {
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
  if (!Number.isFinite(s.created_at) || !Number.isFinite(s.last_active_at)) return false;
  if (!Number.isSafeInteger(s.message_count) || (s.message_count as number) < 0) return false;
  if (!STRING_OR_NULL.every((k) => s[k] === null || typeof s[k] === 'string')) return false;
  if (!BOOLEANS.every((k) => typeof s[k] === 'boolean')) return false;
  const dmg = s.damaged as { reason?: unknown } | undefined;
  return dmg === undefined || (typeof dmg === 'object' && dmg !== null && typeof dmg.reason === 'string');
}
