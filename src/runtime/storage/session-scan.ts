import { realpathSync } from 'node:fs';
import path from 'node:path';
import { isValidId } from './ids';
import { type IndexFs, isDirEntry } from './index-fs';
import {
  coloniesDir,
  locationOf,
  queensDir,
  type SessionLayout,
  type SessionLocation,
  seedQueensDir,
} from './paths';
import { escapeRawName, isUtf8Name } from './raw-names';

/** A session folder whose name is not valid UTF-8: listed (flagged) by its raw name, never opened. */
export interface RawNamedSession {
  layout: SessionLayout;
  queenId: string;
  colonyId: string | null;
  /** The sessions folder it is in. */
  parent: string;
  raw: Buffer;
  /** The name with its invalid bytes escaped (`\xNN`). */
  shown: string;
  mtimeMs: number;
}

export interface ScanResult {
  locations: SessionLocation[];
  rawNamed: RawNamedSession[];
  /** Folders that could not be listed, or whose names are not valid ids (skipped, untouched). */
  problems: string[];
}

/** Sessions found between two pauses (a pause lets the event loop run). */
const BATCH = 1000;

/**
 * Finds every session directory in the three layouts. Only directory listings: no file is
 * opened. A folder that cannot be listed is reported and skipped, never fatal. `pause` is
 * awaited after every 1,000 sessions.
 */
export async function scanSessions(
  fs: IndexFs,
  home: string,
  pause: () => Promise<void> = () => Promise.resolve(),
): Promise<ScanResult> {
  const result: ScanResult = { locations: [], rawNamed: [], problems: [] };
  /** Names of the folders (or links to folders) in `dir`, sorted; `links` collects those that are links. */
  const subdirs = (dir: string, mustExist: boolean, links?: Set<string>): string[] => {
    try {
      return fs
        .readdir(dir)
        .filter((e) => {
          if (!isDirEntry(fs, dir, e)) return false;
          if (links && e.isSymbolicLink()) links.add(e.name);
          return true;
        })
        .map((e) => e.name)
        .sort();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (mustExist || (code !== 'ENOENT' && code !== 'ENOTDIR')) result.problems.push(`${dir}: ${code}`);
      return [];
    }
  };
  // A decoded name with U+FFFD may stand for raw bytes that are not UTF-8: those folders are found by
  // their raw names (the decoded one reaches no file).
  const rawNamed = (
    sessionsDir: string,
    where: Omit<RawNamedSession, 'parent' | 'raw' | 'shown' | 'mtimeMs'>,
  ) => {
    try {
      for (const f of fs.readdirRaw?.(sessionsDir) ?? [])
        if (!isUtf8Name(f.name))
          result.rawNamed.push({
            ...where,
            parent: sessionsDir,
            raw: f.name,
            shown: escapeRawName(f.name),
            mtimeMs: f.mtimeMs,
          });
    } catch (err) {
      result.problems.push(`${sessionsDir}: ${(err as NodeJS.ErrnoException).code}`);
    }
  };
  const collect = async (
    queensRoot: string,
    layout: SessionLayout,
    colonyId: string | null,
    make: (q: string, sid: string) => SessionLocation,
  ) => {
    for (const q of subdirs(queensRoot, false)) {
      if (!isValidId('queen', q)) {
        result.problems.push(`${path.join(queensRoot, q)}: not a valid queen id`);
        continue;
      }
      const sessionsDir = path.join(queensRoot, q, 'sessions');
      const links = new Set<string>();
      const names = subdirs(sessionsDir, false, links);
      if (names.some((n) => n.includes('\uFFFD'))) rawNamed(sessionsDir, { layout, queenId: q, colonyId });
      for (const sid of names) {
        if (sid.includes('\uFFFD')) continue; // found by its raw name above
        if (!isValidId('session', sid)) {
          result.problems.push(`${path.join(sessionsDir, sid)}: not a valid session id`);
          continue;
        }
        // Only a link can lead back up (two realpaths per session would double a refresh's cost).
        if (links.has(sid) && loopsBack(sessionsDir, sid)) {
          result.problems.push(`${path.join(sessionsDir, sid)}: a symbolic link back to a folder above it`);
          continue;
        }
        result.locations.push(make(q, sid));
        if (result.locations.length % BATCH === 0) await pause();
      }
    }
  };
  await collect(queensDir(home), 'queens', null, (q, sid) => locationOf(home, 'queens', q, sid));
  for (const c of subdirs(coloniesDir(home), false)) {
    if (!isValidId('colony', c)) continue; // colony folders with other names are not Hive colonies
    await collect(path.join(coloniesDir(home), c, 'queens'), 'colony', c, (q, sid) =>
      locationOf(home, 'colony', q, sid, c),
    );
  }
  await collect(seedQueensDir(home), 'seed', null, (q, sid) => locationOf(home, 'seed', q, sid));
  return result;
}

/** A session entry that is a link to its own sessions folder or above (`sid -> .`) is no session. */
function loopsBack(parent: string, name: string): boolean {
  let target: string;
  let base: string;
  try {
    target = realpathSync(path.join(parent, name));
    base = realpathSync(parent);
  } catch {
    return false;
  }
  return base === target || base.startsWith(`${target}${path.sep}`);
}
