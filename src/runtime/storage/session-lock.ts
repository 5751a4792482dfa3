import { existsSync, readdirSync } from 'node:fs';
import { link, lstat, mkdir, rename, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { HiveError } from '../errors';
import { isValidId, randomHex } from './ids';
import { extensionStateDir } from './paths';
import { readTextSafe, readTextSafeSync } from './safe-read';

/**
 * One writer per session across processes. A session's part files are numbered by whoever appends
 * next; two processes with the same session live (VS Code and `hive chat --session`, two windows) would
 * pick the same seq and one part would replace the other. So a live session holds `<session>/.lock`
 * (holding the owner's pid and host); a second process is refused with a clear error, and a lock whose
 * process is gone (killed, crashed) is taken over. Hive itself ignores the file.
 *
 * Atomicity, without a lock library (they either need a native flock or judge staleness by age):
 * - the lock appears with its content: it is written to a private temp file first and hard-linked into
 *   place (link() fails if the name exists), so no reader ever sees an empty or half-written lock;
 * - a stale lock is taken over by renaming it to a unique name (only one taker can win that rename),
 *   checking that what was moved is the very file (same inode) judged stale, then linking our own.
 *   A taker that finds it moved a different file (another taker's fresh lock) links it back.
 *
 * Given the home, a lock also leaves a hint, `<home>/.hive-vscode/locks/<session id>.<token>`, so a listing of
 * 10,000 sessions reads one folder instead of looking for 10,000 lock files (lockHintedSessionIds). The lock
 * file stays the truth: a hint left by a crash names a lock whose process is gone.
 */
export const SESSION_LOCK_FILE = '.lock';

/** A lock file is a few dozen bytes; anything much larger is not ours. */
const LOCK_MAX_BYTES = 4096;
/** Rounds of (link, judge, take over) before giving up on a lock that keeps changing hands. */
const MAX_ATTEMPTS = 5;

export class SessionLockedError extends HiveError {
  constructor(
    readonly sessionId: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(
      'SESSION_LOCKED',
      owner
        ? `session ${sessionId} is open in another Hive process (pid ${owner.pid}` +
            `${owner.host === os.hostname() ? '' : ` on ${owner.host}`}); stop it there first`
        : `session ${sessionId} is being opened by another Hive process right now; try again`,
    );
    this.name = 'SessionLockedError';
  }
}

export interface LockOwner {
  pid: number;
  host: string;
  since: number;
  /** Random per acquisition, so two locks of one process (or a reused pid) never look alike. */
  token?: string;
}

export interface SessionLock {
  readonly file: string;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

export async function acquireSessionLock(
  sessionDir: string,
  sessionId: string,
  options: { home?: string } = {},
): Promise<SessionLock> {
  const file = path.join(sessionDir, SESSION_LOCK_FILE);
  const me: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    since: Date.now() / 1000,
    token: randomHex(8),
  };
  const temp = `${file}.${me.token}.tmp`;
  await writeFile(temp, JSON.stringify(me), { flag: 'wx', mode: 0o644 });
  try {
    let lastOwner: LockOwner | undefined;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await link(temp, file);
        const hint = options.home ? await leaveHint(options.home, sessionId, me) : undefined;
        return {
          file,
          release: async () => {
            await releaseIfOurs(file, me);
            if (hint) await unlink(hint).catch(() => {});
          },
        };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const seen = await readLock(file);
      if (!seen) continue; // released meanwhile: link again
      lastOwner = seen.owner;
      if (seen.owner && isAlive(seen.owner)) throw new SessionLockedError(sessionId, seen.owner);
      // Left by a process that is gone, or unreadable (torn by a crash before links were used).
      await takeOver(file, seen.ino);
    }
    throw new SessionLockedError(sessionId, lastOwner && isAlive(lastOwner) ? lastOwner : undefined);
  } finally {
    await unlink(temp).catch(() => {});
  }
}

function locksHintDir(home: string): string {
  return path.join(extensionStateDir(home), 'locks');
}

/** The lock's hint for listings; none if it cannot be written (the lock itself holds). */
async function leaveHint(home: string, sessionId: string, me: LockOwner): Promise<string | undefined> {
  const dir = locksHintDir(home);
  const hint = path.join(dir, `${sessionId}.${me.token}`);
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(hint, '', { flag: 'wx' });
    return hint;
  } catch {
    return undefined;
  }
}

/**
 * Ids of the sessions that may be locked under `home` (acquired with the home): a listing checks only these
 * with isSessionLocked. Empty when no hint folder exists.
 */
export function lockHintedSessionIds(home: string): Set<string> {
  const ids = new Set<string>();
  let names: string[];
  try {
    names = readdirSync(locksHintDir(home));
  } catch {
    return ids;
  }
  for (const n of names) {
    const id = n.slice(0, n.lastIndexOf('.'));
    if (isValidId('session', id)) ids.add(id);
  }
  return ids;
}

interface SeenLock {
  ino: number;
  owner: LockOwner | undefined;
}

async function readLock(file: string): Promise<SeenLock | undefined> {
  let ino: number;
  try {
    ino = (await lstat(file)).ino;
  } catch {
    return undefined;
  }
  let owner: LockOwner | undefined;
  try {
    owner = parseOwner(await readTextSafe(file, { maxBytes: LOCK_MAX_BYTES }));
  } catch {
    owner = undefined;
  }
  // Same inode still in place: the content read belongs to the file judged.
  try {
    if ((await lstat(file)).ino !== ino) return readLock(file);
  } catch {
    return undefined;
  }
  return { ino, owner };
}

/** Moves the stale lock (inode `ino`) out of the way; puts back anything else moved by mistake. */
async function takeOver(file: string, ino: number): Promise<void> {
  const aside = `${file}.${randomHex(8)}.stale`;
  try {
    await rename(file, aside);
  } catch {
    return; // someone else moved it first
  }
  let movedIno: number | undefined;
  try {
    movedIno = (await lstat(aside)).ino;
  } catch {
    movedIno = undefined;
  }
  if (movedIno !== ino) {
    // Another taker won, removed the stale lock and linked its own, which we just moved: restore it.
    await link(aside, file).catch(() => {});
  }
  await unlink(aside).catch(() => {});
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isSafeInteger(o.pid) || typeof o.host !== 'string') return undefined;
    return {
      pid: o.pid as number,
      host: o.host,
      since: typeof o.since === 'number' ? o.since : 0,
      ...(typeof o.token === 'string' ? { token: o.token } : {}),
    };
  } catch {
    return undefined;
  }
}

/** Whether a live process (this one included) holds the session's lock: it is running somewhere. */
export function isSessionLocked(sessionDir: string): boolean {
  const file = path.join(sessionDir, SESSION_LOCK_FILE);
  // Most sessions have no lock: one access() each, rather than a thrown ENOENT (a listing asks 10,000 times).
  if (!existsSync(file)) return false;
  let text: string;
  try {
    text = readTextSafeSync(file, { maxBytes: LOCK_MAX_BYTES });
  } catch {
    return false; // no lock (or not a lock file): not running anywhere
  }
  const owner = parseOwner(text);
  return owner !== undefined && isAlive(owner);
}

/** On this host: the pid exists. On another host (a shared home): assume it is, it cannot be checked. */
function isAlive(owner: LockOwner): boolean {
  if (owner.host !== os.hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function releaseIfOurs(file: string, me: LockOwner): Promise<void> {
  const seen = await readLock(file);
  const owner = seen?.owner;
  if (owner?.pid === me.pid && owner.host === me.host && owner.token === me.token)
    await unlink(file).catch(() => {});
}
