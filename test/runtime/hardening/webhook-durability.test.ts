import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { httpRequest } from '../../support/http-client';
import { freePort, startColonyChild, webhookColony } from '../../support/webhook-colony';
import { removeTree } from '../storage/fixtures';

const SECRET = 'whsec_durability_test_secret';

function queenLog(dir: string): { id: string; n: number }[] {
  return readFileSync(path.join(dir, 'queen.log'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/** Floods the webhook; kills the child with `signal` once `killAfter` requests were answered 202. */
async function floodAndKill(signal: NodeJS.Signals, total: number, killAfter: number) {
  const port = await freePort();
  const dir = webhookColony(
    'hive-durable-',
    { path: '/hook', port, secret: SECRET, rate_limit_per_minute: 1_000_000, rate_limit_burst: 1_000_000 },
    'count it',
  );
  const first = await startColonyChild(dir);
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
  const second = await startColonyChild(dir);
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
