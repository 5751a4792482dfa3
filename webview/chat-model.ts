// The panel's view state and the reducer that applies host messages to it.
// Pure (no DOM): the renderer reads the state and uses the returned Change to redraw only what moved.
// The host stays the source of truth; local marks (answer sent, retry sent) only disable buttons
// until the host confirms.
import type {
  ApprovalDetail,
  ChatMessage,
  HostToWebview,
  LaneEntry,
  LaneStatus,
  SessionSnapshot,
  UsageTotals,
} from '../src/shared/protocol';

export interface Approval {
  id: string;
  tool: string;
  category: string;
  /** "queen" or the worker id. */
  requester: string;
  detail: ApprovalDetail | null;
  /** pending: waiting for the user; sent: answered here, host not yet confirmed; cancelled: the turn
   *  stopped before an answer. An approval rebuilt from history has no id (nothing to answer). */
  state: 'pending' | 'sent' | 'approved' | 'denied' | 'cancelled';
}

interface RowBase {
  id: string;
  /** Bumped on every change so the renderer can reuse an unchanged row's DOM. */
  rev: number;
}
export type Row = RowBase &
  (
    | { kind: 'user'; text: string; origin: 'user' | 'trigger' | 'worker' | 'system' }
    | { kind: 'assistant'; text: string; streaming: boolean; usage: TurnUsage | null }
    /** Extended thinking, folded; `streaming` while the model still thinks. */
    | { kind: 'thinking'; text: string; streaming: boolean }
    | {
        kind: 'tool';
        name: string;
        input: unknown;
        result: string | null;
        isError: boolean;
        status: 'running' | 'done' | 'error' | 'denied';
        approval: Approval | null;
      }
    | { kind: 'question'; prompt: string; options: string[]; answer: string | null; sent: boolean }
    | { kind: 'notice'; text: string; level: 'info' | 'warning' }
    | { kind: 'error'; message: string; retryable: boolean; retried: boolean }
    | {
        kind: 'system';
        event: SystemEvent;
        title: string;
        summary: string | null;
        detail: string | null;
      }
    | {
        kind: 'lane';
        workerId: string;
        status: LaneStatus;
        summary: string | null;
        entries: LaneEntry[];
        dropped: number;
      }
    /** `restoring`: the user asked to restore; the host's answer clears it. */
    | { kind: 'changes'; turnId: string; requester: string; files: string[]; restoring: boolean }
  );
export type SystemEvent = Extract<ChatMessage, { kind: 'system' }>['event'];
export type RowOf<K extends Row['kind']> = Extract<Row, { kind: K }>;

export interface TurnUsage {
  inputTokens: number;
  outputTokens: number;
  cachedTokens: number;
  costUsd: number | null;
  model: string | null;
}

export interface Toast {
  text: string;
  level: 'info' | 'warning' | 'error';
}

/** What a message changed, so the renderer touches only that. */
export interface Change {
  /** Queen, phase, usage, busy, trust or the whole session. */
  header: boolean;
  colony: boolean;
  triggers: boolean;
  /** The row list was replaced (snapshot). */
  reset: boolean;
  /** Rows added at the start (older history) or the end. */
  prepended: number;
  appended: number;
  /** Ids of rows whose content changed in place. */
  updated: Set<string>;
  toast: Toast | null;
}

export function emptyChange(): Change {
  return {
    header: false,
    colony: false,
    triggers: false,
    reset: false,
    prepended: 0,
    appended: 0,
    updated: new Set(),
    toast: null,
  };
}

const ZERO_USAGE: UsageTotals = { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: null };

export class ChatModel {
  session: SessionSnapshot | null = null;
  rows: Row[] = [];
  /** False while older history pages exist that the panel has not received (it asks with loadOlder). */
  historyComplete = true;
  /** False from a snapshot until its first history page arrives ("Loading history…"). */
  historyLoaded = true;
  /** True from a loadOlder request until the older page arrives. */
  olderPending = false;
  private index = new Map<string, number>();
  private approvals = new Map<string, string>(); // approval id → row id
  /** Cards made for an approval alone: no toolCompleted will come for them here. */
  private approvalOnly = new Set<string>();
  private revCounter = 0;

  get busy(): boolean {
    return this.session?.busy ?? false;
  }

  get usage(): UsageTotals {
    return this.session?.usage ?? ZERO_USAGE;
  }

