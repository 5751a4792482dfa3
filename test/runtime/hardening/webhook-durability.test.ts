import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { httpRequest } from '../../support/http-client';
import { removeTree } from '../storage/fixtures';

const SECRET = 'whsec_durability_test_secret';
const CHILD = path.join(__dirname, '..', '..', 'support', 'webhook-colony-child.ts');

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

function startColony(dir: string): Promise<{ child: ChildProcess; port: number }> {
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

function queenLog(dir: string): { id: string; n: number }[] {
  return readFileSync(path.join(dir, 'queen.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Floods the webhook; kills the child with `signal` once `killAfter` requests were answered 202. */
async function floodAndKill(signal: NodeJS.Signals, total: number, killAfter: number) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-durable-'));
  const port = await freePort();
  writeFileSync(
    path.join(dir, 'triggers.json'),
    JSON.stringify([
      {
        id: 'hook',
        trigger_type: 'webhook',
        trigger_config: {
          path: '/hook',
          port,
          secret: SECRET,
          rate_limit_per_minute: 1_000_000,
          rate_limit_burst: 1_000_000,
        },
        task: 'count it',
      },
    ]),
  );
  const first = await startColony(dir);
  const acked = new Set<number>();
  let killed = false;
  let next = 0;
  const worker = async () => {
    while (next < total && !killed) {
      const n = next++;
      const reply = await httpRequest(port, {
        path: '/hook',
        headers: { 'X-Hive-Secret': SECRET, 'Content-Type': 'application/json' },
        body: JSON.stringify({ n }),
      }).catch(() => undefined);
      if (reply?.status === 202) acked.add(n);
      if (!killed && acked.size >= killAfter) {
        killed = true;
        first.child.kill(signal);
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  await new Promise((r) =>
    first.child.exitCode !== null || first.child.signalCode !== null ? r(null) : first.child.once('exit', r),
  );
  const beforeRestart = queenLog(dir).length;
  const second = await startColony(dir);
  // Every 202 must reach the queen; wait for the replay.
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const got = new Set(queenLog(dir).map((e) => e.n));
    if ([...acked].every((n) => got.has(n))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 300)); // a late duplicate would show now
  second.child.kill('SIGTERM');
  await new Promise((r) => second.child.once('exit', r));
  const log = queenLog(dir);
  removeTree(dir);
  const counts = new Map<number, number>();
  for (const e of log) counts.set(e.n, (counts.get(e.n) ?? 0) + 1);
  const lost = [...acked].filter((n) => !counts.has(n)).length;
  const twice = [...counts.values()].filter((c) => c > 1).length;
  return { acked: acked.size, beforeRestart, replayed: log.length - beforeRestart, lost, twice };
}

describe('fault suite: a 202 means the webhook delivery is durable', () => {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    it(`a flood interrupted by ${signal}: every 202 reaches the queen exactly once across the restart`, async function () {
      this.timeout(120_000);
      const r = await floodAndKill(signal, 400, 150);
      console.log(
        `      ${signal} during a flood: 202s ${r.acked}, delivered before the stop ${r.beforeRestart}, after restart ${r.replayed}, lost ${r.lost}, delivered twice ${r.twice}`,
      );
      assert.equal(r.lost, 0);
      assert.equal(r.twice, 0);
      assert.ok(r.acked >= 150);
    });
  }
});
