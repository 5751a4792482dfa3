// How commands open the chat: the chat panel's controller (src/extension/chat) implements this.
import type * as vscode from 'vscode';

export interface ChatOpener extends vscode.Disposable {
  /**
   * Live id → attach; cold id → show its transcript (sending resumes it), or resume it first with
   * `resume`; undefined → reveal the current (or empty) panel.
   */
  open(sessionId?: string, opts?: { resume?: boolean }): Promise<void>;
  readonly onDidChangeSession: vscode.Event<string | undefined>;
  /** The session the chat shows while its panel is visible (undefined: hidden, closed or empty). */
  visibleSessionId(): string | undefined;
  /** Approve / Deny of the proposal shown in a diff editor (`uri`: either side); false if none is pending. */
  answerProposal(uri: vscode.Uri | undefined, approve: boolean): boolean;
  /** "Undo Agent Changes…" for the session the chat shows. */
  undoAgentChanges(): Promise<void>;
}
