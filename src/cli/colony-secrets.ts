import { existsSync } from 'node:fs';
import path from 'node:path';
import { findColonyDir } from '../runtime/colony/colony-locate';
import { resolveHiveHome } from '../runtime/storage/home';
import { colonyDir as colonyDirOf } from '../runtime/storage/paths';
import { colonyStateDir } from '../runtime/triggers/colony-state';
import { readTriggersFile, triggersFilePath, webhookSettings } from '../runtime/triggers/definitions';
import { FileSecretStore, SECRETS_FILE } from '../runtime/triggers/secrets';
import { WEBHOOK_HOST } from '../runtime/triggers/webhook-server';
import { type CliIo, parseCliArgs, UsageError } from './usage';

export const SECRETS_USAGE = 'usage: hive colony secrets <folder-or-name> [--home DIR] [--json]';

interface Row {
  trigger_id: string;
  url: string;
  methods: string[];
  /** Null until the trigger first runs (a secret is generated then). */
  secret: string | null;
  secret_location: string | null;
}

/**
 * `hive colony secrets`: each webhook trigger's URL and secret, as `hive colony run` keeps them (a
 * 0600 file in the colony's state folder under HIVE_HOME, or `trigger_config.secret`). The VS Code
 * extension keeps its own in VS Code's SecretStorage ("Hive: Show Webhook Info" shows those).
 */
export async function colonySecrets(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCliArgs(argv, { home: { type: 'string' }, json: { type: 'boolean' } });
  if (positionals.length !== 1) throw new UsageError(SECRETS_USAGE);
  const home = resolveHiveHome(values.home, io.env);
  const arg = positionals[0]!;
  const folder = existsSync(arg) ? path.resolve(arg) : colonyDirOf(home, arg);
  const loc = await findColonyDir(folder);
  if (!loc) throw new UsageError(`${arg}: no colony there or under ${path.join(home, 'colonies')}`);
  const { triggers } = await readTriggersFile(triggersFilePath(loc.dir));
  const store = FileSecretStore.in(colonyStateDir(home, loc.dir));
  // Not moved yet (no run since the update): still shown, from where it is.
  const old = new FileSecretStore(path.join(loc.dir, SECRETS_FILE));
  const rows: Row[] = [];
  for (const def of triggers) {
    if (def.trigger_type !== 'webhook') continue;
    const s = webhookSettings(def);
    const inline = typeof def.trigger_config.secret === 'string' ? def.trigger_config.secret : undefined;
    const stored = inline ? undefined : await store.get(def.id);
    const legacy = inline || stored ? undefined : await old.get(def.id).catch(() => undefined);
    rows.push({
      trigger_id: def.id,
      url: `http://${WEBHOOK_HOST}:${s.port}${s.path}`,
      methods: s.methods,
      secret: inline ?? stored ?? legacy ?? null,
      secret_location: inline
        ? `${triggersFilePath(loc.dir)} (trigger_config.secret)`
        : stored
          ? store.location
          : legacy
            ? old.location
            : null,
    });
  }
  if (values.json) {
    io.out(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  if (!rows.length) {
    io.out(`No webhook triggers in ${triggersFilePath(loc.dir)}\n`);
    return 0;
  }
  for (const r of rows) {
    io.out(`${r.trigger_id}  ${r.methods.join('|')} ${r.url}\n`);
    io.out(
      r.secret
        ? `  secret: ${r.secret}  (${r.secret_location ?? ''})\n`
        : '  secret: none yet (generated when the trigger first runs)\n',
    );
  }
  io.out(
    'Send the secret as X-Hive-Secret, or sign the body with it (X-Hive-Signature-256 / X-Hub-Signature-256).\n',
  );
  return 0;
}
