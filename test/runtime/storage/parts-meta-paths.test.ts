import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InvalidIdError } from '../../../src/runtime/storage/ids';
import { MetaCorruptError, readMeta, updateMeta } from '../../../src/runtime/storage/meta';
import { PartStore, partFileName, toStorageDict } from '../../../src/runtime/storage/parts';
import {
  findSessionDir,
  findSessionDirs,
  sessionDirFor,
  sessionOwnerOf,
} from '../../../src/runtime/storage/paths';
import { removeTree, tempHome, writeSession } from './fixtures';

describe('storage: parts, meta, paths', () => {
  let home: string;
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => removeTree(home));

  describe('PartStore', () => {
    it('appends parts in Hive format with increasing seq and advances cursor.json', async () => {
      const conv = path.join(home, 'conversations');
      const store = new PartStore(conv);
      assert.equal(await store.nextSeq(), 0);
      const a = await store.append({ role: 'user', content: 'hi', is_client_input: true, is_error: false });
      const b = await store.append({
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 't1', type: 'function', function: { name: 'ls', arguments: '{}' } }],
      });
      assert.deepEqual([a.seq, b.seq], [0, 1]);
      assert.deepEqual(readdirSync(path.join(conv, 'parts')).sort(), ['0000000000.json', '0000000001.json']);
      const onDisk = JSON.parse(readFileSync(path.join(conv, 'parts', '0000000000.json'), 'utf8'));
      assert.deepEqual(onDisk, { seq: 0, role: 'user', content: 'hi', is_client_input: true });
      assert.ok(!('created_at' in onDisk));
      await store.flush();
      assert.equal(JSON.parse(readFileSync(path.join(conv, 'cursor.json'), 'utf8')).next_seq, 2);
      const again = await new PartStore(conv).readAll();
      assert.deepEqual(
        again.map((p) => [p.seq, p.role]),
        [
          [0, 'user'],
          [1, 'assistant'],
        ],
      );
    });

    it('keeps the transcript in memory after the first read: appends show up, disk is not re-read', async () => {
      const conv = path.join(home, 'conversations');
      const store = new PartStore(conv);
      await store.append({ role: 'user', content: 'one' });
      const first = await store.readAll();
      first.pop(); // callers get copies, the cache is untouched
      // A file written behind the store's back is not seen: the instance is the conversation's only writer.
      writeFileSync(
        path.join(conv, 'parts', '0000000005.json'),
        JSON.stringify({ seq: 5, role: 'user', content: 'x' }),
      );
      await store.append({ role: 'assistant', content: 'two' });
      assert.deepEqual(
        (await store.readAll()).map((p) => p.content),
        ['one', 'two'],
      );
      assert.deepEqual(
        (await new PartStore(conv).readAll()).map((p) => p.content),
        ['one', 'two', 'x'],
      );
    });

    it('serializes concurrent appends and keeps other cursor keys', async () => {
      const conv = path.join(home, 'conversations');
      mkdirSync(conv, { recursive: true });
      writeFileSync(path.join(conv, 'cursor.json'), JSON.stringify({ iteration: 7, next_seq: 3 }));
      const store = new PartStore(conv);
      const done = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.append({ role: 'user', content: `m${i}` })),
      );
      assert.deepEqual(
        done.map((p) => p.seq),
        [3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      );
      await store.flush();
      assert.deepEqual(JSON.parse(readFileSync(path.join(conv, 'cursor.json'), 'utf8')), {
        iteration: 7,
        next_seq: 13,
      });
    });

    it('concurrent appends land in seq order and a failed one leaves a gap, not a reused seq or a temp file', async () => {
      const conv = path.join(home, 'conversations');
      const store = new PartStore(conv);
      await store.append({ role: 'user', content: 'first' });
      const landed: number[] = [];
      const appends = Array.from({ length: 8 }, (_, i) =>
        store
          .append(
            i === 3
              ? // A value JSON cannot hold: this part fails before it reaches the disk.
                ({ role: 'tool', content: 'x', tool_use_id: 't', image_content: [{ data: 1n }] } as never)
              : { role: 'assistant', content: `m${i}` },
          )
          .then((p) => {
            // Resolution follows the rename: the order the files appeared in.
            landed.push(p.seq);
            // Everything before this part is already on disk.
            const names = readdirSync(path.join(conv, 'parts'));
            for (let s = 0; s < p.seq; s++)
              if (s !== 4) assert.ok(names.includes(partFileName(s)), `seq ${s}`);
            return p.seq;
          }),
      );
      const settled = await Promise.allSettled(appends);
      assert.equal(settled[3]!.status, 'rejected');
      assert.deepEqual(landed, [1, 2, 3, 5, 6, 7, 8]);
      await store.flush();
      assert.deepEqual(
        readdirSync(path.join(conv, 'parts')).sort(),
        [0, 1, 2, 3, 5, 6, 7, 8].map(partFileName),
      );
      assert.deepEqual(
        (await new PartStore(conv).readAll()).map((p) => p.content),
        ['first', 'm0', 'm1', 'm2', 'm4', 'm5', 'm6', 'm7'],
      );
      assert.equal((await store.append({ role: 'user', content: 'next' })).seq, 9);
      assert.equal(JSON.parse(readFileSync(path.join(conv, 'cursor.json'), 'utf8')).next_seq, 9);
    });

    it('makes the parts folder again if it disappears', async () => {
      const conv = path.join(home, 'conversations');
      const store = new PartStore(conv);
      await store.append({ role: 'user', content: 'one' });
      await store.flush();
      removeTree(path.join(conv, 'parts'));
      const p = await store.append({ role: 'assistant', content: 'two' });
      assert.deepEqual(readdirSync(path.join(conv, 'parts')), [partFileName(p.seq)]);
    });

    it('reads the legacy node layout, skips and counts corrupt files, never reuses a corrupt seq', async () => {
      const conv = path.join(home, 'conversations');
      mkdirSync(path.join(conv, 'parts'), { recursive: true });
      mkdirSync(path.join(conv, 'node_a', 'parts'), { recursive: true });
      writeFileSync(
        path.join(conv, 'node_a', 'parts', partFileName(0)),
        '{"seq":0,"role":"user","content":"old"}',
      );
      writeFileSync(path.join(conv, 'parts', partFileName(1)), '{"seq":1,"role":"assistant","content":"x"}');
      writeFileSync(path.join(conv, 'parts', partFileName(2)), '{"seq":2,"role":"assis');
      writeFileSync(path.join(conv, 'parts', partFileName(3)), '[1,2]');
      writeFileSync(path.join(conv, 'parts', '0000000004.json.tmp123'), 'ignored');
      const store = new PartStore(conv);
      const { parts, skipped } = await store.read();
      assert.deepEqual(
        parts.map((p) => p.content),
        ['old', 'x'],
      );
      assert.equal(skipped.length, 2);
      const before = readFileSync(path.join(conv, 'parts', partFileName(2)), 'utf8');
      const next = await store.append({ role: 'user', content: 'new' });
      assert.equal(next.seq, 4);
      assert.equal(readFileSync(path.join(conv, 'parts', partFileName(2)), 'utf8'), before);
    });

    it('reads just the newest parts of a long transcript, skipping a corrupt one among them', async () => {
      const conv = path.join(home, 'conversations');
      mkdirSync(path.join(conv, 'parts'), { recursive: true });
      for (let seq = 0; seq < 30; seq++)
        writeFileSync(
          path.join(conv, 'parts', partFileName(seq)),
          seq === 27 ? '{"seq":27,' : JSON.stringify({ seq, role: 'user', content: `m${seq}` }),
        );
      writeFileSync(path.join(conv, 'parts', '0000000030.json.99.1.tmp'), 'a temp file');
      const tail = await new PartStore(conv).readTail(5);
      assert.deepEqual(
        tail.parts.map((p) => p.content),
        ['m25', 'm26', 'm28', 'm29'],
      );
      assert.equal(tail.earlier, true);
      const all = await new PartStore(conv).readTail(40);
      assert.deepEqual([all.parts.length, all.earlier], [29, false]);
      // Once the store has read everything (or appended), the tail comes from memory and includes new parts.
      const store = new PartStore(conv);
      await store.readAll();
      await store.append({ role: 'assistant', content: 'new' });
      const fromMemory = await store.readTail(2);
      assert.deepEqual(
        fromMemory.parts.map((p) => p.content),
        ['m29', 'new'],
      );
    });

    it('reads a legacy node-layout transcript whole for its tail', async () => {
      const conv = path.join(home, 'conversations');
      mkdirSync(path.join(conv, 'node_a', 'parts'), { recursive: true });
      mkdirSync(path.join(conv, 'parts'), { recursive: true });
      writeFileSync(
        path.join(conv, 'node_a', 'parts', partFileName(0)),
        '{"seq":0,"role":"user","content":"a"}',
      );
      writeFileSync(
        path.join(conv, 'node_a', 'parts', partFileName(1)),
        '{"seq":1,"role":"user","content":"b"}',
      );
      writeFileSync(path.join(conv, 'parts', partFileName(2)), '{"seq":2,"role":"user","content":"c"}');
      const tail = await new PartStore(conv).readTail(2);
      assert.deepEqual([tail.parts.map((p) => p.content), tail.earlier], [['b', 'c'], true]);
    });

    it('omits false/null optional keys like to_storage_dict', () => {
      assert.deepEqual(
        toStorageDict({
          seq: 5,
          role: 'tool',
          content: 'r',
          tool_use_id: 't',
          is_error: false,
          truncated: true,
        }),
        { seq: 5, role: 'tool', content: 'r', tool_use_id: 't', truncated: true },
      );
    });
  });

  describe('meta.json', () => {
    it('merges keys atomically and serializes concurrent updates', async () => {
      const dir = writeSession(home, 'session_20260101_120000_aaaaaaaa', { meta: { queen_id: 'q', x: 1 } });
      await Promise.all([
        updateMeta(dir, { agent_name: 'Acme' }),
        updateMeta(dir, { phase: 'working' }),
        updateMeta(dir, { x: undefined }, ['queen_id']),
      ]);
      const r = await readMeta(dir);
      assert.ok(r.ok);
      assert.deepEqual(r.meta, { x: 1, agent_name: 'Acme', phase: 'working' });
    });

    it('reports a corrupt meta.json and refuses to overwrite it', async () => {
      const dir = writeSession(home, 'session_20260101_120000_bbbbbbbb', { meta: '{"queen_id": "q", ' });
      const r = await readMeta(dir);
      assert.equal(r.ok, false);
      assert.equal(!r.ok && r.error.kind, 'invalid-json');
      await assert.rejects(updateMeta(dir, { phase: 'x' }), MetaCorruptError);
      assert.equal(readFileSync(path.join(dir, 'meta.json'), 'utf8'), '{"queen_id": "q", ');
      const arr = writeSession(home, 'session_20260101_120000_cccccccc', { meta: '[1]' });
      const r2 = await readMeta(arr);
      assert.equal(!r2.ok && r2.error.kind, 'not-an-object');
    });

    it('reads a missing meta.json as empty', async () => {
      assert.deepEqual(await readMeta(path.join(home, 'nope')), { ok: true, exists: false, meta: {} });
    });
  });

  describe('paths', () => {
    const sid = 'session_20260101_120000_dddddddd';
    it('finds a session in every layout, current first', () => {
      writeSession(home, sid, { layout: 'seed', queen: 'queen_old' });
      writeSession(home, sid, { layout: 'colony', queen: 'queen_c', colony: 'my_colony' });
      assert.deepEqual(
        findSessionDirs(home, sid).map((l) => l.key),
        [`colonies/my_colony/queens/queen_c/sessions/${sid}`, `agents/queens/queen_old/sessions/${sid}`],
      );
      writeSession(home, sid, { layout: 'queens', queen: 'queen_new' });
      const first = findSessionDir(home, sid)!;
      assert.equal(first.layout, 'queens');
      assert.equal(first.queenId, 'queen_new');
      assert.equal(first.dir, path.join(home, 'queens', 'queen_new', 'sessions', sid));
      assert.equal(findSessionDir(home, 'session_20990101_000000_00000000'), undefined);
    });

    it('builds new session dirs in the current layout and validates ids', () => {
      assert.equal(
        sessionDirFor(home, 'queen_x', sid),
        path.join(home, 'queens', 'queen_x', 'sessions', sid),
      );
      assert.equal(
        sessionDirFor(home, 'queen_x', sid, 'col'),
        path.join(home, 'colonies', 'col', 'queens', 'queen_x', 'sessions', sid),
      );
      const hostile = ['../../etc', '/abs/path', 'a\0b', 'x'.repeat(200), '..', 'a/b', ''];
      for (const bad of hostile) {
        assert.throws(
          () => sessionDirFor(home, 'queen_x', bad),
          InvalidIdError,
          `session ${JSON.stringify(bad)}`,
        );
        assert.throws(() => sessionDirFor(home, bad, sid), InvalidIdError, `queen ${JSON.stringify(bad)}`);
        assert.throws(() => sessionDirFor(home, 'q', sid, `${bad}X`), InvalidIdError);
        assert.throws(() => findSessionDir(home, bad), InvalidIdError);
      }
    });

    it('maps changed paths to their session', () => {
      const owner = sessionOwnerOf(
        home,
        path.join(home, 'colonies', 'c1', 'queens', 'q', 'sessions', sid, 'meta.json'),
      );
      assert.ok(owner && 'location' in owner);
      assert.equal(owner.location.colonyId, 'c1');
      assert.equal(owner.rest, 'meta.json');
      assert.deepEqual(sessionOwnerOf(home, path.join(home, 'queens', 'q', 'sessions')), { above: true });
      assert.equal(sessionOwnerOf(home, path.join(home, 'memories', 'x.md')), undefined);
      assert.equal(sessionOwnerOf(home, '/elsewhere/file'), undefined);
      assert.equal(sessionOwnerOf(home, path.join(home, 'queens', 'q', 'sessions', 'bad id')), undefined);
    });
  });
});
