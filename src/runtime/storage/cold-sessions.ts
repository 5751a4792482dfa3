import type { ConversationPart } from './parts';
import type { SessionSummary } from './session-summary';

/** One row of Hive's list_cold_sessions, with exactly its field names (+ `damaged` when set). */
export interface ColdSession {
  session_id: string;
  cold: true;
  live: false;
  has_messages: boolean;
  created_at: number;
  last_active_at: number;
  agent_name: string | null;
  agent_path: string | null;
  last_message: string | null;
  message_count: number;
  queen_id: string | null;
  damaged?: { reason: string };
}

/** A listing row plus where it lives (what the sidebar tree needs to open it). */
export interface ColdSessionEntry extends ColdSession {
  /** Unique: the session dir relative to HIVE_HOME (a session id may repeat across colonies). */
  key: string;
  dir: string;
  colony_id: string | null;
  layout: SessionSummary['layout'];
  /** The user's first message (the row's title); not a Hive listing field. */
  first_message: string | null;
  /** The folder by its raw bytes, when its name is not UTF-8 (`dir` then shows it escaped and reaches nothing). */
  rawDir?: Buffer;
}

/** Hive's get_cold_session_info, plus where the session lives. */
export interface ColdSessionInfo {
  session_id: string;
  cold: true;
  live: false;
  /** Any part file is present (not the client-facing count). */
  has_messages: boolean;
  created_at: number;
  agent_name: string | null;
  agent_path: string | null;
  colony_spawned: boolean;
  spawned_colony_name: string | null;
  spawned_colony_id: string | null;
  queen_id: string;
  colony_id: string | null;
  key: string;
  dir: string;
  damaged?: { reason: string };
}

/**
 * Which sessions a listing covers. `all` (default): every layout. `queens`: the queen DM
 * history (current and seed-era roots; Hive's list_cold_sessions). `{ colony }`: one colony's
 * overseer sessions (Hive HEAD's list_colony_sessions).
 */
export type ListScope = 'all' | 'queens' | { colony: string };

export interface ListOptions {
  offset?: number;
  limit?: number;
  scope?: ListScope;
}

export const HIVE_LIST_FIELDS = [
  'session_id',
  'cold',
  'live',
  'has_messages',
  'created_at',
  'last_active_at',
  'agent_name',
  'agent_path',
  'last_message',
  'message_count',
  'queen_id',
] as const;

export function toEntry(s: SessionSummary, dir: string): ColdSessionEntry {
  const row: ColdSessionEntry = {
    session_id: s.session_id,
    cold: true,
    live: false,
    has_messages: s.has_messages,
    created_at: s.created_at,
    last_active_at: s.last_active_at,
    agent_name: s.agent_name,
    agent_path: s.agent_path,
    last_message: s.last_message,
    message_count: s.message_count,
    queen_id: s.queen_id,
    key: s.key,
    dir,
    colony_id: s.colony_id,
    layout: s.layout,
    first_message: s.first_message ?? null,
  };
  if (s.damaged) row.damaged = { ...s.damaged };
  return row;
}

export function toInfo(s: SessionSummary, dir: string): ColdSessionInfo | null {
  if (!s.conversations_exists) return null; // Hive: no conversations folder -> not found
  const info: ColdSessionInfo = {
    session_id: s.session_id,
    cold: true,
    live: false,
    has_messages: s.has_part_files,
    created_at: s.created_at,
    agent_name: s.agent_name,
    agent_path: s.agent_path,
    colony_spawned: s.colony_spawned,
    spawned_colony_name: s.spawned_colony_name,
    spawned_colony_id: s.spawned_colony_id,
    queen_id: s.queen_id,
    colony_id: s.colony_id,
    key: s.key,
    dir,
  };
  if (s.damaged) info.damaged = { ...s.damaged };
  return info;
}

/** Only Hive's field names (and `damaged` when set): the CLI's JSON rows. */
export function toHiveRow(e: ColdSession): ColdSession {
  // Spelled out (the fields of HIVE_LIST_FIELDS, in order): a listing makes 10,000 of these.
  const row: ColdSession = {
    session_id: e.session_id,
    cold: e.cold,
    live: e.live,
    has_messages: e.has_messages,
    created_at: e.created_at,
    last_active_at: e.last_active_at,
    agent_name: e.agent_name,
    agent_path: e.agent_path,
    last_message: e.last_message,
    message_count: e.message_count,
    queen_id: e.queen_id,
  };
  if (e.damaged) row.damaged = e.damaged;
  return row;
}

/**
 * Filters and orders summaries like Hive: colony_fork copies are hidden from the queen trees
 * (not from a colony's own listing); newest `last_active_at` first. Ties (Python keeps the
 * arbitrary directory order) are broken by session id, newest first, then by key.
 * A seed-era copy of a session that also exists in the current layout is a leftover of
 * Hive's migration and is left out.
 */
export function selectAndSort(
  summaries: Iterable<SessionSummary>,
  scope: ListScope = 'all',
): SessionSummary[] {
  const all = [...summaries];
  const current = new Set(all.filter((s) => s.layout === 'queens').map((s) => s.session_id));
  const picked = all.filter((s) => {
    if (s.layout !== 'colony' && s.colony_fork) return false;
    if (s.layout === 'seed' && current.has(s.session_id)) return false;
    if (scope === 'all') return true;
    if (scope === 'queens') return s.layout !== 'colony';
    return s.layout === 'colony' && s.colony_id === scope.colony;
  });
  return picked.sort(
    (a, b) =>
      b.last_active_at - a.last_active_at ||
      (a.session_id < b.session_id ? 1 : a.session_id > b.session_id ? -1 : 0) ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );
}

export function page<T>(rows: T[], offset = 0, limit?: number): T[] {
  const start = Math.max(0, Math.floor(offset));
  return limit === undefined ? rows.slice(start) : rows.slice(start, start + Math.max(0, Math.floor(limit)));
}

/** Hive's client-facing rule (docs/hive-format.md §3 rule 19): no transition markers, tool results or assistant tool calls. */
export function isClientFacing(p: ConversationPart): boolean {
  return !p.is_transition_marker && p.role !== 'tool' && !(p.role === 'assistant' && p.tool_calls?.length);
}
