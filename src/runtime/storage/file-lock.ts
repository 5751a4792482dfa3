import path from 'node:path';

/**
 * In-process mutual exclusion per file path. Read-merge-write of a shared JSON file
 * (meta.json, cursor.json) must not interleave between two async callers in this process,
 * or one caller's keys are lost (Hive bug §5.1, docs/hive-format.md). Other processes are not covered.
 */
const tails = new Map<string, Promise<unknown>>();

export async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(file);
  const previous = tails.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, settled);
  try {
    return await run;
  } finally {
    if (tails.get(key) === settled) tails.delete(key);
  }
}
