/**
 * The agent loop: model turns and tool calls until the model stops, every message persisted as a Hive
 * part, Hive events through `emit`.
 *
 * One iteration answers what the user (or a trigger) said: model calls (`inner_turn` 0, 1, …) with tool
 * rounds between them, closed by exactly one `llm_turn_complete` whose stop_reason is the model's, or
 * `aborted` / `error`. A model call that fails after the provider's retries leaves no assistant part
 * (what it streamed is dropped) and emits `execution_failed`; the next message continues cleanly.
 * Stop keeps the text streamed so far as an assistant part marked `truncated`, and answers pending tool
 * calls with a cancellation, so the transcript stays valid.
 */
import { ModelError } from '../llm/errors';
import { addUsage, totalInputTokens, ZERO_USAGE } from '../llm/pricing';
import type { ModelProvider, ModelRequest, ToolSpec, TurnUsage } from '../llm/types';
import { type ApprovalCallback, ApprovalGate } from './approvals';
import { type CompactionSettings, Compactor, DEFAULT_COMPACTION, estimateTokens } from './compaction';
import { selectContext } from './context';
import { assistantPartOf, partsToMessages } from './messages';
import { DEFAULT_MAX_TOOL_RESULT_CHARS, Spiller } from './spill';
import { runToolCalls } from './tool-runner';
import type { ConversationPart, ConversationStore, Emit, Tool, ToolCategory } from './types';

export interface AgentLoopOptions {
  provider: ModelProvider;
  store: ConversationStore;
  /** A function lets the prompt follow phase changes; it is read before every model call. */
  systemPrompt: string | (() => string);
  tools?: Tool[] | (() => Tool[]);
  emit?: Emit;
  approve?: ApprovalCallback;
  autoApprove?: Iterable<ToolCategory>;
  /** The session's `data/` folder, for large tool results. */
  dataDir?: string;
  maxToolResultChars?: number;
  /** Model calls allowed in one iteration before the loop stops it (default 50). */
  maxModelCalls?: number;
  /** First iteration number (a resumed session continues its events' numbering). */
  iterationOffset?: number;
  compaction?: Partial<CompactionSettings>;
  maxTokens?: number;
  /** The model for the next call (read before every call, so a switch applies to the next turn); default the provider's. */
  model?: () => string | undefined;
  /** Extended thinking for the next call (read before every call); undefined = off. */
  thinking?: () => { budgetTokens: number } | undefined;
  /** Hive's queen streams as client_output_delta; other nodes as llm_text_delta. */
  textDeltaEvent?: 'llm_text_delta' | 'client_output_delta';
  /** `queen` or the worker id, told to approvals and checkpoints (default `queen`). */
  requester?: string;
  /** Stamped onto every part written (e.g. phase_id, run_id). */
  partFields?: () => Partial<Pick<ConversationPart, 'phase_id' | 'run_id'>>;
}

export type RunStatus = 'completed' | 'aborted' | 'failed' | 'max_model_calls' | 'idle';

export interface RunResult {
  status: RunStatus;
  /** The last iteration run (undefined when there was nothing to answer). */
  iteration?: number;
  /** The final assistant text of the last iteration. */
  text: string;
  usage: TurnUsage;
  modelCalls: number;
  error?: ModelError;
}

type NewPart = Omit<ConversationPart, 'seq'>;

export class AgentLoop {
  readonly approvals: ApprovalGate;
  private iterationCounter: number;
  private readonly queue: NewPart[] = [];
  /** Injected parts being written (never rejects). */
  private injected: Promise<unknown> = Promise.resolve();
  private current: { controller: AbortController; promise: Promise<RunResult> } | undefined;
  private readonly spiller: Spiller;
  private readonly compactor: Compactor;
  private readonly emitSafe: Emit;
  /** Input tokens the API reported for the last call, until compaction invalidates it. */
  private lastInputTokens = 0;

  constructor(private readonly opts: AgentLoopOptions) {
    this.iterationCounter = opts.iterationOffset ?? 0;
    this.approvals = new ApprovalGate(opts.approve, opts.autoApprove);
    this.spiller = new Spiller({
      maxChars: opts.maxToolResultChars ?? DEFAULT_MAX_TOOL_RESULT_CHARS,
      dataDir: opts.dataDir,
    });
    this.emitSafe = (type, data) => {
      try {
        opts.emit?.(type, data);
      } catch {
        // A subscriber's failure must not break the turn.
      }
    };
    this.compactor = new Compactor(opts.provider, opts.store, this.emitSafe, {
      ...DEFAULT_COMPACTION,
      ...opts.compaction,
    });
  }

  get running(): boolean {
    return this.current !== undefined;
  }

  /** The number the next iteration will get. */
  get nextIteration(): number {
    return this.iterationCounter;
  }

