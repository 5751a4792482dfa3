import assert from 'node:assert/strict';
import { fsync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { PartStore, partFileName } from '../../../src/runtime/storage/parts';
import { removeTree, tempHome } from './fixtures';

const realFsync = promisify(fsync);

/** An fsync that waits until the test opens the gate, then does the real thing; it records every call. */
function gatedFsync() {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const calls: number[] = [];
  return {
    calls,
    open,
    fsync: async (fd: number) => {
      calls.push(fd);
      await gate;
      await realFsync(fd);
    },
  };
}

describe('PartStore durability: parts visible at once, fsynced by a group commit', () => {
  let home: string;
  let conv: string;
  beforeEach(() => {
    home = tempHome();
    conv = path.join(home, 'conversations');
  });
  afterEach(() => removeTree(home));

  it('append resolves with the whole file in place before its fsync; flush waits for the fsync', async () => {
    const gated = gatedFsync();
    const store = new PartStore(conv, { fsync: gated.fsync });
    const part = await store.append({ role: 'user', content: 'hello' });
    const file = path.join(conv, 'parts', partFileName(part.seq));
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), { seq: 0, role: 'user', content: 'hello' });
    assert.deepEqual(readdirSync(path.join(conv, 'parts')), [partFileName(0)], 'no temp file left');
    assert.equal(store.unsyncedParts, 1);
    assert.equal(gated.calls.length, 0, 'the fsync is not on the append path');

    let flushed = false;
    const flush = store.flush().then(() => {
      flushed = true;
    });
    // flush() starts the waiting pass at once; it cannot finish while the fsync is held.
    while (gated.calls.length === 0) await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    assert.equal(flushed, false);
    assert.equal(store.unsyncedParts, 1);
    gated.open();
    await flush;
    assert.equal(store.unsyncedParts, 0);
    assert.equal(gated.calls.length, 1);
  });

  it('parts appended together share one pass, synced in seq order after all of them are in place', async () => {
    const seen: string[][] = [];
    const synced: string[] = [];
    // No timer in the way: the pass starts when flush() asks for it.
    const store = new PartStore(conv, {
      syncDelayMs: 60_000,
      fsync: async (fd, file) => {
        seen.push(readdirSync(path.join(conv, 'parts')).sort());
        synced.push(path.basename(file));
        await realFsync(fd);
      },
    });
    await Promise.all(Array.from({ length: 5 }, (_, i) => store.append({ role: 'user', content: `m${i}` })));
    assert.equal(store.unsyncedParts, 5);
    await store.flush();
    assert.equal(seen.length, 5);
    // Every fsync of the pass ran with all five parts already renamed into place.
    for (const names of seen)
      assert.deepEqual(
        names,
        [0, 1, 2, 3, 4].map((s) => partFileName(s)),
      );
    assert.deepEqual(
      synced,
      [0, 1, 2, 3, 4].map((s) => partFileName(s)),
    );
    assert.equal(store.unsyncedParts, 0);
  });

  it('a burst of appends longer than the descriptors kept open is synced whole, in seq order', async () => {
    const synced: string[] = [];
    const store = new PartStore(conv, {
      fsync: async (fd, file) => {
        synced.push(path.basename(file));
        await realFsync(fd);
      },
    });
    // Like a worker copying a long queen conversation: no timer runs until the burst is over.
    for (let i = 0; i < 300; i++)
      await store.append({ role: i % 2 ? 'assistant' : 'user', content: `m${i}` });
    assert.equal(store.unsyncedParts, 300);
    await store.flush();
    assert.equal(store.unsyncedParts, 0);
    assert.deepEqual(
      synced,
      Array.from({ length: 300 }, (_, i) => partFileName(i)),
    );
    assert.equal((await new PartStore(conv).readAll()).length, 300);
  });

  it('a failed fsync is reported and makes flush() reject once; the part stays readable', async () => {
    const reported: Array<{ message: string; file: string }> = [];
    let fail = true;
    const store = new PartStore(conv, {
      fsync: async (fd) => {
        if (fail) throw Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' });
        await realFsync(fd);
      },
      onSyncError: (err, file) => reported.push({ message: err.message, file }),
    });
    await store.append({ role: 'user', content: 'kept in the page cache' });
    await assert.rejects(store.flush(), /EIO/);
    assert.deepEqual(reported, [
      { message: 'EIO: i/o error, fsync', file: path.join(conv, 'parts', partFileName(0)) },
    ]);
    assert.equal(store.unsyncedParts, 0);
    assert.deepEqual(
      (await new PartStore(conv).readAll()).map((p) => p.content),
      ['kept in the page cache'],
    );
    // The cursor is still written behind the failure.
    assert.equal(JSON.parse(readFileSync(path.join(conv, 'cursor.json'), 'utf8')).next_seq, 1);
    fail = false;
    await store.append({ role: 'assistant', content: 'synced' });
    await store.flush();
    assert.equal(reported.length, 1);
  });

  it('a conversation deleted before its parts are synced is not an error', async () => {
    const reported: string[] = [];
    const store = new PartStore(conv, { onSyncError: (_err, file) => reported.push(file) });
    await store.append({ role: 'user', content: 'short-lived' });
    rmSync(conv, { recursive: true, force: true });
    await store.flush();
    assert.deepEqual(reported, []);
    assert.equal(store.unsyncedParts, 0);
  });
});
