// Set-ups the webhook fault tests share: a colony folder with one webhook trigger, a free port, and
// the colony in a child process (webhook-colony-child.ts) that can be stopped or killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';

const CHILD = path.join(__dirname, 'webhook-colony-child.ts');

/** A port nothing listens on right now (for triggers that need a fixed port). */
export async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** A temporary colony folder whose triggers.json holds one webhook trigger `hook` (task `task`). */
export function webhookColony(
  prefix: string,
  config: { path: string; port: number; secret: string } & Record<string, unknown>,
  task = 't',
  id = 'hook',
): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  writeFileSync(
    path.join(dir, 'triggers.json'),
    JSON.stringify([{ id, trigger_type: 'webhook', trigger_config: config, task }]),
  );
  return dir;
}

/** The colony of `dir` in a child process; resolves once its webhook server listens. */
export function startColonyChild(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), CHILD, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`colony child exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^port (\d+)$/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
}
