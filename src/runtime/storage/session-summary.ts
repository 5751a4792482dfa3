import { closeSync } from 'node:fs';
import path from 'node:path';
import { errorCode, type IndexFs, isDirEntry } from './index-fs';
import { isPartFileName, textOfBlocks } from './parts';
import type { SessionLayout, SessionLocation } from './paths';
import { pyHead, pyStrip, pyTruthy } from './py-compat';
import { UnsafeFileError } from './safe-read';
import { isSummaryStale, readSummaryFile, summaryOfParts, writeSummaryFile } from './summary-file';

/**
 * What the listing needs to know about one session, computed from its files the way Hive's
 * list_cold_sessions / get_cold_session_info do (docs/hive-format.md §3 rule 19). Stored in the index
 * cache, so it holds only JSON values.
 */
export interface SessionSummary {
  key: string;
  session_id: string;
  queen_id: string;
  colony_id: string | null;
  layout: SessionLayout;
  /** Epoch seconds: meta.created_at if set (truthy), else the session folder's ctime. */
  created_at: number;
  /** max(created_at, timestamp of the latest client-facing message). */
  last_active_at: number;
  agent_name: string | null;
  agent_path: string | null;
  /** Last assistant text among client-facing messages, first 120 characters, stripped. */
  last_message: string | null;
  /**
   * The user's first message (first 120 characters, stripped): the session's title, as Cline titles
   * a task by its request. Not one of Hive's listing fields; null when the user never wrote.
   */
  first_message: string | null;
  message_count: number;
  /** docs/hive-format.md §3 Rule 19: `conversations/` exists and message_count > 0. */
  has_messages: boolean;
  /** get_cold_session_info's has_messages: any `*.json` part file is present. */
  has_part_files: boolean;
  conversations_exists: boolean;
  colony_fork: boolean;
  colony_spawned: boolean;
  spawned_colony_name: string | null;
  spawned_colony_id: string | null;
  /** Set when some file could not be used; the session is listed as far as it could be read. */
  damaged?: { reason: string };
}

export interface SummaryRead {
  summary: SessionSummary;
  /** Legacy `conversations/<node>/parts` folders seen, by node name (the fingerprint stats them). */
  nodeDirs: string[];
  /** created_at came from the folder's ctime (no usable meta.created_at): the fingerprint must watch the folder. */
  createdFromFolder: boolean;
}

interface CollectedPart {
  role: unknown;
  content: unknown;
  ts: number;
  seq: number;
  raw: Record<string, unknown>;
}

