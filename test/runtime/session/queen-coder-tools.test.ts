import assert from 'node:assert/strict';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HiveEvent } from '../../../src/runtime/events';
import type { LiveSession } from '../../../src/runtime/session';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { customKind, managerFor, record, removeDir, tempDir, useSessionTestEnv } from './helpers';

function lastToolResult(server: ScriptedServer, requestIndex: number): Record<string, unknown> {
  const msgs = server.requests[requestIndex]?.body.messages as Array<{ role: string; content: unknown }>;
  const results = msgs.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as Array<Record<string, unknown>>).filter((b) => b.type === 'tool_result')
      : [],
  );
  return results[results.length - 1]!;
}

const text = (r: Record<string, unknown>) =>
  typeof r.content === 'string' ? r.content : JSON.stringify(r.content);

/** Answers every approval request of `s` with `answer(data)`; returns the requests seen. */
function answering(
  s: LiveSession,
  answer: (d: Record<string, unknown>) => { decision: 'approve' | 'deny'; content?: string },
): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  s.bus.subscribeAll((e: HiveEvent) => {
    const d = e.data as Record<string, unknown>;
    if (e.type !== 'custom' || d.kind !== 'approval_requested') return;
    seen.push(d);
    const a = answer(d);
    queueMicrotask(() => s.answerApproval(String(d.request_id), a.decision, { content: a.content }));
  });
  return seen;
}

