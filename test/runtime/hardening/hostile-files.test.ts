import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readMeta } from '../../../src/runtime/storage/meta';
import { readBytesSafe, readTextSafeSync, UnsafeFileError } from '../../../src/runtime/storage/safe-read';
import { runHiveChild } from '../../support/child-process';
import { HOSTILE_SESSIONS, hostileHome, mkfifo } from '../../support/hostile-home';
import { removeTree } from '../storage/fixtures';

const { OK, FIFO, ZERO, HUGE } = HOSTILE_SESSIONS;
const MB = 1024 * 1024;

describe('fault suite: hostile files under HIVE_HOME', () => {
  let home: string;
  beforeEach(() => {
    home = hostileHome();
  });
  afterEach(() => removeTree(home));

  it('the safe read refuses a FIFO, a device and an oversized file with a reason, and reads a regular file', async () => {
    const dir = path.join(home, 'probe');
    mkdirSync(dir);
    mkfifo(path.join(dir, 'fifo'));
    writeFileSync(path.join(dir, 'big'), Buffer.alloc(2048));
    writeFileSync(path.join(dir, 'ok'), 'hello');
    await assert.rejects(readBytesSafe(path.join(dir, 'fifo')), (e: unknown) => {
      assert.ok(e instanceof UnsafeFileError);
      assert.equal(e.code, 'ENOTREG');
      assert.match(e.message, /not a regular file \(a FIFO\)/);
      return true;
    });
    await assert.rejects(readBytesSafe('/dev/zero'), /not a regular file \(a character device\)/);
    assert.throws(
      () => readTextSafeSync(path.join(dir, 'big'), { maxBytes: 1024 }),
      /too large \(2048 bytes, limit 1024\)/,
    );
    assert.equal(readTextSafeSync(path.join(dir, 'ok')), 'hello');
    const meta = await readMeta(path.join(home, 'queens', 'queen_technology', 'sessions', FIFO));
    assert.equal(meta.ok, false);
    assert.match(!meta.ok ? meta.error.message : '', /FIFO/);
  });

  it('`hive sessions list` and `show` finish, flag the damage and stay small (CLI in a child process)', async function () {
    this.timeout(90_000);
    const list = await runHiveChild(
      ['sessions', 'list', '--home', home, '--json'],
      {},
      { killAfterMs: 30_000 },
    );
    assert.equal(list.killed, false, 'sessions list hung');
    assert.equal(list.code, 0, list.err);
    const rows = JSON.parse(list.out) as { session_id: string }[];
    assert.deepEqual(rows.map((r) => r.session_id).sort(), [OK, FIFO, ZERO, HUGE].sort());
    const show = await runHiveChild(['sessions', 'show', FIFO, '--home', home], {}, { killAfterMs: 30_000 });
    assert.equal(show.killed, false, 'sessions show hung');
    assert.match(show.out + show.err, /FIFO/);
    console.log(
      `      hostile home (FIFO meta, /dev/zero part, 200 MB part): list ${list.ms} ms, peak ${(list.peakRss / MB).toFixed(0)} MB; show ${show.ms} ms, peak ${(show.peakRss / MB).toFixed(0)} MB`,
    );
    assert.ok(list.peakRss < 200 * MB, `list peak ${list.peakRss}`);
    assert.ok(show.peakRss < 200 * MB, `show peak ${show.peakRss}`);
  });
});
