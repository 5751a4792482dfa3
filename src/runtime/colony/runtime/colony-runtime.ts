import type { ApprovalCallback } from '../../agent/approvals';
import { AgentLoop, type RunResult } from '../../agent/loop';
import type { Tool, ToolCategory } from '../../agent/types';
import type { EventBus } from '../../events/bus';
import { isHiveEventType, type SubagentReportData } from '../../events/types';
import type { ModelProvider, TurnUsage } from '../../llm/types';
import { newSessionId } from '../../storage/ids';
import type { ConversationPart } from '../../storage/parts';
import type { LoadedColony } from '../colony-load';
import { McpHost, type McpToolRename } from '../mcp/mcp-host';
import {
  type ControlCallbacks,
  createWorkerTools,
  type WorkerReport,
  type WorkerToolsOptions,
} from '../tools';
import { WORKER_CONTROL_TOOL_NAMES } from '../tools/names';
import { EscalationInbox, type PendingEscalation } from './escalations';
import { ColonyTaskQueue } from './task-queue';
import { QUEUE_FULL_REPLY, softTimeoutText } from './texts';
import { prepareWorkerFolder } from './worker-folder';
import { workerSystemPrompt } from './worker-prompt';

/** Schedules a callback; returns its cancel. Tests inject a manual one to fire timeouts on demand. */
export interface Timers {
  set(ms: number, fn: () => void): () => void;
}

export const realTimers: Timers = {
  set(ms, fn) {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return () => clearTimeout(t);
  },
};

export type WorkerState = 'queued' | 'running' | 'done';

export interface WorkerTimeouts {
  softMs: number;
  hardMs: number;
}

/** What get_worker_status and the UI see of a worker. */
export interface WorkerSnapshot {
  worker_id: string;
  task: string;
  state: WorkerState;
  /** Seconds since it started (0 while queued). */
  elapsed_seconds: number;
  report: SubagentReportData | null;
}

export interface ColonyRuntimeOptions {
  colony: LoadedColony;
  /** The queen's session folder: workers live in `<sessionDir>/workers/<id>/` (docs/hive-format.md §3 rule 15). */
  sessionDir: string;
  bus: EventBus;
  provider: ModelProvider;
  /** The queen's conversation, copied into each new worker's folder. */
  queenParts: () => Promise<ConversationPart[]>;
  /** Approval for a worker's write and command tools (the session's broker). */
  approve?: (workerId: string) => ApprovalCallback | undefined;
  autoApprove?: readonly ToolCategory[];
  /** Workers running at once; more wait in a queue (default 3). */
  concurrency?: number;
  timers?: Timers;
  /** Epoch milliseconds. */
  clock?: () => number;
  newWorkerId?: () => string;
  /** Started servers (see ColonyRuntime.start); closed by stop(). */
  mcp?: McpHost | null;
  toolOptions?: Omit<WorkerToolsOptions, 'root' | 'control'>;
  maxTokens?: number;
  /** A worker finished: its report (also published as subagent_report on its stream). */
  onReport?(report: SubagentReportData): void;
  /** A worker escalated and waits for reply(). */
  onEscalation?(escalation: PendingEscalation): void;
  /** Something colonyState() shows changed. */
  onChange?(): void;
  /** A worker's model usage, once it finished (the session adds it to its totals). */
  onUsage?(usage: TurnUsage): void;
  logger?: { warn(message: string): void };
}

interface WorkerRecord {
  id: string;
  task: string;
  data: Record<string, unknown>;
  timeouts: WorkerTimeouts;
  state: WorkerState;
  startedAt: number | null;
  loop: AgentLoop | null;
  explicit: WorkerReport | null;
  outputs: Record<string, string>;
  stopReason: 'stopped' | 'hard_timeout' | null;
  cancelTimers: Array<() => void>;
  report: SubagentReportData | null;
  done: Promise<SubagentReportData>;
  resolveDone: (r: SubagentReportData) => void;
}

export const DEFAULT_CONCURRENCY = 3;

