import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/run';
import { pendingShutdownReflections } from '../../../src/runtime/queen';
import {
  type RecordedRequest,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { managerFor, recordingWriteTool, removeDir, tempDir } from '../session/helpers';

const isReflection = (r: RecordedRequest) =>
  JSON.stringify(r.body.system ?? '').includes('You maintain long-term memory');

function toolResults(home: string): string[] {
  const sessions = path.join(home, 'queens', 'queen_operations', 'sessions');
  const [id] = readdirSync(sessions);
  const partsDir = path.join(sessions, id!, 'conversations', 'parts');
  return readdirSync(partsDir)
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(partsDir, f), 'utf8')))
    .filter((p) => p.role === 'tool')
    .map((p) => String(p.content));
}

describe('hive chat in-process: approvals, questions, live listing', function () {
  this.timeout(30_000);
  let server: ScriptedServer;
  let home: string;
  beforeEach(async () => {
    server = await startScriptedServer({
      responder: (req) => (isReflection(req) ? reply.text('{"ops": []}') : reply.text('Done.')),
    });
    home = tempDir();
  });
  afterEach(async () => {
    await pendingShutdownReflections();
    await server.close();
    removeDir(home);
  });

  async function chat(argv: string[], ran: string[]) {
    let out = '';
    let err = '';
    const code = await runCli(
      ['chat', '--base-url', server.url, '--queen', 'queen_operations', ...argv],
      {
        out: (s) => (out += s),
        err: (s) => (err += s),
        env: { HIVE_HOME: home, ANTHROPIC_API_KEY: 'test', HIVE_RETRY_BASE_MS: '1' },
      },
      { extraTools: () => [recordingWriteTool(ran)] },
    );
    return { code, out, err };
  }

  it('denies a write tool with a notice on stderr (no one to ask)', async () => {
    server.enqueue(reply.toolUse('write_note', { text: 'x' }, { id: 'toolu_1' }));
    const ran: string[] = [];
    const run = await chat(['please write'], ran);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(ran, []);
    assert.match(
      run.err,
      /^hive: denied write_note \(write tool\): non-interactive run; pass --auto-approve/m,
    );
    assert.match(toolResults(home)[0]!, /denied/);
    assert.equal(run.out, 'Done.\n');
  });

  it('--auto-approve runs it', async () => {
    server.enqueue(reply.toolUse('write_note', { text: 'x' }, { id: 'toolu_1' }));
    const ran: string[] = [];
    const run = await chat(['--auto-approve', 'please write'], ran);
    assert.equal(run.code, 0, run.err);
    assert.deepEqual(ran, ['x']);
    assert.equal(toolResults(home)[0], 'written');
    assert.doesNotMatch(run.err, /denied/);
  });

  describe('the coder tools over --workspace', () => {
    let work: string;
    beforeEach(() => {
      work = tempDir('hive-cli-work-');
      writeFileSync(path.join(work, 'a.txt'), 'old\n');
    });
    afterEach(() => removeDir(work));

    it('without --auto-approve, write_file is denied with the stderr line and the file is left', async () => {
      server.enqueue(reply.toolUse('write_file', { path: 'a.txt', content: 'new\n' }, { id: 'toolu_w' }));
      const run = await chat(['--workspace', work, 'rewrite a'], []);
      assert.equal(run.code, 0, run.err);
      assert.match(
        run.err,
        /^hive: denied write_file \(write tool\): non-interactive run; pass --auto-approve to allow$/m,
      );
      assert.equal(readFileSync(path.join(work, 'a.txt'), 'utf8'), 'old\n');
      assert.match(toolResults(home)[0]!, /denied/);
    });

    it('with --auto-approve, edit_file and run_command run; a ../ path is refused', async () => {
      server.enqueue(
        reply.toolUse('edit_file', { path: 'a.txt', old_text: 'old', new_text: 'new' }, { id: 'toolu_e' }),
        reply.toolUse('run_command', { command: 'cat a.txt > b.txt' }, { id: 'toolu_c' }),
        reply.toolUse('write_file', { path: '../escape.txt', content: 'x' }, { id: 'toolu_x' }),
        reply.text('Done.'),
      );
      const run = await chat(['--workspace', work, '--auto-approve', 'edit a'], []);
      assert.equal(run.code, 0, run.err);
      assert.equal(readFileSync(path.join(work, 'a.txt'), 'utf8'), 'new\n');
      assert.equal(readFileSync(path.join(work, 'b.txt'), 'utf8'), 'new\n');
      const results = toolResults(home);
      assert.match(results[0]!, /Replaced 1 occurrence in a\.txt/);
      assert.match(results[1]!, /exit code: 0/);
      assert.match(results[2]!, /"\.\.\/escape\.txt": "\.\." is not allowed/);
      assert.equal(existsSync(path.join(work, '..', 'escape.txt')), false);
    });
  });

  it('answers ask_user with a notice instead of waiting forever', async () => {
    server.enqueue(reply.toolUse('ask_user', { question: 'Which one?' }, { id: 'toolu_q' }));
    const run = await chat(['help me choose'], []);
    assert.equal(run.code, 0, run.err);
    assert.match(run.err, /the queen asked a question/);
    assert.match(toolResults(home)[0]!, /non-interactive/);
  });

  it('sessions list marks the sessions live in this process', async () => {
    const mgr = managerFor(home, server);
    const live = await mgr.createSession({ queenId: 'queen_operations' });
    await live.send('hello');
    const cold = await mgr.createSession({ queenId: 'queen_growth' });
    await cold.send('hello too');
    await mgr.stopSession(cold.id);
    let out = '';
    const io = { out: (s: string) => (out += s), err: () => {}, env: { HIVE_HOME: home } };
    const ctx = { liveSessionIds: () => mgr.list().map((s) => s.session_id) };
    assert.equal(await runCli(['sessions', 'list', '--json'], io, ctx), 0);
    const rows = JSON.parse(out) as Array<{ session_id: string; live: boolean; cold: boolean }>;
    const byId = new Map(rows.map((r) => [r.session_id, r]));
    assert.deepEqual(
      { live: byId.get(live.id)!.live, cold: byId.get(live.id)!.cold },
      { live: true, cold: false },
    );
    assert.deepEqual(
      { live: byId.get(cold.id)!.live, cold: byId.get(cold.id)!.cold },
      { live: false, cold: true },
    );
    out = '';
    assert.equal(await runCli(['sessions', 'list'], io, ctx), 0);
    assert.match(out, /^SESSION +LIVE /);
    assert.match(out, new RegExp(`${live.id} +live +queen_operations`));
    assert.match(out, new RegExp(`${cold.id} {8}queen_growth`));
    await mgr.stopAll();
  });
});
