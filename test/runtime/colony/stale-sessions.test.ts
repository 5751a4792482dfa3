import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPidAlive } from '../../../src/runtime/colony/pid';
import { cleanupStaleSessions, STALE_ERROR } from '../../../src/runtime/colony/stale-sessions';

/** The pid of a process that has just exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  return pid;
}

describe('stale session cleanup (docs/hive-format.md §3 rule 22)', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(path.join(os.tmpdir(), 'hive-stale-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const put = (rel: string, state: unknown) => {
    const file = path.join(home, rel, 'state.json');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof state === 'string' ? state : JSON.stringify(state));
    return file;
  };
  const read = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

  it('isPidAlive: this process and pid 1 are alive, an exited child is not, non-pids are not', async () => {
    assert.equal(isPidAlive(process.pid), true);
    assert.equal(isPidAlive(1), true, 'EPERM or not, pid 1 exists');
    assert.equal(isPidAlive(await deadPid()), false);
    for (const bad of [0, -1, 1.5, '123', null, undefined, Number.NaN]) assert.equal(isPidAlive(bad), false);
  });

  if (process.platform === 'linux')
    it('isPidAlive: a zombie (exited, never reaped) is dead', async () => {
      // `exec sleep` replaces the shell, so nobody reaps the short sleep: it stays a zombie.
      const parent = spawn('sh', ['-c', 'sleep 0.1 & echo $!; exec sleep 5']);
      const zombie = await new Promise<number>((r) =>
        parent.stdout.once('data', (d) => r(Number(String(d).trim()))),
      );
      try {
        await new Promise((r) => setTimeout(r, 400));
        assert.equal(isPidAlive(zombie), false);
        assert.equal(isPidAlive(parent.pid), true);
      } finally {
        parent.kill('SIGKILL');
      }
    });

  it('cancels active sessions with a dead or missing pid in every layout, atomically', async () => {
    const dead = await deadPid();
    const legacy = put('agents/research/sessions/session_20260101_000000_aaaaaaaa', {
      schema_version: '1.1',
      session_id: 'session_20260101_000000_aaaaaaaa',
      status: 'active',
      pid: dead,
      result: { success: false, output: { partial: 1 } },
      timestamps: { started_at: '2026-01-01T00:00:00' },
    });
    const worker = put('agents/research/worker/sessions/session_20260101_000000_bbbbbbbb', {
      status: 'active',
    });
    const head = put('colonies/research/workers/session_20260101_000000_cccccccc', {
      status: 'active',
      pid: dead,
    });
    const res = await cleanupStaleSessions({ hiveHome: home, now: () => new Date(2026, 0, 2, 3, 4, 5, 6) });
    assert.deepEqual(res.cancelled.sort(), [legacy, worker, head].sort());
    const s = read(legacy);
    assert.equal(s.status, 'cancelled');
    assert.deepEqual(s.result, { success: false, output: { partial: 1 }, error: STALE_ERROR });
    assert.deepEqual(s.timestamps, {
      started_at: '2026-01-01T00:00:00',
      updated_at: '2026-01-02T03:04:05.006000',
    });
    assert.equal(s.schema_version, '1.1', 'other keys kept');
    assert.equal(read(worker).result.error, STALE_ERROR);
  });

  it('leaves live sessions, running pids and non-active states alone', async () => {
    const running = put('agents/c/sessions/s1', { status: 'active', pid: process.pid });
    const live = put('colonies/c/workers/w_live', {
      status: 'active',
      session_id: 'w_live',
      pid: await deadPid(),
    });
    const paused = put('agents/c/sessions/s2', { status: 'paused' });
    const pausedBytes = readFileSync(paused, 'utf8');
    const res = await cleanupStaleSessions({ hiveHome: home, isLive: (id) => id === 'w_live' });
    assert.deepEqual(res.cancelled, []);
    assert.deepEqual(res.alive.sort(), [running, live].sort());
    assert.equal(read(running).status, 'active');
    assert.equal(read(live).status, 'active');
    assert.equal(readFileSync(paused, 'utf8'), pausedBytes);
  });

  it('reports corrupt files and leaves them byte for byte', async () => {
    const torn = put('agents/c/sessions/s1', '{"status": "active", "pid": ');
    const list = put('colonies/c/workers/w1', '[1, 2]');
    const ok = put('colonies/c/workers/w2', { status: 'active' });
    const res = await cleanupStaleSessions({ hiveHome: home });
    assert.deepEqual(res.corrupt.map((c) => c.file).sort(), [torn, list].sort());
    assert.equal(readFileSync(torn, 'utf8'), '{"status": "active", "pid": ');
    assert.equal(readFileSync(list, 'utf8'), '[1, 2]');
    assert.deepEqual(res.cancelled, [ok]);
  });

  it('skips the seed-era queens folder and can be limited to one colony', async () => {
    put('agents/queens/queen_technology/sessions/s1', { status: 'active' });
    const a = put('agents/alpha/sessions/s1', { status: 'active' });
    put('colonies/beta/workers/w1', { status: 'active' });
    const res = await cleanupStaleSessions({ hiveHome: home, colony: 'alpha' });
    assert.deepEqual(res.cancelled, [a]);
    assert.equal(
      read(path.join(home, 'agents/queens/queen_technology/sessions/s1/state.json')).status,
      'active',
    );
    await assert.rejects(cleanupStaleSessions({ hiveHome: home, colony: '../x' }), /Invalid colony id/);
  });

  it('uses the injected pid check', async () => {
    const f = put('agents/c/sessions/s1', { status: 'active', pid: 4242 });
    const seen: number[] = [];
    const res = await cleanupStaleSessions({
      hiveHome: home,
      isPidAlive: (pid) => {
        seen.push(pid);
        return true;
      },
    });
    assert.deepEqual(seen, [4242]);
    assert.deepEqual(res.alive, [f]);
  });
});