/**
 * The workers of one loaded colony in one session (host/colony_runtime.py): each worker is an AgentLoop
 * on stream `worker:<id>` publishing on the session's bus, with the colony's file, command and control
 * tools plus its MCP tools. At most `concurrency` run at once. Each gets a soft timeout (a
 * `[SOFT TIMEOUT]` nudge) and a hard one (stopped, still reported). Reports and escalations go to the
 * callbacks the session wires to its live queen loop; the inbox lives here, next to the workers, so a
 * reply always reaches the worker that asked (Hive bug §5.9, docs/hive-format.md).
 */
export class ColonyRuntime {
  readonly colony: LoadedColony;
  readonly inbox: EscalationInbox;
  private readonly workers = new Map<string, WorkerRecord>();
  private readonly order: string[] = [];
  private readonly timers: Timers;
  private readonly clock: () => number;
  private readonly concurrency: number;
  private stopped = false;
  private holdQueue = false;
  private readonly queue: ColonyTaskQueue;

  constructor(private readonly opts: ColonyRuntimeOptions) {
    this.colony = opts.colony;
    this.queue = new ColonyTaskQueue(opts.colony, opts.logger);
    this.timers = opts.timers ?? realTimers;
    this.clock = opts.clock ?? Date.now;
    this.concurrency = Math.max(1, opts.concurrency ?? DEFAULT_CONCURRENCY);
    this.inbox = new EscalationInbox(opts.colony.name, this.clock);
  }

  /** Starts the colony's MCP servers (filtered by tools.json), then the runtime. */
  static async start(opts: Omit<ColonyRuntimeOptions, 'mcp'>): Promise<ColonyRuntime> {
    let mcp: McpHost | null = null;
    if (opts.colony.mcpServers.length) {
      mcp = await McpHost.start({
        servers: opts.colony.mcpServers,
        enabledMcpTools: opts.colony.enabledMcpTools,
        reservedNames: builtinToolNames(opts.colony),
      });
      for (const f of mcp.failures) opts.logger?.warn(`MCP server ${f.server} did not start: ${f.error}`);
      for (const w of mcp.warnings) opts.logger?.warn(w);
    }
    return new ColonyRuntime({ ...opts, mcp });
  }

  /** The names of the tools a worker gets (for the queen's worker profile). */
  workerToolNames(): string[] {
    return this.toolsFor(null).map((t) => t.name);
  }

  /** MCP tools renamed (`<server>__<tool>`) or left out because their name was taken. */
  get mcpRenamed(): McpToolRename[] {
    return this.opts.mcp?.renamed ?? [];
  }

  get mcpPids(): number[] {
    return this.opts.mcp?.pids() ?? [];
  }

  get activeCount(): number {
    let n = 0;
    for (const w of this.workers.values()) if (w.state !== 'done') n++;
    return n;
  }

  get runningCount(): number {
    let n = 0;
    for (const w of this.workers.values()) if (w.state === 'running') n++;
    return n;
  }

  get doneCount(): number {
    return this.workers.size - this.activeCount;
  }

  /** Queues one worker per task and returns their ids at once; they report when they finish. */
  spawnBatch(
    tasks: Array<{ task: string; data?: Record<string, unknown> }>,
    timeouts: WorkerTimeouts,
  ): string[] {
    if (this.stopped) throw new Error('the colony is unloaded');
    const ids: string[] = [];
    // docs/hive-format.md §3 Rule 14: with a progress.db the tasks are queued there first and each worker is told its row.
    const rows = this.queue.enqueue(tasks);
    for (const [i, t] of tasks.entries()) {
      const id = this.freshId();
      let resolveDone!: (r: SubagentReportData) => void;
      const done = new Promise<SubagentReportData>((r) => {
        resolveDone = r;
      });
      this.workers.set(id, {
        id,
        task: t.task,
        data: { ...(t.data ?? {}), ...rows[i] },
        timeouts,
        state: 'queued',
        startedAt: null,
        loop: null,
        explicit: null,
        outputs: {},
        stopReason: null,
        cancelTimers: [],
        report: null,
        done,
        resolveDone,
      });
      this.order.push(id);
      ids.push(id);
    }
    this.pump();
    this.changed();
    return ids;
  }

