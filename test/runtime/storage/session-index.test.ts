import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheFile } from '../../../src/runtime/storage/index-cache';
import { type IndexFs, nodeIndexFs } from '../../../src/runtime/storage/index-fs';
import { updateMeta } from '../../../src/runtime/storage/meta';
import { PartStore } from '../../../src/runtime/storage/parts';
import { readTextChunksSafeSync } from '../../../src/runtime/storage/safe-read';
import { SessionIndex } from '../../../src/runtime/storage/session-index';
import { partFile, removeTree, tempHome, writeSession } from './fixtures';

const sid = (n: number) =>
  `session_20260102_0930${String(n % 60).padStart(2, '0')}_${n.toString(16).padStart(8, '0')}`;

/** Counts file reads per session id through the injected fs. */
function countingFs(): { fs: IndexFs; reads: Map<string, number>; total: () => number; reset: () => void } {
  const reads = new Map<string, number>();
  const fs: IndexFs = {
    stat: nodeIndexFs.stat,
    readdir: nodeIndexFs.readdir,
    readFile: (p) => {
      const m = /(session_[0-9]{8}_[0-9]{6}_[0-9a-f]{8})/.exec(p);
      const key = m ? m[1]! : path.basename(p);
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return nodeIndexFs.readFile(p);
    },
  };
  return {
    fs,
    reads,
    total: () => [...reads.values()].reduce((a, b) => a + b, 0),
    reset: () => reads.clear(),
  };
}

/** Makes every file and folder of the tree look written `secondsAgo` ago (sessions from the past). */
function ageTree(dir: string, secondsAgo = 3600): void {
  const t = Date.now() / 1000 - secondsAgo;
  const walk = (p: string) => {
    for (const e of readdirSync(p, { withFileTypes: true })) {
      const child = path.join(p, e.name);
      if (e.isDirectory()) walk(child);
      utimesSync(child, t, t);
    }
  };
  walk(dir);
}

function buildTree(home: string, n: number, partsEach = 3): string[] {
  const dirs: string[] = [];
  for (let i = 0; i < n; i++)
    dirs.push(
      writeSession(home, sid(i), {
        layout: i % 3 === 0 ? 'seed' : i % 3 === 1 ? 'queens' : 'colony',
        meta: { created_at: 1_700_000_000 + i, agent_name: `Agent ${i}` },
        parts: Array.from({ length: partsEach }, (_, k) => ({
          role: k % 2 ? 'assistant' : 'user',
          content: `s${i} m${k}`,
          mtime: 1_700_000_100 + i + k,
        })),
      }),
    );
  ageTree(home);
  return dirs;
}

/**
 * A clock a minute ahead: the tree's timestamps (ctimes cannot be set back) count as settled,
 * so refreshes trust fingerprints instead of re-reading "racy" entries.
 */
const later = () => Date.now() + 60_000;

/** The cache file's lines after its header: one entry each (JSON Lines). */
function cacheEntries(file: string): { summary: Record<string, unknown> }[] {
  const [header, ...lines] = readFileSync(file, 'utf8').trimEnd().split('\n');
  assert.equal(JSON.parse(header!).version, 5);
  return lines.map((l) => JSON.parse(l));
}

function writeCacheEntries(file: string, home: string, entries: unknown[]): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const lines = [JSON.stringify({ version: 5, home }), ...entries.map((e) => JSON.stringify(e))];
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** What a fresh, cache-less full rebuild lists. */
async function rebuild(home: string) {
  return new SessionIndex({ home, cacheFile: null }).listColdSessions();
}

