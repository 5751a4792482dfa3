// Colony workers' steps as lanes of the chat: each worker's text and tool calls (its events on stream
// `worker:<id>`, live or replayed from events.jsonl) folded into one row per worker. Hive shows a
// worker's progress the same way, from the worker's own stream (Hive: core/framework/runtime/event_bus.py,
// stream ids `worker:<id>`). Pure: no vscode, no I/O.
import type { ChatMessage, HostToWebview, LaneEntry, LaneStatus } from '../../shared/protocol';

const WORKER_PREFIX = 'worker:';
/** Steps kept per lane; older ones are counted in `dropped` (a long worker must not grow the page forever). */
export const MAX_LANE_ENTRIES = 200;
/** Longest text / tool result kept per step. */
const MAX_STEP_TEXT = 8_000;

/** The part of a Hive event a lane reads (live events and events.jsonl lines alike). */
export interface LaneEvent {
  type: string;
  stream_id?: unknown;
  data?: unknown;
}

interface Lane {
  id: string;
  workerId: string;
  status: LaneStatus;
  summary: string | null;
  entries: LaneEntry[];
  dropped: number;
  /** The queen's tool call in progress when the lane began (where history places it), if any. */
  anchor: string | null;
  /**
   * Where the current model turn's steps begin. events.jsonl writes a turn's text after its tool calls
   * (deltas are coalesced until the turn completes), so a replayed text goes back to its turn's start.
   */
  turnStart: number;
}

export function laneIdOf(workerId: string): string {
  return `lane-${workerId}`;
}

/** The worker id of a `worker:<id>` stream, else undefined. */
export function workerOfStream(stream: unknown): string | undefined {
  return typeof stream === 'string' &&
    stream.startsWith(WORKER_PREFIX) &&
    stream.length > WORKER_PREFIX.length
    ? stream.slice(WORKER_PREFIX.length)
    : undefined;
}

export class WorkerLanes {
  private readonly lanes = new Map<string, Lane>();

  /** Lanes as chat rows, in the order they began, each with the queen call it began under. */
  rows(): Array<{ message: Extract<ChatMessage, { kind: 'lane' }>; anchor: string | null }> {
    return [...this.lanes.values()].map((l) => ({
      message: {
        kind: 'lane',
        id: l.id,
        workerId: l.workerId,
        status: l.status,
        summary: l.summary,
        entries: l.entries.map((e) => ({ ...e })),
        dropped: l.dropped,
      },
      anchor: l.anchor,
    }));
  }

  has(laneId: string): boolean {
    return this.lanes.has(laneId);
  }

  /**
   * Applies one event; returns the panel messages it makes (none for events of other streams).
   * `queenCall` is the queen's tool call in progress, remembered as the lane's place in history.
   */
  apply(e: LaneEvent, queenCall: string | null = null): HostToWebview[] {
    const workerId = workerOfStream(e.stream_id);
    if (!workerId) return [];
    const d = (e.data && typeof e.data === 'object' ? e.data : {}) as Record<string, unknown>;
    switch (e.type) {
      case 'node_loop_iteration':
      case 'llm_turn_complete': {
        const lane = this.lanes.get(laneIdOf(workerId));
        if (lane) lane.turnStart = lane.entries.length;
        return [];
      }
      case 'llm_text_delta':
      case 'client_output_delta':
        return this.onText(workerId, d, queenCall);
      case 'tool_call_started': {
        const id = str(d.tool_use_id);
        if (!id) return [];
        return this.putEntry(workerId, queenCall, {
          kind: 'tool',
          id,
          name: str(d.tool_name) || 'tool',
          input: d.tool_input ?? {},
          result: null,
          isError: false,
          status: 'running',
        });
      }
      case 'tool_call_completed': {
        const id = str(d.tool_use_id);
        const lane = this.lane(workerId, queenCall);
        const entry = lane.entries.find((x) => x.kind === 'tool' && x.id === id);
        if (entry?.kind !== 'tool') return [];
        const result = typeof d.result === 'string' ? d.result : String(d.result ?? '');
        const isError = d.is_error === true;
        return this.putEntry(workerId, queenCall, {
          ...entry,
          result: clip(result),
          isError,
          status: isError ? (result.startsWith('Not run: the user denied') ? 'denied' : 'error') : 'done',
        });
      }
      case 'subagent_report': {
        const lane = this.lane(workerId, queenCall);
        lane.status = reportStatus(d.status);
        lane.summary = str(d.summary) || str(d.error) || null;
        // Calls still open when the worker ended were cut off with it.
        for (const x of lane.entries) if (x.kind === 'tool' && x.status === 'running') x.status = 'error';
        return [
          {
            type: 'laneStatus',
            laneId: lane.id,
            workerId,
            status: lane.status,
            summary: lane.summary,
          },
        ];
      }
      default:
        return [];
    }
  }

  private onText(workerId: string, d: Record<string, unknown>, queenCall: string | null): HostToWebview[] {
    const lane = this.lane(workerId, queenCall);
    const entryId = `t-${int(d.iteration)}-${int(d.inner_turn)}`;
    const content = typeof d.content === 'string' ? d.content : '';
    const existing = lane.entries.find((x) => x.id === entryId);
    const before = existing?.kind === 'text' ? existing.text : '';
    const snapshot = clip(typeof d.snapshot === 'string' ? d.snapshot : before + content);
    if (!existing) {
      lane.entries.splice(Math.min(lane.turnStart, lane.entries.length), 0, {
        kind: 'text',
        id: entryId,
        text: snapshot,
      });
      lane.turnStart++;
      this.trim(lane);
      return [
        {
          type: 'laneEntry',
          laneId: lane.id,
          workerId,
          entry: { kind: 'text', id: entryId, text: snapshot },
        },
      ];
    }
    if (existing.kind !== 'text') return [];
    existing.text = snapshot;
    const plain = snapshot === before + content;
    return [
      {
        type: 'laneText',
        laneId: lane.id,
        workerId,
        entryId,
        text: plain ? content : '',
        ...(plain ? {} : { snapshot }),
      },
    ];
  }

  private putEntry(workerId: string, queenCall: string | null, entry: LaneEntry): HostToWebview[] {
    const lane = this.lane(workerId, queenCall);
    const i = lane.entries.findIndex((x) => x.id === entry.id);
    if (i >= 0) lane.entries[i] = entry;
    else this.push(lane, entry);
    return [{ type: 'laneEntry', laneId: lane.id, workerId, entry }];
  }

  private push(lane: Lane, entry: LaneEntry): void {
    lane.entries.push(entry);
    this.trim(lane);
  }

  private trim(lane: Lane): void {
    while (lane.entries.length > MAX_LANE_ENTRIES) {
      lane.entries.shift();
      lane.dropped++;
      lane.turnStart = Math.max(0, lane.turnStart - 1);
    }
  }

  private lane(workerId: string, queenCall: string | null): Lane {
    const id = laneIdOf(workerId);
    let lane = this.lanes.get(id);
    if (!lane) {
      lane = {
        id,
        workerId,
        status: 'running',
        summary: null,
        entries: [],
        dropped: 0,
        anchor: queenCall,
        turnStart: 0,
      };
      this.lanes.set(id, lane);
    }
    return lane;
  }
}

function reportStatus(s: unknown): LaneStatus {
  if (s === 'success' || s === 'partial') return 'done';
  if (s === 'stopped') return 'stopped';
  return 'failed';
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}

function clip(text: string): string {
  return text.length > MAX_STEP_TEXT ? `${text.slice(0, MAX_STEP_TEXT)}…` : text;
}
