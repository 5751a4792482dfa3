import path from 'node:path';
import type { Tool } from '../agent/types';
import type { EventBus } from '../events/bus';
import type { HiveEventType } from '../events/types';
import { type Clock, silentLogger, systemTimers, type Timers, type TriggerLogger } from './clock';
import { hiveStateFile, readHiveTriggerState, writeHiveTriggerState } from './hive-session-state';
import type { MissedTrigger } from './missed';
import { describeTriggersForQueen } from './queen-text';
import type { TriggerSecretStore } from './secrets';
import {
  type TriggerLoadResult,
  TriggerManager,
  type TriggerManagerOptions,
  type TriggerView,
} from './trigger-manager';
import { triggerTools } from './trigger-tools';
import type { WebhookInfo } from './webhook-info';

/** What a session gives its triggers. */
export interface SessionTriggersHost {
  sessionId: string;
  /** The session's folder. Trigger state lives beside triggers.json in the colony, not here. */
  sessionDir: string;
  bus: EventBus;
  /**
   * Hands a rule-18 batch (`[TRIGGER: <type>/<id>]` blocks) to the queen as one user part
   * (`is_trigger: true`). Resolve once the part is queued for her: the next batch waits for
   * `isQueenBusy()` to turn false, so it need not wait for her whole turn.
   */
  injectToQueen(text: string): void | Promise<void>;
  isQueenBusy(): boolean;
  clock?: Clock;
  /** Defaults to `clock` when it has timers (test/support/fake-clock.ts), else the system's. */
  timers?: Timers;
  logger?: TriggerLogger;
  /** Defaults to trigger-secrets.json beside triggers.json. */
  secrets?: (colonyDir: string) => TriggerSecretStore;
  webhook?: TriggerManagerOptions['webhook'];
  busyPollMs?: number;
  /** Where a colony's machine state goes (delivery journal); default: the colony folder. */
  stateDir?: (colonyDir: string) => string;
  /** Which journaled webhook deliveries the queen's conversation already holds (crash between the two). */
  wasDelivered?: TriggerManagerOptions['wasDelivered'];
}

const hasTimers = (c: unknown): c is Timers =>
  typeof (c as Timers | undefined)?.setTimeout === 'function' &&
  typeof (c as Timers | undefined)?.clearTimeout === 'function';

/**
 * One session's triggers: the colony attached to the session (at most one), its TriggerManager,
 * the queen's trigger tools, and what the panel shows. Attach/detach are serialised and
 * idempotent, so a trigger never runs twice in a session (Hive docs/hive-format.md §5 bug 5), and a detach always
 * leaves no timer and no listening socket behind.
 */
export class SessionTriggers {
  private manager: TriggerManager | undefined;
  private dir: string | undefined;
  private loaded: TriggerLoadResult | undefined;
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<() => void>();
  private offBus: (() => void) | undefined;
  /** The last write of Hive's state.json (never rejects). */
  private hiveWrite: Promise<void> = Promise.resolve();
  private readonly logger: TriggerLogger;
  private readonly queenTools: Tool[];

  constructor(private readonly host: SessionTriggersHost) {
    this.logger = host.logger ?? silentLogger;
    this.queenTools = triggerTools(() => this.manager);
  }

  /** The folder whose triggers.json is attached, if any. */
  get colonyDir(): string | undefined {
    return this.dir;
  }

  /** What the last attach found: skipped entries, an unusable file, triggers that could not start. */
  get loadReport(): Pick<TriggerLoadResult, 'problems' | 'fileError' | 'errors'> | undefined {
    const r = this.loaded;
    return r && { problems: r.problems, fileError: r.fileError, errors: r.errors };
  }

  /** The manager of the attached colony (for update(), webhookPort, tests). */
  get triggerManager(): TriggerManager | undefined {
    return this.manager;
  }

  /**
   * Reads `<colonyDir>/triggers.json`, offers every trigger (trigger_available), starts the enabled
   * ones once (trigger_activated), reports missed fires (missed_triggers), and returns the trigger
   * lines of the colony-loaded message. The same folder again returns the same text and starts
   * nothing; another folder detaches the first.
   */
  attach(colonyDir: string): Promise<string> {
    return this.serial(async () => {
      const dir = path.resolve(colonyDir);
      if (this.manager && this.dir === dir && this.loaded) return this.queenText();
      if (this.manager) await this.close(true);
      const manager = new TriggerManager({
        colonyDir: dir,
        inject: (text) => this.host.injectToQueen(text),
        emit: (type, data, streamId) => this.emit(type, data, streamId),
        isBusy: () => this.host.isQueenBusy(),
        clock: this.host.clock,
        timers: this.host.timers ?? (hasTimers(this.host.clock) ? this.host.clock : systemTimers),
        secrets: this.host.secrets?.(dir),
        logger: this.logger,
        webhook: this.host.webhook,
        busyPollMs: this.host.busyPollMs,
        stateDir: this.host.stateDir?.(dir),
        wasDelivered: this.host.wasDelivered,
      });
      this.manager = manager;
      this.dir = dir;
      try {
        this.loaded = await manager.load();
      } catch (err) {
        await this.close(false);
        throw err;
      }
      // Hive's state.json: triggers it lists as active start here too (with its task), then it follows ours.
      const stateFile = hiveStateFile(this.host.sessionDir, this.host.sessionId);
      const hive = await readHiveTriggerState(stateFile);
      for (const id of hive?.active_triggers ?? []) {
        const t = manager.list().find((x) => x.trigger_id === id);
        if (!t) continue;
        const task = hive?.trigger_tasks[id];
        if (task && task !== t.task) await manager.update(id, { task }).catch(() => undefined);
        if (!t.active)
          await manager
            .activate(id)
            .catch((err: unknown) =>
              this.logger.warn(`Trigger '${id}' from state.json did not start: ${String(err)}`),
            );
      }
      const saveHiveState = () => {
        const fields = manager.sessionState();
        this.hiveWrite = this.hiveWrite
          .then(() =>
            writeHiveTriggerState(
              stateFile,
              this.host.sessionId,
              fields,
              (this.host.clock?.now ?? Date.now)(),
            ),
          )
          .catch((err: unknown) =>
            this.logger.warn(`state.json of ${this.host.sessionId} not written: ${String(err)}`),
          );
      };
      saveHiveState();
      // Her turn ended: deliver waiting fires now rather than at the next busy poll.
      const offIdle = this.host.bus.subscribe(
        { types: ['llm_turn_complete', 'execution_completed', 'execution_failed'], streams: ['queen'] },
        () => manager.notifyIdle(),
      );
      const offState = this.host.bus.subscribe(
        { types: ['trigger_activated', 'trigger_deactivated', 'trigger_removed', 'trigger_updated'] },
        () => {
          if (this.manager === manager) saveHiveState();
        },
      );
      this.offBus = () => {
        offIdle();
        offState();
      };
      this.changed();
      return this.queenText();
    });
  }

