import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FolderJail } from '../../../src/runtime/tools/folder-jail';
import { createReadTools } from '../../../src/runtime/tools/read-tools';
import { createSearchTool, globToRegExp } from '../../../src/runtime/tools/search-tool';
import type { Tool } from '../../../src/runtime/tools/tool';
import { createWriteTools } from '../../../src/runtime/tools/write-tools';

describe('worker file tools', () => {
  let root: string;
  let tools: Map<string, Tool>;
  const call = (name: string, input: unknown) => tools.get(name)!.execute(input);
  const put = (rel: string, content: string | Buffer) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'hive-tools-'));
    const jail = new FolderJail(root);
    tools = new Map(
      [
        ...createReadTools(jail, { maxFileBytes: 50_000, maxEntries: 6 }),
        createSearchTool(jail),
        ...createWriteTools(jail, { maxFileBytes: 50_000 }),
      ].map((t) => [t.name, t]),
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  describe('input validation', () => {
    it('returns isError results for bad input, never throws', async () => {
      const r = await call('read_file', { path: 5 });
      assert.deepEqual(r, {
        content: 'Invalid input for read_file: path: Invalid input: expected string, received number',
        isError: true,
      });
      assert.equal((await call('read_file', null)).isError, true);
      assert.equal((await call('read_file', 'a.txt')).isError, true);
      assert.match((await call('read_file', { path: 'a', offset: 0 })).content, /offset: Too small/);
      assert.match(
        (await call('edit_file', { path: 'a', old_text: '', new_text: 'x' })).content,
        /old_text: must not be empty/,
      );
    });

    it('publishes JSON schemas for the model', () => {
      const s = tools.get('read_file')!.inputSchema;
      assert.equal(s.type, 'object');
      assert.deepEqual(s.required, ['path']);
      assert.equal(s.$schema, undefined);
      assert.deepEqual(tools.get('list_directory')!.inputSchema.required ?? [], []);
      assert.deepEqual(
        [...tools.values()].map((t) => [t.name, t.category]),
        [
          ['read_file', 'read'],
          ['list_directory', 'read'],
          ['search_files', 'read'],
          ['write_file', 'write'],
          ['edit_file', 'write'],
        ],
      );
    });
  });

  describe('read_file', () => {
    it('numbers lines and reads a range', async () => {
      put('a.txt', 'one\ntwo\r\nthree\nfour\n');
      const all = await call('read_file', { path: 'a.txt' });
      assert.equal(
        all.content,
        'a.txt (lines 1-4 of 4)\n     1\tone\n     2\ttwo\n     3\tthree\n     4\tfour\n',
      );
      const part = await call('read_file', { path: 'a.txt', offset: 2, limit: 2 });
      assert.equal(
        part.content,
        'a.txt (lines 2-3 of 4)\n     2\ttwo\n     3\tthree\n[… 1 more lines; read on with offset=4]\n',
      );
      assert.match((await call('read_file', { path: 'a.txt', offset: 9 })).content, /has 4 lines/);
    });

    it('refuses folders, oversize and binary files; reports empty files', async () => {
      put('big.txt', 'x'.repeat(60_000));
      put('bin.dat', Buffer.from([1, 0, 2, 3]));
      put('empty.txt', '');
      assert.match(
        (await call('read_file', { path: 'big.txt' })).content,
        /big\.txt is 59 KB, above the 49 KB read limit/,
      );
      assert.equal((await call('read_file', { path: 'big.txt' })).isError, true);
      assert.match((await call('read_file', { path: 'bin.dat' })).content, /binary file \(4 bytes\)/);
      assert.equal((await call('read_file', { path: 'empty.txt' })).content, 'empty.txt is empty.');
      assert.match((await call('read_file', { path: '.' })).content, /is a folder/);
      assert.match((await call('read_file', { path: 'nope.txt' })).content, /No such file/);
    });
  });

  describe('list_directory', () => {
    it('lists folders, files and sizes; recursion skips node_modules and .git; caps entries', async () => {
      put('src/a.ts', 'abc');
      put('node_modules/x/index.js', '');
      put('.git/HEAD', '');
      put('README.md', '12345');
      const flat = await call('list_directory', {});
      assert.equal(flat.content, './ — 4 entries\n.git/\nREADME.md (5 bytes)\nnode_modules/\nsrc/');
      const deep = await call('list_directory', { path: '.', recursive: true });
      assert.equal(
        deep.content,
        './ — 5 entries\n.git/ (not entered)\nREADME.md (5 bytes)\nnode_modules/ (not entered)\nsrc/\nsrc/a.ts (3 bytes)',
      );
      for (let i = 0; i < 8; i++) put(`many/f${i}`, '');
      assert.match(
        (await call('list_directory', { path: 'many' })).content,
        /\[listing stopped at 6 entries\]$/,
      );
    });
  });

  describe('search_files', () => {
    beforeEach(() => {
      put('src/a.ts', 'const x = 1;\n// TODO: fix\n');
      put('src/deep/b.ts', 'todo later\n');
      put('docs/c.md', 'TODO in docs\n');
      put('node_modules/m/i.ts', 'TODO hidden\n');
      put('.git/config', 'TODO hidden\n');
      put('bin.dat', Buffer.from('TODO\0binary'));
    });

    it('finds regex matches with path and line, skipping node_modules, .git and binaries', async () => {
      const r = await call('search_files', { pattern: 'TODO' });
      assert.equal(r.content, 'docs/c.md:1: TODO in docs\nsrc/a.ts:2: // TODO: fix');
      const ci = await call('search_files', { pattern: 'todo', case_insensitive: true, include: '*.ts' });
      assert.equal(ci.content, 'src/a.ts:2: // TODO: fix\nsrc/deep/b.ts:1: todo later');
      const under = await call('search_files', { pattern: 'todo', case_insensitive: true, path: 'src/deep' });
      assert.equal(under.content, 'src/deep/b.ts:1: todo later');
    });

    it('lists files by glob alone, caps results, rejects bad regexes', async () => {
      assert.equal(
        (await call('search_files', { include: 'src/**/*.ts' })).content,
        'src/a.ts\nsrc/deep/b.ts',
      );
      const capped = await call('search_files', { pattern: '.', max_results: 2 });
      assert.match(capped.content, /\[results capped at 2; narrow the search for more\]$/);
      assert.equal(capped.content.split('\n').length, 3);
      const bad = await call('search_files', { pattern: '(' });
      assert.equal(bad.isError, true);
      assert.match(bad.content, /Invalid regular expression/);
      assert.equal((await call('search_files', {})).isError, true);
    });

    it('translates globs', () => {
      assert.ok(globToRegExp('*.ts').test('a.ts'));
      assert.ok(!globToRegExp('*.ts').test('src/a.ts'));
      assert.ok(globToRegExp('src/**/*.ts').test('src/a.ts'));
      assert.ok(globToRegExp('src/**/*.ts').test('src/x/y/a.ts'));
      assert.ok(globToRegExp('*.{md,txt}').test('a.txt'));
      assert.ok(!globToRegExp('a?.js').test('a/.js'));
      assert.ok(globToRegExp('file[0-9].log').test('file7.log'));
      assert.ok(!globToRegExp('a.b').test('aXb'));
    });
  });

  describe('write_file and edit_file', () => {
    it('creates folders and says whether it created or replaced', async () => {
      assert.equal(
        (await call('write_file', { path: 'out/new/x.txt', content: 'hé' })).content,
        'Created out/new/x.txt (3 bytes).',
      );
      assert.equal(
        (await call('write_file', { path: 'out/new/x.txt', content: 'b' })).content,
        'Replaced out/new/x.txt (1 bytes).',
      );
      assert.equal(readFileSync(path.join(root, 'out/new/x.txt'), 'utf8'), 'b');
      assert.match((await call('write_file', { path: 'out', content: 'x' })).content, /is a folder/);
      assert.match((await call('write_file', { path: 'big', content: 'x'.repeat(50_001) })).content, /limit/);
    });

    it('replaces one exact, unique occurrence', async () => {
      put('f.txt', 'alpha beta\nbeta gamma\nprice $1\n');
      const multi = await call('edit_file', { path: 'f.txt', old_text: 'beta', new_text: 'B' });
      assert.equal(multi.isError, true);
      assert.match(multi.content, /occurs 2 times/);
      const missing = await call('edit_file', { path: 'f.txt', old_text: 'delta', new_text: 'D' });
      assert.match(missing.content, /was not found/);
      const one = await call('edit_file', { path: 'f.txt', old_text: 'beta gamma', new_text: 'G $& $1' });
      assert.equal(one.content, 'Replaced 1 occurrence in f.txt.');
      assert.equal(readFileSync(path.join(root, 'f.txt'), 'utf8'), 'alpha beta\nG $& $1\nprice $1\n');
      const all = await call('edit_file', {
        path: 'f.txt',
        old_text: '$1',
        new_text: '$2',
        replace_all: true,
      });
      assert.equal(all.content, 'Replaced 2 occurrences in f.txt.');
      assert.equal(readFileSync(path.join(root, 'f.txt'), 'utf8'), 'alpha beta\nG $& $2\nprice $2\n');
      assert.match(
        (await call('edit_file', { path: 'f.txt', old_text: 'a', new_text: 'a' })).content,
        /the same/,
      );
      assert.match(
        (await call('edit_file', { path: 'nope', old_text: 'a', new_text: 'b' })).content,
        /No such file/,
      );
    });
  });
});
