// Follows one live session's event bus from the moment it is known: turns Hive events into protocol
// messages for the panel, and keeps the "live tail" a reconnecting panel needs that the transcript
// does not hold yet (text still streaming, pending approvals and questions with their details, the
// tool running now, the last error). No vscode: unit-tested against a real LiveSession.
import { workerReportText } from '../../runtime/colony/runtime/texts';
import { HIVE_EVENT_TYPES, type HiveEvent, type SubagentReportData } from '../../runtime/events/types';
import type {
  ApprovalDetail,
  ApprovalOutcome,
  ChatMessage,
  ContextGauge,
  HostToWebview,
} from '../../shared/protocol';
import { type ChatSession, nonNegInt, usageFrom } from './session-sources';
import {
  colonyLoadedRow,
  colonyUnloadedRow,
  phaseChangedRow,
  systemRowsFromText,
  triggerFiredRow,
} from './system-rows';
import { contextFromTurn, LiveThinking } from './thinking-feed';
import { TurnChanges } from './turn-changes';
import { WorkerLanes, workerOfStream } from './worker-lanes';

const QUEEN_STREAM = 'queen';

export interface PendingApproval {
  id: string;
  toolUseId: string | null;
  tool: string;
  category: string;
  input: unknown;
  requester: string;
  detail: ApprovalDetail | null;
}

/** A write_file / edit_file proposal as the runtime computed it before asking (the diff under review). */
export interface Proposal {
  path: string;
  absPath: string;
  /** null: the file does not exist yet. */
  before: string | null;
  after: string;
}

export interface PendingQuestion {
  id: string;
  toolUseId: string | null;
  prompt: string;
  options: string[];
}

interface LiveText {
  id: string;
  text: string;
}

/** Colony- and trigger-related events: the bridge re-reads those sources when one arrives. */
const COLONY_EVENTS = new Set<string>([
  'worker_colony_loaded',
  'colony_created',
  'escalation_requested',
  'subagent_report',
  'worker_completed',
  'worker_failed',
]);
/** The session's colony changes (workers queued/started/done, unload) arrive as `custom` kinds. */
const COLONY_CUSTOM_KINDS = new Set<string>(['colony_state', 'worker_colony_unloaded']);
/** Hive's `trigger_*` events: each may change the panel's trigger list. */
const TRIGGER_EVENTS = new Set<string>(HIVE_EVENT_TYPES.filter((t) => t.startsWith('trigger_')));

export type FeedOutput =
  | { kind: 'message'; message: HostToWebview }
  /** A file approval with a proposal was requested: the diff review opens it. */
  | { kind: 'proposal'; approvalId: string; requester: string; proposal: Proposal }
  /** An approval was answered or cancelled (its diff review closes). */
  | { kind: 'approvalClosed'; approvalId: string }
  | { kind: 'colonyChanged' }
  | { kind: 'triggersChanged' };

export class SessionFeed {
  private readonly listeners = new Set<(out: FeedOutput) => void>();
  private readonly off: () => void;
  /** Assistant texts of the iteration in progress, by `${iteration}:${inner_turn}`. */
  private liveTexts = new Map<string, LiveText>();
  private lastLiveId: string | undefined;
  private resnapshot = false;
  private readonly running = new Map<string, string>(); // tool_use_id → tool name
  private currentTool: string | null = null;
  private readonly approvals = new Map<string, PendingApproval>();
  private readonly questions = new Map<string, PendingQuestion>();
  /** Approvals answered while this feed listened, by the tool call they were for. */
  private readonly outcomes = new Map<string, ApprovalOutcome>();
  private readonly proposals = new Map<string, Proposal>();
  private lastErrorMessage: ChatMessage | null = null;
  /** The event of the last system row posted. */
  private lastSystem: string | undefined;
  private counter = 0;
  /** Workers' lanes and changed files seen live (history adds what came before this feed). */
  readonly lanes = new WorkerLanes();
  readonly changes = new TurnChanges();
  private readonly thinking = new LiveThinking();
  /** The context gauge after the queen's last model call this feed saw. */
  private lastContext: ContextGauge | undefined;

