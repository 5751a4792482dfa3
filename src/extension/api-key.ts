// The Anthropic API key lives only in SecretStorage (fallback: environment, see modelSettings.ts).
// It is never written to settings, never logged, never put into an event.
import * as vscode from 'vscode';

import { MissingApiKeyError } from './missing-key';

const SECRET_KEY = 'hive.anthropicApiKey';

export class ApiKeyStore implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly sub: vscode.Disposable;

  constructor(private readonly secrets: vscode.SecretStorage) {
    this.sub = secrets.onDidChange((e) => {
      if (e.key === SECRET_KEY) this.changed.fire();
    });
  }

  async get(): Promise<string | undefined> {
    return (await this.secrets.get(SECRET_KEY))?.trim() || undefined;
  }

  async set(key: string): Promise<void> {
    await this.secrets.store(SECRET_KEY, key.trim());
  }

  async clear(): Promise<void> {
    await this.secrets.delete(SECRET_KEY);
  }

  dispose(): void {
    this.sub.dispose();
    this.changed.dispose();
  }
}

/** A plausible key: no whitespace inside, not absurdly short. The API gives the final word. */
export function validateApiKey(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter a key, or press Escape to cancel.';
  if (/\s/.test(v)) return 'An API key has no spaces.';
  if (v.length < 10) return 'This is too short for an Anthropic API key.';
  return undefined;
}

export { isMissingApiKey, MissingApiKeyError } from './missing-key';

/** The clear prompt for a missing key: an error with a "Set API Key" button (not awaited by callers). */
export function offerSetApiKey(message = new MissingApiKeyError().message): void {
  void vscode.window.showErrorMessage(message, 'Set API Key').then((choice) => {
    if (choice === 'Set API Key') void vscode.commands.executeCommand('hive.setApiKey');
  });
}
