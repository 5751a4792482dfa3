import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fault, reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import {
  customKind,
  managerFor,
  nextEvent,
  record,
  recordingWriteTool,
  removeDir,
  tempDir,
  useSessionTestEnv,
} from './helpers';

function toolResults(server: ScriptedServer, requestIndex: number): Array<Record<string, unknown>> {
  const msgs = server.requests[requestIndex]?.body.messages as Array<{ role: string; content: unknown }>;
  return msgs.flatMap((m) =>
    Array.isArray(m.content)
      ? (m.content as Array<Record<string, unknown>>).filter((b) => b.type === 'tool_result')
      : [],
  );
}

function offeredTools(server: ScriptedServer, requestIndex: number): string[] {
  return ((server.requests[requestIndex]?.body.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
}

describe('LiveSession (queen)', () => {
  let server: ScriptedServer;
  let home: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  });

  it('ask_user: the turn waits for answerQuestion and the answer reaches the model', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(
      reply.toolUse('ask_user', { question: 'Which database?', options: ['Postgres', 'SQLite'] }),
      reply.text('Postgres it is.'),
    );
    const asked = nextEvent(s, (e) => e.type === 'client_input_requested');
    const turn = s.send('set up storage');
    const req = await asked;
    const data = req.data as { request_id: string; questions: Array<{ prompt: string; options?: string[] }> };
    assert.equal(data.questions[0]?.prompt, 'Which database?');
    assert.deepEqual(data.questions[0]?.options, ['Postgres', 'SQLite']);
    assert.equal(s.busy, true);
    assert.deepEqual(s.pendingQuestions, [data.request_id]);
    const received = nextEvent(s, (e) => e.type === 'client_input_received');
    s.answerQuestion(data.request_id, 'Postgres');
    assert.equal((await received).data.content, 'Postgres');
    await turn;
    assert.equal(s.busy, false);
    assert.match(JSON.stringify(toolResults(server, 1)), /The user answered: Postgres/);
    assert.equal((await s.history()).at(-1)?.content, 'Postgres it is.');
    await mgr.stopAll();
  });

  it('a message sent while ask_user waits is the answer', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(reply.toolUse('ask_user', { question: 'Name?' }), reply.text('Hi Ada'));
    const asked = nextEvent(s, (e) => e.type === 'client_input_requested');
    const turn = s.send('hello');
    await asked;
    await s.send('Ada');
    await turn;
    assert.match(JSON.stringify(toolResults(server, 1)), /The user answered: Ada/);
    await mgr.stopAll();
  });

  it('approvals: approve runs the tool, deny tells the model, always approves the category', async () => {
    const calls: string[] = [];
    const mgr = managerFor(home, server, { extraTools: () => [recordingWriteTool(calls)] });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    server.enqueue(
      reply.toolUse('write_note', { text: 'a' }),
      reply.text('done a'),
      reply.toolUse('write_note', { text: 'b' }),
      reply.text('refused b'),
      reply.toolUse('write_note', { text: 'c' }),
      reply.text('done c'),
      reply.toolUse('write_note', { text: 'd' }),
      reply.text('done d'),
    );
    const answerNext = (decision: 'approve' | 'deny', always = false) =>
      nextEvent(s, customKind('approval_requested')).then((e) => {
        const d = e.data as Record<string, unknown>;
        assert.equal(d.tool_name, 'write_note');
        assert.equal(d.category, 'write');
        s.answerApproval(String(d.request_id), decision, { always });
      });
    await Promise.all([answerNext('approve'), s.send('write a')]);
    assert.deepEqual(calls, ['a']);
    await Promise.all([answerNext('deny'), s.send('write b')]);
    assert.deepEqual(calls, ['a']);
    assert.match(JSON.stringify(toolResults(server, 3)), /denied/);
    await Promise.all([answerNext('approve', true), s.send('write c')]);
    const before = seen.filter(customKind('approval_requested')).length;
    await s.send('write d');
    assert.deepEqual(calls, ['a', 'c', 'd']);
    assert.equal(seen.filter(customKind('approval_requested')).length, before, 'no question after always');
    const resolved = seen.filter(customKind('approval_resolved')).map((e) => e.data.decision);
    assert.deepEqual(resolved, ['approve', 'deny', 'approve']);
    await mgr.stopAll();
  });

  it('stopping a turn cancels a pending approval; stopSession during a streaming turn ends it cleanly', async () => {
    const calls: string[] = [];
    const mgr = managerFor(home, server, { extraTools: () => [recordingWriteTool(calls)] });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(reply.toolUse('write_note', { text: 'x' }));
    const asked = nextEvent(s, customKind('approval_requested'));
    const turn = s.send('write x');
    await asked;
    const resolved = nextEvent(s, customKind('approval_resolved'));
    s.stopTurn();
    assert.equal((await resolved).data.decision, 'cancelled');
    await turn;
    assert.deepEqual(calls, []);
    assert.equal(s.busy, false);

    server.enqueue(reply.text('a very long answer '.repeat(40), { chunkSize: 4, delayMs: 20 }));
    const streaming = nextEvent(s, (e) => e.type === 'client_output_delta');
    const long = s.send('talk');
    await streaming;
    await mgr.stopSession(s.id);
    await long;
    assert.equal(mgr.isLive(s.id), false);
    const last = (await s.history()).at(-1);
    assert.equal(last?.role, 'assistant');
    assert.equal(last?.truncated, true);
    await assert.rejects(s.send('after stop'), /stopped/);
    const log = readFileSync(path.join(s.dir, 'events.jsonl'), 'utf8');
    assert.match(log, /"stop_reason":"aborted"|"stop_reason": "aborted"/);
  });

  it('phases: tools change per phase, meta.phase persists, a user switch tells the queen', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    server.enqueue(
      reply.toolUse('start_incubating_colony', {
        colony_name: 'lead_scoring',
        intended_purpose: 'Score new leads every hour.',
      }),
      // The readiness evaluator's verdict (one model call of its own).
      reply.text('{"ready": true, "reasons": ["settled"], "missing_prerequisites": []}'),
      reply.text('Drafting.'),
      reply.text('Back to solo.'),
    );
    await s.send('build a colony');
    assert.equal(s.phase, 'incubating');
    const change = seen.find((e) => e.type === 'queen_phase_changed');
    assert.equal(change?.data.phase, 'incubating');
    const meta = () => JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8'));
    assert.equal(meta().phase, 'incubating');
    const incubatingTools = offeredTools(server, 2);
    assert.ok(incubatingTools.includes('cancel_incubation'));
    assert.ok(incubatingTools.includes('create_colony'));
    assert.ok(!incubatingTools.includes('start_incubating_colony'));
    assert.match(JSON.stringify(server.requests[2]?.body.system), /lead_scoring/);

    await s.setPhase('independent', 'user');
    assert.equal(meta().phase, 'independent');
    await s.send('ok');
    const msgs = JSON.stringify(server.requests[3]?.body.messages);
    assert.match(msgs, /\[PHASE CHANGE\] Switched to INDEPENDENT/);
    // The tool-made change did not inject a note.
    assert.doesNotMatch(JSON.stringify(server.requests[2]?.body.messages), /PHASE CHANGE/);
    await assert.rejects(
      s.setPhase('reviewing' as never, 'user').then(() => s.setPhase('incubating')),
      /Cannot/,
    );
    await mgr.stopAll();
  });

  it('workspace tools read the working folder and refuse paths outside it', async () => {
    const work = tempDir('hive-work-');
    mkdirSync(path.join(work, 'src'));
    writeFileSync(path.join(work, 'src', 'a.txt'), 'needle in here\n');
    const mgr = managerFor(home, server, { workingDir: work });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(
      reply.toolUse('read_file', { path: 'src/a.txt' }),
      reply.toolUse('list_directory', { path: '.' }),
      reply.toolUse('search_files', { pattern: 'needle' }),
      reply.toolUse('read_file', { path: '../../etc/passwd' }),
      reply.text('done'),
    );
    await s.send('look around');
    const results = toolResults(server, 4).map((r) => JSON.stringify(r));
    assert.match(results[0]!, /needle in here/);
    assert.match(results[1]!, /src/);
    assert.match(results[2]!, /a\.txt/);
    assert.match(results[3]!, /"is_error":true/);
    assert.doesNotMatch(results[3]!, /root:/);
    // INDEPENDENT offers Hive's whole coder toolkit.
    for (const name of ['write_file', 'run_command', 'edit_file', 'undo_changes'])
      assert.ok(offeredTools(server, 0).includes(name), `${name} is offered`);
    await mgr.stopAll();
    removeDir(work);
  });

  it('a failed turn emits execution_failed and retry answers the same message', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    server.enqueue(fault.status(400, 'bad request'));
    await s.send('hello');
    const failed = seen.find((e) => e.type === 'execution_failed');
    assert.ok(failed, 'execution_failed published');
    assert.equal(typeof failed.data.retryable, 'boolean');
    server.enqueue(reply.text('second try'));
    await s.retry();
    assert.deepEqual(
      (await s.history()).map((p) => p.content),
      ['hello', 'second try'],
    );
    await mgr.stopAll();
  });
});
