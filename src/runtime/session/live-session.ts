import path from 'node:path';
import { AgentLoop } from '../agent/loop';
import type { Tool, ToolCategory } from '../agent/types';
import type { ColonyRuntime, Timers, WorkerSnapshot } from '../colony/runtime';
import { HiveError } from '../errors';
import type { EventBus } from '../events/bus';
import type { EventLog } from '../events/persistence';
import { isHiveEventType } from '../events/types';
import { complete as llmComplete } from '../llm/complete';
import { addUsage, ZERO_USAGE } from '../llm/pricing';
import { type ReflectionDirs, sessionMemoryDirs } from '../queen/memory-ops';
import { PhaseController, type QueenPhase } from '../queen/phases';
import type { ParsedQueenProfile } from '../queen/profiles';
import { buildQueenSystemPrompt } from '../queen/prompt';
import { type RecalledMemory, recallMemories, recallScopesFor } from '../queen/recall';
import { ReflectionScheduler, waitAtMost } from '../queen/reflection';
import type { QueenIdentity } from '../queen/selection';
import type { Complete } from '../queen/types';
import { updateMeta } from '../storage/meta';
import type { ConversationPart, PartStore } from '../storage/parts';
import { Checkpoints, type RestoreResult } from '../tools';
import { colonyStateDir } from '../triggers/colony-state';
import type { TriggerSecretStore } from '../triggers/secrets';
import { SessionTriggers } from '../triggers/session-triggers';
import { ApprovalBroker } from './approval-broker';
import { createColonyTool, spawnedColonyFolder, startIncubatingColonyTool } from './colony-create-tools';
import { askUserTool, phaseTools, toolsForPhase, workspaceTools } from './queen-tools';
import { QuestionBroker } from './question-broker';
import { type LoadColonyOptions, SessionColony } from './session-colony';
import type { ColonyInfo, ColonyState, ModelProviderLike, SessionLogger, UsageTotals } from './types';

export const QUEEN_STREAM = 'queen';
export const QUEEN_NODE = 'queen';

export interface LiveSessionInit {
  id: string;
  dir: string;
  bus: EventBus;
  log: EventLog;
  store: PartStore;
  provider: ModelProviderLike;
  queen: QueenIdentity;
  profile: ParsedQueenProfile;
  phase: QueenPhase;
  agentPath: string | null;
  memoriesDir: string;
  workingDir?: string;
  autoApprove?: ToolCategory[];
  extraTools?: Tool[];
  reflection: boolean;
  stopReflectionWaitMs: number;
  stopTurnWaitMs: number;
  logger: SessionLogger;
  clock: () => number;
  onChange: () => void;
  /** Colony runtime knobs: workers at once (default 3) and the timers of their timeouts. */
  colony?: { concurrency?: number; timers?: Timers; onLoad?: (colonyName: string) => Promise<void> };
  /** For the colonies' machine state (triggers/colony-state.ts). */
  hiveHome: string;
  triggerSecrets?: (colonyDir: string) => TriggerSecretStore;
  /** What the session spent before this start (a resume), so the totals go on from there. */
  initialUsage?: UsageTotals;
  /** A fresh session id (for the fork of create_colony). */
  newSessionId: () => string;
  /** The spawn lock read from meta.json: this session made that colony and takes no more messages. */
  spawnedColony?: SpawnedColony | null;
  /** The model chosen for this session (meta.json `model`); default the provider's. */
  model?: string;
  /** Extended thinking for the queen's next call (read before each call); undefined = off. */
  thinking?: () => { budgetTokens: number } | undefined;
}

/** A model id as the API names them (`claude-sonnet-4-5`, `claude-3-5-haiku-20241022`, a proxy's `vendor/model`). */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;

export interface SpawnedColony {
  name: string;
  /** HIVE_HOME/colonies/<name>. */
  path: string;
  at?: string;
}

/** Hive answers 409 to a message for a spawn-locked session; we throw this, naming the colony. */
export class SessionLockedError extends HiveError {
  override name = 'SessionLockedError';
  constructor(
    readonly sessionId: string,
    readonly colony: SpawnedColony,
  ) {
    super(
      'SESSION_SPAWNED_COLONY',
      `This session is locked: it created the colony '${colony.name}' (${colony.path}) and takes no more ` +
        `messages. Continue in the colony: open it from the Colonies view or run \`hive colony run ${colony.name}\`.`,
    );
  }
}

