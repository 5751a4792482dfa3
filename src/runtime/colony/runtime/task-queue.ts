import { existsSync } from 'node:fs';
import path from 'node:path';
import type { LoadedColony } from '../colony-load';
import { PENDING_TASKS_FILE } from '../progress/pending-tasks';
import { ensureProgressDb, type ProgressDb } from '../progress/progress-db';

/**
 * The colony's progress.db seen from run_parallel_workers (docs/hive-format.md §3 rule 14): when `data/progress.db` exists, each
 * task is enqueued first and its worker gets `db_path`, `colony_id` and `task_id`. The database is
 * opened on first use; where it cannot be (Node without node:sqlite, a damaged file) the workers still
 * run, without a row, and the reason is logged once.
 */
export class ColonyTaskQueue {
  private db: ProgressDb | null | undefined;

  constructor(
    private readonly colony: LoadedColony,
    private readonly logger?: { warn(message: string): void },
  ) {}

  /** One entry per task: the fields to add to its spawn data (empty without a progress.db). */
  enqueue(tasks: Array<{ task: string; data?: Record<string, unknown> }>): Array<Record<string, string>> {
    const db = this.open();
    if (!db) return tasks.map(() => ({}));
    return tasks.map((t): Record<string, string> => {
      try {
        const id = db.enqueue({ goal: t.task, payload: t.data ?? null }, 'run_parallel_workers');
        return { db_path: this.colony.progressDbPath, colony_id: this.colony.name, task_id: id };
      } catch (err) {
        this.logger?.warn(`progress.db of ${this.colony.name}: task not queued: ${String(err)}`);
        return {};
      }
    });
  }

  /** Returns a stopped worker's claimed tasks to the queue. */
  release(workerId: string): void {
    try {
      this.db?.releaseClaims(workerId, 'worker stopped');
    } catch (err) {
      this.logger?.warn(
        `progress.db of ${this.colony.name}: claims of ${workerId} not released: ${String(err)}`,
      );
    }
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  private open(): ProgressDb | null {
    if (this.db !== undefined) return this.db;
    this.db = null;
    // A colony created on a Node without sqlite has its tasks in pending_tasks.json until now.
    if (
      !existsSync(this.colony.progressDbPath) &&
      !existsSync(path.join(this.colony.dataDir, PENDING_TASKS_FILE))
    )
      return null;
    try {
      this.db = ensureProgressDb(this.colony.dataDir).db;
    } catch (err) {
      this.logger?.warn(
        `progress.db of ${this.colony.name} not used: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return this.db;
  }
}
