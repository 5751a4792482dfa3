// How commands open the chat. The chat panel's own controller (src/extension/chat) takes over at
// merge time: it has the same shape (open + onDidChangeSession). Until then this stand-in resumes a
// cold session itself and shows the existing ChatPanel.
import * as vscode from 'vscode';
import { ChatPanel } from './chat/chatPanel';
import type { RuntimeHost } from './runtimeHost';

export interface ChatOpener extends vscode.Disposable {
  /** Live id → attach; cold id → resume then attach; undefined → reveal the current (or empty) panel. */
  open(sessionId?: string): Promise<void>;
  readonly onDidChangeSession: vscode.Event<string | undefined>;
}

export class InterimChatOpener implements ChatOpener {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeSession = this.changed.event;
  private panelSub: vscode.Disposable | undefined;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly log: vscode.LogOutputChannel,
    private readonly runtime: RuntimeHost,
  ) {}

  async open(sessionId?: string): Promise<void> {
    if (sessionId && !this.runtime.isLive(sessionId))
      await (await this.runtime.getManager()).resumeSession(sessionId);
    const panel = ChatPanel.show(this.extensionUri, this.log);
    this.panelSub?.dispose();
    this.panelSub = panel.onDidDispose(() => this.changed.fire(undefined));
    if (sessionId) this.changed.fire(sessionId);
  }

  dispose(): void {
    this.panelSub?.dispose();
    this.changed.dispose();
  }
}
