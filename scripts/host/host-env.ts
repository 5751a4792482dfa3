// Paths of the real VS Code host installed by scripts/vscode-host.sh (read from <cache>/host.env).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '..', '..');

export interface HostEnv {
  cache: string;
  node24: string;
  codeServerEntry: string;
  codeServerVersion: string;
  chromium: string;
}

/** Runs the installer (a fast no-op when everything is there) and returns what it installed. */
export function ensureHost(): HostEnv {
  const installer = path.join(repoRoot, 'scripts', 'vscode-host.sh');
  const r = spawnSync('bash', [installer], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (r.status !== 0) {
    throw new Error(`the real VS Code host could not be set up (scripts/vscode-host.sh exited ${r.status})`);
  }
  return parseHostEnv(r.stdout);
}

export function parseHostEnv(text: string): HostEnv {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) vars.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const need = (key: string): string => {
    const v = vars.get(key);
    if (!v) throw new Error(`scripts/vscode-host.sh did not report ${key}`);
    return v;
  };
  const env: HostEnv = {
    cache: need('HIVE_VSCODE_CACHE'),
    node24: need('HIVE_NODE24'),
    codeServerEntry: need('HIVE_CODE_SERVER'),
    codeServerVersion: need('HIVE_CODE_SERVER_VERSION'),
    chromium: need('HIVE_CHROMIUM'),
  };
  for (const p of [env.node24, env.codeServerEntry, env.chromium]) {
    if (!fs.existsSync(p)) throw new Error(`${p} is missing: run scripts/vscode-host.sh`);
  }
  return env;
}