describe("the queen's coder tools in a session", () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  });
  beforeEach(() => {
    work = tempDir('hive-work-');
  });
  afterEach(() => removeDir(work));

  it('edit_file asks with a before/after proposal; the user-edited content is written and the model told', async () => {
    writeFileSync(path.join(work, 'a.txt'), 'hello wrold\n');
    const mgr = managerFor(home, server, { workingDir: work });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const events = record(s);
    const asked = answering(s, () => ({ decision: 'approve', content: 'hello, world!\n' }));
    server.enqueue(
      reply.toolUse('edit_file', { path: 'a.txt', old_text: 'wrold', new_text: 'world' }),
      reply.text('fixed'),
    );
    await s.send('fix the typo');
    assert.equal(asked.length, 1);
    assert.equal(asked[0]!.requester, 'queen');
    assert.deepEqual(asked[0]!.proposal, {
      path: 'a.txt',
      abs_path: path.join(realpathSync(work), 'a.txt'),
      before: 'hello wrold\n',
      after: 'hello world\n',
    });
    assert.equal(readFileSync(path.join(work, 'a.txt'), 'utf8'), 'hello, world!\n');
    const result = text(lastToolResult(server, 1));
    assert.match(result, /The user edited your proposal before approving; a\.txt now holds their version\./);
    assert.match(result, /-hello world\n\+hello, world!/);
    const recorded = events.filter(customKind('checkpoint_recorded')).map((e) => e.data);
    assert.equal(recorded.length, 1);
    assert.equal(recorded[0]!.path, 'a.txt');
    assert.equal(recorded[0]!.requester, 'queen');
    assert.equal(typeof recorded[0]!.turn_id, 'number');
    await mgr.stopAll();
  });

  it('an edit that cannot apply fails without asking; deny leaves the file; run_command asks with its folder', async () => {
    writeFileSync(path.join(work, 'b.txt'), 'x x\n');
    const mgr = managerFor(home, server, { workingDir: work });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const asked = answering(s, () => ({ decision: 'deny' }));
    server.enqueue(
      reply.toolUse('edit_file', { path: 'b.txt', old_text: 'x', new_text: 'y' }),
      reply.toolUse('write_file', { path: 'b.txt', content: 'gone' }),
      reply.toolUse('run_command', { command: 'touch ran', timeout: 5 }),
      reply.text('ok'),
    );
    await s.send('go');
    assert.match(text(lastToolResult(server, 1)), /occurs 2 times/);
    assert.equal(asked.length, 2, 'only write_file and run_command asked');
    assert.equal(asked[0]!.tool_name, 'write_file');
    assert.deepEqual(
      { command: asked[1]!.command, cwd: asked[1]!.cwd, timeout: asked[1]!.timeout },
      { command: 'touch ran', cwd: realpathSync(work), timeout: 5 },
    );
    assert.equal(readFileSync(path.join(work, 'b.txt'), 'utf8'), 'x x\n');
    assert.equal(existsSync(path.join(work, 'ran')), false);
    await mgr.stopAll();
  });

  it('restoreFilesBeforeTurn restores the turn and later ones, and reports a file the user changed since', async () => {
    writeFileSync(path.join(work, 'keep.txt'), 'v0\n');
    const mgr = managerFor(home, server, { workingDir: work, autoApprove: ['write', 'command'] });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const events = record(s);
    server.enqueue(reply.toolUse('write_file', { path: 'keep.txt', content: 'v1\n' }), reply.text('one'));
    await s.send('first');
    server.enqueue(
      reply.toolUse('write_file', { path: 'keep.txt', content: 'v2\n' }),
      reply.toolUse('write_file', { path: 'new.txt', content: 'new\n' }),
      reply.toolUse('run_command', { command: 'echo made > cmd.txt' }),
      reply.text('two'),
    );
    await s.send('second');
    const turns = events.filter(customKind('checkpoint_recorded')).map((e) => e.data);
    assert.deepEqual(
      turns.map((t) => t.path),
      ['keep.txt', 'keep.txt', 'new.txt', 'cmd.txt'],
    );
    const secondTurn = turns[1]!.turn_id as number;
    assert.ok(secondTurn > (turns[0]!.turn_id as number));
    // The user edits new.txt after the agent wrote it: a conflict, left alone.
    writeFileSync(path.join(work, 'new.txt'), 'mine\n');
    const r = await s.restoreFilesBeforeTurn(secondTurn);
    assert.deepEqual(r.restored.sort(), ['cmd.txt', 'keep.txt']);
    assert.deepEqual(r.conflicts, ['new.txt']);
    assert.equal(readFileSync(path.join(work, 'keep.txt'), 'utf8'), 'v1\n');
    assert.equal(existsSync(path.join(work, 'cmd.txt')), false);
    assert.equal(readFileSync(path.join(work, 'new.txt'), 'utf8'), 'mine\n');
    const forced = await mgr.restoreFilesBeforeTurn(s.id, secondTurn, { force: true });
    assert.deepEqual(forced.restored, ['new.txt']);
    assert.equal(existsSync(path.join(work, 'new.txt')), false);
    // The shadow repository is in the session folder, not the workspace.
    assert.ok(existsSync(path.join(s.dir, 'checkpoints', 'journal.jsonl')));
    assert.equal(existsSync(path.join(work, '.git')), false);
    await mgr.stopAll();
  });

  it('undo_changes restores one file or all, as the model asks', async () => {
    writeFileSync(path.join(work, 'a.txt'), 'a0\n');
    writeFileSync(path.join(work, 'b.txt'), 'b0\n');
    const mgr = managerFor(home, server, { workingDir: work, autoApprove: ['write'] });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(
      reply.toolUse('write_file', { path: 'a.txt', content: 'a1\n' }),
      reply.toolUse('write_file', { path: 'b.txt', content: 'b1\n' }),
      reply.toolUse('undo_changes', { path: 'a.txt' }),
      reply.text('undone one'),
    );
    await s.send('change and undo a');
    assert.match(text(lastToolResult(server, 3)), /Restored 1 file\(s\):\n {2}a\.txt/);
    assert.equal(readFileSync(path.join(work, 'a.txt'), 'utf8'), 'a0\n');
    assert.equal(readFileSync(path.join(work, 'b.txt'), 'utf8'), 'b1\n');
    server.enqueue(reply.toolUse('undo_changes', { path: '' }), reply.text('undone all'));
    await s.send('undo everything');
    assert.match(text(lastToolResult(server, 5)), /Restored 1 file\(s\):\n {2}b\.txt/);
    assert.equal(readFileSync(path.join(work, 'b.txt'), 'utf8'), 'b0\n');
    await mgr.stopAll();
  });

  it('no working folder: no workspace tools at all', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(reply.text('hi'));
    await s.send('hello');
    const offered = ((server.requests[0]?.body.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
    for (const name of ['read_file', 'write_file', 'edit_file', 'run_command', 'undo_changes'])
      assert.ok(!offered.includes(name), `${name} is not offered`);
    await mgr.stopAll();
  });
});
