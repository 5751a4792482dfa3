import { createHash } from 'node:crypto';
import path from 'node:path';
import { extensionStateDir } from '../storage/paths';

/**
 * Where our machine state for one colony lives: under HIVE_HOME, never in the colony folder (which may
 * be a workspace under version control). Keyed by the colony folder's absolute path: a readable slug of
 * its name plus a hash of the path, so two folders with the same name never share state.
 * Holds the webhook delivery journal, trigger statistics and (CLI) the webhook secrets.
 */
export function colonyStateDir(hiveHome: string, colonyDir: string): string {
  const abs = path.resolve(colonyDir);
  // A colony defined in `<folder>/.hive` is named after <folder>.
  const name = path.basename(abs) === '.hive' ? path.basename(path.dirname(abs)) : path.basename(abs);
  const slug = name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'root';
  const hash = createHash('sha256').update(abs).digest('hex').slice(0, 16);
  return path.join(extensionStateDir(hiveHome), 'colonies', `${slug}-${hash}`);
}