export type { LoadColonyOptions } from './session-colony';

/** `Complete` of the queen modules over the llm layer's non-streamed call. */
export function completeVia(provider: ModelProviderLike): Complete {
  return async (req) =>
    (
      await llmComplete(provider, {
        system: req.system,
        messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
        maxTokens: req.maxTokens,
      })
    ).text;
}

/**
 * One running queen session: her agent loop over the session's parts, her phase, tools and memory,
 * everything published on `bus` (persisted to events.jsonl). Built and torn down by SessionManager.
 */
export class LiveSession {
  private readonly noticeList: string[] = [];
  readonly id: string;
  readonly dir: string;
  readonly bus: EventBus;
  readonly queen: QueenIdentity;
  /** The loaded colony's triggers (empty without a colony): attached on load, detached on unload/stop. */
  readonly triggers: SessionTriggers;
  usage: UsageTotals = { ...ZERO_USAGE, turns: 0 };
  busy = false;
  /** The queen's loop threw (not a model error): send/retry/revive start a new one. */
  queenDead = false;
  stopped = false;
  /** Set once the session forked into a colony from INCUBATING: new messages are refused. */
  spawnedColony: SpawnedColony | null;
  private chosenModel: string | undefined;

  private loop: AgentLoop;
  private readonly phases: PhaseController;
  private readonly approvals: ApprovalBroker;
  private readonly questions: QuestionBroker;
  private readonly tools: Tool[];
  private readonly extraNames: string[];
  private readonly memoryDirs: ReflectionDirs;
  private readonly reflection: ReflectionScheduler | null;
  private readonly unsubscribe: Array<() => void> = [];
  private recalled: RecalledMemory[] = [];
  private readonly complete: Complete;
  private readonly colonies: SessionColony;
  /** File changes of the queen and the workers, in `<session>/checkpoints` (a shadow git repository). */
  readonly checkpoints: Checkpoints;

