// The approvals and questions that wait for the user across every live session: followed from the
// sessions' buses, so the extension can announce one the chat does not show (notification, badge,
// status bar). No vscode: unit-tested against real LiveSessions.
import type { HiveEvent } from '../../runtime/events/types';
import { queenDisplayName } from '../../shared/display-names';

/** What this module needs of a live session (LiveSession satisfies it). */
export interface WatchedSession {
  readonly id: string;
  readonly queen: { queen_id: string; name: string; title: string };
  readonly stopped: boolean;
  readonly bus: { subscribeAll(listener: (event: HiveEvent) => void): () => void };
  readonly pendingApprovals: readonly string[];
  readonly pendingQuestions: readonly string[];
  answerApproval(requestId: string, decision: 'approve' | 'deny'): void;
}

export type PendingRequest =
  | {
      kind: 'approval';
      sessionId: string;
      requestId: string;
      queen: string;
      tool: string;
      category: string;
      /** Set for a colony worker's call. */
      workerId: string | null;
    }
  | { kind: 'question'; sessionId: string; requestId: string; queen: string; prompt: string };

export class PendingRequests {
  private readonly sessions = new Map<string, { session: WatchedSession; off: () => void }>();
  private readonly requests = new Map<string, PendingRequest>(); // `${session}/${request}` → request
  private readonly newListeners = new Set<(r: PendingRequest) => void>();
  private readonly changeListeners = new Set<() => void>();

  /** A request was just made (fires once per request). */
  onDidRequest(listener: (r: PendingRequest) => void): () => void {
    this.newListeners.add(listener);
    return () => this.newListeners.delete(listener);
  }

  /** The set of waiting requests changed (made, answered, cancelled, session gone). */
  onDidChange(listener: () => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** Follows exactly these sessions from now on (others are dropped with their requests). */
  sync(live: readonly WatchedSession[]): void {
    const keep = new Set(live.filter((s) => !s.stopped).map((s) => s.id));
    let changed = false;
    for (const [id, entry] of this.sessions) {
      if (keep.has(id) && live.some((s) => s === entry.session)) continue;
      entry.off();
      this.sessions.delete(id);
      changed = this.dropSession(id) || changed;
    }
    for (const s of live) {
      if (s.stopped || this.sessions.has(s.id)) continue;
      this.sessions.set(s.id, { session: s, off: s.bus.subscribeAll((e) => this.onEvent(s, e)) });
    }
    if (changed) this.changed();
  }

  /** Waiting requests, oldest first; those the session no longer waits on are left out. */
  list(): PendingRequest[] {
    return [...this.requests.values()].filter((r) => this.stillPending(r));
  }

  get count(): number {
    return this.list().length;
  }

  isPending(r: PendingRequest): boolean {
    return this.requests.has(key(r.sessionId, r.requestId)) && this.stillPending(r);
  }

  /** Answers an approval (false when it is no longer waiting). */
  answer(r: PendingRequest, decision: 'approve' | 'deny'): boolean {
    const s = this.sessions.get(r.sessionId)?.session;
    if (r.kind !== 'approval' || !s || !this.isPending(r)) return false;
    s.answerApproval(r.requestId, decision);
    return true;
  }

  dispose(): void {
    for (const { off } of this.sessions.values()) off();
    this.sessions.clear();
    this.requests.clear();
    this.newListeners.clear();
    this.changeListeners.clear();
  }

  private stillPending(r: PendingRequest): boolean {
    const s = this.sessions.get(r.sessionId)?.session;
    if (!s || s.stopped) return false;
    return (r.kind === 'approval' ? s.pendingApprovals : s.pendingQuestions).includes(r.requestId);
  }

  private onEvent(s: WatchedSession, e: HiveEvent): void {
    const d = (e.data ?? {}) as Record<string, unknown>;
    const queen = queenDisplayName({ id: s.queen.queen_id, name: s.queen.name, title: s.queen.title });
    if (e.type === 'custom' && d.kind === 'approval_requested' && typeof d.request_id === 'string') {
      this.add({
        kind: 'approval',
        sessionId: s.id,
        requestId: d.request_id,
        queen,
        tool: String(d.tool_name ?? 'tool'),
        category: String(d.category ?? 'unknown'),
        workerId: typeof d.worker_id === 'string' ? d.worker_id : null,
      });
    } else if (e.type === 'client_input_requested' && typeof d.request_id === 'string') {
      const qs = Array.isArray(d.questions) ? (d.questions as Array<{ prompt?: unknown }>) : [];
      const prompt = qs.map((q) => (typeof q.prompt === 'string' ? q.prompt : '')).join(' / ');
      this.add({ kind: 'question', sessionId: s.id, requestId: d.request_id, queen, prompt });
    } else if (
      (e.type === 'custom' && d.kind === 'approval_resolved') ||
      e.type === 'client_input_received'
    ) {
      if (typeof d.request_id === 'string' && this.requests.delete(key(s.id, d.request_id))) this.changed();
    }
  }

  private add(r: PendingRequest): void {
    this.requests.set(key(r.sessionId, r.requestId), r);
    for (const l of [...this.newListeners]) l(r);
    this.changed();
  }

  private dropSession(id: string): boolean {
    let dropped = false;
    for (const [k, r] of this.requests) {
      if (r.sessionId !== id) continue;
      this.requests.delete(k);
      dropped = true;
    }
    return dropped;
  }

  private changed(): void {
    for (const l of [...this.changeListeners]) l();
  }
}

function key(sessionId: string, requestId: string): string {
  return `${sessionId}/${requestId}`;
}

/** The notification's sentence for a request. */
export function requestMessage(r: PendingRequest): string {
  if (r.kind === 'approval') {
    const who = r.workerId ? `Worker ${r.workerId} (${r.queen}'s colony)` : r.queen;
    return `Hive: ${who} asks to run ${r.tool} (${r.category}).`;
  }
  const prompt = r.prompt.length > 160 ? `${r.prompt.slice(0, 159)}…` : r.prompt;
  return `Hive: ${r.queen} asks: ${prompt}`;
}
