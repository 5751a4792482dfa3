// The chat as the commands see it (ChatOpener), without loading it: the chat panel, its bridge and
// the protocol schemas (dist/chat.js, see bundles.ts) are required when a chat first opens. No panel
// can exist before that (the extension registers no panel serializer), so nothing is missed meanwhile.
import * as vscode from 'vscode';
import { chatModule } from './bundles';
import type { ChatController, ChatDeps } from './chat';
import type { ChatOpener } from './chat-opener';

export class LazyChat implements ChatOpener {
  private controller: ChatController | undefined;
  private controllerSub: vscode.Disposable | undefined;
  private readonly sessionChanged = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeSession = this.sessionChanged.event;

  constructor(private readonly deps: ChatDeps) {}

  open(sessionId?: string, opts?: { resume?: boolean }): Promise<void> {
    return this.loaded().open(sessionId, opts);
  }

  visibleSessionId(): string | undefined {
    return this.controller?.visibleSessionId();
  }

  answerProposal(uri: vscode.Uri | undefined, approve: boolean): boolean {
    // A proposal's diff exists only once the chat was loaded (it opens them).
    if (this.controller) return this.controller.review.answer(uri, approve);
    void vscode.window.showWarningMessage('This proposal is no longer waiting for an answer.');
    return false;
  }

  /** Whether `uri` is a side of a proposal the chat's diff review holds now. */
  isUnderReview(uri: vscode.Uri): boolean {
    return this.controller?.review.approvalOf(uri) !== undefined;
  }

  undoAgentChanges(): Promise<void> {
    return this.loaded().undoAgentChanges();
  }

  private loaded(): ChatController {
    if (!this.controller) {
      const controller = new (chatModule().ChatController)(this.deps);
      this.controllerSub = controller.onDidChangeSession((id) => this.sessionChanged.fire(id));
      this.controller = controller;
    }
    return this.controller;
  }

  dispose(): void {
    this.controllerSub?.dispose();
    this.controller?.dispose();
    this.sessionChanged.dispose();
  }
}
