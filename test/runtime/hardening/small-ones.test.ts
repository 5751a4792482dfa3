import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/run';
import { SessionIndex } from '../../../src/runtime/storage/session-index';
import { sweepTempFiles } from '../../../src/runtime/storage/temp-sweep';
import { removeTree, tempHome, writeSession } from '../storage/fixtures';

async function cli(argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), env: {} });
  return { code, out, err };
}

const S = 'session_20260104_080000_aaaaaaaa';

describe('fault suite: the smaller ones (terminal escapes, symlink loops, non-UTF-8 names, temp files)', () => {
  let home: string;
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => removeTree(home));

  it('terminal escape sequences in names and messages are printed escaped by the CLI', async () => {
    writeSession(home, S, {
      meta: { created_at: 1, agent_name: 'evil\u001b]0;pwned\u0007name' },
      parts: [{ role: 'user', content: 'clear \u001b[2J\u001b[H screen\nsecond line' }],
    });
    const list = await cli(['sessions', 'list', '--home', home]);
    const show = await cli(['sessions', 'show', S, '--home', home]);
    for (const r of [list, show]) {
      assert.equal(r.code, 0, r.err);
      assert.equal(/[\u0000-\u0008\u000b-\u001f\u007f]/.test(r.out), false, JSON.stringify(r.out));
    }
    assert.match(show.out, /clear \\u001b\[2J\\u001b\[H screen\nsecond line/);
    const json = await cli(['sessions', 'show', S, '--home', home, '--json']);
    assert.match(
      JSON.parse(json.out).transcript?.[0]?.content ?? json.out,
      /\u001b\[2J/,
      'JSON keeps the data, escaped by JSON',
    );
  });

  it('a session entry linking back to its own folder is not listed as a session', async () => {
    writeSession(home, S, { meta: { created_at: 1 }, parts: [{ role: 'user', content: 'real' }] });
    const sessions = path.join(home, 'queens', 'queen_technology', 'sessions');
    symlinkSync('.', path.join(sessions, 'session_20260104_090000_loop0000'));
    const r = await cli(['sessions', 'list', '--home', home, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      (JSON.parse(r.out) as { session_id: string }[]).map((x) => x.session_id),
      [S],
    );
  });

  it('a session folder whose name is not UTF-8 is listed flagged, by an escaped name, and deleted by its raw name', async () => {
    writeSession(home, S, { meta: { created_at: 1 }, parts: [{ role: 'user', content: 'real' }] });
    const sessions = path.join(home, 'queens', 'queen_technology', 'sessions');
    // session_20260104_090000_ then the bytes ff, "é" in UTF-8 (valid), fe, "ab".
    const raw = Buffer.concat([
      Buffer.from('session_20260104_090000_'),
      Buffer.from([0xff]),
      Buffer.from('é'),
      Buffer.from([0xfe]),
      Buffer.from('ab'),
    ]);
    const rawDir = Buffer.concat([Buffer.from(`${sessions}/`), raw]);
    mkdirSync(rawDir);
    const shown = 'session_20260104_090000_\\xffé\\xfeab';
    const index = new SessionIndex({ home, cacheFile: null });
    await index.refresh();
    const rows = index.list();
    assert.deepEqual(rows.map((r) => r.session_id).sort(), [S, shown].sort());
    const odd = rows.find((r) => r.session_id === shown)!;
    assert.match(odd.damaged?.reason ?? '', /not valid UTF-8/);
    assert.equal(odd.queen_id, 'queen_technology');
    assert.ok(odd.rawDir?.equals(rawDir), 'the row keeps the raw path');
    assert.equal(rows.find((r) => r.session_id === S)!.rawDir, undefined);
    // The CLI lists it too, escaped.
    const r = await cli(['sessions', 'list', '--home', home, '--json']);
    assert.equal(r.code, 0, r.err);
    assert.ok(
      (JSON.parse(r.out) as { session_id: string }[]).some((x) => x.session_id === shown),
      r.out,
    );
    // Deleted through the raw path it carries; the next scan drops the row.
    rmSync(odd.rawDir!, { recursive: true });
    assert.equal(existsSync(rawDir), false);
    assert.equal((await index.refresh()).changed, true);
    assert.deepEqual(
      index.list().map((x) => x.session_id),
      [S],
    );
  });

  it('temp files a crash left in a session folder are removed; Hive files stay', async () => {
    const dir = writeSession(home, S, { meta: { created_at: 1 }, parts: [{ role: 'user', content: 'x' }] });
    const parts = path.join(dir, 'conversations', 'parts');
    mkdirSync(parts, { recursive: true });
    for (const f of ['meta.json.123456', '.lock.0a1b2c3d4e5f6a7b.tmp', '.lock.0a1b2c3d4e5f6a7b.stale'])
      writeFileSync(path.join(dir, f), '');
    writeFileSync(path.join(parts, '0000000009.json.98765'), '');
    writeFileSync(path.join(parts, '0000000010.json.4242.7.tmp'), '');
    assert.equal(await sweepTempFiles(dir), 5);
    assert.deepEqual(readdirSync(dir).sort(), ['conversations', 'meta.json']);
    assert.deepEqual(readdirSync(parts), ['0000000000.json']);
    assert.ok(existsSync(path.join(dir, 'meta.json')));
  });
});
