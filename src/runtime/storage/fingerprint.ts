import path from 'node:path';
import type { IndexFs } from './index-fs';

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
 *
 * The value is a flat list of numbers (mtime, ctime, size, inode, mode per path; -1 for a
 * missing path, -2 for an error): comparing numbers avoids building strings on every refresh.
 */
export interface Fingerprint {
  value: number[];
  /** How many numbers of `value` precede the session folder's own stat (all of them if not watched). */
  withoutFolderLength: number;
  /** Newest mtime/ctime seen (ms), for the racy-timestamp check. */
  newestMs: number;
}

const SEP = path.sep;
const MISSING = -1;
const FAILED = -2;

export function fingerprintSession(
  fs: IndexFs,
  dir: string,
  nodeDirs: readonly string[],
  withFolder: boolean,
): Fingerprint {
  const conv = dir + SEP + 'conversations';
  const out: number[] = [];
  let newestMs = statInto(fs, dir + SEP + 'meta.json', out, 0);
  const partsAt = out.length;
  newestMs = statInto(fs, conv + SEP + 'parts', out, newestMs);
  if (out[partsAt] === MISSING) newestMs = statInto(fs, conv, out, newestMs);
  for (const node of nodeDirs) newestMs = statInto(fs, conv + SEP + node + SEP + 'parts', out, newestMs);
  const withoutFolderLength = out.length;
  if (withFolder) newestMs = statInto(fs, dir, out, newestMs);
  return { value: out, withoutFolderLength, newestMs };
}

function statInto(fs: IndexFs, p: string, out: number[], newestMs: number): number {
  let s: ReturnType<IndexFs['stat']>;
  try {
    s = fs.stat(p);
  } catch {
    out.push(FAILED);
    return newestMs;
  }
  if (!s) {
    out.push(MISSING);
    return newestMs;
  }
  out.push(s.mtimeMs, s.ctimeMs, s.size, s.ino, s.mode);
  return Math.max(newestMs, s.mtimeMs, s.ctimeMs);
}

export function sameFingerprint(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Timestamps are only trusted once they are older than the window: a change made in the same
 * clock tick as our read (or on a file system with coarse timestamps) could otherwise leave
 * the fingerprint unchanged after the content changed. Racy entries are re-read next time.
 */
export function isRacy(fp: Fingerprint, nowMs: number, windowMs: number): boolean {
  return nowMs - fp.newestMs < windowMs;
}
