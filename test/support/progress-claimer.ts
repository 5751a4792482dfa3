// Child process for the concurrent-claim test: opens a progress.db, prints "ready", waits for a line on
// stdin (so that every child starts claiming at once), then claims tasks until the queue is empty,
// completing each, and prints the claimed ids as one JSON line. Usage: progress-claimer.ts <db> <worker_id>
import { ProgressDb } from '../../src/runtime/colony/progress/progress-db';

const [file, workerId] = process.argv.slice(2);
if (!file || !workerId) throw new Error('usage: progress-claimer.ts <db> <worker_id>');
const db = ProgressDb.open(file);
process.stdout.write('ready\n');
process.stdin.once('data', () => {
  const claimed: string[] = [];
  for (;;) {
    const task = db.claim(workerId);
    if (!task) break;
    claimed.push(task.id);
    if (!db.start(task.id, workerId)) throw new Error(`lost claim on ${task.id}`);
    const done = db.complete(task.id, workerId);
    if (!done.ok) throw new Error(`could not complete ${task.id}: ${done.reason}`);
  }
  db.close();
  process.stdout.write(`${JSON.stringify(claimed)}\n`);
  process.stdin.destroy();
});
