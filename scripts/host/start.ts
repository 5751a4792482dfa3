// `npm start`: the product in a real VS Code. Installs (or reuses) code-server under .vscode-test/,
// installs the freshly built extension into it, opens the sample workspace (a ready-made colony) and
// serves it on 127.0.0.1 until Ctrl+C. The build itself runs before this script (package.json).
//
// Env: PORT (default 8080, or a free port when taken), HIVE_START_FOLDER (another folder to open),
// HIVE_HOME (another Hive home; default ~/.hive when it exists, else a copy of sample/hive-home),
// ANTHROPIC_API_KEY (passed through to the extension host).
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort, startCodeServer, tail } from './code-server';
import { ensureHost, repoRoot } from './host-env';
import { installExtensionCopy } from './install-extension';

async function main(): Promise<void> {
  const host = ensureHost();
  const dir = path.join(host.cache, 'start');
  fs.mkdirSync(dir, { recursive: true });
  const ext = installExtensionCopy(path.join(dir, 'exts'));

  // The sample workspace is copied once, so what the colony's worker writes never dirties the repo.
  let workspace = process.env.HIVE_START_FOLDER ? path.resolve(process.env.HIVE_START_FOLDER) : '';
  if (!workspace) {
    workspace = path.join(dir, 'workspace');
    if (!fs.existsSync(workspace))
      fs.cpSync(path.join(repoRoot, 'sample', 'workspace'), workspace, { recursive: true });
  }

  const env: Record<string, string> = {};
  let homeNote = process.env.HIVE_HOME ? `${process.env.HIVE_HOME} (HIVE_HOME)` : '';
  if (!homeNote) {
    const real = path.join(os.homedir(), '.hive');
    if (fs.existsSync(real)) {
      homeNote = `${real} (your Hive home)`;
    } else {
      const sample = path.join(dir, 'hive-home');
      if (!fs.existsSync(sample))
        fs.cpSync(path.join(repoRoot, 'sample', 'hive-home'), sample, { recursive: true });
      env.HIVE_HOME = sample;
      homeNote = `${sample} (a copy of sample/hive-home; set HIVE_HOME to use another)`;
    }
  }

  const wanted = Number(process.env.PORT ?? 8080);
  const port = (await portIsFree(wanted)) ? wanted : await freePort();
  const cs = await startCodeServer({ host, dir, workspace, port, env });
  const url = `${cs.url}/?folder=${encodeURIComponent(workspace)}`;
  const key = process.env.ANTHROPIC_API_KEY
    ? 'ANTHROPIC_API_KEY is set'
    : 'no ANTHROPIC_API_KEY: use "Hive: Set API Key"';
  process.stdout.write(
    [
      '',
      `Hive for VS Code is running in code-server ${host.codeServerVersion}:`,
      '',
      `    ${url}`,
      '',
      `  extension  ${path.relative(repoRoot, ext)}`,
      `  workspace  ${workspace}`,
      `  HIVE_HOME  ${homeNote}`,
      `  model      ${key}`,
      `  log        ${cs.logFile}`,
      '',
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: stopping code-server...\n`);
    await cs.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  const code = await cs.exited;
  if (!stopping) {
    process.stderr.write(`code-server exited on its own (code ${code}). Last lines of its log:\n`);
    process.stderr.write(`${tail(cs.logFile, 40)}\n`);
    process.exit(1);
  }
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

main().catch((err) => {
  process.stderr.write(`npm start failed: ${(err as Error).message}\n`);
  process.exit(1);
});
