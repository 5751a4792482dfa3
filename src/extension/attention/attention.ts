// A request waiting for the user that the chat does not show is announced: a notification with
// Approve / Deny / Show (Show for questions), a badge on the Sessions view, and the status bar's state.
import * as vscode from 'vscode';
import type { ChatOpener } from '../chat-opener';
import type { RuntimeHost } from '../runtime-host';
import {
  type PendingRequest,
  PendingRequests,
  requestMessage,
  type WatchedSession,
} from './pending-requests';

export interface AttentionDeps {
  runtime: RuntimeHost;
  chat: ChatOpener;
  view: vscode.TreeView<unknown>;
  isTrusted(): boolean;
  log: vscode.LogOutputChannel;
}

/** Approvals whose proposal opens in the diff review. */
const FILE_TOOLS = new Set(['write_file', 'edit_file']);

export class Attention implements vscode.Disposable {
  readonly requests = new PendingRequests();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Badge, status bar: anything that shows the waiting requests. */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  /** The notifications shown (the extension-host tests read them). */
  readonly shown: string[] = [];

  constructor(private readonly deps: AttentionDeps) {
    this.subs.push(
      this.changed,
      deps.runtime.onDidChangeLive(() => this.sync()),
      { dispose: this.requests.onDidRequest((r) => this.announce(r)) },
      { dispose: this.requests.onDidChange(() => this.update()) },
    );
    this.sync();
  }

  get count(): number {
    return this.requests.count;
  }

  /** The oldest waiting request, for the status bar. */
  first(): PendingRequest | undefined {
    return this.requests.list()[0];
  }

  dispose(): void {
    this.requests.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }

  private sync(): void {
    const manager = this.deps.runtime.peekManager();
    const live: WatchedSession[] = [];
    for (const s of manager?.list() ?? []) {
      const session = manager?.get(s.session_id);
      if (session) live.push(session);
    }
    this.requests.sync(live);
    this.update();
  }

  private update(): void {
    const n = this.requests.count;
    this.deps.view.badge = n
      ? { value: n, tooltip: n === 1 ? '1 request waits for you' : `${n} requests wait for you` }
      : undefined;
    this.changed.fire();
  }

  /** Only what the user cannot see in the chat right now is announced. */
  private announce(r: PendingRequest): void {
    if (this.deps.chat.visibleSessionId() === r.sessionId) return;
    const text = requestMessage(r);
    this.shown.push(text);
    // A file change is reviewed in its diff, which opens with the chat.
    const show = r.kind === 'approval' && FILE_TOOLS.has(r.tool) ? 'Review' : 'Show';
    const actions = r.kind === 'approval' ? ['Approve', 'Deny', show] : [show];
    void vscode.window.showWarningMessage(text, ...actions).then(
      (choice) => this.act(r, choice),
      (err: unknown) => this.deps.log.warn(`notification failed: ${String(err)}`),
    );
  }

  private async act(r: PendingRequest, choice: string | undefined): Promise<void> {
    if (!choice) return;
    if (choice === 'Show' || choice === 'Review') {
      await this.deps.chat.open(r.sessionId).catch((err: unknown) => {
        void vscode.window.showErrorMessage(`Hive: could not open the chat: ${String(err)}`);
      });
      return;
    }
    if (!this.requests.isPending(r)) {
      void vscode.window.showInformationMessage('Hive: that request was already answered.');
      return;
    }
    if (choice === 'Approve' && !this.deps.isTrusted()) {
      this.requests.answer(r, 'deny');
      void vscode.window.showWarningMessage(
        'Hive: tools cannot run in Restricted Mode; the call was denied.',
      );
      return;
    }
    this.requests.answer(r, choice === 'Approve' ? 'approve' : 'deny');
  }
}
