// What the chat rebuilds from a session's events.jsonl that its transcript (parts) does not hold: the
// workers' lanes and the files each turn changed. Only the newest MAX_READ bytes are read, and only
// lines that can matter are parsed (a long session's log holds every streamed turn).
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { ChatMessage } from '../../shared/protocol';
import { TurnChanges } from './turn-changes';
import { WorkerLanes } from './worker-lanes';

const MAX_READ = 16 * 1024 * 1024;
/** Lines worth parsing: a worker's stream, a checkpoint, or the queen's tool calls (lane anchors). */
const INTERESTING = /"stream_id":\s*"worker:|checkpoint_recorded|"tool_call_started"/;

export interface SessionReplay {
  lanes: WorkerLanes;
  changes: TurnChanges;
}

export async function replaySessionEvents(sessionDir: string): Promise<SessionReplay> {
  const lanes = new WorkerLanes();
  const changes = new TurnChanges();
  const text = await readTail(path.join(sessionDir, 'events.jsonl'));
  let queenCall: string | null = null;
  for (const line of text.split('\n')) {
    if (!INTERESTING.test(line)) continue;
    let e: { type?: unknown; stream_id?: unknown; data?: unknown };
    try {
      e = JSON.parse(line);
    } catch {
      continue; // a torn line
    }
    if (typeof e.type !== 'string' || !e.data || typeof e.data !== 'object') continue;
    const d = e.data as Record<string, unknown>;
    if (e.stream_id === 'queen' && e.type === 'tool_call_started' && typeof d.tool_use_id === 'string')
      queenCall = d.tool_use_id;
    if (e.type === 'custom') changes.apply(d);
    else lanes.apply({ type: e.type, stream_id: e.stream_id, data: d }, queenCall);
  }
  return { lanes, changes };
}

async function readTail(file: string): Promise<string> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const stat = await fh.stat();
    if (!stat.isFile()) return '';
    const length = Math.min(stat.size, MAX_READ);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, stat.size - length);
    const text = buf.toString('utf8');
    // Cut mid-file: the first line is partial.
    return length < stat.size ? text.slice(text.indexOf('\n') + 1) : text;
  } finally {
    await fh.close();
  }
}

interface PlacedRow {
  message: ChatMessage;
  /** The message this row follows; null or unknown: the end. */
  anchor: string | null;
}

/**
 * The rows rebuilt from events (lanes, changed files) merged into the transcript's messages: each after
 * the message it is anchored to (a row may anchor to another such row: a worker's changes follow its
 * lane), the rest at the end. Rows whose id is already among `messages` are left out.
 */
export function placeReplayRows(messages: readonly ChatMessage[], rows: readonly PlacedRow[]): ChatMessage[] {
  const present = new Set(messages.map((m) => m.id));
  const byAnchor = new Map<string, PlacedRow[]>();
  const ids = new Set<string>();
  for (const r of rows) {
    if (present.has(r.message.id) || ids.has(r.message.id)) continue;
    ids.add(r.message.id);
    const key = r.anchor ?? '';
    byAnchor.set(key, [...(byAnchor.get(key) ?? []), r]);
  }
  const out: ChatMessage[] = [];
  const placed = new Set<string>();
  const emit = (m: ChatMessage) => {
    out.push(m);
    for (const r of byAnchor.get(m.id) ?? []) {
      if (placed.has(r.message.id)) continue;
      placed.add(r.message.id);
      emit(r.message);
    }
  };
  for (const m of messages) emit(m);
  for (const r of rows)
    if (ids.has(r.message.id) && !placed.has(r.message.id)) {
      placed.add(r.message.id);
      emit(r.message);
    }
  return out;
}

/** Replayed rows with the live feed's newer versions of the same rows (and rows only the feed saw). */
export function replayRows(replay: SessionReplay | null, live: SessionReplay): PlacedRow[] {
  const rows = new Map<string, PlacedRow>();
  for (const source of replay ? [replay, live] : [live]) {
    for (const r of source.lanes.rows()) rows.set(r.message.id, r);
    for (const r of source.changes.rows()) rows.set(r.message.id, r);
  }
  return [...rows.values()];
}
