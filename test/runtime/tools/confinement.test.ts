import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createWorkerTools } from '../../../src/runtime/colony/tools';
import type { Tool } from '../../../src/runtime/tools';

const noControl = { onReport() {}, onEscalate: () => undefined, onSetOutput() {} };

describe('worker file tools stay inside the colony folder', () => {
  let tmp: string;
  let root: string;
  let outside: string;
  let tools: Map<string, Tool>;
  const call = (name: string, input: unknown) => tools.get(name)!.execute(input);

  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'hive-jail-'));
    root = path.join(tmp, 'colony');
    outside = path.join(tmp, 'outside');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET\n');
    writeFileSync(path.join(root, 'inside.txt'), 'hello\n');
    symlinkSync(outside, path.join(root, 'link-out'));
    symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'file-link'));
    symlinkSync(path.join(outside, 'missing.txt'), path.join(root, 'dangling'));
    symlinkSync(path.join(root, 'inside.txt'), path.join(root, 'sub', 'link-in'));
    tools = new Map(createWorkerTools({ root, control: noControl }).map((t) => [t.name, t]));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const hostile = (): string[] => [
    '../outside/secret.txt',
    'sub/../../outside/secret.txt',
    '..',
    'sub/..',
    '/etc/passwd',
    path.join(outside, 'secret.txt'),
    `${root}-other/x.txt`,
    'link-out/secret.txt',
    'file-link',
    'dangling',
    'inside.txt\0.png',
    '',
  ];

  it('read_file refuses every hostile path', async () => {
    for (const p of hostile()) {
      const r = await call('read_file', { path: p });
      assert.equal(r.isError, true, `read_file ${JSON.stringify(p)} should be refused: ${r.content}`);
      assert.doesNotMatch(r.content, /TOP SECRET|root:/);
    }
  });

  it('write_file and edit_file refuse them and leave the outside untouched', async () => {
    for (const p of [...hostile(), 'link-out/new.txt', 'link-out/deeper/new.txt']) {
      const w = await call('write_file', { path: p, content: 'pwned' });
      assert.equal(w.isError, true, `write_file ${JSON.stringify(p)} should be refused: ${w.content}`);
      const e = await call('edit_file', { path: p, old_text: 'TOP', new_text: 'pwned' });
      assert.equal(e.isError, true, `edit_file ${JSON.stringify(p)} should be refused`);
    }
    assert.equal(readFileSync(path.join(outside, 'secret.txt'), 'utf8'), 'TOP SECRET\n');
    assert.throws(() => readFileSync(path.join(outside, 'new.txt')));
    assert.throws(
      () => readFileSync(path.join(outside, 'missing.txt')),
      'the dangling link was not followed',
    );
  });

  it('explains why a path is refused', async () => {
    assert.match((await call('read_file', { path: '../x' })).content, /"\.\." is not allowed/);
    assert.match((await call('read_file', { path: '/etc/passwd' })).content, /outside the colony folder/);
    assert.match((await call('read_file', { path: 'link-out/secret.txt' })).content, /through a symlink/);
    assert.match((await call('write_file', { path: 'dangling', content: '' })).content, /missing target/);
  });

  it('list_directory, search_files and run_command cannot be pointed outside', async () => {
    for (const p of ['..', 'link-out', '/tmp', outside]) {
      assert.equal((await call('list_directory', { path: p })).isError, true, `list ${p}`);
      assert.equal((await call('search_files', { pattern: 'SECRET', path: p })).isError, true, `search ${p}`);
      assert.equal((await call('run_command', { command: 'pwd', cwd: p })).isError, true, `run in ${p}`);
    }
    const s = await call('search_files', { pattern: 'SECRET' });
    assert.equal(s.content, 'No matches.', 'symlinks are not followed while searching');
  });

  it('allows symlinks that stay inside, and absolute paths inside the folder', async () => {
    assert.match((await call('read_file', { path: 'sub/link-in' })).content, /1\thello/);
    assert.match((await call('read_file', { path: path.join(root, 'inside.txt') })).content, /hello/);
    const w = await call('write_file', { path: path.join(root, 'sub', 'made.txt'), content: 'x' });
    assert.equal(w.isError, undefined, w.content);
    assert.equal(readFileSync(path.join(root, 'sub', 'made.txt'), 'utf8'), 'x');
  });

  it('works when the colony folder itself is reached through a symlink', async () => {
    const alias = path.join(tmp, 'alias');
    symlinkSync(root, alias);
    const aliased = new Map(createWorkerTools({ root: alias, control: noControl }).map((t) => [t.name, t]));
    assert.match(
      (await aliased.get('read_file')!.execute({ path: path.join(alias, 'inside.txt') })).content,
      /hello/,
    );
    assert.equal((await aliased.get('read_file')!.execute({ path: 'link-out/secret.txt' })).isError, true);
  });
});
