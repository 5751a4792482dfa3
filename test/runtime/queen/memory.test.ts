import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, symlink, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  deleteMemory,
  listMemories,
  MAX_MEMORY_FILE_BYTES,
  MemoryError,
  memoryFilename,
  memoryLayout,
  parseMemory,
  readMemory,
  recordReflectionError,
  renderMemory,
  writeMemory,
} from '../../../src/runtime/queen/memory';
import { applyMemoryOps, parseMemoryOps } from '../../../src/runtime/queen/memory-ops';
import { InvalidIdError } from '../../../src/runtime/storage/ids';
import { tempDir } from './support';

const draft = {
  name: 'Prefers dark mode',
  description: 'UI theme preference',
  type: 'preference' as const,
  body: 'Dark mode everywhere.',
};

describe('memory files (§2.8)', () => {
  let root: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: root, cleanup } = await tempDir());
    dir = memoryLayout(path.join(root, 'memories')).global;
  });
  afterEach(() => cleanup());

  it('lays out global, queen, colony and worker folders with validated names', () => {
    const m = memoryLayout('/h/memories');
    assert.equal(m.global, path.join('/h/memories', 'global'));
    assert.equal(m.queen('queen_growth'), path.join('/h/memories', 'agents', 'queens', 'queen_growth'));
    assert.equal(m.colony('news_digest'), path.join('/h/memories', 'colonies', 'news_digest'));
    assert.equal(m.worker('worker'), path.join('/h/memories', 'agents', 'worker'));
    assert.throws(() => m.queen('../x'), InvalidIdError);
    assert.throws(() => m.colony('News'), InvalidIdError);
    assert.throws(() => m.worker('queens'), MemoryError);
  });

  it("writes Hive's frontmatter document and reads it back", async () => {
    const r = await writeMemory(dir, draft);
    assert.deepEqual([r.filename, r.created], ['prefers-dark-mode.md', true]);
    const text = await readFile(path.join(dir, r.filename), 'utf8');
    assert.equal(
      text,
      '---\nname: Prefers dark mode\ndescription: UI theme preference\ntype: preference\n---\n\nDark mode everywhere.\n',
    );
    const m = await readMemory(dir, r.filename);
    assert.deepEqual(
      [m.name, m.description, m.type, m.body],
      [draft.name, draft.description, 'preference', draft.body],
    );
    const again = await writeMemory(dir, { ...draft, body: 'Dark mode, except in slides.' });
    assert.equal(again.created, false, 'same name updates the same file');
    assert.equal((await readMemory(dir, r.filename)).body, 'Dark mode, except in slides.');
    assert.deepEqual(await readdir(dir), ['prefers-dark-mode.md']);
  });

  it('reads files written by others leniently', () => {
    const parsed = parseMemory('---\nname: X: y\n# comment\ntype: Feedback\nbogus\n---\nbody text\n');
    assert.deepEqual(parsed.frontmatter, { name: 'X: y', type: 'Feedback' });
    assert.equal(parsed.body, 'body text');
    assert.deepEqual(parseMemory('no frontmatter'), { frontmatter: {}, body: 'no frontmatter' });
  });

  it('rejects invalid drafts with the field named, writing nothing', async () => {
    const bad: [Record<string, unknown>, RegExp][] = [
      [{ ...draft, type: 'secret' }, /type: must be one of profile, preference, environment, feedback/],
      [{ ...draft, name: '' }, /name: must not be empty/],
      [{ ...draft, name: 'ok\ntype: profile' }, /name: must be a single line/],
      [{ ...draft, description: 'a\r\nb' }, /description: must be a single line/],
      [{ ...draft, body: '   ' }, /body: must not be empty/],
    ];
    for (const [d, re] of bad)
      await assert.rejects(
        writeMemory(dir, d as typeof draft),
        (e: unknown) => e instanceof MemoryError && re.test(e.message),
      );
    assert.deepEqual(await listMemories(dir), []);
  });

  it('enforces 4096 bytes per file, counting bytes not characters', async () => {
    const full =
      MAX_MEMORY_FILE_BYTES - Buffer.byteLength(renderMemory({ ...draft, name: 'full', body: 'x' })) + 1;
    assert.equal(
      (await writeMemory(dir, { ...draft, name: 'full', body: 'x'.repeat(full) })).bytes,
      MAX_MEMORY_FILE_BYTES,
    );
    await assert.rejects(
      writeMemory(dir, { ...draft, name: 'over', body: 'x'.repeat(full + 1) }),
      /is 4097 bytes; the limit is 4096 bytes/,
    );
    // 2-byte characters: fewer characters than 4096, more bytes
    await assert.rejects(
      writeMemory(dir, { ...draft, name: 'accents', body: 'é'.repeat(2100) }),
      /the limit is 4096 bytes/,
    );
    assert.deepEqual(await readdir(dir), ['full.md']);
  });

  it('enforces 200 files per folder for new files only', async () => {
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 200; i++)
      await writeFile(path.join(dir, `m${i}.md`), renderMemory({ ...draft, name: `m${i}` }));
    await writeFile(path.join(dir, '.reflection_error.txt'), 'x');
    await assert.rejects(writeMemory(dir, { ...draft, name: 'one more' }), /folder is full \(200 files\)/);
    assert.equal((await writeMemory(dir, { ...draft, name: 'm7', body: 'updated' })).created, false);
    await deleteMemory(dir, 'm0.md');
    assert.equal((await writeMemory(dir, { ...draft, name: 'one more' })).created, true);
    // concurrent writers in one process cannot overshoot the cap
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) => writeMemory(dir, { ...draft, name: `race ${i}` })),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 0);
    assert.equal((await readdir(dir)).filter((n) => n.endsWith('.md')).length, 200);
  });

  it('lists newest first, at most 200, skipping dotfiles, other files, folders and symlinks', async () => {
    await mkdir(path.join(dir, 'sub.md'), { recursive: true });
    await writeFile(path.join(dir, 'notes.txt'), 'x');
    await writeFile(path.join(dir, '.hidden.md'), 'x');
    await writeFile(path.join(root, 'outside.md'), renderMemory({ ...draft, name: 'outside' }));
    await symlink(path.join(root, 'outside.md'), path.join(dir, 'link.md'));
    await writeMemory(dir, { ...draft, name: 'old' });
    await writeMemory(dir, { ...draft, name: 'new' });
    await utimes(path.join(dir, 'old.md'), new Date(2020, 0, 1), new Date(2020, 0, 1));
    assert.deepEqual(
      (await listMemories(dir)).map((m) => m.filename),
      ['new.md', 'old.md'],
    );
    assert.deepEqual(await listMemories(path.join(root, 'nope')), []);
    for (let i = 0; i < 205; i++) await writeFile(path.join(dir, `f${i}.md`), 'x');
    assert.equal((await listMemories(dir)).length, 200);
  });

  it('keeps hostile names inside the folder', async () => {
    const r = await writeMemory(dir, { ...draft, name: '../../../etc/passwd' });
    assert.equal(r.filename, 'etc-passwd.md');
    assert.equal(path.dirname(r.path), dir);
    assert.equal(memoryFilename('..'), 'memory.md');
    assert.equal(memoryFilename('CI/CD: setup'), 'ci-cd-setup.md');
    const hostileFiles = [
      '../x.md',
      'a/b.md',
      '..\\x.md',
      '.hidden.md',
      'x.txt',
      '',
      'a\0.md',
      '/etc/passwd.md',
      'x..md',
      'ok.md/..',
    ];
    for (const file of hostileFiles) {
      await assert.rejects(writeMemory(dir, draft, { file }), /Invalid memory file name/, file);
      await assert.rejects(readMemory(dir, file), /Invalid memory file name/, file);
      await assert.rejects(deleteMemory(dir, file), /Invalid memory file name/, file);
    }
    // a symlink planted in the folder is neither read nor written through
    await writeFile(path.join(root, 'target.md'), 'secret');
    await symlink(path.join(root, 'target.md'), path.join(dir, 'planted.md'));
    await assert.rejects(readMemory(dir, 'planted.md'), /not a regular file/);
    await assert.rejects(writeMemory(dir, draft, { file: 'planted.md' }), /not a regular file/);
    assert.equal(await readFile(path.join(root, 'target.md'), 'utf8'), 'secret');
    assert.deepEqual((await readdir(root)).sort(), ['memories', 'target.md']);
  });

  it('reports a missing file clearly', async () => {
    await assert.rejects(readMemory(dir, 'ghost.md'), /Memory file not found: ghost\.md/);
    await assert.rejects(deleteMemory(dir, 'ghost.md'), /Memory file not found: ghost\.md/);
  });

  it('records reflection errors in .reflection_error.txt', async () => {
    await recordReflectionError(dir, 'short reflection (turn)', new Error('model said no'), () =>
      Date.UTC(2026, 0, 2),
    );
    const text = await readFile(path.join(dir, '.reflection_error.txt'), 'utf8');
    assert.match(
      text,
      /^context: short reflection \(turn\)\ntime: 2026-01-02T00:00:00\.000Z\n\nError: model said no/,
    );
    // even where it cannot write, it does not throw
    await writeFile(path.join(root, 'file'), 'x');
    await recordReflectionError(path.join(root, 'file', 'sub'), 'ctx', 'boom');
  });

  describe('memory operations from the model', () => {
    it('keep valid operations and reject hostile or malformed ones one by one', () => {
      const dirs = { global: dir };
      const { ops, rejected, reason } = parseMemoryOps(
        JSON.stringify({
          reason: 'learned things',
          ops: [
            {
              op: 'write',
              scope: 'global',
              name: 'User profile',
              description: 'who',
              type: 'profile',
              body: 'Sam, CTO',
            },
            { op: 'write', scope: 'etc', name: 'x', description: 'x', type: 'profile', body: 'x' },
            { op: 'write', scope: 'queen', name: 'x', description: 'x', type: 'profile', body: 'x' },
            {
              op: 'write',
              scope: 'global',
              name: 'x',
              description: 'x',
              type: 'profile',
              body: 'x',
              file: '../../x.md',
            },
            { op: 'write', scope: 'global', name: 'x', description: 'x', type: 'secret', body: 'x' },
            { op: 'rename', scope: 'global' },
            { op: 'delete', scope: 'global', name: 'Old Note' },
            { op: 'delete', scope: 'global' },
            'nonsense',
          ],
        }),
        dirs,
      );
      assert.equal(reason, 'learned things');
      assert.deepEqual(
        ops.map((o) => `${o.op}:${o.op === 'delete' ? o.file : o.name}`),
        ['write:User profile', 'delete:old-note.md'],
      );
      assert.equal(rejected.length, 7);
      assert.match(rejected[0]!, /op #2: scope/);
      assert.match(rejected[1]!, /op #3: scope "queen" is not available/);
      assert.match(rejected[2]!, /op #4: Invalid memory file name/);
      assert.match(rejected[3]!, /op #5: type/);
      assert.match(rejected[4]!, /op #6: "op" must be "write" or "delete"/);
      assert.match(rejected[5]!, /op #8: .*"file" or "name"/);
    });

    it('accept a bare list, cap the count, and refuse non-JSON', () => {
      const one = { op: 'delete', scope: 'global', file: 'a.md' };
      assert.equal(parseMemoryOps(JSON.stringify([one]), { global: dir }).ops.length, 1);
      const many = parseMemoryOps(JSON.stringify({ ops: Array(25).fill(one) }), { global: dir });
      assert.equal(many.ops.length, 20);
      assert.equal(many.rejected.length, 5);
      assert.throws(() => parseMemoryOps('I have nothing to add.', { global: dir }), /not JSON/);
      assert.throws(() => parseMemoryOps('{"ops": 3}', { global: dir }), /reflection reply must be/);
    });

    it('apply to the right scope folder and report failures', async () => {
      const queen = path.join(root, 'memories', 'agents', 'queens', 'queen_growth');
      const dirs = { global: dir, queen, queenId: 'queen_growth' };
      const { ops } = parseMemoryOps(
        JSON.stringify([
          {
            op: 'write',
            scope: 'queen',
            name: 'Likes cohorts',
            description: 'd',
            type: 'preference',
            body: 'b',
          },
          {
            op: 'write',
            scope: 'global',
            name: 'Too big',
            description: 'd',
            type: 'feedback',
            body: 'x'.repeat(5000),
          },
          { op: 'delete', scope: 'global', file: 'ghost.md' },
        ]),
        dirs,
      );
      const applied = await applyMemoryOps(ops, dirs);
      assert.deepEqual(applied.changed, ['queen:likes-cohorts.md']);
      assert.equal(applied.failed.length, 2);
      assert.deepEqual(await readdir(queen), ['likes-cohorts.md']);
    });
  });
});
