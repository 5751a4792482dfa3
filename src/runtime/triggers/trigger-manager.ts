import path from 'node:path';
import { HiveError } from '../errors';
import {
  type Clock,
  silentLogger,
  systemClock,
  systemTimers,
  type Timers,
  type TriggerLogger,
} from './clock';
import { CronTimer } from './cron-schedule';
import {
  describeProblem,
  isEnabled,
  patchTriggerEntry,
  readTriggersFile,
  removeTriggerEntry,
  saveTriggerFields,
  type TriggerDefinition,
  TriggerFileError,
  type TriggerProblem,
  triggersFilePath,
  upsertTriggerEntry,
  validateTriggerDefinition,
} from './definitions';
import { DeliveryJournal } from './delivery-journal';
import { DeliveryQueue, type QueuedFire } from './delivery-queue';
import { schedulePayload, type TriggerFire, webhookPayload } from './injection';
import { IntervalTimer } from './interval-timer';
import { hiveLastFiredAt, type MissedTrigger, mergeMissed, missedReport, newlyMissed } from './missed';
import type { RateLimit } from './rate-limit';
import { type Schedule, scheduleOf } from './schedule';
import { FileSecretStore, moveWorkspaceSecrets, type TriggerSecretStore } from './secrets';
import { moveStateFile, TriggerStateStore } from './trigger-state';
import {
  liveConfig,
  type TriggerSnapshot,
  type TriggerView,
  triggerEventData,
  triggerView,
} from './trigger-views';
import { WebhookHost } from './webhook-host';
import type { WebhookInfo } from './webhook-info';
import type { WebhookDecision, WebhookRequestInfo } from './webhook-server';

export type { TriggerView } from './trigger-views';

/**
 * A colony's triggers for one session (docs/hive-format.md §3 rules 8-11 and 18, without §5 bugs 4-5):
 * loads triggers.json, starts each enabled trigger exactly once, fires into the queen through one
 * delivery queue, persists enabled flags and task overrides to triggers.json and fire statistics to
 * trigger-state.json, reports missed fires, and runs the session's webhook server.
 *
 * It knows nothing of sessions or the queen: the owner injects `inject` (hand a batch to the queen),
 * `emit` (publish an event; stream "queen" unless given), optionally `isBusy`, plus clock and timers.
 * Mutating calls are serialised, so concurrent activate() calls cannot start a trigger twice.
 */

export interface TriggerManagerOptions {
  /** Folder holding triggers.json (and our trigger-state.json / trigger-secrets.json). */
  colonyDir: string;
  /** Hands a rule-18 batch to the queen; resolves once she accepted it. */
  inject: (batchText: string, fires: TriggerFire[]) => void | Promise<void>;
  emit: (type: string, data: Record<string, unknown>, streamId?: string) => void;
  /** While true, fires wait in the queue (call notifyIdle() when it turns false). */
  isBusy?: () => boolean;
  clock?: Clock;
  timers?: Timers;
  secrets?: TriggerSecretStore;
  logger?: TriggerLogger;
  /** Hive's `entry_node` in trigger events, when the colony has one. */
  entryNode?: string;
  webhook?: { maxBodyBytes?: number; rateLimit?: RateLimit; maxQueuedPerTrigger?: number };
  busyPollMs?: number;
  retryDelaysMs?: number[];
  /**
   * Where our per-colony machine state goes (delivery journal, trigger statistics, and the default
   * secrets file): colonyState.ts's folder under HIVE_HOME. Default (tests): `colonyDir`. Files an older
   * version left in the colony folder are moved here on load.
   */
  stateDir?: string;
  /**
   * Which of these journaled delivery ids the queen already has (a crash can fall between her
   * taking a delivery and the journal marking it done). Without it, such a delivery is replayed.
   */
  wasDelivered?: (deliveryIds: string[]) => Promise<Set<string>>;
}

