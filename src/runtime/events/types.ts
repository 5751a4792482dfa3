/**
 * Hive's event vocabulary (docs/hive-format.md §2.2, `host/event_bus.py` at 0ba1fa8) and the envelope written to a
 * session's `events.jsonl`. The names and data keys are Hive's own so a Hive reader replays our files unchanged.
 */

/** Every `EventType` value of Hive's StrEnum, in its declaration order. */
export const HIVE_EVENT_TYPES = [
  'execution_started',
  'execution_completed',
  'execution_failed',
  'execution_paused',
  'execution_resumed',
  'state_changed',
  'state_conflict',
  'goal_progress',
  'goal_achieved',
  'constraint_violation',
  'stream_started',
  'stream_stopped',
  'node_loop_started',
  'node_loop_iteration',
  'node_loop_completed',
  'node_action_plan',
  'llm_text_delta',
  'llm_reasoning_delta',
  'llm_turn_complete',
  'tool_call_started',
  'tool_call_completed',
  'client_output_delta',
  'client_input_requested',
  'client_input_received',
  'node_internal_output',
  'node_input_blocked',
  'node_stalled',
  'node_tool_doom_loop',
  'judge_verdict',
  'node_retry',
  'stream_ttft_exceeded',
  'stream_inactive',
  'stream_nudge_sent',
  'tool_call_replay_detected',
  'worker_completed',
  'worker_failed',
  'context_compacted',
  'context_usage_updated',
  'webhook_received',
  'custom',
  'escalation_requested',
  'execution_resurrected',
  'worker_colony_loaded',
  'colony_created',
  'credentials_required',
  'queen_phase_changed',
  'queen_identity_selected',
  'subagent_report',
  'trigger_available',
  'trigger_activated',
  'trigger_deactivated',
  'trigger_fired',
  'trigger_removed',
  'trigger_updated',
  // Current Hive's name for fires missed while the runtime was down (we ask the user, never replay silently).
  'missed_triggers',
] as const;

export type HiveEventType = (typeof HIVE_EVENT_TYPES)[number];

const EVENT_TYPE_SET: ReadonlySet<string> = new Set(HIVE_EVENT_TYPES);

/** Narrows a string (e.g. from the agent loop's `emit(type, data)`) to a Hive event type. */
export function isHiveEventType(value: unknown): value is HiveEventType {
  return typeof value === 'string' && EVENT_TYPE_SET.has(value);
}

/** The streaming deltas Hive coalesces in `events.jsonl` (only the latest snapshot per turn is written). */
export const STREAMING_DELTA_TYPES: ReadonlySet<HiveEventType> = new Set<HiveEventType>([
  'client_output_delta',
  'llm_text_delta',
  'llm_reasoning_delta',
]);

// ---- Data shapes of the events in the §2.2 table. Type aliases (not interfaces) so each one is assignable to
// `Record<string, unknown>`, which is what the agent loop's `emit(type, data)` hands over.