  /** Resolves with the worker's report once it finished. */
  whenDone(workerId: string): Promise<SubagentReportData> {
    const w = this.workers.get(workerId);
    if (!w) return Promise.reject(new Error(`no worker ${workerId}`));
    return w.done;
  }

  snapshot(workerId?: string): WorkerSnapshot[] {
    const now = this.clock();
    return this.order
      .filter((id) => workerId === undefined || id === workerId)
      .map((id) => {
        const w = this.workers.get(id)!;
        const end = w.report ? w.startedAt! + w.report.duration_seconds * 1000 : now;
        return {
          worker_id: w.id,
          task: w.task,
          state: w.state,
          elapsed_seconds: w.startedAt === null ? 0 : Math.max(0, (end - w.startedAt) / 1000),
          report: w.report,
        };
      });
  }

  /** A message from the queen to a running worker (read before its next model call). */
  inject(workerId: string, content: string): boolean {
    const w = this.workers.get(workerId);
    if (!w || w.state === 'done') return false;
    if (w.state === 'queued') {
      // Not started yet: it becomes part of the worker's opening context.
      w.data = { ...w.data, queen_message: content };
      return true;
    }
    w.loop?.inject(content);
    return true;
  }

  /** Stops one worker (or every worker); each still reports, as `stopped`. */
  stopWorker(workerId?: string): string[] {
    const stopped: string[] = [];
    // No queued worker may start in a free slot while the others are being stopped.
    this.holdQueue = true;
    try {
      for (const w of this.workers.values()) {
        if (workerId !== undefined && w.id !== workerId) continue;
        if (w.state === 'done') continue;
        this.halt(w, 'stopped');
        stopped.push(w.id);
      }
    } finally {
      this.holdQueue = false;
    }
    this.pump();
    return stopped;
  }

  /** The queen's (or the user's) answer to an escalation; false for an unknown id. */
  reply(requestId: string, reply: string): boolean {
    const done = this.inbox.reply(requestId, reply);
    if (done) this.changed();
    return !!done;
  }

  /** Stops every worker, waits (a bounded time) for them to settle, then stops the MCP servers. */
  async stop(waitMs = 5000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopWorker();
    this.inbox.dropAll('The colony was unloaded before the queen answered.');
    const all = Promise.allSettled([...this.workers.values()].map((w) => w.done));
    await Promise.race([all, new Promise((r) => realTimers.set(waitMs, () => r(undefined)))]);
    this.queue.close();
    await this.opts.mcp?.close();
  }

  private freshId(): string {
    for (;;) {
      const id = this.opts.newWorkerId?.() ?? newSessionId(new Date(this.clock()));
      if (!this.workers.has(id)) return id;
    }
  }

  private pump(): void {
    if (this.stopped || this.holdQueue) return;
    for (const id of this.order) {
      if (this.runningCount >= this.concurrency) return;
      const w = this.workers.get(id)!;
      if (w.state !== 'queued') continue;
      w.state = 'running';
      w.startedAt = this.clock();
      this.armTimeouts(w);
      void this.run(w);
    }
  }

  private armTimeouts(w: WorkerRecord): void {
    const { softMs, hardMs } = w.timeouts;
    w.cancelTimers.push(
      this.timers.set(softMs, () => {
        if (w.state !== 'running' || w.explicit) return;
        w.loop?.inject(softTimeoutText(softMs / 1000, hardMs / 1000));
      }),
      this.timers.set(hardMs, () => {
        if (w.state === 'running') this.halt(w, 'hard_timeout');
      }),
    );
  }

  private halt(w: WorkerRecord, reason: 'stopped' | 'hard_timeout'): void {
    w.stopReason ??= reason;
    this.inbox.dropWorker(w.id, 'You were stopped before the queen answered.');
    if (w.state === 'queued') this.finish(w);
    else w.loop?.stop();
  }

