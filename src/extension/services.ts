// What the command modules share: the runtime, the tree, the chat, the key store, the log.
import * as vscode from 'vscode';
import type { ApiKeyStore } from './api-key';
import { isMissingApiKey, offerSetApiKey } from './api-key';
import type { ChatOpener } from './chat-opener';
import type { WorkspaceColonies } from './colonies/workspace-colonies';
import type { RuntimeHost } from './runtime-host';
import type { SessionsTreeProvider } from './tree/sessions-tree';

export interface HiveServices {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  runtime: RuntimeHost;
  keys: ApiKeyStore;
  tree: SessionsTreeProvider;
  chat: ChatOpener;
  colonies: WorkspaceColonies;
  /** The session the chat shows, if any. */
  activeSessionId(): string | undefined;
  /** Re-evaluates the `hive.hasApiKey` context key (welcome view). */
  updateKeyContext(): Promise<void>;
}

/** Logs a failed action and tells the user; a missing key gets its "Set API Key" prompt. Not awaited. */
export function reportError(log: vscode.LogOutputChannel, what: string, err: unknown): void {
  if (isMissingApiKey(err)) {
    log.warn(`${what}: no API key`);
    offerSetApiKey();
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  log.error(`${what}: ${message}`);
  void vscode.window.showErrorMessage(`Hive: ${what} failed: ${message}`);
}

export function info(message: string): void {
  void vscode.window.showInformationMessage(message);
}

/**
 * Arguments that skip the user's say (a key passed in, `{confirmed: true}`) are honoured only when the
 * extension itself runs its tests: any other extension can execute our commands, and must not set the
 * API key or delete a session without the user seeing it.
 */
export function automationAllowed(context: vscode.ExtensionContext): boolean {
  return context.extensionMode === vscode.ExtensionMode.Test;
}