/** llm_text_delta: `content` is the new text, `snapshot` the whole text of the turn so far. */
export type LlmTextDeltaData = { content: string; snapshot: string; inner_turn: number; iteration?: number };
/** Hive's emit_llm_reasoning_delta sends only `content`. */
export type LlmReasoningDeltaData = { content: string; iteration?: number; inner_turn?: number };
export type ClientOutputDeltaData = {
  content: string;
  snapshot: string;
  inner_turn: number;
  iteration?: number;
};
export type LlmTurnCompleteData = {
  stop_reason: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  iteration?: number;
};
export type ToolCallStartedData = {
  tool_use_id: string;
  tool_name: string;
  tool_input: Record<string, unknown>;
};
export type ToolCallCompletedData = {
  tool_use_id: string;
  tool_name: string;
  result: string;
  is_error: boolean;
};
export type ClientQuestion = { id: string; prompt: string; options?: string[] };
/** Hive omits `questions` when there are none (auto-block turns). */
export type ClientInputRequestedData = { questions?: ClientQuestion[] };
export type ClientInputReceivedData = { content: string; image_count?: number };
export type QueenPhaseChangedData = { phase: string; agent_path?: string };
export type QueenIdentitySelectedData = { queen_id: string; name: string; title: string };
/** `trigger_config` plus the live stats Hive merges into it (seconds / epoch milliseconds). */
export type TriggerConfigData = Record<string, unknown> & {
  next_fire_in?: number;
  next_fire_at?: number;
  fire_count?: number;
  last_fired_at?: number;
};
export type TriggerStateData = {
  trigger_id: string;
  trigger_type: string;
  trigger_config: TriggerConfigData;
  name: string;
  entry_node?: string;
};
export type TriggerFiredData = {
  trigger_id: string;
  trigger_type: string;
  name: string;
  task: string;
  last_fired_at: number;
  fire_count: number;
  next_fire_in?: number;
  next_fire_at?: number;
};
export type WorkerColonyLoadedData = {
  colony_id: string;
  colony_name: string;
  agent_path: string;
  goal: string;
  node_count: number;
};
export type SubagentReportStatus = 'success' | 'partial' | 'failed' | 'timeout' | 'stopped';
export type SubagentReportData = {
  worker_id: string;
  colony_id: string | null;
  task: string;
  status: SubagentReportStatus;
  summary: string;
  data: unknown;
  error: string | null;
  duration_seconds: number;
  tokens_used: number;
};
/** `request_id` is a uuid hex; Hive sends null when the caller gave none. */
export type EscalationRequestedData = { request_id: string | null; reason: string; context: string };
export type WebhookReceivedData = {
  path: string;
  method: string;
  headers: Record<string, string>;
  payload: unknown;
  query_params: Record<string, string>;
};

/** Typed data for the event types in the §2.2 table. */
export interface HiveEventDataMap {
  llm_text_delta: LlmTextDeltaData;
  llm_reasoning_delta: LlmReasoningDeltaData;
  client_output_delta: ClientOutputDeltaData;
  llm_turn_complete: LlmTurnCompleteData;
  tool_call_started: ToolCallStartedData;
  tool_call_completed: ToolCallCompletedData;
  client_input_requested: ClientInputRequestedData;
  client_input_received: ClientInputReceivedData;
  queen_phase_changed: QueenPhaseChangedData;
  queen_identity_selected: QueenIdentitySelectedData;
  trigger_available: TriggerStateData;
  trigger_activated: TriggerStateData;
  trigger_removed: TriggerStateData;
  trigger_fired: TriggerFiredData;
  worker_colony_loaded: WorkerColonyLoadedData;
  subagent_report: SubagentReportData;
  escalation_requested: EscalationRequestedData;
  webhook_received: WebhookReceivedData;
}

/**
 * Data of an event type: the typed shape when §2.2 lists one, otherwise an open record. Typed shapes stay open
 * too, because Hive adds keys freely (`iteration` on some emits, `extra_data` on others).
 */
export type HiveEventData<T extends HiveEventType> = (T extends keyof HiveEventDataMap
  ? HiveEventDataMap[T]
  : unknown) &
  Record<string, unknown>;

/**
 * One line of `events.jsonl` (Hive's `AgentEvent.to_dict`): keys in Hive's order, nulls kept,
 * `run_id` present only when set. `timestamp` is local time without offset (`datetime.now().isoformat()`).
 */
export interface HiveEventOf<T extends HiveEventType> {
  type: T;
  stream_id: string;
  node_id: string | null;
  execution_id: string | null;
  data: HiveEventData<T>;
  timestamp: string;
  correlation_id: string | null;
  colony_id: string | null;
  run_id?: string;
}

/** Any Hive event, discriminated on `type` so `if (e.type === 'llm_turn_complete') e.data.model` type-checks. */
export type HiveEvent = { [T in HiveEventType]: HiveEventOf<T> }[HiveEventType];

/**
 * The line Hive appends to a forked colony session (routes_execution.compact_inherited): no node/execution
 * ids, and both timestamps in ISO-UTC with `+00:00` (unlike every other line).
 */
export interface ColonyForkMarker {
  type: 'colony_fork_marker';
  stream_id: 'queen';
  data: {
    parent_session_id: string;
    fork_time: string;
    summary_preview: string;
    inherited_message_count: number;
  };
  timestamp: string;
}

/** What a line of `events.jsonl` can be. */
export type PersistedEventLine = HiveEvent | ColonyForkMarker;
