import { readdir, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Temp files a crashed writer of ours left in a session folder: write-file-atomic's `<file>.<number>`,
 * atomic.ts's `<file>.<pid>.<n>.tmp`, the session lock's `.lock.<token>.tmp` / `.stale`. Removed when a
 * session is opened, with its lock held, so no writer of ours can still own them. Hive's own files
 * never match these names.
 */
const TEMP_NAME = /^(.+\.json\.\d+|.+\.\d+\.\d+\.tmp|\.lock\.[0-9a-f]+\.(tmp|stale))$/;

/** Whether a file name is one of those temp files (a live writer's, or a crashed one's). */
export function isTempFileName(name: string): boolean {
  return TEMP_NAME.test(name);
}

export async function sweepTempFiles(sessionDir: string): Promise<number> {
  let removed = 0;
  for (const dir of [
    sessionDir,
    path.join(sessionDir, 'conversations'),
    path.join(sessionDir, 'conversations', 'parts'),
  ]) {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      continue;
    }
    for (const name of names) {
      if (!isTempFileName(name)) continue;
      try {
        await unlink(path.join(dir, name));
        removed++;
      } catch {
        // Gone already, or not ours to remove (a folder): left alone.
      }
    }
  }
  return removed;
}
