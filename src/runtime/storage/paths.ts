import path from 'node:path';
import { validateId } from './ids';
import { type IndexFs, isDirEntry, nodeIndexFs } from './index-fs';

/**
 * Where Hive keeps things under HIVE_HOME (docs/hive-format.md §1 and §6). Three session layouts exist:
 *  - seed-era   `agents/queens/<q>/sessions/<sid>`   (Hive 0ba1fa8)
 *  - current    `queens/<q>/sessions/<sid>`           (queen DM sessions after migrate_v3)
 *  - colony     `colonies/<c>/queens/<q>/sessions/<sid>` (a colony's overseer sessions)
 * We read all three and write new sessions where the home's own Hive looks (homeQueensDir).
 */
export type SessionLayout = 'seed' | 'queens' | 'colony';

export interface SessionLocation {
  sessionId: string;
  queenId: string;
  /** The owning colony for the colony layout, else null. */
  colonyId: string | null;
  layout: SessionLayout;
  /** Absolute session directory. */
  dir: string;
  /** Stable key: the directory relative to HIVE_HOME with `/` separators (unique, unlike session ids). */
  key: string;
}

export function queensDir(home: string): string {
  return path.join(home, 'queens');
}
export function seedQueensDir(home: string): string {
  return path.join(home, 'agents', 'queens');
}
export function coloniesDir(home: string): string {
  return path.join(home, 'colonies');
}
export function memoriesDir(home: string): string {
  return path.join(home, 'memories');
}
export function configurationFile(home: string): string {
  return path.join(home, 'configuration.json');
}
/** Our own files (index cache, …) live here, apart from Hive's. */
export function extensionStateDir(home: string): string {
  return path.join(home, '.hive-vscode');
}

export function queenDir(home: string, queenId: string): string {
  return path.join(queensDir(home), validateId('queen', queenId));
}
export function colonyDir(home: string, colonyId: string): string {
  return path.join(coloniesDir(home), validateId('colony', colonyId));
}
/** `colonies/<c>/queens`: the colony's overseer queens. */
export function colonyQueensDir(home: string, colonyId: string): string {
  return path.join(colonyDir(home, colonyId), 'queens');
}

/**
 * Which layout the home's own Hive uses for queens: a seed-era Hive (0ba1fa8) reads only
 * `agents/queens`; today's Hive moves that tree to `queens/` once and leaves `.migrated-v3` behind
 * (Hive: core/framework/storage/migrate_v3.py needs_migration). So `agents/queens` without the marker
 * is a seed-era home; anything else (a fresh home too) gets the current layout.
 */
export function homeLayout(home: string, fs: IndexFs = nodeIndexFs): 'seed' | 'queens' {
  try {
    if (fs.stat(path.join(home, MIGRATED_V3_MARKER))) return 'queens';
    return fs.stat(seedQueensDir(home))?.isDirectory() ? 'seed' : 'queens';
  } catch {
    return 'queens';
  }
}

/** migrate_v3's marker file under HIVE_HOME. */
export const MIGRATED_V3_MARKER = '.migrated-v3';

/** The queens folder the home's Hive reads (profiles and DM sessions): see homeLayout. */
export function homeQueensDir(home: string, fs?: IndexFs): string {
  return homeLayout(home, fs) === 'seed' ? seedQueensDir(home) : queensDir(home);
}

/** Path for a new session where the home's Hive looks for it (homeLayout); validates every id. */
export function sessionDirFor(
  home: string,
  queenId: string,
  sessionId: string,
  colonyId?: string | null,
): string {
  const base = colonyId ? colonyQueensDir(home, colonyId) : homeQueensDir(home);
  return path.join(base, validateId('queen', queenId), 'sessions', validateId('session', sessionId));
}

export function conversationsDir(sessionDir: string): string {
  return path.join(sessionDir, 'conversations');
}

/** Builds the location of a session dir from its parts; ids are validated. */
export function locationOf(
  home: string,
  layout: SessionLayout,
  queenId: string,
  sessionId: string,
  colonyId: string | null = null,
): SessionLocation {
  validateId('queen', queenId);
  validateId('session', sessionId);
  let segments: string[];
  if (layout === 'colony') {
    if (!colonyId) throw new Error('a colony session needs a colony id');
    segments = ['colonies', validateId('colony', colonyId), 'queens', queenId, 'sessions', sessionId];
  } else if (layout === 'queens') segments = ['queens', queenId, 'sessions', sessionId];
  else segments = ['agents', 'queens', queenId, 'sessions', sessionId];
  return {
    sessionId,
    queenId,
    colonyId: layout === 'colony' ? colonyId : null,
    layout,
    dir: underHome(home, segments),
    key: segments.join('/'),
  };
}

let lastHome: string | undefined;
let lastPrefix = '';

