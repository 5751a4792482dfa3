import { randomUUID } from 'node:crypto';
import { queenReplyText } from './texts';

/** docs/hive-format.md §3 Rule 17: at this many unanswered escalations a new one is auto-answered with queue_full. */
export const MAX_PENDING_ESCALATIONS = 32;

export interface PendingEscalation {
  request_id: string;
  worker_id: string;
  colony_id: string;
  node_id: string;
  reason: string;
  context: string;
  /** Epoch seconds, as Hive's `opened_at`. */
  opened_at: number;
}

interface Entry {
  info: PendingEscalation;
  resolve: (text: string) => void;
}

/**
 * The queen's escalation inbox (Hive's `session.pending_escalations`), kept by the colony runtime that
 * owns the workers, so an answer always reaches the worker that asked (Hive bug §5.9, docs/hive-format.md). A worker's
 * escalate tool waits on `open()`'s promise; `reply()` settles it with `[QUEEN_REPLY] request_id=…`
 * and drops the entry; a stopped worker's entries are dropped with it (Hive never expires them).
 */
export class EscalationInbox {
  private readonly pending = new Map<string, Entry>();

  constructor(
    private readonly colonyId: string,
    private readonly clock: () => number = Date.now,
    private readonly cap = MAX_PENDING_ESCALATIONS,
    private readonly newId: () => string = () => randomUUID().replace(/-/g, ''),
  ) {}

  get size(): number {
    return this.pending.size;
  }

  list(): PendingEscalation[] {
    return [...this.pending.values()].map((e) => ({ ...e.info }));
  }

  get(requestId: string): PendingEscalation | undefined {
    const e = this.pending.get(requestId);
    return e ? { ...e.info } : undefined;
  }

  /** Undefined when the inbox is full (the caller answers queue_full). */
  open(
    workerId: string,
    nodeId: string,
    reason: string,
    context: string,
  ): { info: PendingEscalation; answer: Promise<string> } | undefined {
    if (this.pending.size >= this.cap) return undefined;
    const info: PendingEscalation = {
      request_id: this.newId(),
      worker_id: workerId,
      colony_id: this.colonyId,
      node_id: nodeId,
      reason,
      context,
      opened_at: this.clock() / 1000,
    };
    let resolve!: (text: string) => void;
    const answer = new Promise<string>((r) => {
      resolve = r;
    });
    this.pending.set(info.request_id, { info, resolve });
    return { info: { ...info }, answer };
  }

  /** Answers and drops the entry; undefined for an unknown (or already answered) id. */
  reply(requestId: string, reply: string): PendingEscalation | undefined {
    const e = this.pending.get(requestId);
    if (!e) return undefined;
    this.pending.delete(requestId);
    e.resolve(queenReplyText(requestId, reply));
    return { ...e.info };
  }

  /** Drops one entry without an answer (the worker stopped waiting); true when it was pending. */
  drop(requestId: string, note: string): boolean {
    const e = this.pending.get(requestId);
    if (!e) return false;
    this.pending.delete(requestId);
    e.resolve(note);
    return true;
  }

  dropWorker(workerId: string, note: string): number {
    let n = 0;
    for (const [id, e] of [...this.pending]) if (e.info.worker_id === workerId && this.drop(id, note)) n++;
    return n;
  }

  dropAll(note: string): void {
    for (const id of [...this.pending.keys()]) this.drop(id, note);
  }
}