  constructor(private readonly init: LiveSessionInit) {
    this.id = init.id;
    this.dir = init.dir;
    this.bus = init.bus;
    this.queen = init.queen;
    if (init.initialUsage) this.usage = { ...init.initialUsage };
    this.complete = completeVia(init.provider);
    this.spawnedColony = init.spawnedColony ?? null;
    this.chosenModel = init.model && MODEL_ID.test(init.model) ? init.model : undefined;
    this.approvals = new ApprovalBroker((data) => this.publish('custom', data));
    this.questions = new QuestionBroker(
      (data) => this.publish('client_input_requested', data),
      (data) => this.publish('client_input_received', data),
    );
    this.phases = new PhaseController({
      initialPhase: init.phase,
      agentPath: init.agentPath,
      emit: (type, data) => {
        this.publish(type, data);
        init.onChange();
      },
      persist: async (phase) => {
        await updateMeta(this.dir, { phase });
      },
      // Hive's [PHASE CHANGE] goes through inject_event, which wakes her (see wakeQueen).
      inject: (text) => this.injectAndWake(text),
      toolsFor: (phase) => this.toolsIn(phase).map((t) => t.name),
      logger: init.logger,
    });
    this.extraNames = (init.extraTools ?? []).map((t) => t.name);
    this.checkpoints = new Checkpoints({ dir: `${init.dir}/checkpoints` });
    const creation = {
      sessionId: init.id,
      sessionDir: init.dir,
      hiveHome: init.hiveHome,
      queenId: init.queen.queen_id,
      workingDir: init.workingDir ?? null,
      phases: this.phases,
      provider: init.provider,
      complete: this.complete,
      readParts: () => init.store.readAll(),
      queenToolNames: () => this.tools.map((t) => t.name),
      newSessionId: init.newSessionId,
      clock: init.clock,
      publish: (type: string, data: Record<string, unknown>) => this.publish(type, data),
      lock: (name: string, at: string) => this.lockToColony(name, at),
    };
    this.tools = [
      askUserTool(this.questions),
      ...phaseTools(this.phases),
      startIncubatingColonyTool(creation),
      createColonyTool(creation),
      ...(init.workingDir ? workspaceTools(init.workingDir, this.checkpoints) : []),
      ...(init.extraTools ?? []),
    ];
    this.triggers = new SessionTriggers({
      sessionId: init.id,
      sessionDir: init.dir,
      bus: init.bus,
      // docs/hive-format.md §3 Rule 18: one is_trigger user part, then the queen runs on it (after her turn in progress).
      injectToQueen: (text) => {
        if (this.stopped) return;
        if (this.queenDead) this.revive();
        this.loop.inject(text, { is_trigger: true });
        void this.wakeQueen();
      },
      isQueenBusy: () => this.busy,
      stateDir: (colonyDir) => colonyStateDir(init.hiveHome, colonyDir),
      secrets: init.triggerSecrets,
      // A delivery's id is in the payload text of the trigger part that handed it over.
      wasDelivered: async (ids) => {
        const texts = (await init.store.readAll())
          .filter(
            (p) => p.role === 'user' && typeof p.content === 'string' && p.content.includes('delivery_id'),
          )
          .map((p) => p.content as string);
        return new Set(ids.filter((id) => texts.some((t) => t.includes(id))));
      },
      clock: { now: init.clock },
      logger: { warn: (m) => init.logger.warn(m), info: (m) => init.logger.info?.(m) },
    });
    this.colonies = new SessionColony({
      id: init.id,
      dir: init.dir,
      bus: init.bus,
      provider: init.provider,
      queenParts: () => init.store.readAll(),
      autoApprove: init.autoApprove,
      options: init.colony,
      clock: init.clock,
      logger: init.logger,
      approvals: this.approvals,
      checkpoints: this.checkpoints,
      questions: this.questions,
      phases: this.phases,
      inject: (text) => this.loop.inject(text),
      wake: () => this.wakeQueen(),
      queenLive: () => !this.stopped && !this.queenDead && !this.colonies.primary,
      isStopped: () => this.stopped,
      publish: (type, data) => this.publish(type, data),
      changed: () => init.onChange(),
      triggers: this.triggers,
      addUsage: (usage) => {
        // Workers spend on the session's account too; `turns` counts the queen's turns only.
        this.usage = { ...addUsage(this.usage, usage), turns: this.usage.turns };
        this.publish('custom', { kind: 'usage_totals', ...this.usage });
      },
    });
    this.memoryDirs = sessionMemoryDirs(init.memoriesDir, init.queen.queen_id);
    this.reflection = init.reflection
      ? new ReflectionScheduler({
          complete: this.complete,
          dirs: this.memoryDirs,
          readTranscript: () => init.store.readAll(),
          now: init.clock,
          logger: init.logger,
        })
      : null;
    if (this.reflection) {
      const r = this.reflection;
      this.unsubscribe.push(
        this.bus.subscribe({ types: ['llm_turn_complete'], streams: [QUEEN_STREAM] }, (e) => {
          r.onTurnComplete(e.data as { stop_reason?: unknown });
        }),
        this.bus.subscribe({ types: ['context_compacted'], streams: [QUEEN_STREAM] }, () => {
          r.onContextCompacted();
        }),
      );
    }
    this.loop = this.newLoop(0);
  }

  get phase(): QueenPhase {
    return this.phases.phase;
  }

  /** The loaded colony (read-only), or null. */
  get colony(): ColonyInfo | null {
    return this.colonies.info();
  }

  /** The loaded colony's progress and open escalations, or null without a colony. */
  colonyState(): ColonyState | null {
    return this.colonies.state();
  }

  /** The colony's workers (running, queued and done, in start order); empty without a colony. */
  colonyWorkers(): WorkerSnapshot[] {
    return this.colonies.workers();
  }

  /** Worker-only session: the name of the worker that is the primary chat, else null. */
  get workerName(): string | null {
    return this.colonies.primary?.name ?? null;
  }

  /** The colony runtime itself (tests, the CLI); null when no colony is loaded. */
  get colonyRuntimeForTests(): ColonyRuntime | null {
    return this.colonies.runtime;
  }

  /** Ids of the ask_user questions and approval requests still waiting (for a reconnecting panel). */
  get pendingQuestions(): string[] {
    return this.questions.pendingIds;
  }

  /** What the user was told about this session since it started (the chat shows these on attach). */
  get notices(): readonly string[] {
    return this.noticeList;
  }

  /** Tells the user something about the session itself: a `session_notice` event, the log, and `notices`. */
  notify(text: string): void {
    this.noticeList.push(text);
    this.init.logger.warn(`session ${this.id}: ${text}`);
    this.publish('custom', { kind: 'session_notice', level: 'warning', text });
  }

  get pendingApprovals(): string[] {
    return this.approvals.pendingIds;
  }