  /**
   * Stops every timer, closes the webhook server and saves fire statistics; definitions stay.
   * `emitRemoved` (colony unload, as Hive) sends trigger_removed for each trigger; a session stop
   * does not. No-op when nothing is attached.
   */
  detach({ emitRemoved = false }: { emitRemoved?: boolean } = {}): Promise<void> {
    return this.serial(() => this.close(emitRemoved));
  }

  /** set_trigger, remove_trigger, list_triggers; they act on the colony attached when called. */
  tools(): Tool[] {
    return this.queenTools;
  }

  /** Triggers of the attached colony (src/extension maps them to what the panel draws). */
  list(): TriggerView[] {
    return this.manager?.list() ?? [];
  }

  /** Missed fires waiting for the user's choice (run once / skip). */
  missed(): MissedTrigger[] {
    return this.manager?.missed() ?? [];
  }

  async activate(id: string): Promise<void> {
    await this.attached().activate(id);
  }

  async deactivate(id: string): Promise<void> {
    await this.attached().deactivate(id);
  }

  async runNow(id: string): Promise<void> {
    await this.attached().runNow(id);
  }

  /** The user's answer to missed_triggers: run each missed trigger once (`catch_up`), or skip them. */
  async resolveMissed(action: 'run' | 'skip', ids?: string[]): Promise<void> {
    const m = this.attached();
    if (action === 'run') await m.runMissedOnce(ids);
    else await m.skipMissed(ids);
  }

  /** The secret callers of a webhook trigger must send (created if it has none yet). */
  async webhookSecret(id: string): Promise<string | undefined> {
    return (await this.webhookInfo(id))?.secret;
  }

  /** URL, methods, secret, where the secret is stored, curl examples; undefined for other triggers. */
  async webhookInfo(id: string): Promise<WebhookInfo | undefined> {
    const m = this.manager;
    if (m?.get(id)?.trigger_type !== 'webhook') return undefined;
    return m.webhookInfo(id);
  }

  /** Call when the queen becomes idle: waiting fires go out at once. */
  notifyQueenIdle(): void {
    this.manager?.notifyIdle();
  }

  /** Hive's state.json fields (active_triggers, trigger_tasks), for whoever writes one. */
  sessionState(): { active_triggers: string[]; trigger_tasks: Record<string, string> } {
    return this.manager?.sessionState() ?? { active_triggers: [], trigger_tasks: {} };
  }

  /** Called after anything the panel shows changed (trigger events, attach, detach). */
  onDidChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => {
      this.listeners.delete(cb);
    };
  }

  // ── internals ──────────────────────────────────────────────────────────

  private queenText(): string {
    return describeTriggersForQueen(this.manager?.list() ?? []);
  }

  private attached(): TriggerManager {
    if (!this.manager) throw new Error('No colony is loaded in this session, so it has no triggers');
    return this.manager;
  }

  private async close(emitRemoved: boolean): Promise<void> {
    const m = this.manager;
    if (!m) return;
    this.offBus?.();
    this.offBus = undefined;
    await this.hiveWrite;
    this.manager = undefined;
    this.dir = undefined;
    this.loaded = undefined;
    try {
      await m.close({ emitRemoved });
    } finally {
      this.changed();
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private emit(type: string, data: Record<string, unknown>, streamId = 'queen'): void {
    this.host.bus.publish({
      type: type as HiveEventType,
      stream_id: streamId,
      node_id: streamId === 'queen' ? 'queen' : null,
      execution_id: this.host.sessionId,
      // biome-ignore lint/suspicious/noExplicitAny: the manager emits Hive's trigger_* data shapes
      data: data as any,
    });
    // webhook_received and delivery reports change nothing the panel shows.
    if (type.startsWith('trigger_') || type === 'missed_triggers') this.changed();
  }

  private changed(): void {
    for (const cb of [...this.listeners]) {
      try {
        cb();
      } catch (err) {
        this.logger.warn(`trigger change listener failed: ${String(err)}`);
      }
    }
  }
}