/**
 * `path.join(home, ...segments)` for validated ids (no separator, no `..`): only the home needs
 * normalizing, once, not each of the 10,000 sessions a scan or an index load builds.
 */
function underHome(home: string, segments: string[]): string {
  if (home !== lastHome) {
    lastPrefix = path.join(home, 'x').slice(0, -1);
    lastHome = home;
  }
  return lastPrefix + segments.join(path.sep);
}

/** Parses an index key (`queens/<q>/sessions/<sid>`, …) back into a location; undefined if malformed. */
export function locationFromKey(home: string, key: string): SessionLocation | undefined {
  const seg = key.split('/');
  try {
    if (seg.length === 4 && seg[0] === 'queens' && seg[2] === 'sessions')
      return locationOf(home, 'queens', seg[1]!, seg[3]!);
    if (seg.length === 5 && seg[0] === 'agents' && seg[1] === 'queens' && seg[3] === 'sessions')
      return locationOf(home, 'seed', seg[2]!, seg[4]!);
    if (seg.length === 6 && seg[0] === 'colonies' && seg[2] === 'queens' && seg[4] === 'sessions')
      return locationOf(home, 'colony', seg[3]!, seg[5]!, seg[1]!);
  } catch {
    // an invalid id in the key
  }
  return undefined;
}

/**
 * Maps a path under HIVE_HOME to the session it belongs to. `rest` is what follows the
 * session dir (`''` for the dir itself). Returns `{ above: true }` for a path at or above a
 * `sessions/` folder (a whole subtree may have changed) and undefined for unrelated paths.
 */
export type PathOwner = { location: SessionLocation; rest: string } | { above: true } | undefined;

export function sessionOwnerOf(home: string, file: string): PathOwner {
  const rel = path.relative(home, path.resolve(home, file));
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  const seg = rel === '' ? [] : rel.split(path.sep);
  const tryAt = (layout: SessionLayout, prefix: string[], qIndex: number, colonyId: string | null) => {
    for (let i = 0; i < prefix.length; i++) {
      if (i >= seg.length) return { above: true } as const;
      if (prefix[i] !== '*' && seg[i] !== prefix[i]) return undefined;
    }
    const sid = seg[prefix.length];
    if (sid === undefined) return { above: true } as const;
    const queenId = seg[qIndex]!;
    try {
      const location = locationOf(home, layout, queenId, sid, colonyId);
      return { location, rest: seg.slice(prefix.length + 1).join('/') };
    } catch {
      return undefined; // not a valid id: never a session of ours
    }
  };
  if (seg.length === 0) return { above: true };
  if (seg[0] === 'queens') return tryAt('queens', ['queens', '*', 'sessions'], 1, null);
  if (seg[0] === 'agents') {
    if (seg.length === 1) return { above: true };
    if (seg[1] !== 'queens') return undefined;
    return tryAt('seed', ['agents', 'queens', '*', 'sessions'], 2, null);
  }
  if (seg[0] === 'colonies') {
    return tryAt('colony', ['colonies', '*', 'queens', '*', 'sessions'], 3, seg[1] ?? null);
  }
  return undefined;
}

function listDirNames(fs: IndexFs, dir: string): string[] {
  try {
    return fs
      .readdir(dir)
      .filter((e) => isDirEntry(fs, dir, e))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/**
 * Every directory that holds a given session id, in lookup order: current DM layout, colony
 * overseer sessions (Hive HEAD's `_iter_queen_session_dirs`), then the seed-era layout.
 */
export function findSessionDirs(
  home: string,
  sessionId: string,
  fs: IndexFs = nodeIndexFs,
): SessionLocation[] {
  validateId('session', sessionId);
  const found: SessionLocation[] = [];
  const tryAdd = (make: () => SessionLocation) => {
    let loc: SessionLocation;
    try {
      loc = make();
    } catch {
      return; // a folder whose name is not a valid id
    }
    try {
      if (fs.stat(loc.dir)?.isDirectory()) found.push(loc);
    } catch {
      // absent or unreachable
    }
  };
  for (const q of listDirNames(fs, queensDir(home))) tryAdd(() => locationOf(home, 'queens', q, sessionId));
  for (const c of listDirNames(fs, coloniesDir(home)))
    for (const q of listDirNames(fs, path.join(coloniesDir(home), c, 'queens')))
      tryAdd(() => locationOf(home, 'colony', q, sessionId, c));
  for (const q of listDirNames(fs, seedQueensDir(home))) tryAdd(() => locationOf(home, 'seed', q, sessionId));
  return found;
}

/** The first directory holding the session, or undefined. */
export function findSessionDir(home: string, sessionId: string, fs?: IndexFs): SessionLocation | undefined {
  return findSessionDirs(home, sessionId, fs)[0];
}