  constructor(readonly session: ChatSession) {
    this.off = session.bus.subscribeAll((e) => this.onEvent(e));
    // Approvals asked before this feed existed (no chat was open): their cards and proposals whole.
    for (const id of session.pendingApprovals) {
      const d = session.pendingApprovalRequest?.(id);
      if (d) this.adoptApproval(d);
    }
  }

  /** Every mapped event, as it happens. Returns the unsubscribe. */
  onOutput(listener: (out: FeedOutput) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get context(): ContextGauge | undefined {
    return this.lastContext;
  }

  isRunning(toolUseId: string): boolean {
    return this.running.has(toolUseId);
  }

  /** How the approval of this tool call ended, if it was answered while the feed listened. */
  approvalOutcome(toolUseId: string): ApprovalOutcome | undefined {
    return this.outcomes.get(toolUseId);
  }

  /** The proposal of a pending file approval, if it carried one. */
  proposalOf(approvalId: string): Proposal | undefined {
    return this.session.pendingApprovals.includes(approvalId) ? this.proposals.get(approvalId) : undefined;
  }

  /** Pending approvals that carry a proposal (for a diff review opened after they were asked). */
  pendingProposals(): Array<{ approvalId: string; requester: string; proposal: Proposal }> {
    return this.session.pendingApprovals.flatMap((id) => {
      const proposal = this.proposals.get(id);
      return proposal
        ? [{ approvalId: id, requester: this.approvals.get(id)?.requester ?? 'queen', proposal }]
        : [];
    });
  }

  /** The ask_user request waiting on this tool call (history rows then carry the request id). */
  questionFor(toolUseId: string): string | undefined {
    for (const q of this.questions.values()) if (q.toolUseId === toolUseId) return q.id;
    return undefined;
  }

  /**
   * What a fresh snapshot adds after the history page, given the messages the history produced: text
   * still streaming (or streamed but not yet in the transcript), questions and approvals waiting, and
   * the last error if no turn succeeded since. Pending lists come from the session itself, so anything
   * answered or cancelled is left out even if its event was missed.
   */
  overlay(history: readonly ChatMessage[], callInFlight: string | null = null): HostToWebview[] {
    const out: HostToWebview[] = this.thinking.overlay(history);
    const recentTexts = new Set(
      history
        .slice(-20)
        .filter((m) => m.kind === 'assistant')
        .map((m) => (m.kind === 'assistant' ? m.text : '')),
    );
    for (const live of this.liveTexts.values()) {
      if (live.text && !recentTexts.has(live.text)) {
        out.push({ type: 'message', message: { kind: 'assistant', id: live.id, text: live.text } });
      }
    }
    const ids = new Set(history.map((m) => m.id));
    for (const id of this.session.pendingQuestions) {
      const q = this.questions.get(id);
      if (q && !ids.has(q.id)) out.push({ type: 'askUser', id: q.id, prompt: q.prompt, options: q.options });
    }
    for (const id of this.session.pendingApprovals) {
      const a = this.approvals.get(id);
      // A queen's request taken from the session has no call yet: it is the call in flight.
      const inFlight =
        a?.toolUseId === null && a.requester === 'queen' && history.some((m) => m.id === callInFlight)
          ? callInFlight
          : null;
      out.push(
        a
          ? { type: 'approvalRequest', ...a, toolUseId: a.toolUseId ?? inFlight }
          : // Requested before this feed existed: it belongs to the call in flight; still answerable.
            this.unknownApproval(id, history, callInFlight),
      );
    }
    // Told before this feed existed (at resume) or since: shown on every snapshot, same ids as live.
    for (const [i, text] of (this.session.notices ?? []).entries()) out.push(noticeMessage(i, text));
    if (this.lastErrorMessage) out.push({ type: 'message', message: this.lastErrorMessage });
    return out;
  }

  private unknownApproval(
    id: string,
    history: readonly ChatMessage[],
    toolUseId: string | null,
  ): HostToWebview {
    const call = toolUseId ? history.find((m) => m.id === toolUseId) : undefined;
    return {
      type: 'approvalRequest',
      id,
      toolUseId: call ? call.id : null,
      tool: call?.kind === 'tool' ? call.name : 'tool',
      category: 'unknown',
      input: call?.kind === 'tool' ? call.input : {},
      requester: 'queen',
      detail: null,
    };
  }

  /** The error row id of a Retry: clears the remembered error (the turn runs again). */
  retried(): void {
    this.lastErrorMessage = null;
  }

  dispose(): void {
    this.off();
    this.listeners.clear();
  }

  private emit(out: FeedOutput): void {
    for (const l of [...this.listeners]) l(out);
  }

  private post(message: HostToWebview): void {
    this.emit({ kind: 'message', message });
  }

  private onEvent(e: HiveEvent): void {
    if (COLONY_EVENTS.has(e.type) || (e.type === 'custom' && COLONY_CUSTOM_KINDS.has(String(e.data?.kind))))
      this.emit({ kind: 'colonyChanged' });
    if (TRIGGER_EVENTS.has(e.type)) this.emit({ kind: 'triggersChanged' });
    this.systemRow(e);
    const d = e.data as Record<string, unknown>;
    if (e.type === 'custom' && d?.kind === 'checkpoint_recorded') {
      const row = this.changes.apply(d);
      if (row) this.post({ type: 'message', message: row });
      return;
    }
    // A worker's own stream becomes its lane; the conversation is the queen's stream.
    if (workerOfStream(e.stream_id)) {
      for (const m of this.lanes.apply(e, this.currentTool)) this.post(m);
    }
    if (e.stream_id !== QUEEN_STREAM) return;
    switch (e.type) {
      case 'node_loop_iteration':
        this.liveTexts = new Map();
        this.lastLiveId = undefined;
        this.thinking.discard();
        break;
      case 'llm_reasoning_delta':
        this.post(this.thinking.apply(d));
        break;
      case 'client_output_delta':
      case 'llm_text_delta':
        this.onDelta(d);
        break;
      case 'node_retry':
        if (d.discard_partial === true) {
          this.resnapshot = true;
          this.thinking.discard();
        }
        break;
      case 'llm_turn_complete':
        this.onTurnComplete(d);
        break;
      case 'tool_call_started': {
        const id = String(d.tool_use_id ?? '');
        const name = String(d.tool_name ?? 'tool');
        this.running.set(id, name);
        this.currentTool = id;
        if (name !== 'ask_user')
          this.post({ type: 'toolStarted', toolUseId: id, name, input: d.tool_input ?? {} });
        break;
      }
      case 'tool_call_completed': {
        const id = String(d.tool_use_id ?? '');
        const name = this.running.get(id) ?? String(d.tool_name ?? '');
        this.running.delete(id);
        if (this.currentTool === id) this.currentTool = null;
        if (name !== 'ask_user') {
          this.post({
            type: 'toolCompleted',
            toolUseId: id,
            result: typeof d.result === 'string' ? d.result : String(d.result ?? ''),
            isError: d.is_error === true,
          });
        }
        break;
      }
      case 'client_input_requested':
        this.onQuestion(d);
        break;
      case 'client_input_received':
        this.onInput(d);
        break;
      case 'execution_failed':
        this.onFailed(d);
        break;
      case 'queen_phase_changed':
        if (typeof d.phase === 'string') this.post({ type: 'phase', phase: d.phase });
        break;
      case 'queen_identity_selected':
        this.post({
          type: 'queen',
          queen: { id: String(d.queen_id ?? ''), name: String(d.name ?? ''), title: String(d.title ?? '') },
        });
        break;
      case 'context_compacted':
        this.post({
          type: 'message',
          message: {
            kind: 'notice',
            id: this.nextId('compact'),
            text: 'Earlier messages were summarised to keep the conversation within the model’s context.',
            level: 'info',
          },
        });
        break;
      case 'custom':
        this.onCustom(d);
        break;
    }
  }

  private onDelta(d: Record<string, unknown>): void {
    const key = `${nonNegInt(d.iteration)}:${nonNegInt(d.inner_turn)}`;
    let live = this.liveTexts.get(key);
    if (!live) {
      live = { id: `live-${nonNegInt(d.iteration)}-${nonNegInt(d.inner_turn)}-${++this.counter}`, text: '' };
      this.liveTexts.set(key, live);
    }
    this.lastLiveId = live.id;
    const content = typeof d.content === 'string' ? d.content : '';
    const snapshot = typeof d.snapshot === 'string' ? d.snapshot : live.text + content;
    // The whole text goes along only when it is not simply "before + delta" (a retried stream).
    const sendSnapshot = this.resnapshot || snapshot !== live.text + content;
    this.resnapshot = false;
    live.text = snapshot;
    this.post({
      type: 'textDelta',
      messageId: live.id,
      text: content,
      ...(sendSnapshot ? { snapshot } : {}),
    });
  }

  private onTurnComplete(d: Record<string, unknown>): void {
    if (d.stop_reason !== 'error') this.lastErrorMessage = null;
    if (this.lastLiveId) {
      this.post({
        type: 'turnComplete',
        messageId: this.lastLiveId,
        stopReason: typeof d.stop_reason === 'string' ? d.stop_reason : null,
        model: typeof d.model === 'string' ? d.model : null,
        ...usageFromTurn(d),
      });
    }
    const context = contextFromTurn(d);
    if (context) {
      this.lastContext = context;
      this.post({ type: 'context', context });
    }
    // The turn's texts are in the transcript now (or were dropped with an error).
    if (d.stop_reason !== 'error') {
      this.liveTexts = new Map();
      this.thinking.discard();
    }
    if (d.stop_reason === 'aborted') {
      // The user's Stop (Escape, the Stop button): the reply ends here, and the panel says so.
      this.post({
        type: 'message',
        message: { kind: 'notice', id: this.nextId('stopped'), text: 'Stopped.', level: 'info' },
      });
    }
    this.reconcile();
  }

  private onQuestion(d: Record<string, unknown>): void {
    const id = typeof d.request_id === 'string' ? d.request_id : undefined;
    const list = Array.isArray(d.questions) ? (d.questions as Array<Record<string, unknown>>) : [];
    if (!id || list.length === 0) return;
    const prompts = list.map((q) => (typeof q.prompt === 'string' ? q.prompt : ''));
    const q: PendingQuestion = {
      id,
      toolUseId: this.currentTool,
      prompt: prompts.length === 1 ? (prompts[0] ?? '') : prompts.map((p, i) => `${i + 1}. ${p}`).join('\n'),
      options:
        list.length === 1 && Array.isArray(list[0]?.options)
          ? (list[0].options as unknown[]).filter((o): o is string => typeof o === 'string')
          : [],
    };
    this.questions.set(id, q);
    this.post({ type: 'askUser', id, prompt: q.prompt, options: q.options });
  }

  private onInput(d: Record<string, unknown>): void {
    const content = typeof d.content === 'string' ? d.content : '';
    if (typeof d.request_id === 'string') {
      this.questions.delete(d.request_id);
      this.post({ type: 'askUserResolved', id: d.request_id, answer: content });
      return;
    }
    this.lastErrorMessage = null;
    this.post({
      type: 'message',
      message: { kind: 'user', id: this.nextId('in'), text: content, origin: 'user' },
    });
  }

  private onFailed(d: Record<string, unknown>): void {
    const message = typeof d.error === 'string' && d.error ? d.error : 'The turn failed.';
    // What streamed before the failure is not in the transcript: say so where it was.
    for (const live of this.liveTexts.values()) {
      this.post({
        type: 'message',
        message: {
          kind: 'notice',
          id: live.id,
          text: 'The partial reply was discarded because the turn failed.',
          level: 'warning',
        },
      });
    }
    this.liveTexts = new Map();
    this.lastLiveId = undefined;
    const error: ChatMessage = {
      kind: 'error',
      id: this.nextId('err'),
      message,
      retryable: d.retryable !== false,
    };
    this.lastErrorMessage = error;
    this.post({ type: 'message', message: error });
  }

  /**
   * An approval request: its card, and its proposal for the diff review. From a live event, or from the
   * session when this feed starts while the request waits (the chat opened after it was asked).
   */
  private adoptApproval(d: Readonly<Record<string, unknown>>): void {
    const id = typeof d.request_id === 'string' ? d.request_id : undefined;
    if (!id) return;
    const a: PendingApproval = {
      id,
      // The queen's gate asks for her call that just started (tool calls run one at a time). A
      // worker's request (it carries worker_id) is for a call of the worker's own stream, which this
      // conversation does not show: it gets a card of its own, never the queen's running call.
      toolUseId:
        typeof d.tool_use_id === 'string'
          ? d.tool_use_id
          : typeof d.worker_id === 'string'
            ? null
            : this.currentTool,
      tool: String(d.tool_name ?? 'tool'),
      category: String(d.category ?? 'unknown'),
      input: d.tool_input ?? {},
      requester: requesterOf(d),
      detail: detailOf(d),
    };
    this.approvals.set(id, a);
    this.post({ type: 'approvalRequest', ...a });
    const proposal = proposalOf(d.proposal);
    if (proposal) {
      this.proposals.set(id, proposal);
      this.emit({ kind: 'proposal', approvalId: id, requester: a.requester, proposal });
    }
  }

  private onCustom(d: Record<string, unknown>): void {
    switch (d.kind) {
      case 'approval_requested':
        this.adoptApproval(d);
        break;
      case 'session_notice': {
        const i = (this.session.notices?.length ?? 1) - 1;
        if (typeof d.text === 'string') this.post(noticeMessage(i, d.text));
        break;
      }
      case 'approval_resolved': {
        if (typeof d.request_id !== 'string') return;
        const a = this.approvals.get(d.request_id);
        if (a?.toolUseId)
          this.outcomes.set(a.toolUseId, {
            category: a.category,
            decision: d.decision === 'approve' ? 'approved' : d.decision === 'deny' ? 'denied' : 'cancelled',
          });
        this.approvals.delete(d.request_id);
        if (this.proposals.delete(d.request_id))
          this.emit({ kind: 'approvalClosed', approvalId: d.request_id });
        this.post({ type: 'approvalResolved', id: d.request_id, approved: d.decision === 'approve' });
        break;
      }
      case 'usage_totals':
        this.post({
          type: 'usage',
          usage: usageFrom(
            nonNegInt(d.input_tokens) +
              nonNegInt(d.cache_read_input_tokens) +
              nonNegInt(d.cache_creation_input_tokens),
            {
              output_tokens: nonNegInt(d.output_tokens),
              cache_read_input_tokens: nonNegInt(d.cache_read_input_tokens),
              cost_usd: typeof d.cost_usd === 'number' ? d.cost_usd : undefined,
            },
          ),
        });
        break;
    }
  }

  /**
   * The runtime's notes to the queen, as the compact rows the history shows for them (the texts
   * themselves reach the transcript only at her next model call).
   */
  private systemRow(e: HiveEvent): void {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const id = () => this.nextId('sys');
    let rows: ChatMessage[] | undefined;
    if (e.type === 'subagent_report') {
      rows = systemRowsFromText(workerReportText(reportData(d)), id());
    } else if (e.type === 'trigger_fired') {
      rows = [triggerFiredRow(id(), String(d.trigger_type ?? ''), String(d.trigger_id ?? ''), str(d.task))];
    } else if (e.stream_id !== QUEEN_STREAM) {
      return;
    } else if (e.type === 'queen_phase_changed' && typeof d.phase === 'string') {
      // Loading a colony moves the queen to reviewing: the colony's row says it already.
      if (!(d.phase === 'reviewing' && this.lastSystem === 'colonyLoaded'))
        rows = [phaseChangedRow(id(), d.phase)];
    } else if (e.type === 'worker_colony_loaded') {
      rows = [colonyLoadedRow(id(), str(d.colony_id) || str(d.colony_name), str(d.goal))];
    } else if (e.type === 'custom' && d.kind === 'worker_colony_unloaded') {
      rows = [colonyUnloadedRow(id(), str(d.colony_id))];
    }
    if (!rows) return;
    this.lastSystem = e.type === 'worker_colony_loaded' ? 'colonyLoaded' : e.type;
    for (const message of rows) this.post({ type: 'message', message });
  }

  /** Questions that stopped waiting without an answer (a stopped turn) are closed in the panel. */
  private reconcile(): void {
    const waiting = new Set(this.session.pendingQuestions);
    for (const id of [...this.questions.keys()]) {
      if (waiting.has(id)) continue;
      this.questions.delete(id);
      this.post({ type: 'askUserResolved', id, answer: null });
    }
    const approvals = new Set(this.session.pendingApprovals);
    for (const id of [...this.approvals.keys()]) if (!approvals.has(id)) this.approvals.delete(id);
    for (const id of [...this.proposals.keys()]) {
      if (approvals.has(id)) continue;
      this.proposals.delete(id);
      this.emit({ kind: 'approvalClosed', approvalId: id });
    }
  }

  private nextId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${++this.counter}`;
  }
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function reportData(d: Record<string, unknown>): SubagentReportData {
  return {
    ...(d as SubagentReportData),
    worker_id: str(d.worker_id) || 'worker',
    status: (str(d.status) || 'success') as SubagentReportData['status'],
    summary: str(d.summary),
    error: typeof d.error === 'string' ? d.error : null,
    duration_seconds: typeof d.duration_seconds === 'number' ? d.duration_seconds : 0,
  };
}

/** "queen", or the worker that asks (the runtime sets `requester`; older events only `worker_id`). */
function requesterOf(d: Record<string, unknown>): string {
  if (typeof d.requester === 'string' && d.requester) return d.requester;
  return typeof d.worker_id === 'string' && d.worker_id ? d.worker_id : 'queen';
}

/** The file or command the card names, from the proposal or the command fields (else the tool input). */
function detailOf(d: Record<string, unknown>): ApprovalDetail | null {
  const input = (d.tool_input && typeof d.tool_input === 'object' ? d.tool_input : {}) as Record<
    string,
    unknown
  >;
  const proposal = proposalOf(d.proposal);
  if (proposal) return { kind: 'file', path: proposal.path, isNew: proposal.before === null };
  const command =
    typeof d.command === 'string' ? d.command : typeof input.command === 'string' ? input.command : null;
  if (command !== null && d.tool_name === 'run_command') {
    const cwd = typeof d.cwd === 'string' ? d.cwd : typeof input.cwd === 'string' ? input.cwd : '';
    const timeout =
      typeof d.timeout === 'number' ? d.timeout : typeof input.timeout === 'number' ? input.timeout : null;
    return { kind: 'command', command, cwd, timeout: timeout !== null && timeout >= 0 ? timeout : null };
  }
  return null;
}

function proposalOf(raw: unknown): Proposal | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const p = raw as Record<string, unknown>;
  if (typeof p.path !== 'string' || typeof p.abs_path !== 'string' || typeof p.after !== 'string')
    return undefined;
  if (p.before !== null && typeof p.before !== 'string') return undefined;
  return { path: p.path, absPath: p.abs_path, before: p.before, after: p.after };
}

function usageFromTurn(d: Record<string, unknown>) {
  return {
    inputTokens: nonNegInt(d.input_tokens),
    outputTokens: nonNegInt(d.output_tokens),
    cachedTokens: nonNegInt(d.cached_tokens),
    costUsd: null,
  };
}

function noticeMessage(index: number, text: string): HostToWebview {
  return {
    type: 'message',
    message: { kind: 'notice', id: `session-notice-${index}`, text, level: 'warning' },
  };
}
