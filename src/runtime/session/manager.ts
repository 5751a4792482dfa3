import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_COMPACTION } from '../agent/compaction';
import { type LoadedColony, loadColony } from '../colony/colony-load';
import { ensureAllColonyDbs, ensureColonyDb } from '../colony/progress/colony-dbs';
import { cleanupStaleSessions } from '../colony/stale-sessions';
import { HiveError } from '../errors';
import { EventBus } from '../events/bus';
import { readIterationOffset } from '../events/offset';
import { EventLog } from '../events/persistence';
import { readSessionDigest } from '../events/session-digest';
import { initialPhase, readStoredPhase } from '../queen/phases';
import { ensureDefaultQueens, listQueens } from '../queen/profiles';
import { type QueenIdentity, type QueenSelection, selectQueen } from '../queen/selection';
import { isValidId, newSessionId, validateId } from '../storage/ids';
import { type MetaError, readMeta, type SessionMeta, setAsideTornMeta, updateMeta } from '../storage/meta';
import { PartStore } from '../storage/parts';
import {
  coloniesDir,
  conversationsDir,
  findSessionDir,
  homeQueensDir,
  memoriesDir,
  sessionDirFor,
} from '../storage/paths';
import { acquireSessionLock, type SessionLock } from '../storage/session-lock';
import { sweepTempFiles } from '../storage/temp-sweep';
import type { RestoreResult } from '../tools';
import { spawnedColonyFolder } from './colony-create-tools';
import { completeVia, LiveSession, type SpawnedColony } from './live-session';
import type {
  CreateSessionOptions,
  LiveSessionSummary,
  ModelProviderLike,
  OpenColonyOptions,
  ResumeSessionOptions,
  SessionLogger,
  SessionManagerOptions,
  UsageTotals,
} from './types';

/**
 * `conversations/meta.json` as Hive's NodeConversation._persist_meta writes it (agent_loop/conversation.py),
 * so Hive's restore finds the conversation; the limit is our compactor's (about 4 characters a token).
 */
function hiveConversationMeta(systemPrompt: string): Record<string, unknown> {
  return {
    system_prompt: systemPrompt,
    max_context_tokens: Math.round(DEFAULT_COMPACTION.charLimit / 4),
    compaction_threshold: DEFAULT_COMPACTION.threshold,
    compaction_buffer_tokens: null,
    compaction_warning_buffer_tokens: null,
    output_keys: null,
  };
}

const consoleLogger: SessionLogger = { warn: (m) => console.warn(`[hive] ${m}`) };

export class DuplicateSessionError extends HiveError {
  override name = 'DuplicateSessionError';
  constructor(readonly sessionId: string) {
    super('SESSION_ALREADY_LIVE', `session ${sessionId} is already live`);
  }
}

export class SessionNotFoundError extends HiveError {
  override name = 'SessionNotFoundError';
  constructor(readonly sessionId: string) {
    super('SESSION_NOT_FOUND', `no session ${sessionId} under this Hive home`);
  }
}

interface StartPlan {
  id: string;
  dir: string;
  selection: QueenSelection;
  provider: ModelProviderLike;
  /** Merged into meta.json (docs/hive-format.md §3 rule 4). */
  metaPatch: Partial<SessionMeta>;
  agentPath: string | null;
  iterationOffset: number;
  /** Tokens and cost spent before this start (resume), read from events.jsonl. */
  usage?: UsageTotals;
  prompt?: string;
  /** A folder this start created, removed again if the start fails. */
  createdDir: boolean;
  /** The spawn lock of meta.json (a DM that created a colony). */
  spawnedColony?: SpawnedColony | null;
  /** meta.json `model`: the model chosen for this session. */
  model?: string;
  /** meta.json could not be read: it is set aside at start (after the lock) and the session goes on with an empty meta. */
  tornMeta?: MetaError;
  /** docs/hive-format.md §3 Rule 5: a colony loaded in the same step (create fails with it); docs/hive-format.md §3 rule 6: re-loaded on resume. */
  /** `open`: rule 5's resume of the colony's own session, with that colony (not meta's), quietly. */
  colony?: { folder: string; mode: 'create' | 'resume' | 'open'; workerName?: string };
}

