import { randomUUID } from 'node:crypto';
import { plainAll, type SqliteDatabase } from './sqlite';

/** Steps (a task's plan) and its SOP checklist (gates that must be checked before the task is done). */

export interface NewStep {
  title: string;
  detail?: string | null;
  seq?: number;
}
export interface NewSopItem {
  key: string;
  description: string;
  required?: boolean;
  note?: string | null;
}
export interface StepRow {
  id: string;
  task_id: string;
  seq: number;
  title: string;
  detail: string | null;
  status: string;
  evidence: string | null;
  worker_id: string | null;
  started_at: string | null;
  completed_at: string | null;
}
export interface SopRow {
  id: string;
  task_id: string;
  key: string;
  description: string;
  required: number;
  done_at: string | null;
  done_by: string | null;
  note: string | null;
}

/** Rows are only changed by the worker holding the task's claim (the `AND worker_id=?` rule of Hive). */
const OWNED = `EXISTS (SELECT 1 FROM tasks t WHERE t.id = ? AND t.worker_id = ? AND t.status IN ('claimed', 'in_progress'))`;

export function insertSteps(db: SqliteDatabase, taskId: string, steps: NewStep[], where: string): void {
  const base = Number(
    db.prepare('SELECT COALESCE(MAX(seq), 0) AS m FROM steps WHERE task_id = ?').get(taskId)?.m ?? 0,
  );
  const insert = db.prepare(
    `INSERT INTO steps (id, task_id, seq, title, detail, status) VALUES (?, ?, ?, ?, ?, 'pending')`,
  );
  steps.forEach((step, i) => {
    if (typeof step?.title !== 'string' || !step.title.trim())
      throw new Error(`${where}.steps[${i}] missing required 'title'`);
    insert.run(randomUUID(), taskId, step.seq ?? base + i + 1, step.title, step.detail ?? null);
  });
}

export function insertSopItems(db: SqliteDatabase, taskId: string, items: NewSopItem[], where: string): void {
  const insert = db.prepare(
    'INSERT INTO sop_checklist (id, task_id, key, description, required, note) VALUES (?, ?, ?, ?, ?, ?)',
  );
  items.forEach((item, i) => {
    if (
      typeof item?.key !== 'string' ||
      !item.key ||
      typeof item.description !== 'string' ||
      !item.description
    )
      throw new Error(`${where}.sop_items[${i}] missing 'key' or 'description'`);
    insert.run(
      randomUUID(),
      taskId,
      item.key,
      item.description,
      item.required === false ? 0 : 1,
      item.note ?? null,
    );
  });
}

export function listSteps(db: SqliteDatabase, taskId: string): StepRow[] {
  return plainAll<StepRow>(db.prepare('SELECT * FROM steps WHERE task_id = ? ORDER BY seq').all(taskId));
}

export function listSop(db: SqliteDatabase, taskId: string): SopRow[] {
  return plainAll<SopRow>(
    db.prepare('SELECT * FROM sop_checklist WHERE task_id = ? ORDER BY key').all(taskId),
  );
}

/** Required SOP items not yet checked: work the worker still owes before the task may be done. */
export function openRequiredSop(
  db: SqliteDatabase,
  taskId: string,
): Array<{ key: string; description: string }> {
  return plainAll(
    db
      .prepare(
        'SELECT key, description FROM sop_checklist WHERE task_id = ? AND required = 1 AND done_at IS NULL ORDER BY key',
      )
      .all(taskId),
  );
}

export function startStep(
  db: SqliteDatabase,
  taskId: string,
  seq: number,
  workerId: string,
  now: string,
): boolean {
  const r = db
    .prepare(
      `UPDATE steps SET status = 'in_progress', worker_id = ?, started_at = COALESCE(started_at, ?)
       WHERE task_id = ? AND seq = ? AND status != 'done' AND ${OWNED}`,
    )
    .run(workerId, now, taskId, seq, taskId, workerId);
  return Number(r.changes) > 0;
}

export function completeStep(
  db: SqliteDatabase,
  taskId: string,
  seq: number,
  workerId: string,
  evidence: string | null,
  now: string,
): boolean {
  const r = db
    .prepare(
      `UPDATE steps SET status = 'done', worker_id = ?, evidence = ?, completed_at = ?,
         started_at = COALESCE(started_at, ?)
       WHERE task_id = ? AND seq = ? AND ${OWNED}`,
    )
    .run(workerId, evidence, now, now, taskId, seq, taskId, workerId);
  return Number(r.changes) > 0;
}

export function checkSop(
  db: SqliteDatabase,
  taskId: string,
  key: string,
  workerId: string,
  note: string | null,
  now: string,
): boolean {
  const r = db
    .prepare(
      `UPDATE sop_checklist SET done_at = ?, done_by = ?, note = COALESCE(?, note)
       WHERE task_id = ? AND key = ? AND ${OWNED}`,
    )
    .run(now, workerId, note, taskId, key, taskId, workerId);
  return Number(r.changes) > 0;
}