describe('SessionIndex (incremental)', () => {
  let home: string;
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => removeTree(home));

  it('re-reads only the session that changed on a full refresh', async () => {
    const dirs = buildTree(home, 30);
    const c = countingFs();
    const index = new SessionIndex({ home, fs: c.fs, cacheFile: null, now: later });
    const first = await index.refresh();
    assert.equal(first.reread, 30);
    assert.equal(c.reads.size, 30);

    c.reset();
    const unchanged = await index.refresh();
    assert.equal(unchanged.reread, 0);
    assert.equal(c.total(), 0);
    assert.equal(unchanged.changed, false);

    c.reset();
    await new PartStore(path.join(dirs[7]!, 'conversations')).append({
      role: 'assistant',
      content: 'fresh reply',
    });
    const one = await index.refresh();
    assert.equal(one.reread, 1);
    assert.deepEqual([...c.reads.keys()], [sid(7)]);
    const top = index.list()[0]!;
    assert.equal(top.session_id, sid(7));
    assert.equal(top.last_message, 'fresh reply');
    assert.equal(top.message_count, 4);
    assert.deepEqual(index.list(), await rebuild(home));
  });

  it('with the stat worker: half the stats on it, and the same changes noticed as without it', async function () {
    this.timeout(20_000);
    const n = 600; // 1,200 fingerprint paths: enough for the worker to take its half
    const dirs = buildTree(home, n, 1);
    const index = new SessionIndex({ home, cacheFile: null, now: later, statWorker: true });
    try {
      const first = await index.refresh();
      assert.equal(first.reread, n);
      assert.ok(first.workerStats >= n / 2, `the worker stat-ed ${first.workerStats} paths`);
      assert.deepEqual(index.list(), await rebuild(home));
      const unchanged = await index.refresh();
      assert.deepEqual([unchanged.reread, unchanged.changed], [0, false]);
      assert.ok(unchanged.workerStats >= n / 2);

      // Changes in both halves (this thread's and the worker's) and all three layouts: a new part, an
      // atomic meta rewrite (ours), an in-place meta rewrite (Hive's), a deleted session.
      const changed = [1, 2, n - 3, n - 2];
      await new PartStore(path.join(dirs[1]!, 'conversations')).append({ role: 'user', content: 'new' });
      await updateMeta(dirs[2]!, { agent_name: 'Renamed' });
      await new PartStore(path.join(dirs[n - 3]!, 'conversations')).append({ role: 'user', content: 'new' });
      writeFileSync(
        path.join(dirs[n - 2]!, 'meta.json'),
        JSON.stringify({ agent_name: 'Edited in place by Hive' }),
      );
      rmSync(dirs[n - 1]!, { recursive: true });
      const after = await index.refresh();
      assert.deepEqual([after.reread, after.removed], [changed.length, 1]);
      assert.deepEqual(index.list(), await rebuild(home));
    } finally {
      await index.close();
    }
  });

  it('notices meta edits, new sessions and deleted sessions', async () => {
    const dirs = buildTree(home, 6);
    const index = new SessionIndex({ home, cacheFile: null, now: later });
    await index.refresh();
    await updateMeta(dirs[2]!, { agent_name: 'Renamed' });
    rmSync(dirs[4]!, { recursive: true });
    writeSession(home, sid(99), { meta: { created_at: 1_800_000_000 } });
    const stats = await index.refresh();
    assert.deepEqual([stats.reread, stats.added, stats.removed], [2, 1, 1]);
    const rows = index.list();
    assert.equal(rows.length, 6);
    assert.equal(rows[0]!.session_id, sid(99));
    assert.equal(rows.find((r) => r.session_id === sid(2))!.agent_name, 'Renamed');
    assert.deepEqual(rows, await rebuild(home));
  });

  it('watches the session folder only where its ctime is the created_at', async () => {
    const withMeta = writeSession(home, sid(1), { meta: { created_at: 5 } });
    const noMeta = writeSession(home, sid(2));
    ageTree(home);
    const index = new SessionIndex({ home, cacheFile: null, now: later });
    await index.refresh();
    const before = index.list().find((r) => r.session_id === sid(2))!.created_at;
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(withMeta, 'events.jsonl'), '{}\n'); // folder changes, listing data does not
    writeFileSync(path.join(noMeta, 'events.jsonl'), '{}\n'); // folder ctime = created_at changes
    const stats = await index.refresh();
    assert.equal(stats.reread, 1);
    const after = index.list().find((r) => r.session_id === sid(2))!.created_at;
    assert.ok(after > before);
    assert.deepEqual(index.list(), await rebuild(home));
  });

  it('handles watcher paths: only those sessions are looked at, and in-place edits are caught', async () => {
    const dirs = buildTree(home, 20);
    const c = countingFs();
    let stats = 0;
    const fs: IndexFs = {
      ...c.fs,
      stat: (p) => {
        stats++;
        return nodeIndexFs.stat(p);
      },
    };
    const index = new SessionIndex({ home, fs, cacheFile: null, now: later });
    await index.refresh();

    // Rewrite a part in place: same folder mtime, so only the watcher's path reveals it.
    const file = partFile(dirs[5]!, 1);
    writeFileSync(file, JSON.stringify({ seq: 1, role: 'assistant', content: 'edited in place' }));
    c.reset();
    stats = 0;
    const r = await index.refresh([
      file,
      path.join(dirs[9]!, 'events.jsonl'),
      path.join(home, 'memories', 'x.md'),
    ]);
    assert.equal(r.mode, 'targeted');
    assert.equal(r.checked, 2);
    assert.equal(r.reread, 1);
    assert.deepEqual([...c.reads.keys()], [sid(5)]);
    assert.ok(stats < 30, `stat calls: ${stats}`);
    assert.equal(index.list()[0]!.last_message, 'edited in place');

    // markChanged queues paths; refresh([]) handles just the queue. A deleted session disappears.
    rmSync(dirs[3]!, { recursive: true });
    index.markChanged([dirs[3]!]);
    const gone = await index.refresh([]);
    assert.equal(gone.removed, 1);
    // A path above the sessions level asks for a full rescan.
    writeSession(home, sid(50), { meta: { created_at: 1 } });
    const full = await index.refresh([path.join(home, 'queens')]);
    assert.equal(full.mode, 'full');
    assert.equal(full.added, 1);
    assert.deepEqual(index.list(), await rebuild(home));
  });

  it('re-reads entries whose timestamps were too recent to trust (racy)', async () => {
    writeSession(home, sid(1), { meta: { created_at: 1 }, parts: [{ role: 'assistant', content: 'a' }] });
    let now = Date.now();
    const index = new SessionIndex({ home, cacheFile: null, now: () => now, racyWindowMs: 2000 });
    await index.refresh();
    assert.equal((await index.refresh()).reread, 1); // written just now: not trusted yet
    now += 60_000;
    assert.equal((await index.refresh()).reread, 1); // read once more, now settled
    assert.equal((await index.refresh()).reread, 0);
  });

  it('persists the index and starts from it: a new instance reads no part file', async () => {
    buildTree(home, 12);
    const first = new SessionIndex({ home, persistDelayMs: 0, now: later });
    await first.refresh();
    await first.flush();
    const cacheFile = defaultCacheFile(home);
    assert.equal(cacheEntries(cacheFile).length, 12);

    const c = countingFs();
    const second = new SessionIndex({ home, fs: c.fs, now: later });
    const stats = await second.refresh();
    assert.equal(stats.reread, 0);
    assert.deepEqual([...c.reads.keys()], ['session-index.json']);
    assert.deepEqual(second.list(), await rebuild(home));
  });

  it('reads its cache a chunk at a time: characters split between chunks and lines across them survive', async () => {
    buildTree(home, 4);
    writeSession(home, sid(40), {
      meta: { created_at: 1_700_000_400, agent_name: 'Grüße ✓ 日本語 🐝' },
      parts: [{ role: 'assistant', content: 'héllo ✓ 日本語 🐝', mtime: 1_700_000_500 }],
    });
    ageTree(home);
    const first = new SessionIndex({ home, persistDelayMs: 0, now: later });
    await first.refresh();
    await first.flush();
    const chunks: string[] = [];
    // 7 bytes: every multi-byte character above lands across a chunk boundary somewhere.
    const chunked: IndexFs = {
      ...nodeIndexFs,
      readFileChunks: function* (p) {
        for (const c of readTextChunksSafeSync(p, { chunkBytes: 7 })) {
          chunks.push(c);
          yield c;
        }
      },
    };
    const second = new SessionIndex({ home, fs: chunked, now: later });
    assert.equal((await second.refresh()).reread, 0, 'everything came from the cache');
    assert.ok(chunks.length > 100, `${chunks.length} chunks`);
    assert.equal(chunks.join(''), readFileSync(defaultCacheFile(home), 'utf8'));
    assert.deepEqual(second.list(), first.list());
    const bee = second.list().find((r) => r.session_id === sid(40));
    assert.deepEqual([bee?.agent_name, bee?.last_message], ['Grüße ✓ 日本語 🐝', 'héllo ✓ 日本語 🐝']);
  });

  it('close() writes the cache a last time, after the refresh in progress, and then never again', async () => {
    buildTree(home, 6);
    const index = new SessionIndex({ home, persistDelayMs: 0, now: later });
    await index.refresh();
    await index.flush();
    const cacheFile = defaultCacheFile(home);
    buildTree(home, 9); // three more sessions
    const running = index.refresh(); // in progress while the home switch closes the index
    await index.close();
    await running;
    assert.equal(cacheEntries(cacheFile).length, 9, 'the last write has them');

    // The home is deleted right after the switch: nothing writes into it any more.
    removeTree(home);
    mkdirSync(home);
    buildTree(home, 2);
    await index.refresh(); // still answers from the files, in memory
    await index.flush();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(index.count(), 2);
    assert.deepEqual(readdirSync(home).includes('.hive-vscode'), false, 'no cache written after close');
  });

  for (const [name, bytes] of [
    ['truncated', '{"version":5,"home":'],
    ['wrong version', '{"version":99,"home":"x","entries":[]}'],
    ['torn last line', null],
    ['hostile key', null],
    ['wrong types', null],
    ['id disagreeing with its key', null],
  ] as const) {
    it(`discards a corrupt cache (${name}) and rebuilds from the files, with a log line`, async () => {
      buildTree(home, 5);
      const cacheFile = defaultCacheFile(home);
      const good = new SessionIndex({ home });
      await good.refresh();
      await good.flush();
      const entries = cacheEntries(cacheFile);
      if (name === 'hostile key') entries[0]!.summary.key = '../../etc/passwd';
      if (name === 'wrong types') entries[1]!.summary.message_count = 'many';
      if (name === 'id disagreeing with its key') entries[2]!.summary.session_id = sid(99);
      writeCacheEntries(cacheFile, home, entries);
      if (name === 'torn last line') writeFileSync(cacheFile, readFileSync(cacheFile, 'utf8').slice(0, -40));
      if (bytes) writeFileSync(cacheFile, bytes);
      const logs: string[] = [];
      const index = new SessionIndex({ home, log: (m) => logs.push(m) });
      const stats = await index.refresh();
      assert.equal(stats.reread, 5);
      assert.match(logs.join('\n'), /cache discarded/);
      assert.deepEqual(index.list(), await rebuild(home));
      await index.flush();
      assert.equal(cacheEntries(cacheFile).length, 5);
    });
  }

  it('stores each entry without the ids its key already names', async () => {
    buildTree(home, 3);
    const index = new SessionIndex({ home, persistDelayMs: 0, now: later });
    await index.refresh();
    await index.flush();
    for (const e of cacheEntries(defaultCacheFile(home))) {
      assert.equal(typeof e.summary.key, 'string');
      for (const k of ['session_id', 'queen_id', 'colony_id', 'layout']) assert.ok(!(k in e.summary), k);
    }
  });

  it('reads an index written in the old one-document format (version 4) and rewrites it as JSON Lines', async () => {
    buildTree(home, 6);
    const first = new SessionIndex({ home, persistDelayMs: 0, now: later });
    await first.refresh();
    const expected = first.list();
    await first.flush();
    // The same entries as version 4 wrote them: one document, every summary field.
    const cacheFile = defaultCacheFile(home);
    const full = expected.map((row) => {
      const stored = cacheEntries(cacheFile).find((e) => e.summary.key === row.key)!;
      return {
        ...stored,
        summary: {
          ...stored.summary,
          session_id: row.session_id,
          queen_id: row.queen_id,
          colony_id: row.colony_id,
          layout: row.layout,
        },
      };
    });
    writeFileSync(cacheFile, JSON.stringify({ version: 4, home, entries: full }));

    const c = countingFs();
    const logs: string[] = [];
    const second = new SessionIndex({
      home,
      fs: c.fs,
      now: later,
      persistDelayMs: 0,
      log: (m) => logs.push(m),
    });
    const stats = await second.refresh();
    assert.equal(stats.reread, 0, 'no session read again');
    assert.deepEqual([...c.reads.keys()], ['session-index.json']);
    assert.deepEqual(second.list(), expected);
    assert.deepEqual(logs, []);
    await second.flush();
    assert.equal(cacheEntries(cacheFile).length, 6, 'rewritten in the new format');
  });

  it('stays equal to a full rebuild after random changes', async () => {
    const dirs = new Map<number, string>();
    for (const [i, d] of buildTree(home, 25).entries()) dirs.set(i, d);
    let seed = 12345;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const cacheFile = path.join(home, 'cache.json');
    let index = new SessionIndex({ home, cacheFile, persistDelayMs: 0 });
    await index.refresh();
    let next = 100;
    for (let round = 0; round < 12; round++) {
      const touched: string[] = [];
      for (let k = 0; k < 4; k++) {
        const ids = [...dirs.keys()];
        const id = ids[rand(ids.length)]!;
        const dir = dirs.get(id)!;
        switch (rand(7)) {
          case 0:
            await new PartStore(path.join(dir, 'conversations')).append({
              role: rand(2) ? 'assistant' : 'user',
              content: `r${round} ${'x'.repeat(rand(200))}`,
            });
            touched.push(path.join(dir, 'conversations', 'parts', 'new.json'));
            break;
          case 1:
            await updateMeta(dir, { agent_name: `n${round}`, colony_fork: rand(4) === 0 });
            touched.push(path.join(dir, 'meta.json'));
            break;
          case 2:
            rmSync(dir, { recursive: true });
            dirs.delete(id);
            touched.push(dir);
            break;
          case 3: {
            const n = next++;
            dirs.set(
              n,
              writeSession(home, sid(n), { layout: rand(2) ? 'queens' : 'colony', meta: { created_at: n } }),
            );
            touched.push(dirs.get(n)!);
            break;
          }
          case 4: {
            const parts = path.join(dir, 'conversations', 'parts');
            mkdirSync(parts, { recursive: true });
            const files = readdirSync(parts);
            if (files.length) rmSync(path.join(parts, files[rand(files.length)]!));
            touched.push(parts);
            break;
          }
          case 5:
            mkdirSync(path.join(dir, 'conversations', 'parts'), { recursive: true });
            writeFileSync(path.join(dir, 'conversations', 'parts', '0000000777.json'), '{"seq": 7');
            touched.push(path.join(dir, 'conversations', 'parts', '0000000777.json'));
            break;
          default:
            writeFileSync(path.join(dir, 'events.jsonl'), '{}\n', { flag: 'a' });
            touched.push(path.join(dir, 'events.jsonl'));
        }
      }
      const mode = rand(3);
      if (mode === 0) await index.refresh();
      else if (mode === 1) await index.refresh(touched);
      else {
        await index.flush();
        index = new SessionIndex({ home, cacheFile, persistDelayMs: 0 }); // restart from the cache
        await index.refresh();
      }
      assert.deepEqual(index.list(), await rebuild(home), `round ${round}`);
    }
    await index.flush();
  });
});
