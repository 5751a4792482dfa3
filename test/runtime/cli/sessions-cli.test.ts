import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../../src/cli/run';
import { HIVE_LIST_FIELDS } from '../../../src/runtime/storage/cold-sessions';
import { acquireSessionLock, SESSION_LOCK_FILE } from '../../../src/runtime/storage/session-lock';
import { removeTree, tempHome, writeSession } from '../storage/fixtures';

async function cli(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (s) => (out += s), err: (s) => (err += s), env });
  return { code, out, err };
}

const A = 'session_20260104_080000_aaaaaaaa';
const B = 'session_20260104_090000_bbbbbbbb';
const toolCall = [{ id: 'c', type: 'function', function: { name: 'x', arguments: '{}' } }];

describe('hive sessions CLI', () => {
  let home: string;
  beforeEach(() => {
    home = tempHome();
    writeSession(home, A, {
      layout: 'seed',
      meta: { created_at: 1_700_000_000, agent_name: 'Acme', agent_path: '/c/acme' },
      parts: [
        { role: 'user', content: 'hello queen', mtime: 1_700_000_100 },
        { role: 'assistant', content: null, tool_calls: toolCall, mtime: 1_700_000_101 },
        { role: 'tool', content: 'tool output', tool_use_id: 'c', mtime: 1_700_000_102 },
        { role: 'assistant', content: 'hello human', mtime: 1_700_000_103 },
      ],
    });
    writeSession(home, B, {
      meta: { created_at: 1_700_000_500 },
      parts: [{ role: 'user', content: '{"seq":' }],
    });
  });
  afterEach(() => removeTree(home));

  it('lists sessions as JSON with exactly Hive field names, newest first', async () => {
    const { code, out, err } = await cli(['sessions', 'list', '--home', home, '--json']);
    assert.equal(code, 0, err);
    const rows = JSON.parse(out) as Record<string, unknown>[];
    assert.deepEqual(
      rows.map((r) => r.session_id),
      [B, A],
    );
    for (const r of rows) assert.deepEqual(Object.keys(r), [...HIVE_LIST_FIELDS]);
    assert.equal(rows[1]!.message_count, 2);
    assert.equal(rows[1]!.last_message, 'hello human');
    assert.equal(rows[1]!.agent_name, 'Acme');
    assert.equal(rows[1]!.last_active_at, 1_700_000_103);
    assert.equal(rows[1]!.cold, true);
  });

  it('marks a session running in another process (its lock held) live, in the table and the JSON', async () => {
    // Hive's seed layout keeps sessions under agents/queens/<queen>/sessions.
    const dirA = path.join(home, 'agents', 'queens', 'queen_technology', 'sessions', A);
    const lock = await acquireSessionLock(dirA, A, { home }); // this test process plays VS Code
    const hints = path.join(home, '.hive-vscode', 'locks');
    assert.deepEqual(
      readdirSync(hints).map((n) => n.startsWith(`${A}.`)),
      [true],
      'the lock left its hint',
    );
    try {
      const table = await cli(['sessions', 'list', '--home', home]);
      assert.match(table.out, /^SESSION +LIVE /);
      assert.match(table.out, new RegExp(`^${A} +live `, 'm'));
      assert.doesNotMatch(table.out, new RegExp(`^${B} +live `, 'm'));
      const rows = JSON.parse((await cli(['sessions', 'list', '--home', home, '--json'])).out);
      const a = rows.find((r: { session_id: string }) => r.session_id === A);
      assert.deepEqual([a.live, a.cold], [true, false]);
    } finally {
      await lock.release();
    }
    const after = JSON.parse((await cli(['sessions', 'list', '--home', home, '--json'])).out);
    assert.ok(
      after.every((r: { live: boolean }) => r.live === false),
      'cold again once released',
    );
    assert.deepEqual(readdirSync(hints), [], 'the hint goes with the lock');
  });

  it('does not mark live a session whose hint and lock a crashed process left', async () => {
    const dirA = path.join(home, 'agents', 'queens', 'queen_technology', 'sessions', A);
    // A pid that cannot be running (above Linux's pid_max), on this host.
    writeFileSync(
      path.join(dirA, SESSION_LOCK_FILE),
      JSON.stringify({ pid: 2 ** 31 - 2, host: os.hostname(), since: 1 }),
    );
    mkdirSync(path.join(home, '.hive-vscode', 'locks'), { recursive: true });
    writeFileSync(path.join(home, '.hive-vscode', 'locks', `${A}.deadbeef`), '');
    const rows = JSON.parse((await cli(['sessions', 'list', '--home', home, '--json'])).out);
    assert.deepEqual(
      rows.map((r: { session_id: string; live: boolean }) => [r.session_id, r.live]),
      [
        [B, false],
        [A, false],
      ],
    );
  });

  it('honours --limit and HIVE_HOME, and prints a table', async () => {
    const limited = await cli(['sessions', 'list', '--json', '--limit', '1'], { HIVE_HOME: home });
    assert.equal(JSON.parse(limited.out).length, 1);
    const table = await cli(['sessions', 'list', '--home', home, '--limit', '1']);
    assert.equal(table.code, 0);
    assert.match(table.out, /^SESSION/);
    assert.match(table.out, new RegExp(B));
    assert.doesNotMatch(table.out, new RegExp(A));
    assert.match(table.out, /\(1 of 2 shown\)/);
    const all = await cli(['sessions', 'list', '--home', home]);
    assert.match(all.out, /queen_technology.*hello human/);
  });

  it('shows one session with its client-facing transcript', async () => {
    const text = await cli(['sessions', 'show', A, '--home', home]);
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /Agent +Acme \(\/c\/acme\)/);
    assert.match(text.out, /\[user\] hello queen/);
    assert.match(text.out, /\[assistant\] hello human/);
    assert.doesNotMatch(text.out, /tool output/);
    const json = await cli(['sessions', 'show', A, '--home', home, '--json']);
    const value = JSON.parse(json.out);
    assert.equal(value.session.session_id, A);
    assert.equal(value.info.has_messages, true);
    assert.deepEqual(
      value.transcript.map((p: { seq: number }) => p.seq),
      [0, 3],
    );
  });

  it('reports damage without failing', async () => {
    writeSession(home, B, { parts: [{ role: 'user', content: 'x' }] });
    const bad = path.join(
      home,
      'queens',
      'queen_technology',
      'sessions',
      B,
      'conversations',
      'parts',
      '0000000001.json',
    );
    writeFileSync(bad, '{"seq": 1, "ro');
    const list = await cli(['sessions', 'list', '--home', home]);
    assert.equal(list.code, 0);
    assert.match(list.out, /! damaged: 1 unusable part file/);
    const show = await cli(['sessions', 'show', B, '--home', home]);
    assert.equal(show.code, 0);
    assert.match(show.out, /Skipped part files: 0000000001.json \(invalid JSON/);
    assert.equal(readFileSync(bad, 'utf8'), '{"seq": 1, "ro');
  });

  const usage: [string, string[], RegExp][] = [
    ['no command', [], /usage: hive/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown subcommand', ['sessions', 'remove'], /unknown sessions command "remove"/],
    ['missing subcommand', ['sessions'], /sessions needs list or show/],
    ['unknown option', ['sessions', 'list', '--colour'], /Unknown option '--colour'/],
    ['--home without a value', ['sessions', 'list', '--home'], /--home/],
    ['bad --limit', ['sessions', 'list', '--limit', '-3'], /--limit/],
    ['zero --limit', ['sessions', 'list', '--limit', '0'], /--limit needs a positive whole number/],
    ['stray argument', ['sessions', 'list', 'extra'], /unexpected argument "extra"/],
    ['show without id', ['sessions', 'show'], /usage: hive sessions show/],
    ['path traversal id', ['sessions', 'show', '../../etc/passwd'], /Invalid session id/],
    ['unknown id', ['sessions', 'show', 'session_20990101_000000_deadbeef'], /unknown session session_2099/],
  ];
  for (const [name, argv, message] of usage) {
    it(`exits 2 with a one-line error: ${name}`, async () => {
      const withHome =
        argv.length > 1 && argv[argv.length - 1] !== '--home' ? [...argv, '--home', home] : argv;
      const { code, err, out } = await cli(withHome);
      assert.equal(code, 2);
      const text = argv.length === 0 ? out : err;
      assert.match(text, message);
      if (argv.length > 0) assert.equal(err.trim().split('\n').length, 1, err);
    });
  }

  it('does not create a missing HIVE_HOME', async () => {
    const missing = path.join(home, 'nope');
    const { code, out } = await cli(['sessions', 'list', '--home', missing]);
    assert.equal(code, 0);
    assert.match(out, /No sessions under/);
    assert.equal(existsSync(missing), false);
  });
});