export interface TriggerLoadResult {
  triggers: TriggerView[];
  problems: TriggerProblem[];
  /** triggers.json as a whole could not be used (nothing loaded, nothing will be overwritten). */
  fileError?: string;
  active: string[];
  inactive: string[];
  missed: MissedTrigger[];
  errors: { trigger_id: string; error: string }[];
}

export class TriggerNotFoundError extends HiveError {
  constructor(id: string) {
    super('TRIGGER_NOT_FOUND', `Trigger '${id}' not found`);
    this.name = 'TriggerNotFoundError';
  }
}

interface Runtime {
  def: TriggerDefinition;
  schedule?: Schedule;
  active: boolean;
  timer?: CronTimer | IntervalTimer;
  error?: string;
}

export interface TriggerUpdate {
  task?: string;
  name?: string;
  /** Merged into the current config; a key set to null is removed. Setting cron drops interval_minutes and vice versa. */
  trigger_config?: Record<string, unknown>;
}

export class TriggerManager {
  readonly file: string;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly logger: TriggerLogger;
  private readonly state: TriggerStateStore;
  private readonly queue: DeliveryQueue;
  private readonly runtimes = new Map<string, Runtime>();
  private readonly webhooks: WebhookHost;
  private readonly journal: DeliveryJournal;
  private readonly secrets: TriggerSecretStore;
  /** Webhook requests being persisted (awaited by close, so none is half-accepted). */
  private readonly accepting = new Set<Promise<unknown>>();
  private chain: Promise<unknown> = Promise.resolve();
  private loadResult: TriggerLoadResult | undefined;
  private closed = false;

  constructor(private readonly o: TriggerManagerOptions) {
    this.file = triggersFilePath(o.colonyDir);
    this.clock = o.clock ?? systemClock;
    this.timers = o.timers ?? systemTimers;
    this.logger = o.logger ?? silentLogger;
    this.secrets = o.secrets ?? FileSecretStore.in(o.stateDir ?? o.colonyDir);
    this.webhooks = new WebhookHost({
      secrets: this.secrets,
      triggersFile: this.file,
      now: () => this.clock.now(),
      logger: this.logger,
      maxBodyBytes: o.webhook?.maxBodyBytes,
      rateLimit: o.webhook?.rateLimit,
    });
    this.state = TriggerStateStore.beside(o.stateDir ?? o.colonyDir, () => this.clock.now(), this.logger);
    this.journal = DeliveryJournal.in(o.stateDir ?? o.colonyDir, () => this.clock.now());
    this.queue = new DeliveryQueue({
      inject: o.inject,
      isBusy: o.isBusy,
      timers: this.timers,
      busyPollMs: o.busyPollMs,
      retryDelaysMs: o.retryDelaysMs,
      onDelivered: (fires) => this.delivered(fires),
      onHandedOver: (fires) => this.handedOver(fires),
      onDropped: (fires, err) => this.dropped(fires, err),
    });
  }

