import { closeSync } from 'node:fs';
import path from 'node:path';
import { createFileUnsyncedSync } from './atomic';
import { type IndexFs, isDirEntry, nodeIndexFs } from './index-fs';
import { isPartFileName, textOfBlocks } from './parts';
import { pyHead, pyStrip, pyTruthy } from './py-compat';

/**
 * `summary.json` beside a session's meta.json: today's Hive lists cold sessions from it instead of reading every
 * part (Hive: core/framework/storage/session_summary.py, at 54fd8db). Same fields, same rules: it is stale when a
 * `parts/` folder is newer than it, and a stale or missing one is rebuilt from the parts.
 */
export const SUMMARY_FILE = 'summary.json';
const LAST_MESSAGE_MAX_CHARS = 120;

export interface SummaryFile {
  message_count: number;
  /** Last assistant text among client-facing parts, stripped, first 120 characters. */
  last_message: string | null;
  /** Epoch seconds of the latest client-facing part (its file mtime), 0.0 when none. */
  last_active_at: number;
  last_part_seq: number | null;
}

/** Hive's is_client_facing: what the chat list shows (no transition markers, tool results or tool-call turns). */
export function isClientFacing(part: Record<string, unknown>): boolean {
  if (pyTruthy(part.is_transition_marker)) return false;
  if (part.role === 'tool') return false;
  return !(part.role === 'assistant' && pyTruthy(part.tool_calls));
}

function snippet(content: unknown): string {
  const text = typeof content === 'string' ? content : Array.isArray(content) ? textOfBlocks(content) : '';
  return pyHead(pyStrip(text), LAST_MESSAGE_MAX_CHARS);
}

/** The parts folders Hive compares against: `conversations/parts` and each legacy `conversations/<node>/parts`. */
function partsDirs(fs: IndexFs, sessionDir: string): string[] {
  const conv = path.join(sessionDir, 'conversations');
  const dirs = [path.join(conv, 'parts')];
  try {
    for (const e of fs.readdir(conv))
      if (e.name !== 'parts' && isDirEntry(fs, conv, e)) dirs.push(path.join(conv, e.name, 'parts'));
  } catch {
    // no conversations/ yet
  }
  return dirs;
}

/** Hive's is_stale: missing, or some parts folder modified more than 1 ms after it. */
export function isSummaryStale(sessionDir: string, fs: IndexFs = nodeIndexFs): boolean {
  let summaryMs: number;
  try {
    const st = fs.stat(path.join(sessionDir, SUMMARY_FILE));
    if (!st) return true;
    summaryMs = st.mtimeMs;
  } catch {
    return true;
  }
  for (const dir of partsDirs(fs, sessionDir)) {
    try {
      const st = fs.stat(dir);
      if (st && st.mtimeMs > summaryMs + 1) return true;
    } catch {
      // an unreadable folder is skipped, as Hive does
    }
  }
  return false;
}

/** The cached summary when it parses with Hive's types; undefined otherwise (then it is rebuilt). */
export function readSummaryFile(sessionDir: string, fs: IndexFs = nodeIndexFs): SummaryFile | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFile(path.join(sessionDir, SUMMARY_FILE)));
  } catch {
    return undefined;
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  const count = r.message_count ?? 0;
  const active = r.last_active_at ?? 0;
  if (!Number.isSafeInteger(count) || typeof active !== 'number' || !Number.isFinite(active))
    return undefined;
  if (r.last_message != null && typeof r.last_message !== 'string') return undefined;
  return {
    message_count: count as number,
    last_message: (r.last_message as string | null | undefined) ?? null,
    last_active_at: active,
    last_part_seq: Number.isSafeInteger(r.last_part_seq) ? (r.last_part_seq as number) : null,
  };
}

/** One part as the rebuild sees it: its JSON and its timestamp (created_at if it has one, else the file mtime). */
export interface TimedPart {
  raw: Record<string, unknown>;
  ts: number;
}

