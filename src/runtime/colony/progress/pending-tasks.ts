import { readFileSync, renameSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { NewTask, ProgressDb } from './progress-db';

/**
 * Tasks a colony was created with on a Node without node:sqlite: kept in `data/pending_tasks.json` and
 * inserted (then the file removed) the first time a Node with sqlite opens the colony's progress.db, so
 * create_colony loses none of them. Our own file: Hive never writes it and ignores it.
 */
export const PENDING_TASKS_FILE = 'pending_tasks.json';

export async function writePendingTasks(dataDir: string, tasks: NewTask[], source: string): Promise<void> {
  await writeFile(path.join(dataDir, PENDING_TASKS_FILE), `${JSON.stringify({ source, tasks }, null, 2)}\n`, {
    flag: 'wx',
  });
}

/** Synchronous like ProgressDb itself. Inserts the pending tasks into `db` (one transaction) and removes the file; returns how many. */
export function importPendingTasks(db: ProgressDb, dataDir: string): number {
  const file = path.join(dataDir, PENDING_TASKS_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  // Claimed by renaming first, so two processes opening the colony at once never insert twice.
  const claimed = `${file}.importing-${process.pid}`;
  try {
    renameSync(file, claimed);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  const parsed = JSON.parse(text) as { source?: unknown; tasks?: unknown };
  const tasks = Array.isArray(parsed.tasks) ? (parsed.tasks as NewTask[]) : [];
  const known = new Set(tasks.filter((t) => t.id && db.getTask(t.id)).map((t) => t.id));
  const ids = db.seedTasks(
    tasks.filter((t) => !known.has(t.id)),
    typeof parsed.source === 'string' ? parsed.source : 'queen_create',
  );
  rmSync(claimed, { force: true });
  return ids.length;
}
