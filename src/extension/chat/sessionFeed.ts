// Follows one live session's event bus from the moment it is known: turns Hive events into protocol
// messages for the panel, and keeps the "live tail" a reconnecting panel needs that the transcript
// does not hold yet (text still streaming, pending approvals and questions with their details, the
// tool running now, the last error). No vscode: unit-tested against a real LiveSession.
import { HIVE_EVENT_TYPES, type HiveEvent } from '../../runtime/events/types';
import type { ChatMessage, HostToWebview } from '../../shared/protocol';
import { type ChatSession, nonNegInt, usageFrom } from './sessionSources';

const QUEEN_STREAM = 'queen';

export interface PendingApproval {
  id: string;
  toolUseId: string | null;
  tool: string;
  category: string;
  input: unknown;
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
  private lastErrorMessage: ChatMessage | null = null;
  private counter = 0;

  constructor(readonly session: ChatSession) {
    this.off = session.bus.subscribeAll((e) => this.onEvent(e));
  }

  /** Every mapped event, as it happens. Returns the unsubscribe. */
  onOutput(listener: (out: FeedOutput) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  isRunning(toolUseId: string): boolean {
    return this.running.has(toolUseId);
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
    const out: HostToWebview[] = [];
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
      out.push(
        a
          ? { type: 'approvalRequest', ...a }
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
    // Workers' own streams are the colony's business; the conversation is the queen's stream.
    if (e.stream_id !== QUEEN_STREAM) return;
    const d = e.data as Record<string, unknown>;
    switch (e.type) {
      case 'node_loop_iteration':
        this.liveTexts = new Map();
        this.lastLiveId = undefined;
        break;
      case 'client_output_delta':
      case 'llm_text_delta':
        this.onDelta(d);
        break;
      case 'node_retry':
        if (d.discard_partial === true) this.resnapshot = true;
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
    // The turn's texts are in the transcript now (or were dropped with an error).
    if (d.stop_reason !== 'error') this.liveTexts = new Map();
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

  private onCustom(d: Record<string, unknown>): void {
    switch (d.kind) {
      case 'approval_requested': {
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
        };
        this.approvals.set(id, a);
        this.post({ type: 'approvalRequest', ...a });
        break;
      }
      case 'session_notice': {
        const i = (this.session.notices?.length ?? 1) - 1;
        if (typeof d.text === 'string') this.post(noticeMessage(i, d.text));
        break;
      }
      case 'approval_resolved':
        if (typeof d.request_id !== 'string') return;
        this.approvals.delete(d.request_id);
        this.post({ type: 'approvalResolved', id: d.request_id, approved: d.decision === 'approve' });
        break;
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
  }

  private nextId(prefix: string): string {
    return `${prefix}-${Date.now().toString(36)}-${++this.counter}`;
  }
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