  private async run(w: WorkerRecord): Promise<void> {
    let result: RunResult | undefined;
    let failure: string | undefined;
    try {
      const { dir, store } = await prepareWorkerFolder({
        sessionDir: this.opts.sessionDir,
        workerId: w.id,
        queenParts: await this.opts.queenParts(),
        task: w.task,
        data: w.data,
      });
      if (!w.stopReason) {
        const loop = new AgentLoop({
          provider: this.opts.provider,
          store,
          systemPrompt: workerSystemPrompt(this.colony),
          tools: this.toolsFor(w),
          emit: (type, data) => this.publish(w.id, type, data),
          requester: w.id,
          approve: this.opts.approve?.(w.id),
          autoApprove: this.opts.autoApprove,
          dataDir: `${dir}/data`,
          maxToolResultChars: this.colony.worker.config.loop_config?.max_tool_result_chars ?? undefined,
          maxTokens: this.colony.worker.config.loop_config?.max_tokens ?? this.opts.maxTokens,
          // Hive lets a worker loop ~forever (max_iterations 999999); the hard timeout is what ends it.
          maxModelCalls: Math.min(this.colony.worker.config.loop_config?.max_iterations ?? 200, 1000),
        });
        w.loop = loop;
        // A stop that landed while the folder was being written.
        if (w.stopReason) loop.stop();
        result = await loop.run();
        await store.flush().catch(() => undefined);
      }
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
      this.opts.logger?.warn(`worker ${w.id} failed: ${failure}`);
    }
    this.finish(w, result, failure);
  }

  private finish(w: WorkerRecord, result?: RunResult, failure?: string): void {
    if (w.state === 'done') return;
    for (const cancel of w.cancelTimers.splice(0)) cancel();
    this.inbox.dropWorker(w.id, 'You finished before the queen answered.');
    // A stopped worker's claims go back to the queue at once (no 15-minute wait, Hive bug §5.12, docs/hive-format.md).
    if (w.stopReason) this.queue.release(w.id);
    const { status, error } = outcome(w, result, failure);
    const summary =
      w.explicit?.summary ??
      (result?.text.trim() ||
        (w.stopReason === 'hard_timeout'
          ? `Worker did not report within ${Math.round(w.timeouts.hardMs / 1000)}s and was stopped.`
          : w.stopReason === 'stopped'
            ? 'Worker was stopped before it reported.'
            : '(no summary)'));
    const data = w.explicit?.data ?? (Object.keys(w.outputs).length ? { ...w.outputs } : {});
    const report: SubagentReportData = {
      worker_id: w.id,
      colony_id: this.colony.name,
      task: w.task,
      status,
      summary,
      data,
      error,
      duration_seconds: w.startedAt === null ? 0 : Math.max(0, (this.clock() - w.startedAt) / 1000),
      tokens_used: result ? result.usage.input_tokens + result.usage.output_tokens : 0,
    };
    w.state = 'done';
    w.report = report;
    this.publish(w.id, 'subagent_report', report);
    w.resolveDone(report);
    try {
      if (result && result.modelCalls > 0) this.opts.onUsage?.(result.usage);
      this.opts.onReport?.(report);
    } catch (err) {
      this.opts.logger?.warn(`report of ${w.id} was not delivered: ${String(err)}`);
    }
    this.pump();
    this.changed();
  }

  /**
   * The worker's tools with the caller's control callbacks: a worker-only session runs the colony's
   * worker as its primary chat, where escalate asks the user and a report goes to the panel.
   */
  primaryTools(control: ControlCallbacks): Tool[] {
    return this.buildTools(control);
  }

  private toolsFor(w: WorkerRecord | null): Tool[] {
    const control: ControlCallbacks = {
      onReport: (report: WorkerReport) => {
        if (!w) return;
        w.explicit ??= report;
        // report_to_parent ends the worker: no model call after it.
        w.loop?.stop();
      },
      onEscalate: (req: { reason: string; context: string }, ctx: { signal?: AbortSignal }) =>
        w ? this.escalate(w, req.reason, req.context, ctx.signal) : undefined,
      onSetOutput: (key: string, value: string) => {
        if (w) w.outputs[key] = value;
      },
    };
    return this.buildTools(control);
  }