  rowById(id: string): Row | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.rows[i];
  }

  indexOf(id: string): number {
    return this.index.get(id) ?? -1;
  }

  apply(msg: HostToWebview): Change {
    const c = emptyChange();
    switch (msg.type) {
      case 'snapshot':
        this.session = msg.session;
        this.rows = [];
        this.index.clear();
        this.approvals.clear();
        this.approvalOnly.clear();
        this.historyComplete = msg.session === null;
        this.historyLoaded = msg.session === null;
        this.olderPending = false;
        c.header = c.colony = c.triggers = c.reset = true;
        break;
      case 'history':
        if (!this.session || msg.sessionId !== this.session.sessionId) break; // a stale page
        this.addHistory(msg.messages, msg.prepend, c);
        this.historyComplete = msg.done;
        this.historyLoaded = true;
        if (msg.prepend) this.olderPending = false;
        break;
      case 'message':
        this.upsert(msg.message, c);
        break;
      case 'thinkingDelta': {
        const row = this.rowById(msg.messageId);
        if (row?.kind === 'thinking') {
          row.text = msg.snapshot;
          row.streaming = true;
          this.touch(row, c);
        } else if (!row)
          this.append(
            this.make({ kind: 'thinking', id: msg.messageId, text: msg.snapshot, streaming: true }),
            c,
          );
        break;
      }
      case 'context':
        if (this.session) this.session.context = msg.context;
        c.header = true;
        break;
      case 'modelChoice':
        if (this.session) this.session.modelChoice = msg.modelChoice;
        c.header = true;
        break;
      case 'textDelta': {
        // The model writes its answer: its thinking before it is complete.
        this.finishStreaming(c, 'thinking');
        const row = this.rowById(msg.messageId);
        if (row?.kind === 'assistant') {
          row.text = msg.snapshot ?? row.text + msg.text;
          row.streaming = true;
          this.touch(row, c);
        } else if (!row) {
          this.append(
            this.make({
              kind: 'assistant',
              id: msg.messageId,
              text: msg.snapshot ?? msg.text,
              streaming: true,
              usage: null,
            }),
            c,
          );
        }
        break;
      }
      case 'turnComplete': {
        // The turn is over: no text of it is still streaming, whichever row the usage goes to.
        this.finishStreaming(c);
        const row = this.rowById(msg.messageId);
        if (row?.kind === 'assistant') {
          row.usage = {
            inputTokens: msg.inputTokens,
            outputTokens: msg.outputTokens,
            cachedTokens: msg.cachedTokens,
            costUsd: msg.costUsd,
            model: msg.model,
          };
          this.touch(row, c);
        }
        break;
      }
      case 'toolStarted': {
        // The model stopped writing to call a tool: the text before the call is complete.
        this.finishStreaming(c);
        this.approvalOnly.delete(msg.toolUseId);
        const row = this.rowById(msg.toolUseId);
        if (row?.kind === 'tool') {
          row.name = msg.name;
          row.input = msg.input;
          row.status = 'running';
          this.touch(row, c);
        } else if (!row) {
          this.append(this.toolRow(msg.toolUseId, msg.name, msg.input), c);
        }
        break;
      }
      case 'toolCompleted': {
        const row = this.rowById(msg.toolUseId);
        if (row?.kind === 'tool') {
          row.result = msg.result;
          row.isError = msg.isError;
          if (row.status !== 'denied') row.status = msg.isError ? 'error' : 'done';
          this.touch(row, c);
        }
        break;
      }
      case 'laneEntry': {
        const lane = this.laneRow(msg.laneId, msg.workerId, c);
        const i = lane.entries.findIndex((e) => e.id === msg.entry.id);
        if (i >= 0) lane.entries[i] = msg.entry;
        else lane.entries.push(msg.entry);
        this.touch(lane, c);
        break;
      }
      case 'laneText': {
        const lane = this.laneRow(msg.laneId, msg.workerId, c);
        const entry = lane.entries.find((e) => e.id === msg.entryId);
        if (entry?.kind === 'text') entry.text = msg.snapshot ?? entry.text + msg.text;
        else if (!entry) lane.entries.push({ kind: 'text', id: msg.entryId, text: msg.snapshot ?? msg.text });
        this.touch(lane, c);
        break;
      }
      case 'laneStatus': {
        const lane = this.laneRow(msg.laneId, msg.workerId, c);
        lane.status = msg.status;
        lane.summary = msg.summary;
        this.touch(lane, c);
        break;
      }
      case 'approvalRequest': {
        const approval: Approval = {
          id: msg.id,
          tool: msg.tool,
          category: msg.category,
          requester: msg.requester,
          detail: msg.detail,
          state: 'pending',
        };
        const existing = msg.toolUseId ? this.rowById(msg.toolUseId) : undefined;
        if (existing?.kind === 'tool') {
          existing.approval = approval;
          this.approvals.set(msg.id, existing.id);
          this.touch(existing, c);
        } else if (!existing) {
          const row = this.toolRow(msg.toolUseId ?? `approval-${msg.id}`, msg.tool, msg.input);
          if (row.kind === 'tool') row.approval = approval;
          // No tool call of this conversation goes with it (a worker's call): the answer ends the card.
          this.approvalOnly.add(row.id);
          this.approvals.set(msg.id, row.id);
          this.append(row, c);
        }
        break;
      }
      case 'approvalResolved': {
        const row = this.approvalRow(msg.id);
        if (row?.approval) {
          row.approval.state = msg.approved ? 'approved' : 'denied';
          if (!msg.approved) row.status = 'denied';
          else if (this.approvalOnly.has(row.id) && row.status === 'running') row.status = 'done';
          this.touch(row, c);
        }
        break;
      }
      case 'askUser':
        this.upsert(
          { kind: 'question', id: msg.id, prompt: msg.prompt, options: msg.options, answer: null },
          c,
        );
        break;
      case 'askUserResolved': {
        const row = this.rowById(msg.id);
        if (row?.kind === 'question') {
          row.answer = msg.answer;
          row.sent = false;
          this.touch(row, c);
        }
        break;
      }
      case 'error':
        this.upsert({ kind: 'error', id: msg.id, message: msg.message, retryable: msg.retryable }, c);
        break;
      case 'busy':
        if (this.session) this.session.busy = msg.busy;
        c.header = true;
        break;
      case 'usage':
        if (this.session) this.session.usage = msg.usage;
        c.header = true;
        break;
      case 'phase':
        if (this.session) this.session.phase = msg.phase;
        c.header = true;
        break;
      case 'queen':
        if (this.session) this.session.queen = msg.queen;
        c.header = true;
        break;
      case 'colony':
        if (this.session) this.session.colony = msg.colony;
        c.colony = true;
        break;
      case 'triggers':
        if (this.session) {
          this.session.triggers = msg.triggers;
          this.session.triggerProblems = msg.problems ?? [];
        }
        c.triggers = true;
        break;
      case 'toast':
        c.toast = { text: msg.text, level: msg.level };
        break;
    }
    return c;
  }

  // ------------------------------------------------ local marks (the user acted; host not yet confirmed)

  markApprovalSent(approvalId: string): Change {
    const c = emptyChange();
    const row = this.approvalRow(approvalId);
    if (row?.approval?.state === 'pending') {
      row.approval.state = 'sent';
      this.touch(row, c);
    }
    return c;
  }

  markQuestionSent(id: string, answer: string): Change {
    const c = emptyChange();
    const row = this.rowById(id);
    if (row?.kind === 'question' && row.answer === null) {
      row.answer = answer;
      row.sent = true;
      this.touch(row, c);
    }
    return c;
  }

  markRestoreSent(rowId: string): Change {
    const c = emptyChange();
    const row = this.rowById(rowId);
    if (row?.kind === 'changes' && !row.restoring) {
      row.restoring = true;
      this.touch(row, c);
    }
    return c;
  }

  markRetried(errorId: string): Change {
    const c = emptyChange();
    const row = this.rowById(errorId);
    if (row?.kind === 'error' && !row.retried) {
      row.retried = true;
      this.touch(row, c);
    }
    return c;
  }

  // ------------------------------------------------ helpers

  private finishStreaming(c: Change, only?: 'thinking'): void {
    for (const row of this.rows) {
      if ((row.kind === 'thinking' || (row.kind === 'assistant' && !only)) && row.streaming) {
        row.streaming = false;
        this.touch(row, c);
      }
    }
  }

  /** The lane row `laneId`, appended (running, empty) when its first step arrives live. */
  private laneRow(laneId: string, workerId: string, c: Change): RowOf<'lane'> {
    const row = this.rowById(laneId);
    if (row?.kind === 'lane') return row;
    const lane = this.make({
      kind: 'lane',
      id: laneId,
      workerId,
      status: 'running',
      summary: null,
      entries: [],
      dropped: 0,
    }) as RowOf<'lane'>;
    this.append(lane, c);
    return lane;
  }

  private approvalRow(approvalId: string): RowOf<'tool'> | undefined {
    const rowId = this.approvals.get(approvalId);
    const row = rowId === undefined ? undefined : this.rowById(rowId);
    return row?.kind === 'tool' ? row : undefined;
  }

  private addHistory(messages: ChatMessage[], prepend: boolean, c: Change): void {
    if (!prepend) {
      for (const m of messages) this.upsert(m, c);
      return;
    }
    const fresh = messages.filter((m) => !this.index.has(m.id));
    const seen = new Set<string>();
    const rows: Row[] = [];
    for (const m of fresh) {
      if (seen.has(m.id)) continue;
      seen.add(m.id);
      rows.push(this.fromMessage(m));
    }
    if (rows.length === 0) return;
    this.rows = rows.concat(this.rows);
    this.reindex();
    c.prepended += rows.length;
  }

  private upsert(m: ChatMessage, c: Change): void {
    const row = this.fromMessage(m);
    const i = this.index.get(m.id);
    if (i === undefined) {
      this.append(row, c);
      return;
    }
    const old = this.rows[i];
    // A re-sent tool message keeps the approval state the panel already shows.
    if (old?.kind === 'tool' && row.kind === 'tool') row.approval = old.approval ?? row.approval;
    this.rows[i] = row;
    c.updated.add(row.id);
  }

  private append(row: Row, c: Change): void {
    this.index.set(row.id, this.rows.length);
    this.rows.push(row);
    c.appended++;
  }

  private touch(row: Row, c: Change): void {
    row.rev = ++this.revCounter;
    c.updated.add(row.id);
  }

  private reindex(): void {
    this.index.clear();
    this.rows.forEach((r, i) => {
      this.index.set(r.id, i);
    });
  }

  private toolRow(id: string, name: string, input: unknown): Row {
    return this.make({
      kind: 'tool',
      id,
      name,
      input,
      result: null,
      isError: false,
      status: 'running',
      approval: null,
    });
  }

  private fromMessage(m: ChatMessage): Row {
    switch (m.kind) {
      case 'user':
        return this.make({ kind: 'user', id: m.id, text: m.text, origin: m.origin ?? 'user' });
      case 'assistant':
        return this.make({ kind: 'assistant', id: m.id, text: m.text, streaming: false, usage: null });
      case 'thinking':
        return this.make({ kind: 'thinking', id: m.id, text: m.text, streaming: m.streaming === true });
      case 'tool':
        return this.make({
          kind: 'tool',
          id: m.id,
          name: m.name,
          input: m.input,
          result: m.result,
          isError: m.isError,
          status: m.status,
          approval: m.approval
            ? {
                id: '',
                tool: m.name,
                category: m.approval.category,
                requester: 'queen',
                detail: null,
                state: m.approval.decision,
              }
            : null,
        });
      case 'question':
        return this.make({
          kind: 'question',
          id: m.id,
          prompt: m.prompt,
          options: m.options,
          answer: m.answer,
          sent: false,
        });
      case 'notice':
        return this.make({ kind: 'notice', id: m.id, text: m.text, level: m.level });
      case 'system':
        return this.make({
          kind: 'system',
          id: m.id,
          event: m.event,
          title: m.title,
          summary: m.summary,
          detail: m.detail,
        });
      case 'error':
        return this.make({
          kind: 'error',
          id: m.id,
          message: m.message,
          retryable: m.retryable,
          retried: false,
        });
      case 'lane':
        return this.make({
          kind: 'lane',
          id: m.id,
          workerId: m.workerId,
          status: m.status,
          summary: m.summary,
          entries: m.entries.map((e) => ({ ...e })),
          dropped: m.dropped,
        });
      case 'changes':
        return this.make({
          kind: 'changes',
          id: m.id,
          turnId: m.turnId,
          requester: m.requester,
          files: [...m.files],
          restoring: false,
        });
    }
  }

  private make<R extends DistributiveOmit<Row, 'rev'>>(row: R): Row {
    return { ...row, rev: ++this.revCounter } as Row;
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
