import assert from 'node:assert/strict';
import {
  type PendingRequest,
  PendingRequests,
  requestMessage,
} from '../../../src/extension/attention/pending-requests';
import { COLD_PHASE } from '../../../src/extension/chat/cold-session';
import type { SessionManager } from '../../../src/runtime/session';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, recordingWriteTool, removeDir, tempDir } from '../session/helpers';
import { BridgeHarness } from './helpers';

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('attention: requests waiting for the user, stop and finish in the chat', () => {
  let server: ScriptedServer;
  let home: string;
  let mgr: SessionManager;
  const calls: string[] = [];

  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-attention-');
    calls.length = 0;
    mgr = managerFor(home, server, { extraTools: () => [recordingWriteTool(calls)] });
  });
  afterEach(async () => {
    await mgr.stopAll();
    await server.close();
    removeDir(home);
  });

  it('announces an approval and a question once each, answers the approval, and forgets answered ones', async () => {
    const a = await mgr.createSession({ queenId: 'queen_technology' });
    const b = await mgr.createSession({ queenId: 'queen_growth' });
    const pending = new PendingRequests();
    const made: PendingRequest[] = [];
    pending.onDidRequest((r) => made.push(r));
    pending.sync([a, b]);

    server.enqueue(reply.toolUse('write_note', { text: 'hi' }));
    const turnA = a.send('write a note');
    await until('the approval', () => pending.count === 1);
    assert.deepEqual(
      made.map((r) => [r.kind, r.sessionId]),
      [['approval', a.id]],
    );
    const approval = made[0] as PendingRequest;
    assert.equal(
      requestMessage(approval),
      'Hive: Alexandra · Head of Technology asks to run write_note (write).',
    );

    server.enqueue(reply.toolUse('ask_user', { question: 'Which market first?' }));
    void b.send('plan a launch');
    await until('the question', () => pending.count === 2);
    const question = made[1] as PendingRequest;
    assert.equal(question.kind, 'question');
    assert.match(requestMessage(question), /asks: Which market first\?$/);

    server.enqueue(reply.text('written'));
    assert.equal(pending.answer(approval, 'approve'), true);
    await turnA;
    assert.deepEqual(calls, ['hi'], 'the approved call ran');
    assert.equal(pending.answer(approval, 'deny'), false, 'an answered request cannot be answered again');
    assert.equal(pending.count, 1);
    assert.equal(pending.answer(question, 'approve'), false, 'a question is answered in the chat');

    // A stopped session takes its requests with it.
    await mgr.stopSession(b.id);
    pending.sync([a]);
    assert.equal(pending.count, 0);
    assert.equal(made.length, 2, 'each request announced once');
    pending.dispose();
  });

  it('Stop Session: the panel shows the session stopped (not busy, no working phase) and says so', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const h = new BridgeHarness(mgr);
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(reply.text('Done.'));
    await s.send('hello');
    const from = h.posts.length;
    await mgr.stopSession(s.id);
    h.bridge.sessionChanged();
    const phase = await h.next('phase', () => true, from);
    assert.equal(phase.phase, COLD_PHASE);
    const notice = await h.next('message', (m) => m.message.kind === 'notice', from);
    assert.match(
      notice.message.kind === 'notice' ? notice.message.text : '',
      /stopped\. Send a message to resume/,
    );
    // A redraw agrees.
    await h.bridge.handle({ type: 'ready' });
    const snap = h.of('snapshot').at(-1);
    assert.deepEqual([snap?.session?.phase, snap?.session?.busy], [COLD_PHASE, false]);
    assert.deepEqual(h.invalid, []);
    h.bridge.dispose();
  });

  it('Escape / Stop on a streaming reply: the turn ends and the panel marks it "Stopped."', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const h = new BridgeHarness(mgr);
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(
      reply.text('one two three four five six seven eight nine ten', { chunkSize: 3, delayMs: 80 }),
    );
    const from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'count slowly' });
    await h.next('textDelta', () => true, from);
    await h.bridge.handle({ type: 'stop' });
    const done = await h.next('turnComplete', () => true, from);
    assert.equal(done.stopReason, 'aborted');
    const mark = await h.next('message', (m) => m.message.kind === 'notice', from);
    assert.equal(mark.message.kind === 'notice' && mark.message.text, 'Stopped.');
    assert.ok(h.posts.indexOf(mark) > h.posts.indexOf(done), 'the mark follows the stopped reply');
    h.bridge.dispose();
  });
});
