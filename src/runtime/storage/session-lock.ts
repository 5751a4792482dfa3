import { readFileSync } from 'node:fs';
import { readFile, unlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/**
 * One writer per session across processes. A session's part files are numbered by whoever appends
 * next; two processes with the same session live (VS Code and `hive chat --session`, two windows) would
 * pick the same seq and one part would replace the other. So a live session holds `<session>/.lock`
 * (created exclusively, holding the owner's pid and host); a second process is refused with a clear
 * error, and a lock whose process is gone (killed, crashed) is taken over. Hive itself ignores the file.
 */
export const SESSION_LOCK_FILE = '.lock';

export class SessionLockedError extends Error {
  constructor(
    readonly sessionId: string,
    readonly owner: LockOwner,
  ) {
    super(
      `session ${sessionId} is open in another Hive process (pid ${owner.pid}` +
        `${owner.host === os.hostname() ? '' : ` on ${owner.host}`}); stop it there first`,
    );
    this.name = 'SessionLockedError';
  }
}

export interface LockOwner {
  pid: number;
  host: string;
  since: number;
}

export interface SessionLock {
  readonly file: string;
  /** Removes the lock if it is still ours. */
  release(): Promise<void>;
}

export async function acquireSessionLock(sessionDir: string, sessionId: string): Promise<SessionLock> {
  const file = path.join(sessionDir, SESSION_LOCK_FILE);
  const me: LockOwner = { pid: process.pid, host: os.hostname(), since: Date.now() / 1000 };
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, JSON.stringify(me), { flag: 'wx' });
      return { file, release: () => releaseIfOurs(file, me) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const owner = await readOwner(file);
    if (owner && isAlive(owner)) throw new SessionLockedError(sessionId, owner);
    // Left by a process that is gone, or unreadable (torn by a crash): take it over, once.
    await unlink(file).catch(() => {});
  }
}

async function readOwner(file: string): Promise<LockOwner | undefined> {
  try {
    return parseOwner(await readFile(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isSafeInteger(o.pid) || typeof o.host !== 'string') return undefined;
    return { pid: o.pid as number, host: o.host, since: typeof o.since === 'number' ? o.since : 0 };
  } catch {
    return undefined;
  }
}

/** Whether a live process (this one included) holds the session's lock: it is running somewhere. */
export function isSessionLocked(sessionDir: string): boolean {
  let text: string;
  try {
    text = readFileSync(path.join(sessionDir, SESSION_LOCK_FILE), 'utf8');
  } catch {
    return false; // no lock: not running anywhere
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
  const owner = await readOwner(file);
  if (owner?.pid === me.pid && owner.host === me.host && owner.since === me.since)
    await unlink(file).catch(() => {});
}
