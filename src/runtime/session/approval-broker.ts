import { randomUUID } from 'node:crypto';
import type { ApprovalAnswer, ApprovalRequest } from '../agent/approvals';

/** Publishes a `custom` event on the session's bus (the session binds stream/node ids). */
export type PublishCustom = (data: Record<string, unknown>) => void;

interface Pending {
  resolve: (answer: ApprovalAnswer) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
  origin: Record<string, unknown>;
  /** The `approval_requested` event's data, for a listener that subscribes while it waits. */
  event: Record<string, unknown>;
}

/**
 * Turns the agent loop's approval callback into bus events and a method call: a request goes out as
 * `custom {kind:'approval_requested'}`, the panel answers with `answer()`. A stopped turn (its signal)
 * or a stopped session (`cancelAll`) rejects the wait, which the loop's gate treats as a denial.
 */
export class ApprovalBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly publish: PublishCustom,
    private readonly newId: () => string = () => randomUUID().replace(/-/g, ''),
  ) {}

  get pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  /** What a waiting request published (tool, input, proposal…); undefined once answered. */
  requestOf(requestId: string): Readonly<Record<string, unknown>> | undefined {
    return this.pending.get(requestId)?.event;
  }

  /** `origin` is added to the event (e.g. `{worker_id}` for a colony worker's call). */
  readonly request = (
    req: ApprovalRequest,
    signal: AbortSignal,
    origin: Record<string, unknown> = {},
  ): Promise<ApprovalAnswer> => {
    const requestId = this.newId();
    return new Promise<ApprovalAnswer>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Error('the turn was stopped'));
        return;
      }
      const onAbort = () => this.settle(requestId, 'cancelled', new Error('the turn was stopped'));
      signal.addEventListener('abort', onAbort, { once: true });
      const event: Record<string, unknown> = {
        kind: 'approval_requested',
        request_id: requestId,
        tool_name: req.toolName,
        category: req.category,
        tool_input: req.input,
        requester: req.requester ?? (typeof origin.worker_id === 'string' ? origin.worker_id : 'queen'),
        // write_file / edit_file: {proposal}; run_command: {command, cwd, timeout} (src/runtime/tools/README.md).
        ...(req.preview ?? {}),
        ...origin,
      };
      this.pending.set(requestId, {
        resolve,
        reject,
        cleanup: () => signal.removeEventListener('abort', onAbort),
        origin,
        event,
      });
      this.publish(event);
    });
  };

  /**
   * The user's answer; an unknown or already answered id is ignored (a double click). `content` with an
   * approval: the user's edited version of the proposal, which the tool writes instead.
   */
  answer(
    requestId: string,
    decision: 'approve' | 'deny',
    opts: { always?: boolean; content?: string } = {},
  ): boolean {
    const answer: ApprovalAnswer =
      decision === 'approve'
        ? {
            decision: 'approve',
            always: opts.always === true,
            ...(typeof opts.content === 'string' ? { content: opts.content } : {}),
          }
        : 'deny';
    return this.settle(requestId, decision, undefined, answer);
  }

  /** Cancels every waiting request, or those whose origin `which` accepts (e.g. the queen's only). */
  cancelAll(reason = 'the session was stopped', which?: (origin: Record<string, unknown>) => boolean): void {
    for (const [id, entry] of [...this.pending])
      if (!which || which(entry.origin)) this.settle(id, 'cancelled', new Error(reason));
  }

  private settle(requestId: string, decision: string, error?: Error, answer?: ApprovalAnswer): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.pending.delete(requestId);
    entry.cleanup();
    this.publish({ kind: 'approval_resolved', request_id: requestId, decision });
    if (error) entry.reject(error);
    else entry.resolve(answer ?? 'deny');
    return true;
  }
}