/**
 * The runtime's one entry point (docs/hive-format.md §3 rules 2–4, 20): queen sessions created, resumed in place,
 * listed and stopped. Every start of an id is registered synchronously before its first await, so racing
 * calls on one id see each other: a second create fails, a second resume joins the first.
 */
export class SessionManager {
  private readonly live = new Map<string, LiveSession>();
  /** Each live session's cross-process lock, released when it stops. */
  private readonly locks = new Map<string, SessionLock>();
  private readonly starting = new Map<string, Promise<LiveSession>>();
  private readonly stopping = new Map<string, Promise<void>>();
  private readonly listeners = new Set<() => void>();
  private providerPromise: Promise<ModelProviderLike> | undefined;
  private homeReady: Promise<void> | undefined;
  private readonly logger: SessionLogger;
  private readonly clock: () => number;

  constructor(private readonly opts: SessionManagerOptions) {
    this.logger = opts.logger ?? consoleLogger;
    this.clock = opts.clock ?? Date.now;
  }

  get hiveHome(): string {
    return this.opts.hiveHome;
  }

  createSession(options: CreateSessionOptions = {}): Promise<LiveSession> {
    let id: string;
    try {
      id = options.sessionId !== undefined ? validateId('session', options.sessionId) : this.freshId();
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.live.has(id) || this.starting.has(id)) return Promise.reject(new DuplicateSessionError(id));
    return this.track(id, () => this.planNew(id, options));
  }

  /**
   * The one colony-open path (docs/hive-format.md §3 rules 1, 5, 7, 22), for `hive colony run` and every
   * load from VS Code. The home is prepared first (colony databases, stale worker sessions). Then:
   * `into` (the session the user named) gets the colony, a different one unloaded first (Hive's
   * load_colony, which wakes the queen); else a live session already on this colony is returned; else the
   * session named by metadata.json `queen_session_id` is resumed with it when it exists; else `fallback`
   * (the chat in front of the user) gets it; else a new session is created with it, its queen from
   * metadata `queen_name` unless one is given. metadata.json is only read: Hive writes those ids when it
   * forks a chat into a colony (server/routes_execution.py), never on open.
   */
  async openColony(folder: string, options: OpenColonyOptions = {}): Promise<LiveSession> {
    await this.prepareHome();
    const colony = await loadColony(folder, { workerName: options.workerName });
    const dbProblem = await this.prepareColonyDb(colony);
    const session = await this.sessionForColony(colony, options);
    if (dbProblem) session.notify(dbProblem);
    return session;
  }

  /**
   * Rule 1 for a home colony opened after start (made since by Hive or create_colony). What went wrong is
   * logged and returned for the chat: a missing node:sqlite leaves the colony without its task queue.
   */
  private async prepareColonyDb(colony: LoadedColony): Promise<string | undefined> {
    const homeColony = path.resolve(coloniesDir(this.opts.hiveHome), colony.name);
    if (path.resolve(colony.dir) !== homeColony || !isValidId('colony', colony.name)) return undefined;
    try {
      const r = await ensureColonyDb(colony.dir, colony.name);
      if (r.reclaimed)
        this.logger.info?.(`progress.db of ${colony.name}: ${r.reclaimed} stale claim(s) reclaimed`);
      return undefined;
    } catch (err) {
      const text = `colony ${colony.name} runs without its task queue (data/progress.db): ${err instanceof Error ? err.message : String(err)}`;
      this.logger.warn(text);
      return text;
    }
  }

  private async sessionForColony(colony: LoadedColony, options: OpenColonyOptions): Promise<LiveSession> {
    if (options.into) return this.loadInto(options.into, colony.folder);
    for (const s of this.live.values()) if (s.colony?.path === colony.folder && !s.stopped) return s;
    const { fallback, into: _into, ...create } = options;
    const sid = colony.metadata?.queen_session_id;
    if (!options.workerName && sid && isValidId('session', sid) && findSessionDir(this.opts.hiveHome, sid)) {
      if (this.live.has(sid)) return this.loadInto(sid, colony.folder);
      const s = await this.resumeSession(sid, { prompt: options.initialPrompt, colonyFolder: colony.folder });
      if (!s.colony) await s.loadColony(colony.folder, { phase: 'working', quiet: true });
      return s;
    }
    if (fallback && !options.workerName && this.live.has(fallback))
      return this.loadInto(fallback, colony.folder);
    return this.createSession({ ...create, colonyFolder: colony.folder });
  }

