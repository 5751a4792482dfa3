import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Checkpoints, createCoderTools, type Tool } from '../../../src/runtime/tools';

describe('checkpoints (shadow git repository in the session folder)', () => {
  let tmp: string;
  let root: string;
  let dir: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'hive-ckpt-'));
    root = path.join(tmp, 'work');
    dir = path.join(tmp, 'session', 'checkpoints');
    mkdirSync(root);
  });
  const opened: Checkpoints[] = [];
  afterEach(async () => {
    // The first snapshot runs in the background: let it finish before the folder goes.
    for (const c of opened.splice(0)) await c.settle();
    rmSync(tmp, { recursive: true, force: true });
  });

  const tools = (checkpoints: Checkpoints) => {
    opened.push(checkpoints);
    const all = createCoderTools(root, { checkpoints });
    const get = (n: string) => all.find((t) => t.name === n) as Tool;
    return (name: string, input: Record<string, unknown>, turnId = 1) =>
      get(name).execute(input, { requester: 'queen', turnId, toolUseId: `t${turnId}` });
  };

  it('undo_changes restores one file, then all; a file the user changed since is a conflict', async () => {
    writeFileSync(path.join(root, 'a.txt'), 'a0');
    writeFileSync(path.join(root, 'b.txt'), 'b0');
    const checkpoints = new Checkpoints({ dir });
    const call = tools(checkpoints);
    await call('write_file', { path: 'a.txt', content: 'a1' });
    await call('edit_file', { path: 'b.txt', old_text: 'b0', new_text: 'b1' }, 2);
    await call('write_file', { path: 'c.txt', content: 'new' }, 3);
    await call('write_file', { path: 'a.txt', content: 'a2' }, 4);
    const one = await call('undo_changes', { path: 'a.txt' });
    assert.match(one.content, /Restored 1 file\(s\):\n {2}a\.txt/);
    assert.equal(readFileSync(path.join(root, 'a.txt'), 'utf8'), 'a0', 'back before the first change');
    writeFileSync(path.join(root, 'b.txt'), 'user edit');
    const all = await call('undo_changes', { path: '' });
    assert.match(all.content, /Restored 1 file\(s\):\n {2}c\.txt/);
    assert.match(all.content, /changed by the user after your change \(1\):\n {2}b\.txt/);
    assert.equal(existsSync(path.join(root, 'c.txt')), false, 'a created file is removed');
    assert.equal(readFileSync(path.join(root, 'b.txt'), 'utf8'), 'user edit');
    // The shadow repository is a real git object store outside the workspace.
    assert.ok(existsSync(path.join(dir, 'objects')));
    assert.equal(existsSync(path.join(root, '.git')), false);
  });

  it("a command's changes (a binary file too) are journaled and restored byte for byte; .gitignore is honoured", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 0, 10]);
    writeFileSync(path.join(root, 'img.bin'), bytes);
    writeFileSync(path.join(root, '.gitignore'), 'build/\n');
    mkdirSync(path.join(root, 'build'));
    const checkpoints = new Checkpoints({ dir });
    const call = tools(checkpoints);
    const r = await call('run_command', {
      command: 'printf x > img.bin && echo out > build/out.txt && echo hi > made.txt',
    });
    assert.equal(r.isError, false, r.content);
    const paths = (await checkpoints.entries()).map((e) => e.path).sort();
    assert.deepEqual(paths, ['img.bin', 'made.txt'], 'build/ is ignored');
    const undo = await checkpoints.forRoot(root).undo(undefined);
    assert.deepEqual(undo.restored.sort(), ['img.bin', 'made.txt']);
    assert.deepEqual(readFileSync(path.join(root, 'img.bin')), bytes);
    assert.equal(existsSync(path.join(root, 'made.txt')), false);
  });

  it('the first snapshot packs the whole folder in one pack (no loose blobs), minus what is ignored', async () => {
    for (let i = 0; i < 40; i++) writeFileSync(path.join(root, `f${i}.txt`), `file ${i}\n`);
    writeFileSync(path.join(root, 'odd\nname.txt'), 'odd');
    writeFileSync(path.join(root, '.gitignore'), 'build/\n');
    mkdirSync(path.join(root, 'build'));
    writeFileSync(path.join(root, 'build', 'out.txt'), 'ignored');
    mkdirSync(path.join(root, 'node_modules', 'dep'), { recursive: true });
    writeFileSync(path.join(root, 'node_modules', 'dep', 'index.js'), 'skipped');
    const checkpoints = new Checkpoints({ dir });
    opened.push(checkpoints);
    const tree = await checkpoints.forRoot(root).warmUp();
    assert.ok(tree, 'a tree');
    const listed = (await checkpoints.gitIn(root, ['ls-tree', '-r', '-z', '--name-only', tree]))
      .split('\0')
      .filter(Boolean)
      .sort();
    const expected = [
      ...Array.from({ length: 40 }, (_, i) => `f${i}.txt`),
      '.gitignore',
      'odd\nname.txt',
    ].sort();
    assert.deepEqual(listed, expected);
    // Blobs went into a pack; only the few tree objects are loose files.
    const counts = await checkpoints.gitIn(root, ['count-objects', '-v']);
    assert.match(counts, /^in-pack: 42$/m);
    assert.match(counts, /^count: 1$/m, 'one loose object: the root tree');
    // A command after it changes a file that was only in the pack: restored byte for byte.
    const call = tools(checkpoints);
    await call('run_command', { command: 'echo changed > f7.txt' });
    await checkpoints.forRoot(root).undo('f7.txt');
    assert.equal(readFileSync(path.join(root, 'f7.txt'), 'utf8'), 'file 7\n');
  });

  it('restoreFilesBeforeTurn restores that turn and later ones, from the journal after a restart', async () => {
    writeFileSync(path.join(root, 'f.txt'), 'v0');
    const call = tools(new Checkpoints({ dir }));
    await call('write_file', { path: 'f.txt', content: 'v1' }, 10);
    await call('write_file', { path: 'f.txt', content: 'v2' }, 20);
    await call('write_file', { path: 'g.txt', content: 'g' }, 30);
    // A new Checkpoints over the same folder: what a resumed session sees.
    const resumed = new Checkpoints({ dir });
    const r = await resumed.restoreFilesBeforeTurn(15);
    assert.deepEqual(r, { restored: ['f.txt', 'g.txt'], conflicts: [] });
    assert.equal(readFileSync(path.join(root, 'f.txt'), 'utf8'), 'v1');
    assert.equal(existsSync(path.join(root, 'g.txt')), false);
    assert.deepEqual(await resumed.restoreFilesBeforeTurn(99), { restored: [], conflicts: [] });
  });

  it("a worker's turn restores that worker's changes from that turn on, not the queen's nor another worker's", async () => {
    writeFileSync(path.join(root, 'b.txt'), 'b0');
    const checkpoints = new Checkpoints({ dir });
    opened.push(checkpoints);
    const all = createCoderTools(root, { checkpoints });
    const write = all.find((t) => t.name === 'write_file') as Tool;
    const as = (requester: string, turnId: number, file: string, content: string) =>
      write.execute({ path: file, content }, { requester, turnId });
    await as('queen', 1, 'q.txt', 'queen');
    await as('w1', 2, 'b.txt', 'b-w1-turn2');
    await as('w1', 3, 'b.txt', 'b-w1-turn3');
    await as('w2', 3, 'c.txt', 'w2');
    await as('w1', 4, 'd.txt', 'w1 new');
    await as('queen', 5, 'q.txt', 'queen again');
    const r = await checkpoints.restoreFilesBeforeTurn(3, { requester: 'w1' });
    assert.deepEqual(r, { restored: ['b.txt', 'd.txt'], conflicts: [] });
    assert.equal(readFileSync(path.join(root, 'b.txt'), 'utf8'), 'b-w1-turn2', "back before w1's turn 3");
    assert.equal(existsSync(path.join(root, 'd.txt')), false, 'created in a later w1 turn: removed');
    assert.equal(readFileSync(path.join(root, 'c.txt'), 'utf8'), 'w2', "the other worker's change stays");
    assert.equal(readFileSync(path.join(root, 'q.txt'), 'utf8'), 'queen again', "the queen's change stays");
    // The same turn number of the queen is a different turn: it restores from the queen's turn 3 on.
    const queen = await checkpoints.restoreFilesBeforeTurn(5);
    assert.deepEqual(queen.restored, ['q.txt']);
    assert.equal(readFileSync(path.join(root, 'q.txt'), 'utf8'), 'queen');
  });

  it('without git, file changes are still recorded and restored', async () => {
    writeFileSync(path.join(root, 'a.txt'), 'before');
    const checkpoints = new Checkpoints({ dir, git: null });
    const call = tools(checkpoints);
    await call('write_file', { path: 'a.txt', content: 'after' });
    assert.deepEqual(await checkpoints.forRoot(root).undo('a.txt'), { restored: ['a.txt'], conflicts: [] });
    assert.equal(readFileSync(path.join(root, 'a.txt'), 'utf8'), 'before');
  });
});
