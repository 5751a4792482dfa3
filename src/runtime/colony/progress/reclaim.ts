import type { SqliteDatabase } from './sqlite';

/**
 * Stale-claim reclaim without Hive bug §5.12, docs/hive-format.md. Hive revokes every claim whose `claimed_at` is older than
 * 15 minutes, so a live worker on a long task loses it and its done/failed writes bounce. Here a claim
 * is judged by its worker, then by its activity:
 *
 *  1. `isWorkerAlive(worker_id)` answers for the workers the caller runs: `true` keeps the claim
 *     whatever its age, `false` (a worker we know has stopped) releases it at once.
 *  2. `undefined` (no callback, or a worker we do not know, e.g. one of Hive's own Python workers on
 *     the same file) falls back to activity: the claim is stale only when the latest of the task's
 *     claimed_at, started_at, updated_at (moved by `heartbeat`) and its steps' and SOP items' timestamps
 *     is older than `staleAfterMinutes`. A worker that keeps recording progress is never revoked.
 *
 * No column is added, so the file stays exactly Hive's schema v1. A released claim goes back to
 * pending with retry_count + 1, or to failed once retry_count has reached max_retries.
 */
export interface ReclaimOptions {
  staleAfterMinutes?: number;
  isWorkerAlive?: (workerId: string) => boolean | undefined;
}

export interface ReclaimResult {
  /** Back to pending. */
  requeued: string[];
  /** Past max_retries: failed. */
  failed: string[];
  /** Left alone because their worker is alive. */
  keptAlive: string[];
}

const LAST_ACTIVITY = `MAX(
  COALESCE(julianday(t.claimed_at), 0), COALESCE(julianday(t.started_at), 0), COALESCE(julianday(t.updated_at), 0),
  COALESCE((SELECT MAX(MAX(COALESCE(julianday(s.started_at), 0), COALESCE(julianday(s.completed_at), 0)))
            FROM steps s WHERE s.task_id = t.id), 0),
  COALESCE((SELECT MAX(julianday(c.done_at)) FROM sop_checklist c WHERE c.task_id = t.id), 0))`;

/** Runs inside the caller's transaction. */
export function reclaimStale(db: SqliteDatabase, now: Date, options: ReclaimOptions): ReclaimResult {
  const minutes = options.staleAfterMinutes ?? 15;
  const cutoff = julian(now) - minutes / (24 * 60);
  const rows = db
    .prepare(
      `SELECT t.id, t.worker_id, t.claim_token, ${LAST_ACTIVITY} AS last_activity FROM tasks t
       WHERE t.status IN ('claimed', 'in_progress') AND t.claimed_at IS NOT NULL`,
    )
    .all();
  const result: ReclaimResult = { requeued: [], failed: [], keptAlive: [] };
  const stamp = sqlTimeOf(now);
  for (const row of rows) {
    const workerId = row.worker_id === null ? '' : String(row.worker_id);
    const alive = workerId ? options.isWorkerAlive?.(workerId) : false;
    if (alive === true) {
      result.keptAlive.push(String(row.id));
      continue;
    }
    if (alive === undefined && Number(row.last_activity) >= cutoff) continue;
    release(db, String(row.id), row.claim_token as string | null, 'stale claim reclaimed', stamp, result);
  }
  return result;
}

/** Releases every active claim of `workerId` (a worker that was stopped). Runs inside a transaction. */
export function releaseClaims(
  db: SqliteDatabase,
  workerId: string,
  reason: string,
  stamp: string,
): ReclaimResult {
  const rows = db
    .prepare(`SELECT id, claim_token FROM tasks WHERE worker_id = ? AND status IN ('claimed', 'in_progress')`)
    .all(workerId);
  const result: ReclaimResult = { requeued: [], failed: [], keptAlive: [] };
  for (const row of rows)
    release(db, String(row.id), row.claim_token as string | null, reason, stamp, result);
  return result;
}

function release(
  db: SqliteDatabase,
  id: string,
  token: string | null,
  reason: string,
  stamp: string,
  result: ReclaimResult,
): void {
  // The claim_token guard makes sure we release the claim we looked at, not a newer one.
  const failed = db
    .prepare(
      `UPDATE tasks SET status = 'failed', last_error = COALESCE(last_error, ?), completed_at = ?, updated_at = ?
       WHERE id = ? AND claim_token IS ? AND status IN ('claimed', 'in_progress') AND retry_count >= max_retries`,
    )
    .run(`exceeded max_retries after ${reason}`, stamp, stamp, id, token);
  if (Number(failed.changes) > 0) {
    result.failed.push(id);
    return;
  }
  const requeued = db
    .prepare(
      `UPDATE tasks SET status = 'pending', worker_id = NULL, claim_token = NULL, claimed_at = NULL,
         started_at = NULL, retry_count = retry_count + 1, updated_at = ?
       WHERE id = ? AND claim_token IS ? AND status IN ('claimed', 'in_progress')`,
    )
    .run(stamp, id, token);
  if (Number(requeued.changes) > 0) result.requeued.push(id);
}

/** Julian day number of a Date, as SQLite's julianday() computes it. */
function julian(d: Date): number {
  return d.getTime() / 86_400_000 + 2_440_587.5;
}

function sqlTimeOf(d: Date): string {
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