  /** Hive's load_colony into a chosen session (resumed if cold): another colony goes first. */
  private async loadInto(id: string, folder: string): Promise<LiveSession> {
    const s = this.live.get(id) ?? (await this.resumeSession(id));
    if (s.colony && path.resolve(s.colony.path) !== path.resolve(folder)) await s.unloadColony();
    if (!s.colony) await s.loadColony(folder);
    return s;
  }

  /** Cold → live in the same folder. A live id is returned as it is (its prompt, if any, is sent). */
  resumeSession(sessionId: string, options: ResumeSessionOptions = {}): Promise<LiveSession> {
    let id: string;
    try {
      id = validateId('session', sessionId);
    } catch (err) {
      return Promise.reject(err);
    }
    const live = this.live.get(id);
    if (live) {
      if (options.prompt) void live.send(options.prompt);
      return Promise.resolve(live);
    }
    const starting = this.starting.get(id);
    if (starting) return starting;
    return this.track(id, () => this.planResume(id, options));
  }

  get(id: string): LiveSession | undefined {
    return this.live.get(id);
  }

  isLive(id: string): boolean {
    return this.live.has(id);
  }

  /**
   * The queens a new session can start with (Hive's default profiles written first, as selection does),
   * sorted by name, for the New Session picker.
   */
  async listQueens(): Promise<QueenIdentity[]> {
    const dir = homeQueensDir(this.opts.hiveHome);
    await ensureDefaultQueens(dir).catch((err: unknown) =>
      this.logger.warn(`Could not write the default queen profiles: ${String(err)}`),
    );
    const { queens } = await listQueens(dir, this.logger);
    return queens
      .map((q) => ({ queen_id: q.id, name: q.profile.name || q.id, title: q.profile.title ?? '' }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  list(): LiveSessionSummary[] {
    return [...this.live.values()].map((s) => ({
      session_id: s.id,
      queen_id: s.queen.queen_id,
      queen_name: s.queen.name,
      phase: s.phase,
      colony_name: s.colony?.name ?? null,
      busy: s.busy,
      dir: s.dir,
    }));
  }

  /** The live session's approval answer (see LiveSession.answerApproval; `content`: the user's edit). */
  answerApproval(
    id: string,
    requestId: string,
    decision: 'approve' | 'deny',
    opts?: { always?: boolean; content?: string },
  ): void {
    const s = this.live.get(id);
    if (!s) throw new SessionNotFoundError(id);
    s.answerApproval(requestId, decision, opts);
  }

  /** Restores the live session's files to before the queen's turn `turnId` (see LiveSession). */
  restoreFilesBeforeTurn(
    id: string,
    turnId: number | string,
    opts: { force?: boolean } = {},
  ): Promise<RestoreResult> {
    const s = this.live.get(id);
    if (!s) throw new SessionNotFoundError(id);
    return s.restoreFilesBeforeTurn(turnId, opts);
  }

  /** Restarts the queen loop of a live session whose loop failed (history and numbering kept). */
  reviveQueen(id: string): LiveSession {
    const s = this.live.get(id);
    if (!s) throw new SessionNotFoundError(id);
    s.revive();
    return s;
  }

  async stopSession(id: string): Promise<void> {
    const pending = this.stopping.get(id);
    if (pending) return pending;
    const starting = this.starting.get(id);
    if (starting) await starting.catch(() => {});
    const s = this.live.get(id);
    if (!s) return;
    const run = (async () => {
      try {
        await s.stop();
      } finally {
        await this.locks.get(id)?.release();
        this.locks.delete(id);
        this.live.delete(id);
        this.stopping.delete(id);
        this.changed();
      }
    })();
    this.stopping.set(id, run);
    return run;
  }

  async stopAll(): Promise<void> {
    await Promise.allSettled([...this.starting.values()]);
    await Promise.all([...this.live.keys()].map((id) => this.stopSession(id)));
  }

  onDidChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  private changed(): void {
    for (const cb of [...this.listeners]) {
      try {
        cb();
      } catch (err) {
        this.logger.warn(`onDidChange listener failed: ${String(err)}`);
      }
    }
  }

  /** Epoch seconds, as Hive's meta.json has them. */
  private now(): number {
    return this.clock() / 1000;
  }

  private freshId(): string {
    for (;;) {
      const id = newSessionId(new Date(this.clock()));
      if (!this.live.has(id) && !this.starting.has(id) && !findSessionDir(this.opts.hiveHome, id)) return id;
    }
  }

  private provider(): Promise<ModelProviderLike> {
    if (!this.providerPromise) {
      const p = this.opts.provider();
      this.providerPromise = p;
      // A failed lookup (no key yet) is retried by the next start.
      p.catch(() => {
        if (this.providerPromise === p) this.providerPromise = undefined;
      });
    }
    return this.providerPromise;
  }

  /**
   * Hive's startup steps for the home, once per manager before the first session starts (docs/hive-format.md §3 rule 1 and docs/hive-format.md §3 rule 22):
   * every colony's progress.db created or migrated with stale claims reclaimed, and worker state.json files
   * still `active` from a dead runtime marked cancelled. Failures are reported, never fatal.
   */
  prepareHome(): Promise<void> {
    if (!this.homeReady) {
      this.homeReady = (async () => {
        const home = this.opts.hiveHome;
        const dbs = await ensureAllColonyDbs(home).catch((err: unknown) => {
          this.logger.warn(`colony databases not prepared: ${String(err)}`);
          return undefined;
        });
        for (const f of dbs?.failed ?? []) this.logger.warn(`progress.db of colony ${f.colony}: ${f.error}`);
        if (dbs?.reclaimed) this.logger.info?.(`progress.db: ${dbs.reclaimed} stale claim(s) reclaimed`);
        await this.cleanupStale().catch((err: unknown) =>
          this.logger.warn(`stale worker sessions not cleaned up: ${String(err)}`),
        );
      })();
    }
    return this.homeReady;
  }

  /** docs/hive-format.md §3 Rule 22 for one colony (on its load) or all of them (at start). */
  private async cleanupStale(colony?: string): Promise<void> {
    const r = await cleanupStaleSessions({
      hiveHome: this.opts.hiveHome,
      colony,
      isLive: (id) => this.live.has(id),
    });
    if (r.cancelled.length > 0)
      this.logger.info?.(`stale worker sessions marked cancelled: ${r.cancelled.length}`);
    for (const c of r.corrupt) this.logger.warn(`worker state ${c.file} unreadable: ${c.error}`);
  }

  private track(id: string, plan: () => Promise<StartPlan>): Promise<LiveSession> {
    const run = (async () => {
      await this.prepareHome();
      const p = await plan();
      return this.start(p);
    })();
    this.starting.set(id, run);
    run.then(
      (s) => {
        this.starting.delete(id);
        this.live.set(id, s);
        this.changed();
      },
      () => this.starting.delete(id),
    );
    return run;
  }

  private async planNew(id: string, options: CreateSessionOptions): Promise<StartPlan> {
    if (findSessionDir(this.opts.hiveHome, id))
      throw new Error(`session ${id} already exists on disk; resume it instead`);
    if (options.workerName && !options.colonyFolder)
      throw new Error('a worker-only session needs colonyFolder (the colony holding {workerName}.json)');
    // docs/hive-format.md §3 Rule 5: the colony is checked before anything is written; its metadata names its queen.
    const colony = options.colonyFolder
      ? await loadColony(options.colonyFolder, { workerName: options.workerName })
      : undefined;
    const provider = await this.provider();
    const selection = await selectQueen({
      queensDir: homeQueensDir(this.opts.hiveHome),
      explicitQueenId: options.queenId ?? colony?.metadata?.queen_name ?? undefined,
      firstMessage: options.initialPrompt,
      complete: completeVia(provider),
      logger: this.logger,
    });
    const dir = sessionDirFor(this.opts.hiveHome, selection.identity.queen_id, id);
    if (existsSync(dir)) throw new Error(`session folder ${dir} already exists`);
    await mkdir(dir, { recursive: true });
    return {
      id,
      dir,
      selection,
      provider,
      metaPatch: { created_at: this.now(), agent_name: null, agent_path: null },
      agentPath: null,
      iterationOffset: 0,
      prompt: options.initialPrompt,
      createdDir: true,
      colony: options.colonyFolder
        ? { folder: path.resolve(options.colonyFolder), mode: 'create', workerName: options.workerName }
        : undefined,
    };
  }

  private async planResume(id: string, options: ResumeSessionOptions): Promise<StartPlan> {
    const loc = findSessionDir(this.opts.hiveHome, id);
    if (!loc) throw new SessionNotFoundError(id);
    const read = await readMeta(loc.dir);
    // Hive carries on with an empty meta when meta.json does not parse (server/session_manager.py); so do we,
    // keeping the damaged file (start() moves it aside once the session is locked).
    const meta: SessionMeta = read.ok ? read.meta : {};
    const stored = readStoredPhase(meta.phase);
    if (stored.legacy)
      this.logger.info?.(`session ${id}: legacy phase ${stored.legacy} read as ${stored.phase}`);
    // Rule 5 resumes the colony's own session with that colony, whatever meta.agent_path says.
    let agentPath = options.colonyFolder
      ? path.resolve(options.colonyFolder)
      : typeof meta.agent_path === 'string' && meta.agent_path
        ? meta.agent_path
        : null;
    // docs/hive-format.md §3 Rule 5: a colony still being built (Hive's building/planning) is not loaded; the queen resumes alone.
    if (agentPath && (stored.legacy === 'building' || stored.legacy === 'planning')) {
      this.logger.info?.(`session ${id}: phase ${stored.legacy}; colony ${agentPath} not loaded`);
      agentPath = null;
    }
    const provider = await this.provider();
    const selection = await selectQueen({
      queensDir: homeQueensDir(this.opts.hiveHome),
      resumedQueenId: typeof meta.queen_id === 'string' ? meta.queen_id : loc.queenId,
      complete: completeVia(provider),
      logger: this.logger,
    });
    return {
      id,
      dir: loc.dir,
      selection,
      provider,
      // created_at is kept: Hive resets it on every start (server/session_manager.py _start_queen), which
      // makes a resumed session look new in its own listing; that is a bug in Hive we do not copy.
      metaPatch: typeof meta.created_at === 'number' && meta.created_at > 0 ? {} : { created_at: this.now() },
      tornMeta: read.ok ? undefined : read.error,
      agentPath,
      iterationOffset: await readIterationOffset(path.join(loc.dir, 'events.jsonl')),
      usage: (await readSessionDigest(path.join(loc.dir, 'events.jsonl'))).usage,
      prompt: options.prompt,
      createdDir: false,
      spawnedColony: spawnLockOf(this.opts.hiveHome, meta),
      model: typeof meta.model === 'string' ? meta.model : undefined,
      colony: agentPath
        ? {
            folder: agentPath,
            mode: options.colonyFolder ? 'open' : 'resume',
            workerName:
              typeof meta.worker_name === 'string' && meta.worker_name ? meta.worker_name : undefined,
          }
        : undefined,
    };
  }

  /**
   * docs/hive-format.md §3 Rule 5: a new session's colony must load (its failure fails the create). docs/hive-format.md §3 Rule 6: a resumed session
   * re-loads meta.agent_path; when that fails it goes on queen-only and says why (custom
   * `colony_restore_failed`), leaving meta.agent_path for a later try.
   */
  private async attachColony(session: LiveSession, colony: NonNullable<StartPlan['colony']>): Promise<void> {
    const load = () =>
      colony.workerName
        ? session.startAsWorker(colony.folder, colony.workerName)
        : session.loadColony(
            colony.folder,
            // Opened with its session (rule 5): working, no turn; re-loaded by a resume (rule 6): Hive's
            // load_colony and switch_to_reviewing, which wake her.
            colony.mode === 'resume' ? {} : { phase: 'working', quiet: true },
          );
    if (colony.mode === 'create') {
      await load();
      return;
    }
    try {
      await load();
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      this.logger.warn(`session ${session.id}: colony ${colony.folder} did not load; queen-only: ${error}`);
      session.bus.publish({
        type: 'custom',
        stream_id: 'queen',
        node_id: 'queen',
        execution_id: session.id,
        data: { kind: 'colony_restore_failed', agent_path: colony.folder, error },
      });
    }
  }

  /** Meta, bus, log, store, queen: any failure undoes what this start did. */
  private async start(p: StartPlan): Promise<LiveSession> {
    let log: EventLog | undefined;
    let session: LiveSession | undefined;
    // Before anything is written: another process with this session live is refused here.
    const lock = await acquireSessionLock(p.dir, p.id, { home: this.opts.hiveHome }).catch(
      async (err: unknown) => {
        if (p.createdDir) await rm(p.dir, { recursive: true, force: true }).catch(() => {});
        throw err;
      },
    );
    try {
      // With the lock held no writer of ours is left: what a crash left half-written goes.
      await sweepTempFiles(p.dir).catch(() => 0);
      const identity = p.selection.identity;
      const notices: string[] = [];
      if (p.tornMeta) notices.push(await setAsideTornMeta(p.dir, p.tornMeta, this.clock()));
      await updateMeta(p.dir, { ...p.metaPatch, queen_id: identity.queen_id });
      const bus = new EventBus({
        iterationOffset: p.iterationOffset,
        clock: this.clock,
        logger: { error: (m, e) => this.logger.warn(`${m}: ${String(e)}`) },
      });
      log = EventLog.attach(bus, path.join(p.dir, 'events.jsonl'), {
        onWriteError: (err) => this.logger.warn(`events.jsonl of ${p.id}: ${err.message}`),
      });
      const store = new PartStore(conversationsDir(p.dir), {
        conversationMeta: () => hiveConversationMeta(session?.systemPrompt() ?? ''),
        summaryDir: p.dir,
        clock: this.clock,
        onSyncError: (err, file) =>
          this.logger.warn(`part ${file} of ${p.id} not synced to disk: ${err.message}`),
      });
      session = new LiveSession({
        id: p.id,
        dir: p.dir,
        bus,
        log,
        store,
        provider: p.provider,
        queen: identity,
        profile: p.selection.profile,
        // docs/hive-format.md §3 Rule 4: the saved phase is not restored; a worker would make it `working`.
        phase: initialPhase(null, false),
        agentPath: p.agentPath,
        memoriesDir: memoriesDir(this.opts.hiveHome),
        workingDir: this.opts.workingDir,
        autoApprove: this.opts.autoApprove,
        extraTools: this.opts.extraTools?.() ?? [],
        reflection: this.opts.reflection !== false,
        stopReflectionWaitMs: this.opts.stopReflectionWaitMs ?? 3000,
        stopTurnWaitMs: this.opts.stopTurnWaitMs ?? 5000,
        logger: this.logger,
        clock: this.clock,
        onChange: () => this.changed(),
        colony: {
          concurrency: this.opts.colonyConcurrency,
          timers: this.opts.colonyTimers,
          // docs/hive-format.md §3 Rule 22 on colony load: a home-level colony's worker sessions left `active` by a dead runtime.
          onLoad: (name) => (isValidId('colony', name) ? this.cleanupStale(name) : Promise.resolve()),
        },
        hiveHome: this.opts.hiveHome,
        triggerSecrets: this.opts.triggerSecrets,
        initialUsage: p.usage,
        newSessionId: () => this.freshId(),
        spawnedColony: p.spawnedColony ?? null,
        model: p.model,
        thinking: this.opts.thinking,
      });
      bus.publish({
        type: 'queen_identity_selected',
        stream_id: 'queen',
        node_id: 'queen',
        execution_id: p.id,
        data: { ...identity },
      });
      for (const text of notices) session.notify(text);
      if (p.colony) await this.attachColony(session, p.colony);
      const live = session;
      this.locks.set(p.id, lock);
      if (p.prompt) {
        const prompt = p.prompt;
        // The first turn runs in the background; failures arrive as execution_failed events.
        queueMicrotask(() => {
          if (!live.stopped) live.send(prompt).catch((e) => this.logger.warn(String(e)));
        });
      }
      return live;
    } catch (err) {
      await session?.stop().catch(() => undefined);
      log?.close();
      await lock.release();
      if (p.createdDir) await rm(p.dir, { recursive: true, force: true }).catch(() => {});
      throw err;
    }
  }
}

/** Hive's spawn lock (`colony_spawned` + the colony's name; HEAD calls it spawned_colony_id). */
function spawnLockOf(home: string, meta: SessionMeta): SpawnedColony | null {
  if (meta.colony_spawned !== true) return null;
  const name = meta.spawned_colony_name ?? meta.spawned_colony_id;
  const valid = typeof name === 'string' && isValidId('colony', name);
  return {
    name: valid ? name : String(name ?? 'unknown'),
    path: valid ? spawnedColonyFolder(home, name) : '(unknown colony)',
    at: typeof meta.spawned_colony_at === 'string' ? meta.spawned_colony_at : undefined,
  };
}