/** Hive's rebuild_summary over parts already read. */
export function summaryOfParts(parts: readonly TimedPart[]): SummaryFile {
  const client = parts.filter((p) => isClientFacing(p.raw));
  client.sort((a, b) => a.ts - b.ts); // stable, like Python's sort
  let lastMessage: string | null = null;
  for (let i = client.length - 1; i >= 0; i--) {
    const p = client[i]!;
    if (p.raw.role !== 'assistant') continue;
    const text = snippet(p.raw.content);
    if (text) {
      lastMessage = text;
      break;
    }
  }
  const seqs = parts.map((p) => p.raw.seq).filter((s): s is number => Number.isSafeInteger(s));
  return {
    message_count: client.length,
    last_message: lastMessage,
    last_active_at: client.at(-1)?.ts ?? 0,
    last_part_seq: seqs.length > 0 ? Math.max(...seqs) : null,
  };
}

/** Reads every part file of the session with its mtime (the rebuild's one expensive step). */
export function readTimedParts(sessionDir: string, fs: IndexFs = nodeIndexFs): TimedPart[] {
  const out: TimedPart[] = [];
  for (const dir of partsDirs(fs, sessionDir)) {
    let names: string[];
    try {
      names = fs
        .readdir(dir)
        .map((e) => e.name)
        .filter(isPartFileName)
        .sort();
    } catch {
      continue;
    }
    for (const name of names) {
      try {
        const raw = JSON.parse(fs.readFile(path.join(dir, name))) as unknown;
        const st = fs.stat(path.join(dir, name));
        if (!st || raw === null || typeof raw !== 'object' || Array.isArray(raw)) continue;
        const r = raw as Record<string, unknown>;
        const ts = typeof r.created_at === 'number' ? r.created_at : st.mtimeMs / 1000;
        out.push({ raw: r, ts });
      } catch {
        // a torn or unreadable part is skipped, as Hive's rebuild does
      }
    }
  }
  return out;
}

/**
 * Writes summary.json whole (temp + rename) and returns the open descriptor for the caller's fsync batch, or
 * undefined when it could not be written (a cache: the part write never fails because of it).
 */
export function writeSummaryFile(sessionDir: string, summary: SummaryFile): number | undefined {
  try {
    return createFileUnsyncedSync(path.join(sessionDir, SUMMARY_FILE), JSON.stringify(summary));
  } catch {
    return undefined;
  }
}

/** Rebuilds and writes summary.json (the listing's path for a stale one); returns it. */
export function rebuildSummaryFile(sessionDir: string, fs: IndexFs = nodeIndexFs): SummaryFile {
  const summary = summaryOfParts(readTimedParts(sessionDir, fs));
  const fd = writeSummaryFile(sessionDir, summary);
  if (fd !== undefined) closeSync(fd);
  return summary;
}

/**
 * Keeps a live conversation's summary.json current: one fold and one atomic write per part, after the part file
 * is in place, so the file is never older than parts/ and Hive never has to rebuild it.
 *
 * Written for every part, not only client-facing ones as Hive's update_summary does: a tool part also moves the
 * parts folder's mtime, and a summary left behind it would be stale. And last_active_at is the part's write time:
 * Hive's update_summary takes it from a `created_at` its parts never carry, so its incremental summary keeps
 * last_active_at at 0.0 (a bug in Hive; its rebuild uses the file mtime, as we do).
 */
export class SummaryTracker {
  private current: SummaryFile | undefined;

  constructor(readonly sessionDir: string) {}

  private loaded = false;

  /** Call before writing a part: a summary that is fresh now is folded into from here on; else rebuilt once. */
  load(): void {
    if (this.loaded) return;
    this.loaded = true;
    if (!isSummaryStale(this.sessionDir)) this.current = readSummaryFile(this.sessionDir);
  }

  /** After the part file is in place: folds it in and writes the file; returns the descriptor to fsync. */
  add(part: Record<string, unknown>, nowSec: number): number | undefined {
    this.load();
    // A rebuild reads the part just written from disk; a fresh cache gets it folded in.
    this.current = this.current
      ? this.fold(this.current, part, nowSec)
      : summaryOfParts(readTimedParts(this.sessionDir));
    return writeSummaryFile(this.sessionDir, this.current);
  }

  private fold(s: SummaryFile, part: Record<string, unknown>, nowSec: number): SummaryFile {
    const seq = Number.isSafeInteger(part.seq) ? (part.seq as number) : s.last_part_seq;
    if (!isClientFacing(part)) return { ...s, last_part_seq: seq };
    const text = part.role === 'assistant' ? snippet(part.content) : '';
    return {
      message_count: s.message_count + 1,
      last_message: text || s.last_message,
      last_active_at: Math.max(s.last_active_at, nowSec),
      last_part_seq: seq,
    };
  }
}
