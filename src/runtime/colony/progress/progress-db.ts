import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as checklist from './checklist';
import { importPendingTasks } from './pending-tasks';
import { type ReclaimOptions, type ReclaimResult, reclaimStale, releaseClaims } from './reclaim';
import { applyPragmas, migrate } from './schema';
import { openSqlite, plain, plainAll, type SqliteDatabase, type SqlValue } from './sqlite';

/**
 * A colony's task queue and progress ledger, `<colony>/data/progress.db` (docs/hive-format.md §2.9), through
 * node:sqlite. Every write runs in `BEGIN IMMEDIATE`, so racing workers (in this process, other
 * processes, or Hive's own sqlite3-CLI workers) either win a row or see it taken. node:sqlite is
 * synchronous: a write waiting on another process's lock blocks for at most busy_timeout (5 s).
 */

export type TaskStatus = 'pending' | 'claimed' | 'in_progress' | 'done' | 'failed';
export const TASK_STATUSES: readonly TaskStatus[] = ['pending', 'claimed', 'in_progress', 'done', 'failed'];

export interface TaskRow {
  id: string;
  seq: number | null;
  priority: number;
  goal: string;
  payload: string | null;
  status: TaskStatus;
  worker_id: string | null;
  claim_token: string | null;
  claimed_at: string | null;
  started_at: string | null;
  completed_at: string | null;
  created_at: string;
  updated_at: string;
  retry_count: number;
  max_retries: number;
  last_error: string | null;
  parent_task_id: string | null;
  source: string | null;
}

export interface NewTask {
  id?: string;
  goal: string;
  /** Queue order after priority; default: after every task already queued. */
  seq?: number;
  priority?: number;
  /** Stored as JSON text (a string is stored as is). */
  payload?: unknown;
  max_retries?: number;
  parent_task_id?: string | null;
  steps?: checklist.NewStep[];
  sop_items?: checklist.NewSopItem[];
}

export interface ClaimedTask {
  id: string;
  goal: string;
  payload: string | null;
  claim_token: string;
}

export type CompleteResult =
  | { ok: true }
  | { ok: false; reason: 'not_owner' }
  | { ok: false; reason: 'sop_open'; openSop: Array<{ key: string; description: string }> };

export interface ProgressDbOptions {
  /** Clock for every timestamp written (tests move it). */
  now?: () => Date;
}

