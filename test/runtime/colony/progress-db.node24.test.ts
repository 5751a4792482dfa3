import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureProgressDb, ProgressDb } from '../../../src/runtime/colony/progress/progress-db';
import { openSqlite } from '../../../src/runtime/colony/progress/sqlite';

// Runs under Node ≥22.5 only (npm run test:node24): node:sqlite.

describe('progress.db (node:sqlite)', () => {
  let tmp: string;
  let clock: Date;
  let db: ProgressDb;
  const now = () => clock;
  const later = (minutes: number) => {
    clock = new Date(clock.getTime() + minutes * 60_000);
  };

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'hive-progress-'));
    clock = new Date('2026-04-21T10:00:00Z');
    db = ProgressDb.open(path.join(tmp, 'data', 'progress.db'), { now });
  });
  afterEach(() => {
    db.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  describe('schema and pragmas', () => {
    it("creates Hive's schema v1 with WAL, synchronous=NORMAL, foreign keys and busy_timeout", () => {
      assert.deepEqual(db.settings(), {
        journal_mode: 'wal',
        synchronous: 1,
        foreign_keys: 1,
        busy_timeout: 5000,
        user_version: 1,
      });
      const raw = openSqlite(db.file);
      try {
        const cols = (t: string) =>
          raw
            .prepare(`PRAGMA table_info(${t})`)
            .all()
            .map((r) => r.name);
        assert.deepEqual(cols('tasks'), [
          'id',
          'seq',
          'priority',
          'goal',
          'payload',
          'status',
          'worker_id',
          'claim_token',
          'claimed_at',
          'started_at',
          'completed_at',
          'created_at',
          'updated_at',
          'retry_count',
          'max_retries',
          'last_error',
          'parent_task_id',
          'source',
        ]);
        assert.deepEqual(cols('steps'), [
          'id',
          'task_id',
          'seq',
          'title',
          'detail',
          'status',
          'evidence',
          'worker_id',
          'started_at',
          'completed_at',
        ]);
        assert.deepEqual(cols('sop_checklist'), [
          'id',
          'task_id',
          'key',
          'description',
          'required',
          'done_at',
          'done_by',
          'note',
        ]);
        assert.deepEqual(cols('colony_meta'), ['key', 'value', 'updated_at']);
      } finally {
        raw.close();
      }
      assert.equal(db.getMeta('schema_version'), '1');
    });

    it('refuses a file that is not a database, naming it and leaving it as it is', () => {
      const bad = path.join(tmp, 'bad', 'progress.db');
      mkdirSync(path.dirname(bad));
      writeFileSync(bad, 'this is not sqlite, just text that is long enough to look like a header......');
      assert.throws(
        () => ProgressDb.open(bad),
        /Cannot open the progress database .*bad\/progress\.db: .*not a database/,
      );
      assert.match(readFileSync(bad, 'utf8'), /^this is not sqlite/);
    });

    it('reopens an existing file without touching its rows', () => {
      const id = db.enqueue({ goal: 'g' });
      db.close();
      db = ProgressDb.open(path.join(tmp, 'data', 'progress.db'), { now });
      assert.equal(db.getTask(id)?.goal, 'g');
      assert.equal(db.settings().user_version, 1);
    });
  });

  describe('queue', () => {
    it('claims by priority DESC, then seq, then created_at', () => {
      const [low, high1, high2] = db.seedTasks([
        { goal: 'low' },
        { goal: 'high first', priority: 5 },
        { goal: 'high second', priority: 5 },
      ]);
      const order = [db.claim('w1'), db.claim('w1'), db.claim('w1')].map((t) => t?.id);
      assert.deepEqual(order, [high1, high2, low]);
      assert.equal(db.claim('w1'), undefined, 'queue drained');
    });

    it('stores payloads as JSON text and keeps steps and SOP items', () => {
      const id = db.enqueue({
        goal: 'g',
        payload: { url: 'https://x' },
        steps: [{ title: 'fetch' }, { title: 'summarise', detail: 'short' }],
        sop_items: [
          { key: 'cite', description: 'cite sources' },
          { key: 'nice', description: 'n', required: false },
        ],
      });
      const t = db.claim('w1');
      assert.equal(t?.id, id);
      assert.deepEqual(JSON.parse(t?.payload ?? ''), { url: 'https://x' });
      assert.match(t?.claim_token ?? '', /^[0-9a-f]{16}$/);
      assert.deepEqual(
        db.listSteps(id).map((s) => [s.seq, s.title, s.status]),
        [
          [1, 'fetch', 'pending'],
          [2, 'summarise', 'pending'],
        ],
      );
      assert.deepEqual(db.openRequiredSop(id), [{ key: 'cite', description: 'cite sources' }]);
      assert.equal(db.getTask(id)?.source, 'enqueue_tool');
    });

    it('rejects a task without a goal and inserts nothing of the batch', () => {
      assert.throws(() => db.seedTasks([{ goal: 'ok' }, { goal: '' }]), /task\[1\] missing required 'goal'/);
      assert.throws(() => db.seedTasks([{ goal: 'ok', steps: [{ title: '' }] }]), /task\[0\]\.steps\[0\]/);
      assert.deepEqual(db.listTasks(), []);
    });

    it('claims a pinned task only while it is pending', () => {
      const [a, b] = db.seedTasks([{ goal: 'a' }, { goal: 'b' }]);
      assert.equal(db.claim('w1', { taskId: b! })?.id, b);
      assert.equal(db.claim('w2', { taskId: b! }), undefined, 'already claimed');
      assert.equal(db.claim('w2', { taskId: 'nope' }), undefined);
      assert.equal(db.claim('w2')?.id, a);
      const tokens = new Set(db.listTasks().map((t) => t.claim_token));
      assert.equal(tokens.size, 2, 'each claim gets its own token');
    });

    it('start, done and failed need the worker that holds the claim', () => {
      const [a, b] = db.seedTasks([{ goal: 'a' }, { goal: 'b' }]);
      db.claim('w1', { taskId: a! });
      db.claim('w2', { taskId: b! });
      assert.equal(db.start(a!, 'w2'), false);
      assert.equal(db.start(a!, 'w1'), true);
      assert.equal(db.getTask(a!)?.status, 'in_progress');
      assert.deepEqual(db.complete(a!, 'w2'), { ok: false, reason: 'not_owner' });
      assert.deepEqual(db.complete(a!, 'w1'), { ok: true });
      assert.equal(db.getTask(a!)?.status, 'done');
      assert.deepEqual(db.complete(a!, 'w1'), { ok: false, reason: 'not_owner' }, 'a done task stays done');
      assert.equal(db.fail(b!, 'w1', 'nope'), false);
      assert.equal(db.fail(b!, 'w2', 'site down'), true);
      assert.equal(db.getTask(b!)?.last_error, 'site down');
      assert.throws(() => db.claim(''), /worker_id is required/);
      assert.throws(() => db.complete(a!, '  '), /worker_id is required/);
      assert.deepEqual(db.statusCounts(), { pending: 0, claimed: 0, in_progress: 0, done: 1, failed: 1 });
    });

    it('will not mark a task done while a required SOP item is open', () => {
      const id = db.enqueue({ goal: 'g', sop_items: [{ key: 'tests', description: 'run the tests' }] });
      db.claim('w1');
      assert.deepEqual(db.complete(id, 'w1'), {
        ok: false,
        reason: 'sop_open',
        openSop: [{ key: 'tests', description: 'run the tests' }],
      });
      assert.equal(db.checkSop(id, 'tests', 'w2'), false, 'only the claim holder checks items');
      assert.equal(db.checkSop(id, 'tests', 'w1', 'all green'), true);
      assert.equal(db.listSop(id)[0]?.done_by, 'w1');
      assert.deepEqual(db.complete(id, 'w1'), { ok: true });
    });

    it('records steps for the claim holder only', () => {
      const id = db.enqueue({ goal: 'g', steps: [{ title: 'one' }] });
      db.addSteps(id, [{ title: 'two' }]);
      assert.equal(db.startStep(id, 1, 'w1'), false, 'not claimed yet');
      db.claim('w1');
      assert.equal(db.startStep(id, 1, 'w2'), false);
      assert.equal(db.startStep(id, 1, 'w1'), true);
      assert.equal(db.completeStep(id, 1, 'w1', 'wrote out.md'), true);
      assert.deepEqual(
        db.listSteps(id).map((s) => [s.seq, s.status, s.evidence]),
        [
          [1, 'done', 'wrote out.md'],
          [2, 'pending', null],
        ],
      );
    });
  });

  describe('stale-claim reclaim (Hive bug §5.12, docs/hive-format.md)', () => {
    it('never revokes a claim whose worker is alive, however old', () => {
      const id = db.enqueue({ goal: 'long task' });
      db.claim('w-live');
      later(240);
      const r = db.reclaimStale({ isWorkerAlive: (w) => w === 'w-live' });
      assert.deepEqual(r, { requeued: [], failed: [], keptAlive: [id] });
      assert.equal(db.getTask(id)?.status, 'claimed');
      assert.deepEqual(db.complete(id, 'w-live'), { ok: true }, 'its done write still lands');
    });

    it('releases the claim of a worker known to be dead at once, with retry_count + 1', () => {
      const id = db.enqueue({ goal: 'g' });
      db.claim('w-dead');
      const r = db.reclaimStale({ isWorkerAlive: () => false });
      assert.deepEqual(r.requeued, [id]);
      const t = db.getTask(id)!;
      assert.deepEqual(
        [t.status, t.worker_id, t.claim_token, t.claimed_at, t.retry_count],
        ['pending', null, null, null, 1],
      );
      assert.equal(db.fail(id, 'w-dead', 'late'), false, 'the dead worker cannot write any more');
    });

    it('judges unknown workers by their last activity, not by claimed_at', () => {
      const [idle, busy, beating] = db.seedTasks([
        { goal: 'idle' },
        { goal: 'busy', steps: [{ title: 's' }] },
        { goal: 'beating' },
      ]);
      db.claim('hive-a', { taskId: idle! });
      db.claim('hive-b', { taskId: busy! });
      db.claim('hive-c', { taskId: beating! });
      later(10);
      db.startStep(busy!, 1, 'hive-b');
      assert.equal(db.heartbeat(beating!, 'hive-c'), true);
      later(10); // claims are 20 min old; the step and the heartbeat 10 min
      const r = db.reclaimStale({ staleAfterMinutes: 15, isWorkerAlive: () => undefined });
      assert.deepEqual(r, { requeued: [idle], failed: [], keptAlive: [] });
      later(10);
      assert.deepEqual(db.reclaimStale().requeued.sort(), [busy, beating].sort());
    });

    it('fails a task whose retries are used up', () => {
      const id = db.enqueue({ goal: 'g', max_retries: 1 });
      db.claim('w1');
      assert.deepEqual(db.reclaimStale({ isWorkerAlive: () => false }).requeued, [id]);
      db.claim('w2');
      assert.deepEqual(db.reclaimStale({ isWorkerAlive: () => false }).failed, [id]);
      const t = db.getTask(id)!;
      assert.equal(t.status, 'failed');
      assert.match(t.last_error ?? '', /exceeded max_retries/);
    });

    it("reclaims claims written by Hive's sqlite3-CLI workers (datetime('now') timestamps)", () => {
      db.close();
      clock = new Date();
      db = ProgressDb.open(path.join(tmp, 'data', 'progress.db'), { now });
      const [old, fresh] = db.seedTasks([{ goal: 'old' }, { goal: 'fresh' }]);
      const raw = openSqlite(db.file);
      try {
        raw.exec('PRAGMA busy_timeout = 5000');
        const claim = raw.prepare(
          `UPDATE tasks SET status='claimed', worker_id=?, claim_token=lower(hex(randomblob(8))),
             claimed_at=datetime('now', ?), updated_at=datetime('now', ?) WHERE id=? AND status='pending'`,
        );
        claim.run('py-1', '-30 minutes', '-30 minutes', old!);
        claim.run('py-2', '-1 minutes', '-1 minutes', fresh!);
      } finally {
        raw.close();
      }
      assert.deepEqual(db.reclaimStale().requeued, [old]);
      assert.equal(db.getTask(fresh!)?.status, 'claimed');
    });

    it('releases every claim of a stopped worker', () => {
      const [a, b, c] = db.seedTasks([{ goal: 'a' }, { goal: 'b' }, { goal: 'c' }]);
      db.claim('w1', { taskId: a! });
      db.claim('w1', { taskId: b! });
      db.claim('w2', { taskId: c! });
      assert.deepEqual(db.releaseClaims('w1', 'worker stopped').requeued.sort(), [a, b].sort());
      assert.equal(db.getTask(c!)?.status, 'claimed');
    });

    it('ensureProgressDb creates the file under data/ and reclaims on open', () => {
      db.enqueue({ goal: 'g' });
      db.claim('gone');
      db.close();
      const res = ensureProgressDb(path.join(tmp, 'data'), { now, isWorkerAlive: () => false });
      db = res.db;
      assert.equal(res.reclaimed.requeued.length, 1);
      assert.equal(db.file, path.join(tmp, 'data', 'progress.db'));
    });
  });

  describe('several processes', () => {
    it('never claims a task twice across concurrent worker processes', async function () {
      this.timeout(60_000);
      const total = 400;
      db.seedTasks(Array.from({ length: total }, (_, i) => ({ goal: `task ${i}`, priority: i % 3 })));
      const script = path.join(__dirname, '../../support/progress-claimer.ts');
      const children = ['p1', 'p2', 'p3', 'p4'].map((worker) => {
        const child = spawn(process.execPath, ['--require', 'tsx/cjs', script, db.file, worker], {
          cwd: path.join(__dirname, '../../..'),
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        let onReady: () => void = () => {};
        const ready = new Promise<void>((r) => {
          onReady = r;
        });
        child.stdout.on('data', (d) => {
          out += d;
          if (out.startsWith('ready\n')) onReady();
        });
        child.stderr.on('data', (d) => {
          err += d;
        });
        const result = new Promise<string[]>((resolve, reject) =>
          child.on('close', (code) =>
            code === 0
              ? resolve(JSON.parse(out.slice('ready\n'.length)) as string[])
              : reject(new Error(`${worker} exited ${code}: ${err}`)),
          ),
        );
        return { child, ready, result };
      });
      await Promise.all(children.map((c) => c.ready));
      for (const c of children) c.child.stdin.write('go\n');
      const results = await Promise.all(children.map((c) => c.result));
      const all = results.flat();
      assert.equal(all.length, total, 'every task claimed exactly once in total');
      assert.equal(new Set(all).size, total, 'no task claimed twice');
      assert.ok(
        results.filter((r) => r.length > 0).length >= 2,
        `claims were shared: ${results.map((r) => r.length)}`,
      );
      assert.deepEqual(db.statusCounts(), { pending: 0, claimed: 0, in_progress: 0, done: total, failed: 0 });
      const owners = new Map(db.listTasks().map((t) => [t.id, t.worker_id]));
      results.forEach((ids, i) => {
        for (const id of ids) assert.equal(owners.get(id), `p${i + 1}`);
      });
    });
  });
});
