import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { JsonlAppender } from '../storage/jsonl';
import type { EventBus } from './bus';
import { isoUtc } from './timestamp';
import { type ColonyForkMarker, type HiveEvent, STREAMING_DELTA_TYPES } from './types';

export interface EventLogOptions {
  /** Passed to JsonlAppender: buffered lines are written once they reach this size (or on the next tick). */
  maxBufferBytes?: number;
  /** A background write failed (disk full…); the lines stay buffered and are retried. Default: console.error. */
  onWriteError?: (err: Error) => void;
}

interface PendingDelta {
  event: HiveEvent;
  stream: string;
  node: string | null;
  execution: string | null;
}

/**
 * A session's `events.jsonl`, written the way Hive's EventBus writes it (`_write_session_log_event`):
 * every event, except that streaming deltas are coalesced. Each delta carries the whole text so far in
 * `snapshot`, so only the latest one per (type, stream, node, execution, iteration, inner_turn) is kept, and it is
 * written just before that stream's `llm_turn_complete` (or on close). A replay therefore sees a turn's tool
 * events before its final text, exactly as in a file Hive wrote.
 */
export class EventLog {
  private readonly appender: JsonlAppender;
  // Insertion-ordered like Hive's dict: re-setting a key keeps its place, so flush order = first-delta order.
  private readonly pending = new Map<string, PendingDelta>();
  private detach: (() => void) | undefined;
  private closed = false;

  constructor(
    readonly file: string,
    options: EventLogOptions = {},
  ) {
    endTornLine(file);
    this.appender = new JsonlAppender(
      file,
      options.maxBufferBytes,
      options.onWriteError ?? ((err) => console.error(`events.jsonl write failed (${file}): ${err.message}`)),
    );
  }

  /** Opens the log and persists every event `bus` publishes from now on; `close()` detaches it. */
  static attach(bus: EventBus, file: string, options?: EventLogOptions): EventLog {
    const log = new EventLog(file, options);
    log.detach = bus.addSink((event) => log.write(event));
    return log;
  }

  write(event: HiveEvent): void {
    if (this.closed) return;
    if (STREAMING_DELTA_TYPES.has(event.type)) {
      const data = event.data as Record<string, unknown>;
      // Hive's key is (stream, node, execution, data.get("iteration"), data.get("inner_turn", 0)). We add the
      // type: Hive never mixes delta types in one turn (a node emits client_output_delta OR llm_text_delta, and
      // nothing emits reasoning deltas), so its files come out the same, but our loop may stream thinking, and
      // under Hive's key a reasoning fragment would replace the turn's text snapshot.
      const key = JSON.stringify([
        event.type,
        event.stream_id,
        event.node_id,
        event.execution_id,
        data.iteration ?? null,
        'inner_turn' in data ? data.inner_turn : 0,
      ]);
      this.pending.set(key, {
        event,
        stream: event.stream_id,
        node: event.node_id,
        execution: event.execution_id,
      });
      return;
    }
    if (event.type === 'llm_turn_complete') this.writePending(event);
    this.appender.append(event);
  }

  /** Pushes buffered lines to disk. Pending deltas stay pending: a later snapshot would supersede them. */
  flush(): void {
    if (!this.closed) this.appender.flush();
  }

  /** Writes the pending deltas, flushes and closes the file. Later events are ignored. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.detach?.();
    this.writePending();
    this.closed = true;
    this.appender.close();
  }

  /** Deltas held back until their turn completes. */
  get pendingDeltas(): number {
    return this.pending.size;
  }

  /** With `turn`, only that turn's stream/node/execution (any iteration, as Hive); without, everything. */
  private writePending(turn?: HiveEvent): void {
    for (const [key, p] of this.pending) {
      if (
        turn &&
        (p.stream !== turn.stream_id || p.node !== turn.node_id || p.execution !== turn.execution_id)
      ) {
        continue;
      }
      this.pending.delete(key);
      this.appender.append(p.event);
    }
  }
}

/**
 * A crash can leave the file ending mid-line. Appending straight after it would glue our first event to the torn
 * fragment and both would be unreadable, so end the fragment with a newline first (readers skip it alone).
 */
function endTornLine(file: string): void {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return;
    const last = Buffer.alloc(1);
    readSync(fd, last, 0, 1, size - 1);
    if (last[0] !== 0x0a) writeSync(fd, '\n', size);
  } finally {
    closeSync(fd);
  }
}

export interface ColonyForkMarkerInput {
  parentSessionId: string;
  /** The compaction summary; Hive keeps its first 240 characters. */
  summary: string;
  inheritedMessageCount: number;
  /** Epoch milliseconds; defaults to now. */
  now?: number;
}

/** The marker Hive appends to a forked colony session's events.jsonl so a UI can fold what came before it. */
export function makeColonyForkMarker(input: ColonyForkMarkerInput): ColonyForkMarker {
  const forkTime = isoUtc(input.now ?? Date.now());
  return {
    type: 'colony_fork_marker',
    stream_id: 'queen',
    data: {
      parent_session_id: input.parentSessionId,
      fork_time: forkTime,
      // Python slices by code point; Array.from does too (String.slice would split surrogate pairs).
      summary_preview: Array.from(input.summary).slice(0, 240).join(''),
      inherited_message_count: input.inheritedMessageCount,
    },
    timestamp: forkTime,
  };
}

/** Appends one marker line (the fork writes into a copied session that no EventLog has open). */
export async function appendColonyForkMarker(eventsFile: string, marker: ColonyForkMarker): Promise<void> {
  await mkdir(path.dirname(eventsFile), { recursive: true });
  endTornLine(eventsFile);
  await appendFile(eventsFile, `${JSON.stringify(marker)}\n`, 'utf8');
}