  /** Loads triggers.json, reports missed fires, starts every enabled trigger once. Idempotent. */
  load(): Promise<TriggerLoadResult> {
    return this.serial(async () => {
      if (this.loadResult) return this.loadResult;
      const result: TriggerLoadResult = {
        triggers: [],
        problems: [],
        active: [],
        inactive: [],
        missed: [],
        errors: [],
      };
      let defs: TriggerDefinition[] = [];
      try {
        const list = await readTriggersFile(this.file);
        defs = list.triggers;
        result.problems = list.problems;
        for (const p of list.problems) this.logger.warn(`Skipped trigger: ${describeProblem(p)}`);
      } catch (err) {
        if (!(err instanceof TriggerFileError)) throw err;
        result.fileError = err.message;
        this.logger.warn(err.message);
      }
      await this.moveOutOfWorkspace();
      await this.state.load();
      const now = this.clock.now();
      for (const def of defs) {
        const rt: Runtime = { def, active: false };
        if (def.trigger_type === 'timer') rt.schedule = scheduleOf(def.trigger_config);
        this.runtimes.set(def.id, rt);
        // Count missed fires before activation moves activated_at.
        if (rt.schedule && isEnabled(def)) {
          const stats = this.state.get(def.id);
          const fresh = newlyMissed(rt.schedule, stats, now, hiveLastFiredAt(def));
          if (fresh) this.state.update(def.id, { pending_missed: mergeMissed(stats.pending_missed, fresh) });
        }
      }
      for (const rt of this.runtimes.values()) this.emitTrigger('trigger_available', rt);
      for (const rt of this.runtimes.values()) {
        if (!isEnabled(rt.def)) continue;
        try {
          await this.startOrRecord(rt);
          this.emitTrigger('trigger_activated', rt);
        } catch {
          const error = rt.error ?? 'unknown error';
          result.errors.push({ trigger_id: rt.def.id, error });
          this.logger.warn(`Trigger '${rt.def.id}' could not start: ${error}`);
        }
      }
      await this.replayDeliveries();
      result.missed = this.missed();
      if (result.missed.length) this.emitMissed();
      result.triggers = this.list();
      result.active = result.triggers.filter((t) => t.active).map((t) => t.trigger_id);
      result.inactive = result.triggers.filter((t) => !t.active).map((t) => t.trigger_id);
      this.loadResult = result;
      return result;
    });
  }

  list(): TriggerView[] {
    return [...this.runtimes.values()].map((rt) => this.view(rt));
  }

  get(id: string): TriggerView | undefined {
    const rt = this.runtimes.get(id);
    return rt && this.view(rt);
  }

  /** Starts a trigger and persists it as enabled. Already active: nothing happens. */
  activate(id: string): Promise<'activated' | 'already_active'> {
    return this.serial(async () => {
      const rt = this.runtime(id);
      if (rt.active) return 'already_active';
      await this.startOrRecord(rt);
      if (rt.def.enabled === false) {
        rt.def.enabled = true;
        await patchTriggerEntry(this.file, id, { enabled: true });
      }
      this.emitTrigger('trigger_activated', rt);
      return 'activated';
    });
  }

  /** Stops a trigger and persists it as disabled (a restart keeps it off, unlike Hive). */
  deactivate(id: string): Promise<'deactivated' | 'already_inactive'> {
    return this.serial(async () => {
      const rt = this.runtime(id);
      const wasActive = rt.active;
      this.stop(rt);
      // Scheduled fires still waiting go too; accepted webhook requests are still delivered.
      this.queue.drop(id, (f) => f.kind === 'scheduled');
      if (rt.def.enabled !== false) {
        rt.def.enabled = false;
        await patchTriggerEntry(this.file, id, { enabled: false });
      }
      if (!wasActive) return 'already_inactive';
      this.emit('trigger_deactivated', {
        trigger_id: id,
        trigger_type: rt.def.trigger_type,
        name: rt.def.name || id,
      });
      return 'deactivated';
    });
  }

  /** Fires once now (`forced: true`), active or not; the schedule is unchanged. */
  runNow(id: string): Promise<'queued' | 'already_queued'> {
    return this.serial(async () => {
      const rt = this.runtime(id);
      const r = this.queue.enqueue({
        trigger_id: id,
        trigger_type: rt.def.trigger_type,
        payload: schedulePayload(rt.def, { forced: true }),
        coalesceKey: id,
        kind: 'manual',
      });
      return r === 'queued' ? 'queued' : 'already_queued';
    });
  }