  /**
   * Adds a user message and runs until the model stops. While a run is going, the message is queued
   * for its next model call and the running promise is returned.
   */
  send(content: string, fields: Partial<NewPart> = {}): Promise<RunResult> {
    const part: NewPart = { is_client_input: true, ...fields, role: 'user', content };
    this.queue.push(part);
    if (!this.current) return this.run();
    // Queued too late for the run in progress: the next run answers it.
    return this.current.promise.then((r) => (this.queue.includes(part) ? this.run() : r));
  }

  /**
   * A user message (a trigger, a worker report, a system note) for the next model call, without starting a
   * run. With no run going it is written to the conversation at once, so a stop before the next turn loses
   * nothing (Hive holds it in memory only: agent_loop/agent_loop.py inject_event). During a run it waits for
   * the run's next model call: written now, it could land between a tool call and its result.
   */
  inject(content: string, fields: Partial<NewPart> = {}): void {
    const part: NewPart = { ...fields, role: 'user', content };
    if (this.current) {
      this.queue.push(part);
      return;
    }
    // A failed write keeps the message for the next run (which writes it again, or reports the failure).
    const written = this.opts.store.append({ ...this.opts.partFields?.(), ...part }).then(
      () => undefined,
      () => {
        this.queue.unshift(part);
      },
    );
    this.injected = Promise.all([this.injected, written]);
  }

  /** Writes what is still queued (the run that would have taken it was stopped); call once the run ended. */
  async persistQueued(): Promise<void> {
    await this.injected;
    if (this.current) return;
    while (this.queue.length > 0) await this.append(this.queue.shift()!, []);
  }

  /** Runs (or joins the run in progress) until the model stops and no queued message is left. */
  run(): Promise<RunResult> {
    if (this.current) return this.current.promise;
    const controller = new AbortController();
    const promise = this.runLoop(controller.signal).finally(() => {
      this.current = undefined;
    });
    this.current = { controller, promise };
    return promise;
  }

  /** The user's Stop: ends the current turn cleanly. */
  stop(): void {
    this.current?.controller.abort();
  }

  private async runLoop(signal: AbortSignal): Promise<RunResult> {
    await this.injected;
    let parts = await this.opts.store.readAll();
    let result: RunResult = { status: 'idle', text: '', usage: { ...ZERO_USAGE }, modelCalls: 0 };
    do {
      parts = await this.drain(parts);
      if (!needsAnswer(parts)) break;
      result = await this.runIteration(parts, signal);
    } while (result.status === 'completed' && this.queue.length > 0 && !signal.aborted);
    return result;
  }

