import { randomUUID } from 'node:crypto';

export interface UserQuestion {
  id: string;
  prompt: string;
  options?: string[];
}

interface Pending {
  resolve: (answer: string) => void;
  reject: (err: Error) => void;
  cleanup: () => void;
}

/**
 * ask_user's wait: the question goes out as Hive's `client_input_requested {request_id, questions}`, the
 * answer comes back through `answer()` and is announced as `client_input_received`. Stop rejects it.
 */
export class QuestionBroker {
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly publishRequested: (data: { request_id: string; questions: UserQuestion[] }) => void,
    private readonly publishReceived: (data: { request_id: string; content: string }) => void,
    private readonly newId: () => string = () => randomUUID().replace(/-/g, ''),
  ) {}

  /** Ids of the questions still waiting for the user, oldest first. */
  get pendingIds(): string[] {
    return [...this.pending.keys()];
  }

  ask(questions: UserQuestion[], signal: AbortSignal): Promise<string> {
    const requestId = this.newId();
    return new Promise<string>((resolve, reject) => {
      if (signal.aborted) {
        reject(new Error('the turn was stopped before the user answered'));
        return;
      }
      const onAbort = () => this.fail(requestId, new Error('the turn was stopped before the user answered'));
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(requestId, {
        resolve,
        reject,
        cleanup: () => signal.removeEventListener('abort', onAbort),
      });
      this.publishRequested({ request_id: requestId, questions });
    });
  }

  answer(requestId: string, answer: string): boolean {
    const entry = this.pending.get(requestId);
    if (!entry) return false;
    this.pending.delete(requestId);
    entry.cleanup();
    this.publishReceived({ request_id: requestId, content: answer });
    entry.resolve(answer);
    return true;
  }

  cancelAll(reason = 'the session was stopped'): void {
    for (const id of [...this.pending.keys()]) this.fail(id, new Error(reason));
  }

  private fail(requestId: string, err: Error): void {
    const entry = this.pending.get(requestId);
    if (!entry) return;
    this.pending.delete(requestId);
    entry.cleanup();
    entry.reject(err);
  }
}