  private buildTools(control: ControlCallbacks): Tool[] {
    const wanted = this.colony.worker.config.tools;
    const allowed = wanted?.length ? new Set<string>([...wanted, ...WORKER_CONTROL_TOOL_NAMES]) : undefined;
    const builtins = createWorkerTools({
      ...this.opts.toolOptions,
      root: this.colony.workFolder,
      control,
    }).filter((t) => !allowed || allowed.has(t.name));
    return [...builtins, ...(this.opts.mcp?.tools ?? [])];
  }

  private async escalate(
    w: WorkerRecord,
    reason: string,
    context: string,
    signal?: AbortSignal,
  ): Promise<string> {
    const opened = this.inbox.open(w.id, w.id, reason, context);
    this.publish(w.id, 'escalation_requested', {
      request_id: opened?.info.request_id ?? null,
      reason,
      context,
    });
    if (!opened) return QUEUE_FULL_REPLY;
    const id = opened.info.request_id;
    const onAbort = () => {
      if (this.inbox.drop(id, 'Stopped before the queen answered.')) this.changed();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.changed();
    try {
      this.opts.onEscalation?.(opened.info);
    } catch (err) {
      this.opts.logger?.warn(`escalation ${id} was not delivered: ${String(err)}`);
    }
    try {
      return await opened.answer;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private publish(workerId: string, type: string, data: Record<string, unknown>): void {
    const known = isHiveEventType(type);
    this.opts.bus.publish({
      type: known ? type : 'custom',
      stream_id: `worker:${workerId}`,
      node_id: workerId,
      execution_id: workerId,
      colony_id: this.colony.name,
      // biome-ignore lint/suspicious/noExplicitAny: data shapes vary by type; the bus stores them as given
      data: (known ? data : { kind: type, ...data }) as any,
    });
  }

  private changed(): void {
    try {
      this.opts.onChange?.();
    } catch (err) {
      this.opts.logger?.warn(`colony change listener failed: ${String(err)}`);
    }
  }
}

function outcome(
  w: WorkerRecord,
  result: RunResult | undefined,
  failure: string | undefined,
): { status: SubagentReportData['status']; error: string | null } {
  if (w.explicit) {
    const error =
      w.stopReason === 'hard_timeout'
        ? 'hard timeout reached after the report'
        : w.explicit.status === 'failed'
          ? 'reported failure'
          : null;
    return { status: w.explicit.status, error };
  }
  if (w.stopReason === 'hard_timeout')
    return {
      status: 'stopped',
      error: `hard timeout: stopped after ${Math.round(w.timeouts.hardMs / 1000)}s`,
    };
  if (w.stopReason === 'stopped') return { status: 'stopped', error: 'stopped by the queen' };
  if (failure) return { status: 'failed', error: failure };
  if (!result) return { status: 'failed', error: 'the worker did not run' };
  switch (result.status) {
    case 'completed':
    case 'idle':
      return { status: 'success', error: null };
    case 'max_model_calls':
      return { status: 'partial', error: 'stopped at the model-call limit' };
    case 'aborted':
      return { status: 'stopped', error: 'aborted' };
    default:
      return { status: 'failed', error: result.error?.message ?? 'the model call failed' };
  }
}

/** Names MCP tools may not take: the built-in tools a worker is offered (its allowlist applied). */
function builtinToolNames(colony: LoadedColony): string[] {
  const noop = { onReport() {}, onEscalate: () => undefined, onSetOutput() {} };
  const wanted = colony.worker.config.tools;
  const allowed = wanted?.length ? new Set<string>([...wanted, ...WORKER_CONTROL_TOOL_NAMES]) : undefined;
  return createWorkerTools({ root: colony.workFolder, control: noop })
    .map((t) => t.name)
    .filter((n) => !allowed || allowed.has(n));
}
