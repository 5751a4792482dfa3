import os from 'node:os';
import path from 'node:path';

/** HIVE_HOME: an explicit option wins, then the HIVE_HOME env var, then ~/.hive. */
export function resolveHiveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = explicit?.trim() || env.HIVE_HOME?.trim();
  if (chosen) return path.resolve(expandTilde(chosen));
  return path.join(os.homedir(), '.hive');
}

function expandTilde(p: string): string {
  if (p === '~') return os.homedir();
  if (p.startsWith('~/')) return path.join(os.homedir(), p.slice(2));
  return p;
}