  /** Defines a new trigger (the queen's set_trigger with a new id), saves it, and by default starts it. */
  add(input: unknown, { activate = true } = {}): Promise<TriggerView> {
    return this.serial(async () => {
      const def = validateTriggerDefinition(input, 'trigger');
      if (this.runtimes.has(def.id)) throw new Error(`Trigger '${def.id}' already exists; update it instead`);
      if (!activate) def.enabled = false;
      else delete def.enabled;
      const rt: Runtime = { def, active: false };
      if (def.trigger_type === 'timer') rt.schedule = scheduleOf(def.trigger_config);
      await upsertTriggerEntry(this.file, def);
      this.runtimes.set(def.id, rt);
      this.emitTrigger('trigger_available', rt);
      if (activate) {
        await this.startOrRecord(rt);
        this.emitTrigger('trigger_activated', rt);
      }
      return this.view(rt);
    });
  }

  /** Changes task, name or config; saved to triggers.json; an active trigger restarts on the new config. */
  update(id: string, patch: TriggerUpdate): Promise<TriggerView> {
    return this.serial(async () => {
      const rt = this.runtime(id);
      const config = { ...rt.def.trigger_config };
      if (patch.trigger_config) {
        if (patch.trigger_config.cron != null) delete config.interval_minutes;
        if (patch.trigger_config.interval_minutes != null) delete config.cron;
        for (const [k, v] of Object.entries(patch.trigger_config)) {
          if (v === null) delete config[k];
          else config[k] = v;
        }
      }
      const next = validateTriggerDefinition(
        {
          ...rt.def,
          ...(patch.task !== undefined ? { task: patch.task } : {}),
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          trigger_config: config,
        },
        `trigger '${id}'`,
      );
      const schedule = next.trigger_type === 'timer' ? scheduleOf(next.trigger_config) : undefined;
      const fields = (['task', 'name', 'trigger_config'] as const).filter((f) => patch[f] !== undefined);
      await saveTriggerFields(this.file, next, [...fields]);
      const restart = rt.active && patch.trigger_config !== undefined;
      if (restart) this.stop(rt);
      rt.def = next;
      rt.schedule = schedule;
      if (restart) await this.startOrRecord(rt);
      this.emit('trigger_updated', {
        trigger_id: id,
        task: next.task,
        trigger_config: liveConfig(this.snapshot(rt), this.clock.now()),
        trigger_type: next.trigger_type,
        name: next.name || id,
        ...(this.o.entryNode ? { entry_node: this.o.entryNode } : {}),
      });
      return this.view(rt);
    });
  }

  /** Stops the trigger and deletes it from triggers.json, with its secret and stats. */
  remove(id: string): Promise<void> {
    return this.serial(async () => {
      const rt = this.runtime(id);
      this.stop(rt);
      this.queue.drop(id);
      await removeTriggerEntry(this.file, id);
      await this.webhooks.forget(id);
      this.state.delete(id);
      this.runtimes.delete(id);
      this.emitTrigger('trigger_removed', rt);
    });
  }

  /** Hive's state.json trigger fields (docs/hive-format.md §2.5), for the session to save beside its own. */
  sessionState(): { active_triggers: string[]; trigger_tasks: Record<string, string> } {
    const active = [...this.runtimes.values()].filter((rt) => rt.active);
    return {
      active_triggers: active.map((rt) => rt.def.id),
      trigger_tasks: Object.fromEntries(
        active.filter((rt) => rt.def.task).map((rt) => [rt.def.id, rt.def.task]),
      ),
    };
  }

  /** Missed fires waiting for the user's decision. */
  missed(): MissedTrigger[] {
    const now = this.clock.now();
    const out: MissedTrigger[] = [];
    for (const rt of this.runtimes.values()) {
      const pending = this.state.get(rt.def.id).pending_missed;
      if (pending) out.push(missedReport(rt.def, rt.schedule, pending, now));
    }
    return out;
  }

  /** Runs each listed trigger once for all its missed fires (`catch_up: true`), then forgets them. */
  runMissedOnce(ids?: string[]): Promise<string[]> {
    return this.resolveMissed(ids, (rt, count) => {
      this.queue.enqueue({
        trigger_id: rt.def.id,
        trigger_type: rt.def.trigger_type,
        payload: schedulePayload(rt.def, { catch_up: true, missed_count: count }),
        coalesceKey: rt.def.id,
        kind: 'catch_up',
      });
    });
  }

