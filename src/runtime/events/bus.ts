import { type Clock, isoLocal, systemClock } from './timestamp';
import {
  type HiveEvent,
  type HiveEventData,
  type HiveEventOf,
  type HiveEventType,
  isHiveEventType,
} from './types';

/** What a publisher supplies; the bus fills the timestamp and defaults every optional id to null (Hive's nulls). */
export interface PublishInput<T extends HiveEventType = HiveEventType> {
  type: T;
  stream_id: string;
  node_id?: string | null;
  execution_id?: string | null;
  data?: HiveEventData<T>;
  correlation_id?: string | null;
  colony_id?: string | null;
  /** Written only when set, as Hive does. */
  run_id?: string | null;
}

/**
 * Which events a subscriber wants. A missing field matches everything; a given list matches only its members
 * (so an empty list matches nothing, as an empty `event_types` does in Hive). The fields combine with AND.
 */
export interface EventFilter {
  types?: readonly HiveEventType[];
  streams?: readonly string[];
  /** `null` in these lists matches events without that id. */
  nodes?: readonly (string | null)[];
  executions?: readonly (string | null)[];
  colonies?: readonly (string | null)[];
}

/** May be async; the bus does not wait for it, but reports a rejection like a throw. */
export type EventListener = (event: HiveEvent) => void | PromiseLike<void>;

export interface EventBusLogger {
  error(message: string, error: unknown): void;
}

export interface EventBusOptions {
  /** Epoch milliseconds for event timestamps (tests pin it). */
  clock?: Clock;
  /** Added to `data.iteration` of every event that has one; see offset.ts for how a resumed session gets it. */
  iterationOffset?: number;
  /** Where listener failures go; they never reach the publisher. Defaults to console.error. */
  logger?: EventBusLogger;
}

interface Subscription {
  types: ReadonlySet<string> | undefined;
  streams: ReadonlySet<string> | undefined;
  nodes: ReadonlySet<string | null> | undefined;
  executions: ReadonlySet<string | null> | undefined;
  colonies: ReadonlySet<string | null> | undefined;
  listener: EventListener;
  active: boolean;
}

const toSet = <T>(list: readonly T[] | undefined): ReadonlySet<T> | undefined =>
  list === undefined ? undefined : new Set(list);

/**
 * Synchronous pub/sub for one session, carrying Hive's events. `publish` stamps the event, applies the iteration
 * offset (so live subscribers and events.jsonl see the same numbers, as in Hive), runs the sinks (persistence)
 * and then the matching listeners, all before it returns. A failing sink or listener is logged and skipped.
 */
export class EventBus {
  iterationOffset: number;
  private readonly clock: Clock;
  private readonly logger: EventBusLogger;
  // Copy-on-write arrays: publish iterates them without copying, and a (un)subscribe during dispatch
  // neither skips nor repeats anyone for the event in flight.
  private subscriptions: Subscription[] = [];
  private sinks: EventListener[] = [];

  constructor(options: EventBusOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.iterationOffset = options.iterationOffset ?? 0;
    this.logger = options.logger ?? { error: (message, error) => console.error(message, error) };
  }

  publish<T extends HiveEventType>(input: PublishInput<T>): HiveEventOf<T> {
    const event = this.makeEvent(input);
    const all = event as HiveEvent;
    for (const sink of this.sinks) this.deliver(sink, all, 'event sink');
    for (const sub of this.subscriptions) {
      if (sub.active && matches(sub, all)) this.deliver(sub.listener, all, `listener for ${event.type}`);
    }
    return event;
  }

  /** Listens to the events matching `filter`; returns the function that stops it (idempotent). */
  subscribe(filter: EventFilter, listener: EventListener): () => void {
    const sub: Subscription = {
      types: toSet(filter.types),
      streams: toSet(filter.streams),
      nodes: toSet(filter.nodes),
      executions: toSet(filter.executions),
      colonies: toSet(filter.colonies),
      listener,
      active: true,
    };
    this.subscriptions = [...this.subscriptions, sub];
    return () => {
      if (!sub.active) return;
      sub.active = false;
      this.subscriptions = this.subscriptions.filter((s) => s !== sub);
    };
  }

  /** Every event (the SSE-like feed for the webview, a `--json` CLI printer). */
  subscribeAll(listener: EventListener): () => void {
    return this.subscribe({}, listener);
  }

  /**
   * Sees every event before any listener. Persistence uses this so the file order is the publish order even
   * when a listener publishes in reaction to an event.
   */
  addSink(sink: EventListener): () => void {
    this.sinks = [...this.sinks, sink];
    return () => {
      this.sinks = this.sinks.filter((s) => s !== sink);
    };
  }

  get listenerCount(): number {
    return this.subscriptions.length;
  }

  private makeEvent<T extends HiveEventType>(input: PublishInput<T>): HiveEventOf<T> {
    if (!isHiveEventType(input.type)) throw new TypeError(`unknown Hive event type: ${String(input.type)}`);
    if (typeof input.stream_id !== 'string')
      throw new TypeError(`event ${input.type} needs a string stream_id`);
    const given = input.data ?? {};
    if (typeof given !== 'object' || given === null || Array.isArray(given)) {
      throw new TypeError(`event ${input.type} data must be an object`);
    }
    // A copy, so a publisher reusing its object cannot change what listeners saw or what persistence writes
    // later (coalesced deltas are written at the end of the turn).
    const data: Record<string, unknown> = { ...given };
    if (this.iterationOffset !== 0 && typeof data.iteration === 'number') {
      data.iteration = data.iteration + this.iterationOffset;
    }
    // Keys in Hive's to_dict order, which is the order of each events.jsonl line.
    const event: Record<string, unknown> = {
      type: input.type,
      stream_id: input.stream_id,
      node_id: input.node_id ?? null,
      execution_id: input.execution_id ?? null,
      data: Object.freeze(data),
      timestamp: isoLocal(this.clock()),
      correlation_id: input.correlation_id ?? null,
      colony_id: input.colony_id ?? null,
    };
    if (input.run_id != null) event.run_id = input.run_id;
    return Object.freeze(event) as unknown as HiveEventOf<T>;
  }

  private deliver(listener: EventListener, event: HiveEvent, what: string): void {
    try {
      const result = listener(event);
      if (result && typeof result.then === 'function') {
        result.then(undefined, (error: unknown) => this.report(what, error));
      }
    } catch (error) {
      this.report(what, error);
    }
  }

  private report(what: string, error: unknown): void {
    try {
      this.logger.error(`EventBus: ${what} failed`, error);
    } catch {
      // A broken logger must not break publishing either.
    }
  }
}

function matches(sub: Subscription, e: HiveEvent): boolean {
  return (
    (sub.types === undefined || sub.types.has(e.type)) &&
    (sub.streams === undefined || sub.streams.has(e.stream_id)) &&
    (sub.nodes === undefined || sub.nodes.has(e.node_id)) &&
    (sub.executions === undefined || sub.executions.has(e.execution_id)) &&
    (sub.colonies === undefined || sub.colonies.has(e.colony_id))
  );
}
