// Starts code-server (a real VS Code served on loopback) in its own process group and stops it.
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { HostEnv } from './host-env';

export interface CodeServerOptions {
  host: HostEnv;
  /** Holds ud/ (user data, seeded settings), exts/ (extensions), xdg/ and code-server.log. */
  dir: string;
  /** Folder opened by default (the browser may open another one with ?folder=). */
  workspace: string;
  port?: number;
  /** Lets a page report extension test results (codeAutomationLog / codeAutomationExit). */
  smokeTestDriver?: boolean;
  /** Extra environment for code-server and so for its extension host. */
  env?: Record<string, string>;
  /** Merged over the seeded user settings. */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  url: string;
  port: number;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  process: ChildProcess;
  /** Resolves when the process has exited (killed or on its own). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** Settings every run gets: no welcome page, no telemetry, no update or marketplace chatter. */
export const baseSettings: Record<string, unknown> = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'git.openRepositoryInParentFolders': 'never',
  'github.gitAuthentication': false,
  // The built-in chat (and its agent host) is not ours: keep it closed so the Hive UI is what shows.
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function seedUserSettings(userDataDir: string, extra: Record<string, unknown> = {}): void {
  const userDir = path.join(userDataDir, 'User');
  fs.mkdirSync(userDir, { recursive: true });
  const file = path.join(userDir, 'settings.json');
  let current: Record<string, unknown> = {};
  try {
    current = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    // First run, or a settings file with comments we cannot merge: start from the seed.
  }
  fs.writeFileSync(file, `${JSON.stringify({ ...current, ...baseSettings, ...extra }, null, 2)}\n`);
}

export async function startCodeServer(opts: CodeServerOptions): Promise<CodeServer> {
  const port = opts.port ?? (await freePort());
  const userDataDir = path.join(opts.dir, 'ud');
  const extensionsDir = path.join(opts.dir, 'exts');
  const xdg = path.join(opts.dir, 'xdg');
  const logFile = path.join(opts.dir, 'code-server.log');
  for (const d of [
    userDataDir,
    extensionsDir,
    ...['config', 'data', 'cache'].map((x) => path.join(xdg, x)),
  ]) {
    fs.mkdirSync(d, { recursive: true });
  }
  seedUserSettings(userDataDir, opts.settings);

  const args = [
    opts.host.codeServerEntry,
    '--auth=none',
    `--bind-addr=127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    `--user-data-dir=${userDataDir}`,
    `--extensions-dir=${extensionsDir}`,
  ];
  if (opts.smokeTestDriver) args.push('--vscode-option=--enable-smoke-test-driver');
  args.push(opts.workspace);

  const log = fs.openSync(logFile, 'a');
  const child = spawn(opts.host.node24, args, {
    // Its own process group, so stop() takes down the extension host and every helper with it.
    detached: true,
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      // Keep code-server's own config, data and caches out of the user's ~/.config, ~/.local, ~/.cache.
      XDG_CONFIG_HOME: path.join(xdg, 'config'),
      XDG_DATA_HOME: path.join(xdg, 'data'),
      XDG_CACHE_HOME: path.join(xdg, 'cache'),
      PATH: `${path.dirname(opts.host.node24)}${path.delimiter}${process.env.PATH ?? ''}`,
      // No extension gallery (code-server's default is open-vsx.org): the workbench's gallery
      // queries were its only outbound requests. A gallery without serviceUrl counts as none.
      EXTENSIONS_GALLERY: '{}',
      ...opts.env,
    },
  });
  fs.closeSync(log);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = once(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    killGroup(child, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), delay(4000).then(() => false)]);
    if (!done) {
      killGroup(child, 'SIGKILL');
      await Promise.race([exited, delay(2000)]);
    }
  });
  // Never leave a code-server behind, whatever way this process ends.
  process.once('exit', () => killGroup(child, 'SIGKILL'));

  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHealth(url, exited, 30_000);
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n--- ${logFile} ---\n${tail(logFile, 60)}`);
  }
  return { url, port, userDataDir, extensionsDir, logFile, process: child, exited, stop };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

async function waitForHealth(url: string, exited: Promise<number | null>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (gone) throw new Error('code-server exited during startup');
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await delay(200);
  }
  throw new Error(`code-server did not answer on ${url} within ${timeoutMs / 1000} s`);
}

/** The last `lines` lines of a text file ('' when it does not exist). */
export function tail(file: string, lines: number): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** VS Code's own logs under the user data dir (extension host, server), newest last. */
export function vscodeLogs(userDataDir: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const e of safeReaddir(dir)) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.log')) out.push(p);
    }
  };
  walk(path.join(userDataDir, 'logs'));
  return out.sort();
}

function safeReaddir(dir: string): fs.Dirent[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function once<T>(fn: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined;
  return () => {
    p ??= fn();
    return p;
  };
}

/** Lines of a code-server log where it tried to reach another host (DNS failures, gallery queries). */
export function outboundAttempts(logFile: string): string[] {
  let text = '';
  try {
    text = fs.readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((l) =>
      /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|gallery\/|https?:\/\/(?!127\.0\.0\.1|localhost)[\w.-]+\.[a-z]{2,}\/.* - error/i.test(
        l,
      ),
    );
}