  skipMissed(ids?: string[]): Promise<string[]> {
    return this.resolveMissed(ids, () => undefined);
  }

  /** The queen is idle again: deliver waiting fires now. */
  notifyIdle(): void {
    this.queue.notifyIdle();
  }

  /** Resolves once no fire waits or is being handed over. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  /** URL, secret and copy-able curl examples for a webhook trigger. */
  webhookInfo(id: string): Promise<WebhookInfo> {
    const rt = this.runtime(id);
    if (rt.def.trigger_type !== 'webhook') throw new Error(`Trigger '${id}' is not a webhook trigger`);
    return this.webhooks.info(rt.def);
  }

  /** The webhook server's port, once it listens. */
  get webhookPort(): number | undefined {
    return this.webhooks.port;
  }

  /**
   * Stops every timer, closes the webhook server and saves statistics. Definitions are untouched.
   * `emitRemoved` reproduces Hive's colony unload (a trigger_removed event per trigger).
   */
  close({ emitRemoved = false } = {}): Promise<void> {
    return this.serial(
      async () => {
        if (this.closed) return;
        this.closed = true;
        for (const rt of this.runtimes.values()) {
          this.stop(rt);
          if (emitRemoved) this.emitTrigger('trigger_removed', rt);
        }
        // No new request first, then let the ones being persisted finish: each gets its 202.
        await this.webhooks.close();
        await Promise.allSettled([...this.accepting]);
        const kept = this.queue.close().filter((f) => f.deliveryId !== undefined).length;
        if (kept)
          this.logger.info(
            `${kept} accepted webhook deliveries kept for the next start (${this.journal.file})`,
          );
        await this.state.flush();
      },
      { whenClosed: true },
    );
  }

  // ── internals ──────────────────────────────────────────────────────────