  /** The `approval_requested` data of a waiting approval (a chat opened after it was asked shows it whole). */
  pendingApprovalRequest(requestId: string): Readonly<Record<string, unknown>> | undefined {
    return this.approvals.requestOf(requestId);
  }

  /** A user message. While ask_user waits, the message is the answer. */
  async send(text: string): Promise<void> {
    this.assertLive();
    if (this.spawnedColony) throw new SessionLockedError(this.id, this.spawnedColony);
    const waiting = this.questions.pendingIds[0];
    if (waiting) {
      this.questions.answer(waiting, text);
      return;
    }
    if (this.queenDead) this.revive();
    this.publish('client_input_received', { content: text });
    await this.refreshRecall(text);
    await this.drive(() => this.loop.send(text));
  }

  /** Answers the last user message again (after a failed turn). */
  async retry(): Promise<void> {
    this.assertLive();
    if (this.queenDead) this.revive();
    await this.drive(() => this.loop.run());
  }

  stopTurn(): void {
    this.questions.cancelAll('the user stopped the turn');
    // The queen's Stop: colony workers keep their own approval requests.
    this.approvals.cancelAll('the user stopped the turn', (origin) => origin.worker_id === undefined);
    this.loop.stop();
  }

  /** `content` with an approval: the user's edited version of the proposal, written as approved. */
  answerApproval(
    requestId: string,
    decision: 'approve' | 'deny',
    opts?: { always?: boolean; content?: string },
  ): void {
    this.approvals.answer(requestId, decision, opts);
  }

  /**
   * Puts back every file changed from the queen's turn `turnId` on (the `seq` of the assistant part that
   * made the change, as in `checkpoint_recorded` events), workers' later changes included. Files the user
   * changed after the agent wrote them are returned as conflicts and left alone, unless `force`.
   */
  restoreFilesBeforeTurn(
    turnId: number | string,
    opts: { force?: boolean; requester?: string } = {},
  ): Promise<RestoreResult> {
    const n = typeof turnId === 'number' ? turnId : Number(turnId);
    if (!Number.isInteger(n)) return Promise.reject(new Error(`not a turn id: ${String(turnId)}`));
    return this.checkpoints.restoreFilesBeforeTurn(n, opts);
  }

  /**
   * The user's undo of the agent's changes in the working folder: one file (relative to it) or all,
   * with undo_changes' conflict rule.
   */
  async undoChanges(file?: string, opts: { force?: boolean } = {}): Promise<RestoreResult> {
    const root = this.init.workingDir;
    if (!root) return { restored: [], conflicts: [] };
    const rel = file === undefined || file === '' ? undefined : file.split(path.sep).join('/');
    return this.checkpoints.forRoot(root).undo(rel, opts);
  }

  answerQuestion(requestId: string, answer: string): void {
    // An escalation put to the user (no queen loop) is answered like a question.
    if (this.colonies.hasEscalation(requestId)) {
      this.colonies.reply(requestId, answer);
      return;
    }
    this.questions.answer(requestId, answer);
  }

  /** Starts a fresh queen loop over the same conversation, continuing the iteration numbers. */
  revive(): void {
    this.assertLive();
    this.loop.stop();
    this.loop = this.newLoop(this.loop.nextIteration);
    this.queenDead = false;
    this.init.onChange();
  }

  /** Switches phase on the user's or the runtime's behalf: the queen is told with `[PHASE CHANGE]`. */
  async setPhase(phase: QueenPhase, source: 'user' | 'runtime' = 'user'): Promise<void> {
    await this.phases.switchTo(phase, { source });
  }

  /** The user's (or the panel's) answer to a worker escalation. Throws for an unknown id. */
  async replyToEscalation(requestId: string, reply: string): Promise<void> {
    if (!this.colonies.runtime) throw new Error('no colony is loaded in this session');
    if (!this.colonies.reply(requestId, reply)) throw new Error(`no pending escalation ${requestId}`);
  }

  /**
   * Worker-only session (Hive's `_create_worker_only_session`): `{workerName}.json` of the colony in
   * `folder` becomes the primary chat, with the worker's prompt and tools (escalate asks the user).
   * meta.json gets agent_name = worker_name = the worker and agent_path, so a resume finds it again.
   */
  async startAsWorker(folder: string, workerName: string): Promise<ColonyInfo> {
    this.assertLive();
    return this.colonies.startAsWorker(folder, workerName);
  }

