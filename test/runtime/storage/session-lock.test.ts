import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  acquireSessionLock,
  SESSION_LOCK_FILE,
  SessionLockedError,
} from '../../../src/runtime/storage/session-lock';
import { removeTree, tempHome } from './fixtures';

describe('storage: the cross-process session lock', () => {
  let dir: string;
  const id = 'session_20260101_000000_0000abcd';
  beforeEach(() => {
    dir = path.join(tempHome(), 'sess');
    mkdirSync(dir, { recursive: true });
  });
  afterEach(() => removeTree(path.dirname(dir)));

  it('refuses a second holder while the first lives, naming its pid; release frees it', async () => {
    const lock = await acquireSessionLock(dir, id);
    const owner = JSON.parse(readFileSync(path.join(dir, SESSION_LOCK_FILE), 'utf8'));
    assert.deepEqual([owner.pid, owner.host], [process.pid, os.hostname()]);
    await assert.rejects(acquireSessionLock(dir, id), (err: unknown) => {
      assert.ok(err instanceof SessionLockedError);
      assert.equal(err.owner?.pid, process.pid);
      assert.match(
        err.message,
        new RegExp(`session ${id} is open in another Hive process \\(pid ${process.pid}\\)`),
      );
      return true;
    });
    await lock.release();
    assert.ok(!existsSync(path.join(dir, SESSION_LOCK_FILE)));
    await (await acquireSessionLock(dir, id)).release();
  });

  it('takes over a lock left by a process that is gone, or a torn lock file', async () => {
    const gone = spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }).pid;
    writeFileSync(
      path.join(dir, SESSION_LOCK_FILE),
      JSON.stringify({ pid: gone, host: os.hostname(), since: 1 }),
    );
    const lock = await acquireSessionLock(dir, id);
    assert.equal(JSON.parse(readFileSync(lock.file, 'utf8')).pid, process.pid);
    await lock.release();
    writeFileSync(path.join(dir, SESSION_LOCK_FILE), '{"pid": 12');
    await (await acquireSessionLock(dir, id)).release();
  });

  it('does not remove a lock that another holder took after a takeover', async () => {
    const mine = await acquireSessionLock(dir, id);
    const other = { pid: process.pid, host: os.hostname(), since: 42 };
    writeFileSync(mine.file, JSON.stringify(other));
    await mine.release();
    assert.deepEqual(JSON.parse(readFileSync(mine.file, 'utf8')), other);
  });
});