  /** One mutating operation at a time; after close() only close() itself is accepted. */
  private serial<T>(fn: () => Promise<T>, { whenClosed = false } = {}): Promise<T> {
    const run = async () => {
      if (this.closed && !whenClosed) throw new Error('Trigger manager is closed');
      return fn();
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private runtime(id: string): Runtime {
    const rt = this.runtimes.get(id);
    if (!rt) throw new TriggerNotFoundError(id);
    return rt;
  }

  /** start(), remembering why it failed (shown in the trigger's view) before rethrowing. */
  private async startOrRecord(rt: Runtime): Promise<void> {
    try {
      await this.start(rt);
    } catch (err) {
      rt.error = (err as Error).message;
      throw err;
    }
  }

  private async start(rt: Runtime): Promise<void> {
    if (rt.active) return;
    const id = rt.def.id;
    const now = this.clock.now();
    if (rt.def.trigger_type === 'timer') {
      const schedule = rt.schedule!;
      const onFire = () => this.timerFired(id, timer);
      const timer =
        schedule.kind === 'cron'
          ? new CronTimer(schedule.cron, onFire, this.logger)
          : new IntervalTimer(schedule.intervalMs, now, this.clock, this.timers, onFire);
      rt.timer = timer;
      timer.start();
    } else {
      await this.webhooks.attach(rt.def, (req) => this.webhookRequest(id, req));
    }
    rt.active = true;
    rt.error = undefined;
    this.state.update(id, { activated_at: now });
  }

  private stop(rt: Runtime): void {
    rt.timer?.stop();
    rt.timer = undefined;
    this.webhooks.detach(rt.def.id);
    rt.active = false;
  }

  private timerFired(id: string, timer: CronTimer | IntervalTimer): void {
    const rt = this.runtimes.get(id);
    if (!rt || rt.timer !== timer || !rt.active) return;
    this.queue.enqueue({
      trigger_id: id,
      trigger_type: 'timer',
      payload: schedulePayload(rt.def),
      coalesceKey: id,
      kind: 'scheduled',
    });
  }

  private webhookRequest(id: string, req: WebhookRequestInfo): Promise<WebhookDecision> {
    const run = this.acceptWebhook(id, req);
    this.accepting.add(run);
    void run.finally(() => this.accepting.delete(run));
    return run;
  }

  /** Persists the delivery, then queues it: the 202 is only sent once it is durable. */
  private async acceptWebhook(id: string, req: WebhookRequestInfo): Promise<WebhookDecision> {
    const rt = this.runtimes.get(id);
    if (!rt?.active || this.closed) return { accepted: false, status: 404, error: 'Not found' };
    // A redelivery of a delivery already accepted: answered as before, not fired again.
    if (req.delivery_key !== undefined && this.journal.seen(`${id}:${req.delivery_key}`))
      return { accepted: true, duplicate: true };
    const cap = this.o.webhook?.maxQueuedPerTrigger ?? 100;
    if (this.queue.waitingFor(id) >= cap) {
      return {
        accepted: false,
        status: 503,
        error: 'The queen has too many requests waiting for this trigger',
        retryAfterSeconds: 30,
      };
    }
    const deliveryId = DeliveryJournal.newId();
    const payload = webhookPayload(rt.def, req, deliveryId);
    try {
      await this.journal.accept({
        id: deliveryId,
        trigger_id: id,
        payload,
        at: this.clock.now(),
        ...(req.delivery_key !== undefined ? { key: `${id}:${req.delivery_key}` } : {}),
      });
    } catch (err) {
      this.logger.warn(`Webhook delivery for '${id}' could not be persisted: ${(err as Error).message}`);
      return {
        accepted: false,
        status: 503,
        error: 'The delivery could not be stored',
        retryAfterSeconds: 5,
      };
    }
    const { delivery_key: _key, ...shown } = req;
    this.emit('webhook_received', { ...shown, delivery_id: deliveryId }, id);
    this.queue.enqueue({ trigger_id: id, trigger_type: 'webhook', payload, kind: 'webhook', deliveryId });
    return { accepted: true };
  }

  /** Secrets and statistics an older version kept in the colony folder move to the state folder, once. */
  private async moveOutOfWorkspace(): Promise<void> {
    const notices: string[] = [];
    try {
      const moved = await moveWorkspaceSecrets(this.o.colonyDir, this.secrets);
      if (moved) notices.push(moved);
    } catch (err) {
      notices.push(`Webhook secrets in ${this.o.colonyDir} could not be moved: ${(err as Error).message}`);
    }
    if (this.o.stateDir && path.resolve(this.o.stateDir) !== path.resolve(this.o.colonyDir)) {
      const moved = await moveStateFile(this.o.colonyDir, this.o.stateDir).catch((err: Error) => err.message);
      if (moved) notices.push(moved);
    }
    for (const message of notices) {
      this.logger.warn(message);
      this.emit('custom', { kind: 'trigger_files_moved', message });
    }
  }

  /** Hands over again the deliveries a stop or crash left in the journal (each once). */
  private async replayDeliveries(): Promise<void> {
    const pending = await this.journal.load();
    if (!pending.length) return;
    const had = (await this.o.wasDelivered?.(pending.map((d) => d.id)).catch(() => undefined)) ?? new Set();
    const already = pending.filter((d) => had.has(d.id)).map((d) => d.id);
    let replayed = 0;
    const gone: string[] = [];
    for (const d of pending) {
      if (had.has(d.id)) continue;
      if (!this.runtimes.has(d.trigger_id)) {
        this.logger.warn(`Webhook delivery ${d.id} is for trigger '${d.trigger_id}', which no longer exists`);
        gone.push(d.id);
        continue;
      }
      this.queue.enqueue({
        trigger_id: d.trigger_id,
        trigger_type: 'webhook',
        payload: d.payload,
        kind: 'webhook',
        deliveryId: d.id,
      });
      replayed++;
    }
    await this.journal.done([...already, ...gone]);
    if (replayed) this.logger.info(`Replaying ${replayed} webhook deliveries accepted before the last stop`);
  }

  /** Journal bookkeeping: these deliveries are the queen's now. */
  private handedOver(fires: QueuedFire[]): void {
    const ids = fires.flatMap((f) => (f.deliveryId ? [f.deliveryId] : []));
    this.journal.done(ids).catch((err: unknown) => {
      this.logger.warn(`Webhook deliveries could not be marked done: ${(err as Error).message}`);
    });
  }

  private delivered(fires: QueuedFire[]): void {
    const now = this.clock.now();
    for (const f of fires) {
      const rt = this.runtimes.get(f.trigger_id);
      const stats = this.state.get(f.trigger_id);
      const updated = this.state.update(f.trigger_id, {
        fire_count: stats.fire_count + 1,
        last_fired_at: now,
      });
      const next = rt?.timer?.nextFireAt;
      this.emit('trigger_fired', {
        trigger_id: f.trigger_id,
        trigger_type: f.trigger_type,
        name: rt?.def.name || f.trigger_id,
        task: rt?.def.task ?? '',
        last_fired_at: now,
        fire_count: updated.fire_count,
        ...(next !== undefined ? { next_fire_in: Math.max(0, (next - now) / 1000), next_fire_at: next } : {}),
        ...(f.kind === 'manual' ? { forced: true } : {}),
        ...(f.kind === 'catch_up' ? { catch_up: true } : {}),
        ...(f.coalesced ? { coalesced: f.coalesced } : {}),
      });
    }
  }

  private dropped(fires: QueuedFire[], err: unknown): void {
    const ids = [...new Set(fires.map((f) => f.trigger_id))];
    const error = err instanceof Error ? err.message : String(err);
    this.logger.warn(`Trigger fire(s) for ${ids.join(', ')} dropped after retries: ${error}`);
    this.emit('custom', { kind: 'trigger_delivery_failed', trigger_ids: ids, count: fires.length, error });
  }

  private resolveMissed(
    ids: string[] | undefined,
    act: (rt: Runtime, count: number) => void,
  ): Promise<string[]> {
    return this.serial(async () => {
      const done: string[] = [];
      for (const m of this.missed()) {
        if (ids && !ids.includes(m.trigger_id)) continue;
        const rt = this.runtimes.get(m.trigger_id)!;
        act(rt, m.count);
        this.state.update(m.trigger_id, { pending_missed: undefined });
        done.push(m.trigger_id);
      }
      if (done.length) this.emitMissed();
      return done;
    });
  }

  private emitMissed(): void {
    this.emit('missed_triggers', { triggers: this.missed() });
  }

  private snapshot(rt: Runtime): TriggerSnapshot {
    const id = rt.def.id;
    return {
      def: rt.def,
      schedule: rt.schedule,
      active: rt.active,
      nextFireAt: rt.timer?.nextFireAt,
      stats: this.state.has(id) ? this.state.get(id) : undefined,
      webhookUrl: rt.def.trigger_type === 'webhook' ? this.webhooks.urlFor(rt.def) : undefined,
      missed: this.missed().find((m) => m.trigger_id === id),
      error: rt.error,
    };
  }

  private view(rt: Runtime): TriggerView {
    return triggerView(this.snapshot(rt), this.clock.now());
  }

  private emitTrigger(type: string, rt: Runtime): void {
    this.emit(type, triggerEventData(this.snapshot(rt), this.clock.now(), this.o.entryNode));
  }

  private emit(type: string, data: Record<string, unknown>, streamId?: string): void {
    try {
      this.o.emit(type, data, streamId);
    } catch (err) {
      this.logger.warn(`Event ${type} could not be emitted: ${(err as Error).message}`);
    }
  }
}
