import type { Tool, ToolCategory } from '../agent/types';
import { loadColony } from '../colony/colony-load';
import {
  agentNameOf,
  ColonyRuntime,
  colonyLoadedText,
  goalName,
  type PendingEscalation,
  type Timers,
  WORKER_UNLOADED_TEXT,
  type WorkerSnapshot,
  workerEscalationText,
  workerReportText,
  workerSystemPrompt,
} from '../colony/runtime';
import type { EventBus } from '../events/bus';
import type { TurnUsage } from '../llm/types';
import { canTransition, type PhaseController, type QueenPhase } from '../queen/phases';
import { updateMeta } from '../storage/meta';
import type { ConversationPart } from '../storage/parts';
import type { Checkpoints } from '../tools';
import type { ApprovalBroker } from './approval-broker';
import { colonyTools } from './colony-tools';
import type { QuestionBroker } from './question-broker';
import type { ColonyInfo, ColonyState, ModelProviderLike, SessionLogger } from './types';

/** What a session's colony needs from the live session around it. */
export interface SessionColonyHost {
  id: string;
  dir: string;
  bus: EventBus;
  provider: ModelProviderLike;
  queenParts(): Promise<ConversationPart[]>;
  autoApprove?: ToolCategory[];
  options?: { concurrency?: number; timers?: Timers; onLoad?: (colonyName: string) => Promise<void> };
  clock: () => number;
  logger: SessionLogger;
  approvals: ApprovalBroker;
  /** The session's checkpoints: workers' file changes are recorded with the queen's. */
  checkpoints?: Checkpoints;
  questions: QuestionBroker;
  phases: PhaseController;
  /** Into the queen loop current at call time (a revived loop too: Hive bug §5.9, docs/hive-format.md). */
  inject(text: string): void;
  /** Runs the queen on what was injected, after her turn in progress. */
  wake(): Promise<void>;
  /** A queen loop is there to answer (the session runs, her loop did not break). */
  queenLive(): boolean;
  isStopped(): boolean;
  publish(type: string, data: Record<string, unknown>): void;
  changed(): void;
  /** The session's triggers: attached with the colony (docs/hive-format.md §3 rule 12 lists them), detached with it. */
  triggers?: {
    attach(colonyDir: string): Promise<string>;
    detach(opts?: { emitRemoved?: boolean }): Promise<void>;
  };
  /** A worker's model usage, for the session's totals. */
  addUsage(usage: TurnUsage): void;
}

export interface LoadColonyOptions {
  /**
   * The phase to move to once loaded (default reviewing, where a run can be started); `quiet` (the colony
   * opened with its session) skips the `[PHASE CHANGE]` note (a new session's first prompt already shows
   * her tools) and does not wake her; otherwise the load wakes her, as Hive's load_colony does.
   */
  phase?: QueenPhase;
  quiet?: boolean;
}

/**
 * A live session's colony (docs/hive-format.md §3 rules 7, 12, 16, 17): loading and unloading it, the queen's colony tools,
 * routing worker reports and escalations to her current loop (or to the user), and the worker-only
 * variant where the colony's worker is the primary chat.
 */
export class SessionColony {
  private rt: ColonyRuntime | null = null;
  /** Worker-only session: the colony's worker is the primary chat instead of the queen. */
  private primaryWorker: { name: string; prompt: string; tools: Tool[] } | null = null;
  private busy = false;
  /** The queen's colony tools (offered only while a colony is loaded). */
  readonly queenTools: Tool[];

  constructor(private readonly host: SessionColonyHost) {
    this.queenTools = colonyTools({
      runtime: () => this.rt,
      workersStarted: async () => {
        const phases = host.phases;
        if (phases.phase !== 'working' && phases.canSwitchTo('working'))
          await phases.switchTo('working', { source: 'tool' });
      },
      replyToEscalation: (id, reply) => this.rt?.reply(id, reply) ?? false,
    });
  }

  get runtime(): ColonyRuntime | null {
    return this.rt;
  }

  get primary(): { name: string; prompt: string; tools: Tool[] } | null {
    return this.primaryWorker;
  }

  info(): ColonyInfo | null {
    const c = this.rt?.colony;
    if (!c) return null;
    return { name: c.name, path: c.folder, dir: c.dir, workerName: c.worker.name, goal: goalName(c) };
  }

  state(): ColonyState | null {
    const rt = this.rt;
    if (!rt) return null;
    return {
      name: rt.colony.name,
      path: rt.colony.folder,
      workers_running: rt.activeCount,
      workers_done: rt.doneCount,
      escalations: rt.inbox.list(),
    };
  }

  workers(): WorkerSnapshot[] {
    return this.rt?.snapshot() ?? [];
  }