  /**
   * docs/hive-format.md §3 Rules 7 and 12: loads the colony in `folder` (its `.hive/` subfolder or its root), starts its MCP
   * servers, tells the queen in Hive's words, records agent_name/agent_path in meta.json (so a cold
   * resume re-loads it), emits `worker_colony_loaded` and moves her to a phase with the colony tools.
   */
  async loadColony(folder: string, opts: LoadColonyOptions = {}): Promise<ColonyInfo> {
    this.assertLive();
    return this.colonies.load(folder, opts);
  }

  /**
   * docs/hive-format.md §3 Rule 7: stops the workers and the MCP servers, tells the queen she works alone again, clears
   * agent_path from meta.json and moves her to INDEPENDENT. False when no colony was loaded.
   */
  unloadColony(): Promise<boolean> {
    return this.colonies.unload();
  }

  history(): Promise<ConversationPart[]> {
    return this.init.store.readAll();
  }

  /**
   * docs/hive-format.md §3 Rule 20: stop listening, end the turn, a shutdown reflection that is waited for at most
   * `stopReflectionWaitMs` (it finishes in the background), then close the log. Idempotent.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const off of this.unsubscribe.splice(0)) off();
    this.questions.cancelAll();
    this.approvals.cancelAll();
    this.loop.stop();
    await this.colonies.stop();
    const running = this.current;
    if (running) await waitAtMost(running, this.init.stopTurnWaitMs);
    await this.checkpoints.settle();
    // Text injected for a turn that will not come now is kept in the conversation.
    await this.loop
      .persistQueued()
      .catch((err: unknown) => this.init.logger.warn(`injected text not saved: ${String(err)}`));
    if (this.reflection) await waitAtMost(this.reflection.reflectOnStop(), this.init.stopReflectionWaitMs);
    await this.init.store
      .flush()
      .catch((err: unknown) => this.init.logger.warn(`flush failed: ${String(err)}`));
    this.init.log.close();
    this.busy = false;
  }

  private current: Promise<unknown> | undefined;

  private async drive(run: () => Promise<import('../agent/loop').RunResult>): Promise<void> {
    this.setBusy(true);
    const p = run();
    this.current = p;
    try {
      const result = await p;
      if (result.modelCalls > 0) {
        this.usage = { ...addUsage(this.usage, result.usage), turns: this.usage.turns + 1 };
        this.publish('custom', { kind: 'usage_totals', ...this.usage });
      }
    } catch (err) {
      // Not a model error (those end the turn as execution_failed): the loop itself broke.
      this.queenDead = true;
      this.publish('execution_failed', {
        error: err instanceof Error ? err.message : String(err),
        error_kind: 'internal',
        retryable: true,
      });
      this.init.logger.warn(`queen loop of ${this.id} failed: ${String(err)}`);
    } finally {
      if (this.current === p) this.current = undefined;
      this.setBusy(this.loop.running);
    }
  }

  private setBusy(busy: boolean): void {
    if (this.busy === busy) return;
    this.busy = busy;
    // Fires queued while she was busy go out now, not at the next poll.
    if (!busy) this.triggers.notifyQueenIdle();
    this.init.onChange();
  }

  private async refreshRecall(text: string): Promise<void> {
    try {
      this.recalled = await recallMemories({
        query: text,
        scopes: recallScopesFor(this.memoryDirs),
        select: this.complete,
        logger: this.init.logger,
      });
    } catch (err) {
      this.init.logger.warn(`memory recall failed: ${String(err)}`);
    }
  }

  private toolsIn(phase: QueenPhase): Tool[] {
    const all = this.colonies.runtime
      ? [...this.tools, ...this.colonies.queenTools, ...this.triggers.tools()]
      : this.tools;
    return toolsForPhase(phase, all, this.extraNames);
  }

  /** A note for the queen that wakes her, as Hive's inject_event does (table at wakeQueen). */
  private injectAndWake(text: string): void {
    if (this.stopped) return;
    this.loop.inject(text);
    void this.wakeQueen();
  }

