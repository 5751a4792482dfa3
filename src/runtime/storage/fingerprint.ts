import path from 'node:path';
import { errorCode, type IndexFs } from './index-fs';

/**
 * A cheap stand-in for "did this session's listing data change?": usually two stats, no reads.
 *
 * Stat'ed: meta.json (Hive rewrites it in place) and conversations/parts/ (parts are written
 * atomically, temp + rename, which changes the folder's mtime; deleting one does too). Only
 * when parts/ is missing: conversations/ itself (its existence matters to Hive's
 * get_cold_session_info, and legacy node folders appear there). Each known legacy
 * `<node>/parts/` folder. The session folder only when its ctime is the session's created_at
 * (Hive's fallback when meta.json has none).
 * Not seen without a file watcher's changed paths: a part rewritten in place (same folder
 * mtime) and a legacy node folder added next to an existing flat parts/ folder.
 */
export interface Fingerprint {
  value: string;
  /** The value without the session folder's piece. */
  withoutFolder: string;
  /** Newest mtime/ctime seen (ms), for the racy-timestamp check. */
  newestMs: number;
}

export function fingerprintSession(
  fs: IndexFs,
  dir: string,
  nodeDirs: readonly string[],
  withFolder: boolean,
): Fingerprint {
  const conv = path.join(dir, 'conversations');
  let newestMs = 0;
  const piece = (p: string): string => {
    try {
      const s = fs.stat(p);
      if (!s) return '-|';
      newestMs = Math.max(newestMs, s.mtimeMs, s.ctimeMs);
      return `${s.mtimeMs}/${s.ctimeMs}/${s.size}/${s.ino}/${s.mode}|`;
    } catch (err) {
      return `!${errorCode(err)}|`;
    }
  };
  let value = piece(path.join(dir, 'meta.json'));
  const parts = piece(path.join(conv, 'parts'));
  value += parts;
  if (parts === '-|') value += piece(conv);
  for (const node of nodeDirs) value += piece(path.join(conv, node, 'parts'));
  const withoutFolder = value;
  if (withFolder) value += piece(dir);
  return { value, withoutFolder, newestMs };
}

/**
 * Timestamps are only trusted once they are older than the window: a change made in the same
 * clock tick as our read (or on a file system with coarse timestamps) could otherwise leave
 * the fingerprint unchanged after the content changed. Racy entries are re-read next time.
 */
export function isRacy(fp: Fingerprint, nowMs: number, windowMs: number): boolean {
  return nowMs - fp.newestMs < windowMs;
}