  hasEscalation(requestId: string): boolean {
    return !!this.rt?.inbox.get(requestId);
  }

  reply(requestId: string, reply: string): boolean {
    return this.rt?.reply(requestId, reply) ?? false;
  }

  async load(folder: string, opts: LoadColonyOptions = {}): Promise<ColonyInfo> {
    const h = this.host;
    if (this.primaryWorker) throw new Error('a worker-only session cannot load another colony');
    if (this.rt) throw new Error(`colony ${this.rt.colony.name} is already loaded; unload it first`);
    return this.exclusive(async () => {
      const colony = await loadColony(folder);
      await h.options
        ?.onLoad?.(colony.name)
        .catch((err: unknown) =>
          h.logger.warn(`colony ${colony.name}: stale-session cleanup failed: ${String(err)}`),
        );
      const runtime = await ColonyRuntime.start({
        colony,
        sessionDir: h.dir,
        bus: h.bus,
        provider: h.provider,
        queenParts: () => h.queenParts(),
        toolOptions: { checkpoints: h.checkpoints },
        approve: (workerId) => (req, signal) => h.approvals.request(req, signal, { worker_id: workerId }),
        autoApprove: h.autoApprove,
        concurrency: h.options?.concurrency,
        timers: h.options?.timers,
        clock: h.clock,
        logger: h.logger,
        onReport: (report) => {
          if (this.rt === runtime) void this.onReport(workerReportText(report));
        },
        onEscalation: (e) => {
          if (this.rt === runtime) this.onEscalation(e);
        },
        onChange: () => {
          if (this.rt === runtime) this.changed();
        },
        onUsage: (usage) => h.addUsage(usage),
      });
      await this.attach(runtime);
      this.announceRenamed(runtime);
      // With the session's triggers running, their own text says which are active (Hive said
      // "inactive" for all: bug 5); without them, Hive's listing of the colony's triggers.
      const triggerText = await this.attachTriggers(colony.dir);
      const listed = triggerText === undefined ? colony : { ...colony, triggers: [] };
      h.inject(colonyLoadedText(listed, runtime.workerToolNames()) + (triggerText ?? ''));
      await this.writeMeta({ agent_name: agentNameOf(colony), agent_path: colony.folder });
      this.announce(runtime);
      const to = opts.phase ?? 'reviewing';
      if (to !== h.phases.phase && h.phases.canSwitchTo(to))
        await h.phases.switchTo(to, { source: opts.quiet ? 'tool' : 'runtime' });
      this.changed();
      // Loaded into a running session, the note wakes her (Hive: server/session_manager.py load_colony);
      // opened with the session, it waits for her first turn (create_session_with_worker_colony injects nothing).
      if (!opts.quiet) void h.wake();
      return this.info()!;
    });
  }

  /** Worker-only session: `{workerName}.json` is the primary chat; escalate asks the user. */
  async startAsWorker(folder: string, workerName: string): Promise<ColonyInfo> {
    const h = this.host;
    if (this.rt) throw new Error('this session already has a colony');
    return this.exclusive(async () => {
      const colony = await loadColony(folder, { workerName });
      const runtime = await ColonyRuntime.start({
        colony,
        sessionDir: h.dir,
        bus: h.bus,
        provider: h.provider,
        queenParts: () => h.queenParts(),
        toolOptions: { checkpoints: h.checkpoints },
        clock: h.clock,
        logger: h.logger,
        onChange: () => this.changed(),
      });
      const name = colony.worker.name;
      const tools = runtime.primaryTools({
        onReport: (report) => {
          h.publish('subagent_report', {
            worker_id: name,
            colony_id: colony.name,
            task: '',
            status: report.status,
            summary: report.summary,
            data: report.data,
            error: null,
            duration_seconds: 0,
            tokens_used: 0,
          });
        },
        onEscalate: async ({ reason, context }, ctx) => {
          const prompt = context ? `${reason}\n\n${context}` : reason;
          const answer = await h.questions.ask(
            [{ id: 'q1', prompt }],
            ctx.signal ?? new AbortController().signal,
          );
          return `The user answered: ${answer}`;
        },
        onSetOutput: () => {},
      });
      await this.attach(runtime);
      this.primaryWorker = { name, prompt: workerSystemPrompt(colony, { primary: true }), tools };
      await this.writeMeta({ agent_name: name, agent_path: colony.folder, worker_name: name });
      this.announce(runtime);
      this.changed();
      return this.info()!;
    });
  }