  private async runIteration(parts: ConversationPart[], signal: AbortSignal): Promise<RunResult> {
    const iteration = this.iterationCounter++;
    const maxCalls = this.opts.maxModelCalls ?? 50;
    let usage: TurnUsage = { ...ZERO_USAGE };
    let text = '';
    let stopReason = '';
    let model = this.opts.model?.() || this.opts.provider.model;
    let calls = 0;
    // What the last call put in the context window (its whole input plus its answer), for the chat's gauge.
    let contextTokens = 0;
    const finish = (status: RunStatus, reason: string, error?: ModelError): RunResult => {
      this.emitSafe('llm_turn_complete', {
        stop_reason: reason,
        model,
        input_tokens: totalInputTokens(usage),
        output_tokens: usage.output_tokens,
        cached_tokens: usage.cache_read_input_tokens,
        ...(contextTokens > 0 ? { context_tokens: contextTokens } : {}),
        iteration,
      });
      if (error && status === 'failed')
        this.emitSafe('execution_failed', {
          error: error.message,
          error_kind: error.kind,
          retryable: error.retryable,
          attempts: error.attempts,
          iteration,
        });
      return { status, iteration, text, usage, modelCalls: calls, error };
    };
    this.emitSafe('node_loop_iteration', { iteration });

    for (let innerTurn = 0; ; innerTurn++) {
      if (calls >= maxCalls) return finish('max_model_calls', 'max_model_calls');
      if (innerTurn > 0) parts = await this.drain(parts);
      let request: ModelRequest;
      let snapshot = '';
      let turn: Awaited<ReturnType<ModelProvider['streamTurn']>>;
      try {
        request = this.request(parts);
        const compacted = await this.compactor.maybeCompact(
          parts,
          Math.max(estimateTokens(request), this.lastInputTokens),
          signal,
          this.opts.partFields?.(),
        );
        if (compacted) {
          parts.push(compacted.marker);
          this.lastInputTokens = 0;
          request = this.request(parts);
        }
        calls++;
        turn = await this.opts.provider.streamTurn(request, {
          signal,
          callbacks: {
            onThinkingDelta: (content, snap) => {
              // Hive: core/framework/host/event_bus.py emit_llm_reasoning_delta (content + snapshot).
              this.emitSafe('llm_reasoning_delta', {
                content,
                snapshot: snap,
                inner_turn: innerTurn,
                iteration,
              });
            },
            onTextDelta: (content, snap) => {
              snapshot = snap;
              this.emitSafe(this.opts.textDeltaEvent ?? 'llm_text_delta', {
                content,
                snapshot: snap,
                inner_turn: innerTurn,
                iteration,
              });
            },
            onRetry: (info) => {
              if (info.discardPartial) snapshot = '';
              this.emitSafe('node_retry', {
                retry_count: info.attempt,
                max_retries: info.maxAttempts - 1,
                error: info.error.message.slice(0, 500),
                error_kind: info.error.kind,
                delay_ms: info.delayMs,
                discard_partial: info.discardPartial,
                iteration,
              });
            },
          },
        });
      } catch (err) {
        const error =
          err instanceof ModelError
            ? err
            : new ModelError('unknown', String(err instanceof Error ? err.message : err));
        if (error.kind === 'aborted' || signal.aborted) {
          if (snapshot.trim())
            await this.append({ role: 'assistant', content: snapshot, truncated: true }, parts);
          return finish('aborted', 'aborted', error);
        }
        return finish('failed', 'error', error);
      }
      usage = addUsage(usage, turn.usage);
      this.lastInputTokens = totalInputTokens(turn.usage);
      contextTokens = this.lastInputTokens + turn.usage.output_tokens;
      model = turn.model || model;
      text = turn.text;
      stopReason = turn.stopReason;
      const assistantWritten = this.append(assistantPartOf(turn), parts);
      // Marked handled at once: a failed write is raised by the awaits below, not as an unhandled rejection.
      assistantWritten.catch(() => {});
      const tools = new Map(this.tools().map((t) => [t.name, t]));
      // A tool that changes something runs only once its call is on disk; reading tools run while the
      // assistant part is being written (the store puts their results after it).
      // Its seq names the turn for checkpoints of the files these calls change.
      let turnId: number | undefined;
      if (turn.toolUses.length === 0 || turn.toolUses.some((u) => hasSideEffects(tools.get(u.name))))
        turnId = (await assistantWritten).seq;
      if (turn.toolUses.length === 0) break;
      const results = await runToolCalls(
        turn.toolUses,
        {
          tools,
          approvals: this.approvals,
          spiller: this.spiller,
          store: this.opts.store,
          emit: this.emitSafe,
          partFields: () => this.opts.partFields?.() ?? {},
          requester: this.opts.requester,
          turnId,
        },
        signal,
      );
      await assistantWritten;
      parts.push(...results);
      if (signal.aborted)
        return finish('aborted', 'aborted', new ModelError('aborted', 'stopped by the user'));
    }
    return finish('completed', stopReason);
  }

  private request(parts: ConversationPart[]): ModelRequest {
    const system =
      typeof this.opts.systemPrompt === 'function' ? this.opts.systemPrompt() : this.opts.systemPrompt;
    const tools: ToolSpec[] = this.tools().map((t) => ({
      name: t.name,
      description: t.description,
      input_schema: t.inputSchema,
    }));
    const req: ModelRequest = {
      system,
      messages: partsToMessages(selectContext(parts).parts),
      tools,
      maxTokens: this.opts.maxTokens,
    };
    const model = this.opts.model?.();
    if (model) req.model = model;
    const thinking = this.opts.thinking?.();
    if (thinking && thinking.budgetTokens > 0) req.thinking = thinking;
    return req;
  }

  private tools(): Tool[] {
    const t = this.opts.tools;
    return (typeof t === 'function' ? t() : t) ?? [];
  }

  private async drain(parts: ConversationPart[]): Promise<ConversationPart[]> {
    while (this.queue.length > 0) await this.append(this.queue.shift()!, parts);
    return parts;
  }

  private async append(part: NewPart, parts: ConversationPart[]): Promise<ConversationPart> {
    const stored = await this.opts.store.append({ ...this.opts.partFields?.(), ...part });
    parts.push(stored);
    return stored;
  }
}

/** Unknown tools count as changing something: their (error) result is then written after the call. */
function hasSideEffects(tool: Tool | undefined): boolean {
  return tool?.category !== 'read' && tool?.category !== 'control';
}

/** True when the conversation ends with something the model has not answered yet. */
function needsAnswer(parts: ConversationPart[]): boolean {
  for (let i = parts.length - 1; i >= 0; i--) {
    const p = parts[i]!;
    if (p.role === 'assistant') return (p.tool_calls?.length ?? 0) > 0;
    if (p.role === 'tool' || p.role === 'user') return true;
  }
  return false;
}