/** Reads one session's meta and every part file. This is the expensive step the index avoids. */
export function readSessionSummary(
  fs: IndexFs,
  loc: SessionLocation,
  options: { rescanParts?: boolean } = {},
): SummaryRead {
  const damage: string[] = [];
  const dir = loc.dir;
  let createdAt = 0;
  try {
    const st = fs.stat(dir);
    if (st) createdAt = st.ctimeMs / 1000;
    else damage.push('session folder vanished');
  } catch (err) {
    damage.push(`session folder: ${errorCode(err)}`);
  }

  const meta = readMeta(fs, path.join(dir, 'meta.json'), damage);
  const text = (key: string): string | null => {
    const v = meta[key];
    if (v === undefined || v === null || typeof v === 'string') return v ?? null;
    damage.push(`meta.json: ${key} is not a string`);
    return null;
  };
  const agentName = text('agent_name');
  const agentPath = text('agent_path');
  let createdFromFolder = true;
  if (pyTruthy(meta.created_at)) {
    if (typeof meta.created_at === 'number' && Number.isFinite(meta.created_at)) {
      createdAt = meta.created_at;
      createdFromFolder = false;
    } else damage.push('meta.json: created_at is not a number');
  }

  const conv = path.join(dir, 'conversations');
  let convExists = false;
  let convIsDir = false;
  try {
    const st = fs.stat(conv);
    convExists = st !== undefined;
    convIsDir = st?.isDirectory() ?? false;
    if (convExists && !convIsDir) damage.push('conversations is not a folder');
  } catch (err) {
    convExists = true;
    damage.push(`conversations: ${describe(err)}`);
  }

  const parts: CollectedPart[] = [];
  const nodeDirs: string[] = [];
  let hasPartFiles = false;
  // Today's Hive keeps summary.json current; when it is fresh the part files are only listed, not read.
  const fresh =
    convIsDir && !options.rescanParts && !isSummaryStale(dir, fs) ? readSummaryFile(dir, fs) : undefined;
  // Hive's incremental update_summary leaves last_active_at at 0.0 (its parts carry no created_at): that
  // summary cannot date the session's messages, so the parts are read and the summary rebuilt with their
  // times (Hive: framework/storage/session_summary.py). A summary of no messages rightly says 0.0: it is
  // kept, or every listing would rewrite it and move the folder's ctime (a meta-less session's created_at).
  const cached = fresh && (fresh.last_active_at > 0 || fresh.message_count === 0) ? fresh : undefined;
  const namesOnly = cached !== undefined;
  if (convIsDir) {
    const badParts: string[] = [];
    hasPartFiles = collectParts(fs, path.join(conv, 'parts'), parts, badParts, damage, namesOnly);
    let entries: import('node:fs').Dirent[] = [];
    try {
      entries = fs.readdir(conv);
    } catch (err) {
      damage.push(`conversations: ${errorCode(err)}`);
    }
    const nodes = entries
      .filter((e) => e.name !== 'parts' && isDirEntry(fs, conv, e))
      .map((e) => e.name)
      .sort();
    for (const node of nodes) {
      const partsDir = path.join(conv, node, 'parts');
      try {
        if (!fs.stat(partsDir)) continue;
      } catch {
        continue;
      }
      nodeDirs.push(node);
      if (collectParts(fs, partsDir, parts, badParts, damage, namesOnly)) hasPartFiles = true;
    }
    if (badParts.length > 0)
      damage.push(`${badParts.length} unusable part file(s): ${badParts.slice(0, 3).join('; ')}`);
  }

  // Client-facing messages: no transition markers, no tool results, no assistant tool calls.
  const client = parts.filter(
    (p) =>
      !pyTruthy(p.raw.is_transition_marker) &&
      p.role !== 'tool' &&
      !(p.role === 'assistant' && pyTruthy(p.raw.tool_calls)),
  );
  client.sort((a, b) => a.ts - b.ts); // stable, like Python's sort
  let lastActive = createdAt;
  const latest = client[client.length - 1];
  if (latest && latest.ts > lastActive) lastActive = latest.ts;
  let lastMessage: string | null = null;
  for (let i = client.length - 1; i >= 0; i--) {
    const msg = client[i]!;
    let content: unknown = pyTruthy(msg.content) ? msg.content : '';
    if (Array.isArray(content)) content = textOfBlocks(content);
    if (typeof content !== 'string') {
      damage.push(`part ${msg.seq}: content is not text`);
      continue;
    }
    if (content && msg.role === 'assistant') {
      lastMessage = pyStrip(pyHead(content, 120));
      break;
    }
  }

  let messageCount = client.length;
  if (cached) {
    messageCount = cached.message_count;
    lastMessage = cached.last_message;
    lastActive = Math.max(createdAt, cached.last_active_at);
  } else if (convIsDir && damage.length === 0) {
    // Stale or missing: rebuilt from the parts just read and written back, as Hive's listing does.
    const fd = writeSummaryFile(dir, summaryOfParts(parts));
    if (fd !== undefined) closeSync(fd);
    // That write moved the folder's ctime, so a created_at taken from it moves too (a later read sees it).
    const st = createdFromFolder ? fs.stat(dir) : undefined;
    if (st) {
      createdAt = st.ctimeMs / 1000;
      lastActive = Math.max(lastActive, createdAt);
    }
  }
  // The title: summary.json does not keep it, so with a fresh one only the first parts are read.
  const firstMessage = namesOnly
    ? firstClientInput(readFirstParts(fs, path.join(conv, 'parts')))
    : firstClientInput([...client].sort((a, b) => a.seq - b.seq).map((p) => p.raw));

  const summary: SessionSummary = {
    key: loc.key,
    session_id: loc.sessionId,
    queen_id: loc.queenId,
    colony_id: loc.colonyId,
    layout: loc.layout,
    created_at: createdAt,
    last_active_at: lastActive,
    agent_name: agentName,
    agent_path: agentPath,
    last_message: lastMessage,
    first_message: firstMessage,
    message_count: messageCount,
    has_messages: convExists && messageCount > 0,
    has_part_files: hasPartFiles,
    conversations_exists: convExists,
    colony_fork: pyTruthy(meta.colony_fork),
    colony_spawned: pyTruthy(meta.colony_spawned),
    spawned_colony_name: typeof meta.spawned_colony_name === 'string' ? meta.spawned_colony_name : null,
    spawned_colony_id: typeof meta.spawned_colony_id === 'string' ? meta.spawned_colony_id : null,
  };
  if (damage.length > 0) summary.damaged = { reason: damage.join('; ') };
  return { summary, nodeDirs, createdFromFolder };
}

