// How commands open the chat: the chat panel's controller (src/extension/chat) implements this.
import type * as vscode from 'vscode';

export interface ChatOpener extends vscode.Disposable {
  /** Live id → attach; cold id → resume then attach; undefined → reveal the current (or empty) panel. */
  open(sessionId?: string): Promise<void>;
  readonly onDidChangeSession: vscode.Event<string | undefined>;
}
