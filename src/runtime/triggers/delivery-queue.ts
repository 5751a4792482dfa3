import type { Timers } from './clock';
import { formatTriggerBatch, type TriggerFire } from './injection';

/**
 * Hands trigger fires to the queen, one batch at a time:
 * - fires that arrive together (same tick) go out as one batched message (docs/hive-format.md §3 rule 18);
 * - while the queen is busy (`isBusy()`), or while a batch is still being accepted (`inject`'s
 *   promise), new fires wait in the queue: nothing is lost;
 * - a scheduled or manual fire of a trigger that already has a fire waiting is folded into it
 *   (counted in `coalesced`), so a long busy spell delivers it once, not once per tick; webhook
 *   requests are distinct events and are never folded;
 * - batches are strictly sequential, so two runs of one trigger never overlap;
 * - a failed injection is retried with backoff, then dropped with a report.
 */

export interface QueuedFire extends TriggerFire {
  /** Fires with the same key fold into one while waiting (timer, manual and catch-up fires). */
  coalesceKey?: string;
  /** Further fires folded into this one. */
  coalesced: number;
  /** What the fire was: for events and stats. */
  kind: 'scheduled' | 'manual' | 'catch_up' | 'webhook';
  /** A webhook delivery's id in the delivery journal (marked done once handed over). */
  deliveryId?: string;
}

export interface DeliveryQueueOptions {
  /** Resolves when the queen has accepted the batch. */
  inject: (batchText: string, fires: TriggerFire[]) => void | Promise<void>;
  isBusy?: () => boolean;
  onDelivered: (fires: QueuedFire[]) => void;
  /** The queen accepted the batch; called even when the queue was closed meanwhile (durable bookkeeping). */
  onHandedOver?: (fires: QueuedFire[]) => void;
  onDropped: (fires: QueuedFire[], error: unknown) => void;
  timers: Timers;
  /** How often to look again while the queen is busy and nobody called notifyIdle(). */
  busyPollMs?: number;
  retryDelaysMs?: number[];
  maxBatch?: number;
}

export class DeliveryQueue {
  private queue: QueuedFire[] = [];
  private inFlight: QueuedFire[] = [];
  private pumping = false;
  private wakeHandle: unknown;
  private attempt = 0;
  private closed = false;
  private idleWaiters: (() => void)[] = [];

  constructor(private readonly o: DeliveryQueueOptions) {}

  /** Queues a fire; returns 'coalesced' when it was folded into a waiting fire of the same trigger. */
  enqueue(fire: Omit<QueuedFire, 'coalesced'>): 'queued' | 'coalesced' {
    if (this.closed) return 'coalesced';
    if (fire.coalesceKey !== undefined) {
      const waiting = this.queue.find((f) => f.coalesceKey === fire.coalesceKey);
      if (waiting) {
        waiting.coalesced++;
        return 'coalesced';
      }
    }
    this.queue.push({ ...fire, coalesced: 0 });
    this.schedule(0);
    return 'queued';
  }

  /** Fires waiting (not yet handed over) for this trigger. */
  waitingFor(triggerId: string): number {
    return this.queue.filter((f) => f.trigger_id === triggerId).length;
  }

  hasWaiting(triggerId: string, coalesceKey?: string): boolean {
    return this.queue.some(
      (f) => f.trigger_id === triggerId && (coalesceKey === undefined || f.coalesceKey === coalesceKey),
    );
  }

  /** Drops waiting fires of a trigger (e.g. scheduled ones after deactivation). */
  drop(triggerId: string, filter: (f: QueuedFire) => boolean = () => true): number {
    const before = this.queue.length;
    this.queue = this.queue.filter((f) => !(f.trigger_id === triggerId && filter(f)));
    return before - this.queue.length;
  }

  /** The queen finished a turn: deliver what waits now rather than at the next poll. */
  notifyIdle(): void {
    if (this.queue.length) this.schedule(0);
  }

  get size(): number {
    return this.queue.length + this.inFlight.length;
  }

  /** Resolves when nothing waits or is in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops delivering; returns the fires that were still waiting (a batch in flight still completes). */
  close(): QueuedFire[] {
    this.closed = true;
    const waiting = this.queue;
    this.queue = [];
    if (this.wakeHandle !== undefined) this.o.timers.clearTimeout(this.wakeHandle);
    this.wakeHandle = undefined;
    this.settleIdle();
    return waiting;
  }

  private schedule(ms: number): void {
    if (this.closed || this.pumping) return;
    if (this.wakeHandle !== undefined) {
      if (ms > 0) return;
      this.o.timers.clearTimeout(this.wakeHandle);
    }
    // Even "now" goes through a timer: fires of the same tick join one batch.
    this.wakeHandle = this.o.timers.setTimeout(() => {
      this.wakeHandle = undefined;
      void this.pump();
    }, ms);
  }

  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    let retryIn: number | undefined;
    try {
      while (!this.closed && this.queue.length) {
        if (this.o.isBusy?.()) {
          retryIn = this.o.busyPollMs ?? 1000;
          break;
        }
        const batch = this.queue.splice(0, this.o.maxBatch ?? 50);
        this.inFlight = batch;
        try {
          await this.o.inject(
            formatTriggerBatch(batch),
            batch.map(({ trigger_id, trigger_type, payload }) => ({ trigger_id, trigger_type, payload })),
          );
        } catch (err) {
          this.inFlight = [];
          if (this.closed) break;
          const delays = this.o.retryDelaysMs ?? [1000, 5000, 15_000, 30_000, 60_000];
          if (this.attempt < delays.length) {
            retryIn = delays[this.attempt++];
            this.requeue(batch);
            break;
          }
          this.attempt = 0;
          this.report(() => this.o.onDropped(batch, err));
          continue;
        }
        this.inFlight = [];
        this.attempt = 0;
        if (this.o.onHandedOver) this.report(() => this.o.onHandedOver!(batch));
        if (!this.closed) this.report(() => this.o.onDelivered(batch));
      }
    } finally {
      this.pumping = false;
    }
    if (retryIn !== undefined) this.schedule(retryIn);
    else if (this.queue.length) this.schedule(0);
    this.settleIdle();
  }

  /** Callbacks must not stop the queue. */
  private report(fn: () => void): void {
    try {
      fn();
    } catch {
      // The owner's bookkeeping failed; delivery itself already happened (or was abandoned).
    }
  }

  /** Puts a failed batch back in front, folding fires queued meanwhile for the same triggers. */
  private requeue(batch: QueuedFire[]): void {
    const keys = new Map(batch.filter((f) => f.coalesceKey !== undefined).map((f) => [f.coalesceKey, f]));
    const rest = this.queue.filter((f) => {
      const earlier = f.coalesceKey !== undefined ? keys.get(f.coalesceKey) : undefined;
      if (earlier) earlier.coalesced += 1 + f.coalesced;
      return !earlier;
    });
    this.queue = [...batch, ...rest];
  }

  private settleIdle(): void {
    if (this.size !== 0 && !this.closed) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