function readMeta(fs: IndexFs, file: string, damage: string[]): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFile(file);
  } catch (err) {
    if (errorCode(err) !== 'ENOENT') damage.push(`meta.json: ${describe(err)}`);
    return {};
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value !== null && typeof value === 'object' && !Array.isArray(value))
      return value as Record<string, unknown>;
    damage.push('meta.json: not a JSON object');
  } catch {
    damage.push('meta.json: invalid JSON');
  }
  return {};
}

/** Reads every `*.json` in one parts folder (sorted by name). Returns whether any such file exists. */
function collectParts(
  fs: IndexFs,
  partsDir: string,
  into: CollectedPart[],
  badParts: string[],
  damage: string[],
  namesOnly = false,
): boolean {
  let names: string[];
  try {
    names = fs
      .readdir(partsDir)
      .map((e) => e.name)
      .filter(isPartFileName)
      .sort();
  } catch (err) {
    const code = errorCode(err);
    if (code !== 'ENOENT') damage.push(`${path.basename(path.dirname(partsDir))}/parts: ${describe(err)}`);
    return false;
  }
  if (namesOnly) return names.length > 0;
  for (const name of names) {
    const file = path.join(partsDir, name);
    let raw: unknown;
    let mtime: number;
    try {
      raw = JSON.parse(fs.readFile(file));
      const st = fs.stat(file);
      if (!st) throw Object.assign(new Error('vanished'), { code: 'ENOENT' });
      mtime = st.mtimeMs / 1000;
    } catch (err) {
      badParts.push(`${name} ${err instanceof SyntaxError ? 'invalid JSON' : describe(err)}`);
      continue;
    }
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
      badParts.push(`${name} not a JSON object`);
      continue;
    }
    const r = raw as Record<string, unknown>;
    let ts = mtime;
    if ('created_at' in r) {
      if (typeof r.created_at === 'number' && Number.isFinite(r.created_at)) ts = r.created_at;
      else damage.push(`part ${name}: created_at is not a number (file mtime used)`);
    }
    const seq = typeof r.seq === 'number' ? r.seq : into.length;
    into.push({ role: r.role, content: r.content, ts, seq, raw: r });
  }
  return names.length > 0;
}

function describe(err: unknown): string {
  if (err instanceof UnsafeFileError) return err.reason;
  const code = errorCode(err);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return code;
}

/** Part files read at most to find a session's first user message when summary.json is fresh. */
const FIRST_PARTS_READ = 16;

/** The first parts of a parts folder, in seq order (unreadable ones skipped). */
function readFirstParts(fs: IndexFs, partsDir: string): Record<string, unknown>[] {
  let names: string[];
  try {
    names = fs
      .readdir(partsDir)
      .map((e) => e.name)
      .filter(isPartFileName)
      .sort()
      .slice(0, FIRST_PARTS_READ);
  } catch {
    return [];
  }
  const out: Record<string, unknown>[] = [];
  for (const name of names) {
    try {
      const raw = JSON.parse(fs.readFile(path.join(partsDir, name))) as unknown;
      if (raw && typeof raw === 'object' && !Array.isArray(raw)) out.push(raw as Record<string, unknown>);
    } catch {}
  }
  return out;
}

/** The user's first message (first 120 characters, stripped), or null. */
function firstClientInput(parts: readonly Record<string, unknown>[]): string | null {
  for (const p of parts) {
    if (p.role !== 'user' || !pyTruthy(p.is_client_input)) continue;
    const content = Array.isArray(p.content) ? textOfBlocks(p.content) : p.content;
    if (typeof content === 'string' && content.trim()) return pyStrip(pyHead(content, 120));
  }
  return null;
}