  /** Rule 7. False when no colony was loaded (or the session is worker-only). */
  async unload(): Promise<boolean> {
    const h = this.host;
    const rt = this.rt;
    if (!rt || this.busy || this.primaryWorker) return false;
    await this.exclusive(async () => {
      // Detached first: the stopped workers' reports are not news for the queen.
      this.rt = null;
      await this.detachTriggers({ emitRemoved: true });
      await rt.stop();
      h.phases.setAgentPath(null);
      if (!h.isStopped()) {
        h.inject(WORKER_UNLOADED_TEXT);
        await this.writeMeta({ agent_name: null, agent_path: null });
        if (h.phases.phase !== 'independent' && canTransition(h.phases.phase, 'independent'))
          await h.phases.switchTo('independent', { source: 'tool' });
        h.publish('custom', { kind: 'worker_colony_unloaded', colony_id: rt.colony.name });
        // Hive: server/session_manager.py _notify_queen_worker_unloaded (inject_event wakes her).
        void h.wake();
      }
      this.changed();
    });
    return true;
  }

  /** Session stop: workers and MCP servers end; nothing more reaches the queen. */
  async stop(): Promise<void> {
    const rt = this.rt;
    this.rt = null;
    await this.detachTriggers();
    if (rt) await rt.stop().catch((err) => this.host.logger.warn(`colony stop failed: ${String(err)}`));
  }

  /** A triggers.json that cannot be read leaves the colony loaded without triggers (logged). */
  private async attachTriggers(colonyDir: string): Promise<string | undefined> {
    try {
      return await this.host.triggers?.attach(colonyDir);
    } catch (err) {
      this.host.logger.warn(`triggers of ${colonyDir} not started: ${String(err)}`);
      return undefined;
    }
  }

  /** `emitRemoved` on unload (the panel drops them); a session stop keeps them for the resume. */
  private async detachTriggers(opts: { emitRemoved?: boolean } = {}): Promise<void> {
    await this.host.triggers
      ?.detach(opts)
      .catch((err: unknown) => this.host.logger.warn(`triggers not stopped cleanly: ${String(err)}`));
  }

  private async exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.busy) throw new Error('a colony is being loaded or unloaded in this session');
    this.busy = true;
    try {
      return await run();
    } finally {
      this.busy = false;
    }
  }

  private async attach(runtime: ColonyRuntime): Promise<void> {
    if (this.host.isStopped()) {
      await runtime.stop();
      throw new Error(`session ${this.host.id} is stopped`);
    }
    this.rt = runtime;
    this.host.phases.setAgentPath(runtime.colony.folder);
  }

  /** Says which MCP tools are offered under another name (or not at all): in the log and the chat. */
  private announceRenamed(runtime: ColonyRuntime): void {
    const renamed = runtime.mcpRenamed;
    if (!renamed.length) return;
    this.host.publish('tools_renamed', { colony: runtime.colony.name, tools: renamed });
  }

  private announce(runtime: ColonyRuntime): void {
    const c = runtime.colony;
    this.host.publish('worker_colony_loaded', {
      colony_id: c.name,
      colony_name: c.name,
      agent_path: c.folder,
      goal: goalName(c),
      node_count: 1,
    });
  }

  private async writeMeta(patch: Record<string, string | null>): Promise<void> {
    await updateMeta(this.host.dir, patch).catch((err) =>
      this.host.logger.warn(`meta.json of ${this.host.id} not updated: ${String(err)}`),
    );
  }

  /** docs/hive-format.md §3 Rule 16: the report goes to the queen; the last one moves WORKING to REVIEWING. */
  private async onReport(text: string): Promise<void> {
    const h = this.host;
    if (h.isStopped()) return;
    h.inject(text);
    if (this.rt && this.rt.activeCount === 0 && h.phases.phase === 'working') {
      await h.phases
        .switchTo('reviewing', { source: 'runtime' })
        .catch((err) => h.logger.warn(`phase change after the last report failed: ${String(err)}`));
    }
    await h.wake();
  }

  /** docs/hive-format.md §3 Rule 17: to the queen's loop, or — with no live queen loop — to the user. */
  private onEscalation(e: PendingEscalation): void {
    const h = this.host;
    const text = workerEscalationText({
      requestId: e.request_id,
      workerId: e.worker_id,
      nodeId: e.node_id,
      reason: e.reason,
      context: e.context,
    });
    if (h.queenLive()) {
      h.inject(text);
      void h.wake();
      return;
    }
    h.publish('client_output_delta', { content: text, snapshot: text, inner_turn: 0 });
    h.publish('client_input_requested', {
      request_id: e.request_id,
      questions: [{ id: 'escalation', prompt: text }],
      escalation: { worker_id: e.worker_id, reason: e.reason, context: e.context },
    });
  }

  private changed(): void {
    this.host.publish('custom', { kind: 'colony_state', colony: this.state() });
    this.host.changed();
  }
}