  /**
   * Runs the queen on what was injected, after the turn in progress (never two runs at once: a wake
   * while she runs waits for that run, and a run finding nothing unanswered makes no model call).
   *
   * Which injected texts wake her. In Hive every text injected into the queen goes through
   * `inject_event` or `inject_trigger` of agent_loop/agent_loop.py, and both set `_input_ready`, which
   * ends her wait for input; mid-turn the text waits in the queue for her next model call.
   *
   * | injected text                         | wakes | Hive source                                                       |
   * |---------------------------------------|-------|-------------------------------------------------------------------|
   * | `[SYSTEM] Colony loaded.` (load into a running session; cold resume) | yes | server/session_manager.py `load_colony` → `_notify_queen_colony_loaded` |
   * | colony opened with the session (`hive colony run`, Open Colony) | no: Hive injects nothing, the profile is in her prompt; our note waits for her next turn | server/session_manager.py `create_session_with_worker_colony` (`worker_identity`) |
   * | `[SYSTEM] Worker unloaded. …`         | yes   | server/session_manager.py `_notify_queen_worker_unloaded`         |
   * | `[PHASE CHANGE] …` (not by her own tool) | yes | tools/queen_lifecycle_tools.py `inject_notification` → server/queen_orchestrator.py `_inject_phase_notification` |
   * | `[WORKER_REPORT]`                     | yes   | server/queen_orchestrator.py `_on_worker_report`                  |
   * | `[WORKER_ESCALATION]`                 | yes (to the user when no queen runs) | server/queen_orchestrator.py `install_worker_escalation_routing` |
   * | `[TRIGGER: …]`                        | yes   | tools/queen_lifecycle_tools.py `_start_trigger_timer` / `_start_trigger_webhook` → `inject_trigger` |
   */
  private async wakeQueen(): Promise<void> {
    while (this.loop.running) await this.loop.run().catch(() => undefined);
    if (this.stopped || this.queenDead) return;
    await this.drive(() => this.loop.run());
  }

  /** The model the queen's next call uses. */
  get model(): string {
    return this.chosenModel ?? this.init.provider.model;
  }

  /**
   * Switches the model from the next model call on (a turn in progress keeps its model) and records it in
   * meta.json `model`, so a resume keeps it. Hive keeps a session's model in memory only
   * (Hive: core/framework/server/session_manager.py, session.llm) and each call's model in llm_turn_complete;
   * the extra meta key is ignored by Hive's readers.
   */
  async setModel(model: string): Promise<void> {
    const id = model.trim();
    if (!MODEL_ID.test(id)) throw new Error(`not a model id: ${JSON.stringify(model.slice(0, 80))}`);
    await updateMeta(this.dir, { model: id });
    this.chosenModel = id;
    this.init.onChange();
  }

  /** The prompt the queen's next model call gets (a worker-only session: the worker's). */
  systemPrompt(): string {
    return (
      this.colonies.primary?.prompt ??
      buildQueenSystemPrompt(this.init.profile, this.phases.phase, this.recalled, {
        tools: this.toolsIn(this.phases.phase).map((t) => t.name),
        colonyName: this.phases.incubatingColonyName,
        now: this.init.clock,
      })
    );
  }

  private newLoop(iterationOffset: number): AgentLoop {
    return new AgentLoop({
      provider: this.init.provider,
      store: this.init.store,
      systemPrompt: () => this.systemPrompt(),
      tools: () => this.colonies.primary?.tools ?? this.toolsIn(this.phases.phase),
      emit: (type, data) => this.publish(type, data),
      approve: this.approvals.request,
      autoApprove: this.init.autoApprove,
      requester: 'queen',
      dataDir: `${this.dir}/data`,
      // The bus adds the resume offset; the loop only counts this process's iterations.
      iterationOffset,
      textDeltaEvent: 'client_output_delta',
      model: () => this.chosenModel,
      thinking: () => this.init.thinking?.(),
    });
  }

  private publish(type: string, data: Record<string, unknown>): void {
    const known = isHiveEventType(type);
    this.bus.publish({
      type: known ? type : 'custom',
      stream_id: QUEEN_STREAM,
      node_id: QUEEN_NODE,
      execution_id: this.id,
      // biome-ignore lint/suspicious/noExplicitAny: data shapes vary by type; the bus stores them as given
      data: (known ? data : { kind: type, ...data }) as any,
    });
  }

  /** docs/hive-format.md §3 Rule 13 / Hive's persist_colony_spawn_lock: meta.json first, then the in-memory lock. */
  private async lockToColony(name: string, at: string): Promise<void> {
    await updateMeta(this.dir, { colony_spawned: true, spawned_colony_name: name, spawned_colony_at: at });
    this.spawnedColony = { name, path: spawnedColonyFolder(this.init.hiveHome, name), at };
    this.init.onChange();
  }

  private assertLive(): void {
    if (this.stopped) throw new Error(`session ${this.id} is stopped`);
  }
}