/** SQLite's `datetime('now')` format, UTC: what Hive's workers write for claims and updates. */
export function sqlTime(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
/** Hive's `_now_iso()` (seconds, `+00:00`): what it writes in created_at/updated_at of new rows. */
export function isoTime(d: Date): string {
  return `${d.toISOString().slice(0, 19)}+00:00`;
}

const ACTIVE = `status IN ('claimed', 'in_progress')`;

export class ProgressDb {
  private constructor(
    readonly file: string,
    private readonly db: SqliteDatabase,
    private readonly clock: () => Date,
  ) {}

  /** Opens `file` (creating folder, file and schema as needed) with Hive's pragmas. */
  static open(file: string, options: ProgressDbOptions = {}): ProgressDb {
    mkdirSync(path.dirname(file), { recursive: true });
    const db = openSqlite(file);
    try {
      applyPragmas(db);
      const clock = options.now ?? (() => new Date());
      migrate(db, isoTime(clock()));
      return new ProgressDb(path.resolve(file), db, clock);
    } catch (err) {
      db.close();
      throw new Error(`Cannot open the progress database ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  close(): void {
    this.db.close();
  }

  /** The connection's settings, for diagnostics and tests. */
  settings(): {
    journal_mode: string;
    synchronous: number;
    foreign_keys: number;
    busy_timeout: number;
    user_version: number;
  } {
    const one = (name: string) => {
      const row = this.db.prepare(`PRAGMA ${name}`).get() ?? {};
      return Object.values(row)[0];
    };
    return {
      journal_mode: String(one('journal_mode')),
      synchronous: Number(one('synchronous')),
      foreign_keys: Number(one('foreign_keys')),
      busy_timeout: Number(one('busy_timeout')),
      user_version: Number(one('user_version')),
    };
  }

  /** Runs `fn` inside BEGIN IMMEDIATE … COMMIT (ROLLBACK on a throw). */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const out = fn();
      this.db.exec('COMMIT');
      return out;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** Inserts tasks (with their steps and SOP items) in one transaction; returns their ids in order. */
  seedTasks(tasks: NewTask[], source = 'queen_create'): string[] {
    if (tasks.length === 0) return [];
    const now = isoTime(this.clock());
    return this.transaction(() => {
      let nextSeq = Number(this.db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM tasks').get()?.m ?? 0) + 1;
      const insert = this.db.prepare(
        `INSERT INTO tasks (id, seq, priority, goal, payload, status, created_at, updated_at, max_retries,
           parent_task_id, source) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?, ?, ?)`,
      );
      return tasks.map((task, i) => {
        const where = `task[${i}]`;
        if (typeof task?.goal !== 'string' || !task.goal.trim())
          throw new Error(`${where} missing required 'goal'`);
        const id = task.id ?? randomUUID();
        const payload =
          task.payload === undefined || task.payload === null
            ? null
            : typeof task.payload === 'string'
              ? task.payload
              : JSON.stringify(task.payload);
        const seq = task.seq ?? nextSeq++;
        insert.run(
          id,
          seq,
          Math.trunc(task.priority ?? 0),
          task.goal,
          payload,
          now,
          now,
          Math.trunc(task.max_retries ?? 3),
          task.parent_task_id ?? null,
          source,
        );
        checklist.insertSteps(this.db, id, task.steps ?? [], where);
        checklist.insertSopItems(this.db, id, task.sop_items ?? [], where);
        return id;
      });
    });
  }

  enqueue(task: NewTask, source = 'enqueue_tool'): string {
    return this.seedTasks([task], source)[0]!;
  }

  /**
   * Atomically claims the pinned task (`taskId`, only if still pending) or the next pending one by
   * priority DESC, seq, created_at. Undefined when there is nothing to claim.
   */
  claim(workerId: string, options: { taskId?: string } = {}): ClaimedTask | undefined {
    requireWorker(workerId);
    const token = randomBytes(8).toString('hex');
    const now = sqlTime(this.clock());
    const target =
      options.taskId !== undefined
        ? '?'
        : `(SELECT id FROM tasks WHERE status = 'pending' ORDER BY priority DESC, seq, created_at LIMIT 1)`;
    const params: SqlValue[] = [workerId, token, now, now];
    if (options.taskId !== undefined) params.push(options.taskId);
    const row = this.transaction(() =>
      this.db
        .prepare(
          `UPDATE tasks SET status = 'claimed', worker_id = ?, claim_token = ?, claimed_at = ?, updated_at = ?
           WHERE id = ${target} AND status = 'pending' RETURNING id, goal, payload, claim_token`,
        )
        .get(...params),
    );
    return plain<ClaimedTask>(row);
  }

  /** claimed → in_progress. False when `workerId` does not hold the claim (any more). */
  start(taskId: string, workerId: string): boolean {
    requireWorker(workerId);
    const now = sqlTime(this.clock());
    return this.changed(
      `UPDATE tasks SET status = 'in_progress', started_at = COALESCE(started_at, ?), updated_at = ?
       WHERE id = ? AND worker_id = ? AND ${ACTIVE}`,
      now,
      now,
      taskId,
      workerId,
    );
  }

  /** Proof of life for a claim (moves updated_at): keeps the activity-based reclaim away. */
  heartbeat(taskId: string, workerId: string): boolean {
    requireWorker(workerId);
    return this.changed(
      `UPDATE tasks SET updated_at = ? WHERE id = ? AND worker_id = ? AND ${ACTIVE}`,
      sqlTime(this.clock()),
      taskId,
      workerId,
    );
  }

  /** Marks the task done; refuses while required SOP items are open unless `ignoreSop`. */
  complete(taskId: string, workerId: string, options: { ignoreSop?: boolean } = {}): CompleteResult {
    requireWorker(workerId);
    const now = sqlTime(this.clock());
    return this.transaction((): CompleteResult => {
      const owned = this.db
        .prepare(`SELECT 1 AS ok FROM tasks WHERE id = ? AND worker_id = ? AND ${ACTIVE}`)
        .get(taskId, workerId);
      if (!owned) return { ok: false, reason: 'not_owner' };
      const open = checklist.openRequiredSop(this.db, taskId);
      if (open.length > 0 && !options.ignoreSop) return { ok: false, reason: 'sop_open', openSop: open };
      this.db
        .prepare(
          `UPDATE tasks SET status = 'done', completed_at = ?, updated_at = ? WHERE id = ? AND worker_id = ?`,
        )
        .run(now, now, taskId, workerId);
      return { ok: true };
    });
  }

  /** Marks the task failed with `error`. False when `workerId` does not hold the claim. */
  fail(taskId: string, workerId: string, error: string): boolean {
    requireWorker(workerId);
    const now = sqlTime(this.clock());
    return this.changed(
      `UPDATE tasks SET status = 'failed', last_error = ?, completed_at = ?, updated_at = ?
       WHERE id = ? AND worker_id = ? AND ${ACTIVE}`,
      error,
      now,
      now,
      taskId,
      workerId,
    );
  }

  /** Returns a stopped worker's claims to the queue (or fails them past max_retries). */
  releaseClaims(workerId: string, reason: string): ReclaimResult {
    requireWorker(workerId);
    return this.transaction(() => releaseClaims(this.db, workerId, reason, sqlTime(this.clock())));
  }

  /** Stale-claim reclaim that never revokes a live worker's claim (Hive bug §5.12, docs/hive-format.md); see reclaim.ts. */
  reclaimStale(options: ReclaimOptions = {}): ReclaimResult {
    return this.transaction(() => reclaimStale(this.db, this.clock(), options));
  }

  getTask(id: string): TaskRow | undefined {
    return plain<TaskRow>(this.db.prepare('SELECT * FROM tasks WHERE id = ?').get(id));
  }

  listTasks(filter: { status?: TaskStatus; workerId?: string } = {}): TaskRow[] {
    const where: string[] = [];
    const params: SqlValue[] = [];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.workerId) {
      where.push('worker_id = ?');
      params.push(filter.workerId);
    }
    const sql = `SELECT * FROM tasks ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY priority DESC, seq, created_at`;
    return plainAll<TaskRow>(this.db.prepare(sql).all(...params));
  }

  /** `{pending: n, claimed: n, …}`, every status present. */
  statusCounts(): Record<TaskStatus, number> {
    const out = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const row of this.db.prepare('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status').all())
      if (TASK_STATUSES.includes(row.status as TaskStatus)) out[row.status as TaskStatus] = Number(row.n);
    return out;
  }

  listSteps(taskId: string): checklist.StepRow[] {
    return checklist.listSteps(this.db, taskId);
  }
  addSteps(taskId: string, steps: checklist.NewStep[]): void {
    this.transaction(() => checklist.insertSteps(this.db, taskId, steps, 'task'));
  }
  startStep(taskId: string, seq: number, workerId: string): boolean {
    requireWorker(workerId);
    return this.transaction(() => checklist.startStep(this.db, taskId, seq, workerId, sqlTime(this.clock())));
  }
  completeStep(taskId: string, seq: number, workerId: string, evidence: string | null = null): boolean {
    requireWorker(workerId);
    const now = sqlTime(this.clock());
    return this.transaction(() => checklist.completeStep(this.db, taskId, seq, workerId, evidence, now));
  }

  listSop(taskId: string): checklist.SopRow[] {
    return checklist.listSop(this.db, taskId);
  }
  openRequiredSop(taskId: string): Array<{ key: string; description: string }> {
    return checklist.openRequiredSop(this.db, taskId);
  }
  addSopItems(taskId: string, items: checklist.NewSopItem[]): void {
    this.transaction(() => checklist.insertSopItems(this.db, taskId, items, 'task'));
  }
  checkSop(taskId: string, key: string, workerId: string, note: string | null = null): boolean {
    requireWorker(workerId);
    const now = sqlTime(this.clock());
    return this.transaction(() => checklist.checkSop(this.db, taskId, key, workerId, note, now));
  }

  getMeta(key: string): string | undefined {
    const row = this.db.prepare('SELECT value FROM colony_meta WHERE key = ?').get(key);
    return row ? String(row.value) : undefined;
  }
  setMeta(key: string, value: string): void {
    const now = isoTime(this.clock());
    this.transaction(() =>
      this.db
        .prepare('INSERT OR REPLACE INTO colony_meta(key, value, updated_at) VALUES (?, ?, ?)')
        .run(key, value, now),
    );
  }

  private changed(sql: string, ...params: SqlValue[]): boolean {
    return this.transaction(() => Number(this.db.prepare(sql).run(...params).changes) > 0);
  }
}

/** Opens `<colonyDataDir>/progress.db`, migrates it and reclaims stale claims (Hive's ensure_progress_db). */
export function ensureProgressDb(
  dataDir: string,
  options: ProgressDbOptions & ReclaimOptions = {},
): { db: ProgressDb; reclaimed: ReclaimResult } {
  const db = ProgressDb.open(path.join(dataDir, 'progress.db'), options);
  try {
    importPendingTasks(db, dataDir);
    return { db, reclaimed: db.reclaimStale(options) };
  } catch (err) {
    db.close();
    throw err;
  }
}

function requireWorker(workerId: string): void {
  if (typeof workerId !== 'string' || workerId.trim() === '') throw new Error('worker_id is required');
}
