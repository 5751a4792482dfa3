import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { HiveError } from '../errors';
import { readTextSafe } from '../storage/safe-read';

/**
 * Webhook secrets. Unlike Hive (no auth at all, docs/hive-format.md §5 bug 4) every webhook trigger has
 * one, generated on first activation when missing.
 *
 * Where they live — a separate `trigger-secrets.json` (mode 0600) next to triggers.json, a flat
 * `{ "<trigger id>": "<secret>" }` map — rather than a `secret` key in triggers.json, because:
 * 1. triggers.json is shared configuration: Hive reads and rewrites it (its writer keeps only its own
 *    keys, so a secret there would silently vanish), and a colony may be a workspace folder under
 *    version control, where a committed secret is a leaked secret.
 * 2. A definition's `trigger_config` is shown to the queen (list_triggers, the colony-loaded text)
 *    and copied into events.jsonl by every trigger_* event; keeping the secret out of the definition
 *    means it cannot leak into prompts or logs by accident.
 * 3. A secrets-only file can be private (0600) while triggers.json keeps normal permissions.
 * A `trigger_config.secret` the user writes into triggers.json is still honoured (their choice), but
 * it is never emitted in events or payloads. The store is an interface so the VS Code layer can
 * swap in SecretStorage later.
 */

export const SECRETS_FILE = 'trigger-secrets.json';

export interface TriggerSecretStore {
  /** Where the secrets are kept, for the user ("stored in …"). */
  readonly location: string;
  get(id: string): Promise<string | undefined>;
  set(id: string, secret: string): Promise<void>;
  delete(id: string): Promise<void>;
}

/** 32 random bytes, URL- and header-safe. The prefix makes leaked ones easy to spot. */
export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export class SecretFileError extends HiveError {
  constructor(file: string, reason: string) {
    super('SECRET_FILE_INVALID', `${file}: ${reason}`);
    this.name = 'SecretFileError';
  }
}

export class FileSecretStore implements TriggerSecretStore {
  private cache: Record<string, string> | undefined;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(readonly file: string) {}

  static beside(colonyDir: string): FileSecretStore {
    return new FileSecretStore(path.join(colonyDir, SECRETS_FILE));
  }

  /** The CLI's store: in the colony's state folder under HIVE_HOME (see colonyState.ts), mode 0600. */
  static in(stateDir: string): FileSecretStore {
    return new FileSecretStore(path.join(stateDir, SECRETS_FILE));
  }

  get location(): string {
    return this.file;
  }

  async get(id: string): Promise<string | undefined> {
    return (await this.load())[id];
  }

  /** Every secret of a secrets file (throws SecretFileError when it cannot be used). */
  static async readAll(file: string): Promise<Record<string, string>> {
    return { ...(await new FileSecretStore(file).load()) };
  }

  set(id: string, secret: string): Promise<void> {
    return this.serial(async () => {
      const all = { ...(await this.load()), [id]: secret };
      await this.save(all);
    });
  }

  delete(id: string): Promise<void> {
    return this.serial(async () => {
      const all = { ...(await this.load()) };
      if (!(id in all)) return;
      delete all[id];
      await this.save(all);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Record<string, string>> {
    if (this.cache) return this.cache;
    let text: string;
    try {
      text = await readTextSafe(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        this.cache = {};
        return this.cache;
      }
      throw new SecretFileError(this.file, `cannot be read (${(err as Error).message})`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch {
      // Never overwrite it: the user may want those secrets back.
      throw new SecretFileError(
        this.file,
        'is not valid JSON; fix or delete it to generate new webhook secrets',
      );
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new SecretFileError(this.file, 'must be a JSON object of trigger id → secret');
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string' && v) out[k] = v;
    await this.tightenMode();
    this.cache = out;
    return out;
  }

  private async save(all: Record<string, string>): Promise<void> {
    await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
    // write-file-atomic writes through a symlink to its target: a secret must not land outside.
    const link = await lstat(this.file).catch(() => undefined);
    if (link?.isSymbolicLink())
      throw new SecretFileError(this.file, 'is a symbolic link; refusing to write a secret through it');
    await writeFileAtomic(this.file, `${JSON.stringify(all, null, 2)}\n`, { fsync: true, mode: 0o600 });
    this.cache = all;
  }

  /** A copied or hand-made file may be world-readable; secrets should not be. */
  private async tightenMode(): Promise<void> {
    if (process.platform === 'win32') return;
    try {
      const s = await lstat(this.file); // never chmod a symlink's target
      if (s.isFile() && (s.mode & 0o077) !== 0) await chmod(this.file, 0o600);
    } catch {
      // Best effort: reading worked, so the secrets stay usable.
    }
  }
}

/** In-memory store for tests and for hosts that keep secrets elsewhere. */
export class MemorySecretStore implements TriggerSecretStore {
  readonly location = '(memory)';
  readonly secrets = new Map<string, string>();
  async get(id: string) {
    return this.secrets.get(id);
  }
  async set(id: string, secret: string) {
    this.secrets.set(id, secret);
  }
  async delete(id: string) {
    this.secrets.delete(id);
  }
}

/**
 * Moves the secrets an older version kept in the workspace (`<colony>/trigger-secrets.json`) into
 * `store`, once: each secret the store lacks is copied, then the old file is deleted, so a later
 * `git add .` cannot commit it. A symlinked or otherwise odd file is left alone (never followed).
 * Returns the notice for the user, or undefined when there was nothing to move.
 */
export async function moveWorkspaceSecrets(
  colonyDir: string,
  store: TriggerSecretStore,
): Promise<string | undefined> {
  const old = path.join(colonyDir, SECRETS_FILE);
  if (store.location === old) return undefined;
  const info = await lstat(old).catch(() => undefined);
  if (!info) return undefined;
  if (!info.isFile())
    return `${old} is not a regular file; left alone (webhook secrets are kept in ${store.location})`;
  const secrets = await FileSecretStore.readAll(old);
  for (const [id, secret] of Object.entries(secrets)) if (!(await store.get(id))) await store.set(id, secret);
  await unlink(old);
  return `Moved ${Object.keys(secrets).length} webhook secret(s) out of the workspace: ${old} → ${store.location}`;
}
