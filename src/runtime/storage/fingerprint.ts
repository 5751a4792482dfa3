import path from 'node:path';
import type { IndexFs } from './index-fs';
import { STAT_FAILED, STAT_MISSING, STAT_SLOTS, statOneInto } from './parallel-stat';

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

/** A session's stats taken ahead (ParallelStat): `values` holds fingerprintPaths()'s paths from index `at` on. */
export interface StatsAhead {
  values: Float64Array;
  at: number;
}

/**
 * The paths fingerprintSession stats, in its order, appended to `into` (to stat them ahead, many
 * sessions at once). conversations/, stat'ed only when parts/ is missing, is not among them.
 */
export function fingerprintPaths(
  dir: string,
  nodeDirs: readonly string[],
  withFolder: boolean,
  into: string[],
): void {
  const conv = dir + SEP + 'conversations';
  into.push(dir + SEP + 'meta.json', conv + SEP + 'parts');
  for (const node of nodeDirs) into.push(conv + SEP + node + SEP + 'parts');
  if (withFolder) into.push(dir);
}

export function fingerprintSession(
  fs: IndexFs,
  dir: string,
  nodeDirs: readonly string[],
  withFolder: boolean,
  ahead?: StatsAhead,
): Fingerprint {
  const conv = dir + SEP + 'conversations';
  const out: number[] = [];
  let next = ahead?.at ?? 0;
  // Each path in fingerprintPaths()'s order: from the stats taken ahead if there are, else stat'ed now.
  const take = (p: string, newestMs: number) => {
    if (!ahead) return statInto(fs, p, out, newestMs);
    const at = next++ * STAT_SLOTS;
    return pushValues(ahead.values, at, out, newestMs);
  };
  let newestMs = take(dir + SEP + 'meta.json', 0);
  const partsAt = out.length;
  newestMs = take(conv + SEP + 'parts', newestMs);
  if (out[partsAt] === STAT_MISSING) newestMs = statInto(fs, conv, out, newestMs);
  for (const node of nodeDirs) newestMs = take(conv + SEP + node + SEP + 'parts', newestMs);
  const withoutFolderLength = out.length;
  if (withFolder) newestMs = take(dir, newestMs);
  return { value: out, withoutFolderLength, newestMs };
}

const scratch = new Float64Array(STAT_SLOTS);

function statInto(fs: IndexFs, p: string, out: number[], newestMs: number): number {
  statOneInto(fs, p, scratch, 0);
  return pushValues(scratch, 0, out, newestMs);
}

/** Appends one path's stat values (one number if it is missing or failed); returns the newest time seen. */
function pushValues(values: Float64Array, at: number, out: number[], newestMs: number): number {
  const mtimeMs = values[at]!;
  if (mtimeMs === STAT_MISSING || mtimeMs === STAT_FAILED) {
    out.push(mtimeMs);
    return newestMs;
  }
  const ctimeMs = values[at + 1]!;
  out.push(mtimeMs, ctimeMs, values[at + 2]!, values[at + 3]!, values[at + 4]!);
  return Math.max(newestMs, mtimeMs, ctimeMs);
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
