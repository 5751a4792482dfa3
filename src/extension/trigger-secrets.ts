// Webhook secrets in VS Code's SecretStorage (the OS keychain), never in the workspace.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type * as vscode from 'vscode';
import type { TriggerSecretStore } from '../runtime/triggers/secrets';

/** One colony's webhook secrets, keyed by the colony folder's absolute path and the trigger id. */
export class SecretStorageTriggerSecrets implements TriggerSecretStore {
  readonly location = "VS Code's secret storage";
  private readonly prefix: string;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    colonyDir: string,
  ) {
    const hash = createHash('sha256').update(path.resolve(colonyDir)).digest('hex').slice(0, 16);
    this.prefix = `hive.webhookSecret.${hash}.`;
  }

  async get(id: string): Promise<string | undefined> {
    return (await this.secrets.get(this.prefix + id)) || undefined;
  }

  async set(id: string, secret: string): Promise<void> {
    await this.secrets.store(this.prefix + id, secret);
  }

  async delete(id: string): Promise<void> {
    await this.secrets.delete(this.prefix + id);
  }
}
