import path from 'node:path';
import { errorCode, type IndexFs } from './index-fs';

/**
 * A cheap stand-in for "did this session's listing data change?": a few stats, no reads.
 *
 * Stat'ed: the session folder (its ctime is Hive's created_at fallback; entries added or
 * removed), meta.json, conversations/ (Hive rewrites cursor.json there atomically after
 * every part), conversations/parts/ and each legacy `<node>/parts/` folder. Part files are
 * written atomically (temp + rename), which changes their folder's mtime. A part rewritten
 * in place keeps the folder's mtime: the file watcher's changed paths cover that case.
 */
export interface Fingerprint {
  value: string;
  /** Newest mtime/ctime seen (ms), for the racy-timestamp check. */
  newestMs: number;
}

export function fingerprintSession(fs: IndexFs, dir: string, nodeDirs: readonly string[]): Fingerprint {
  const conv = path.join(dir, 'conversations');
  const targets = [dir, path.join(dir, 'meta.json'), conv, path.join(conv, 'parts')];
  for (const node of nodeDirs) targets.push(path.join(conv, node, 'parts'));
  let newestMs = 0;
  const pieces = targets.map((p) => {
    try {
      const s = fs.stat(p);
      newestMs = Math.max(newestMs, s.mtimeMs, s.ctimeMs);
      return `${s.mtimeMs}/${s.ctimeMs}/${s.size}/${s.ino}/${s.mode}`;
    } catch (err) {
      return `!${errorCode(err)}`;
    }
  });
  return { value: pieces.join('|'), newestMs };
}

/**
 * Timestamps are only trusted once they are older than the window: a change made in the same
 * clock tick as our read (or on a file system with coarse timestamps) could otherwise leave
 * the fingerprint unchanged after the content changed. Racy entries are re-read next time.
 */
export function isRacy(fp: Fingerprint, nowMs: number, windowMs: number): boolean {
  return nowMs - fp.newestMs < windowMs;
}
