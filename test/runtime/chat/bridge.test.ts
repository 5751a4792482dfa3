import assert from 'node:assert/strict';
import type { ChatSession } from '../../../src/extension/chat/session-sources';
import type { LiveSession, SessionManager } from '../../../src/runtime/session';
import { ChatModel } from '../../../webview/chat-model';
import {
  fault,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { managerFor, recordingWriteTool, removeDir, tempDir } from '../session/helpers';
import { BridgeHarness, streamedText } from './helpers';

/** The session as the bridge sees it, with history() held until `open()` (events keep flowing). */
function gatedHistory(s: LiveSession): { session: ChatSession; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((r) => {
    open = r;
  });
  const session: ChatSession = {
    id: s.id,
    bus: s.bus,
    queen: s.queen,
    get phase() {
      return s.phase;
    },
    get busy() {
      return s.busy;
    },
    get stopped() {
      return s.stopped;
    },
    get usage() {
      return s.usage;
    },
    get pendingApprovals() {
      return s.pendingApprovals;
    },
    get pendingQuestions() {
      return s.pendingQuestions;
    },
    send: (t) => s.send(t),
    retry: () => s.retry(),
    stopTurn: () => s.stopTurn(),
    answerApproval: (id, d, o) => s.answerApproval(id, d, o),
    answerQuestion: (id, a) => s.answerQuestion(id, a),
    history: async () => {
      await gate;
      return s.history();
    },
  };
  return { session, open };
}

describe('ChatBridge (panel ↔ live session)', () => {
  let server: ScriptedServer;
  let home: string;
  let mgr: SessionManager;
  let h: BridgeHarness;
  const calls: string[] = [];

  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-chat-');
    calls.length = 0;
    mgr = managerFor(home, server, { extraTools: () => [recordingWriteTool(calls)] });
    h = new BridgeHarness(mgr);
  });
  afterEach(async () => {
    assert.deepEqual(h.invalid, [], 'every post passes the protocol');
    h.bridge.dispose();
    await mgr.stopAll();
    await server.close();
    removeDir(home);
  });

  it('streams a reply: user message, text deltas, turn complete, busy on and off, usage', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    const snap = h.of('snapshot').at(-1);
    assert.equal(snap?.session?.sessionId, s.id);
    assert.equal(snap?.session?.queen?.name, s.queen.name);
    assert.equal(snap?.session?.phase, s.phase);
    assert.equal(snap?.session?.busy, false);
    assert.deepEqual(h.of('history').at(-1)?.messages, []);
    assert.equal(h.of('history').at(-1)?.done, true);

    server.enqueue(
      reply.text('Hello **there**, this reply streams in several small pieces.', { chunkSize: 8 }),
    );
    const from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'hi queen' });
    const done = await h.next('turnComplete', () => true, from);
    await h.next('busy', (m) => !m.busy, from);
    const user = h.of('message', from).find((m) => m.message.kind === 'user');
    assert.equal(user?.message.kind === 'user' && user.message.text, 'hi queen');
    assert.ok(h.of('textDelta', from).length > 3, 'the reply arrives in pieces');
    assert.equal(
      streamedText(h.posts, done.messageId),
      'Hello **there**, this reply streams in several small pieces.',
    );
    assert.equal(done.stopReason, 'end_turn');
    assert.ok(
      h.of('busy', from).some((m) => m.busy),
      'busy while the turn runs',
    );
    const usage = await h.next('usage', () => true, from);
    assert.ok(usage.usage.outputTokens > 0);
    assert.ok((usage.usage.costUsd ?? 0) > 0, 'a known model has a cost');
  });

  it('a stream cut and retried mid-reply restarts the text in the panel (no half-text glued on)', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(
      fault.cut(reply.text('This first attempt will be cut off', { chunkSize: 4 }), 7),
      reply.text('The complete answer.'),
    );
    const from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'go' });
    const done = await h.next('turnComplete', () => true, from);
    assert.ok(
      h.of('textDelta', from).some((m) => m.text && !'The complete answer.'.includes(m.text)),
      'the cut attempt streamed something first',
    );
    assert.equal(streamedText(h.posts, done.messageId), 'The complete answer.');
  });

  it('events that happen while a snapshot reads the history are not shown twice', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const gated = gatedHistory(s);
    h.bridge.attach(gated.session);
    server.enqueue(reply.text('An answer streamed while the panel was loading.', { chunkSize: 5 }));
    await s.send('hello while loading');
    assert.equal(h.of('snapshot').length, 0, 'the snapshot waits for the history');
    gated.open();
    const page = await h.next('history');
    const at = h.lastSnapshotIndex();
    assert.deepEqual(
      page.messages.map((m) => (m.kind === 'user' || m.kind === 'assistant' ? m.text : m.kind)),
      ['hello while loading', 'An answer streamed while the panel was loading.'],
    );
    assert.equal(h.of('textDelta', at).length, 0, 'no delta glued onto the finished text');
    assert.equal(h.of('message', at).filter((m) => m.message.kind === 'user').length, 0);
    // Live again: the next turn streams normally.
    server.enqueue(reply.text('Next.'));
    await h.bridge.handle({ type: 'sendMessage', text: 'again' });
    const done = await h.next('turnComplete', () => true, at);
    assert.equal(streamedText(h.posts, done.messageId), 'Next.');
  });

  it('tool card: approval request tied to the tool call, Approve runs it, the result arrives', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(reply.toolUse('write_note', { text: 'a' }), reply.text('done'));
    const from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'write a' });
    const started = await h.next('toolStarted', () => true, from);
    const req = await h.next('approvalRequest', () => true, from);
    assert.equal(started.name, 'write_note');
    assert.deepEqual(started.input, { text: 'a' });
    assert.equal(req.toolUseId, started.toolUseId);
    assert.equal(req.tool, 'write_note');
    assert.equal(req.category, 'write');
    await h.bridge.handle({ type: 'approvalAnswer', id: req.id, approve: true });
    const resolved = await h.next('approvalResolved', () => true, from);
    assert.deepEqual(resolved, { type: 'approvalResolved', id: req.id, approved: true });
    const completed = await h.next('toolCompleted', () => true, from);
    assert.equal(completed.toolUseId, started.toolUseId);
    assert.equal(completed.result, 'written');
    assert.equal(completed.isError, false);
    await h.next('turnComplete', () => true, from);
    assert.deepEqual(calls, ['a']);
  });

  it('text before a tool call ends streaming; a turn that ends with the call still gets its usage line', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    // The model writes, calls the tool, then stops without another word.
    server.enqueue(
      reply.toolUse('write_note', { text: 'b' }, { text: 'Writing the note now.' }),
      reply.blocks([]),
    );
    const from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'write b' });
    const req = await h.next('approvalRequest', () => true, from);
    await h.bridge.handle({ type: 'approvalAnswer', id: req.id, approve: true });
    const done = await h.next('turnComplete', () => true, from);
    await h.next('busy', (m) => !m.busy, from);
    const texts = [...new Set(h.of('textDelta', from).map((d) => d.messageId))];
    assert.deepEqual(texts, [done.messageId], 'the turn complete names the text the turn wrote');
    assert.ok(done.outputTokens > 0);
    // Played through the page's model: no typing dot is left, and the text carries the usage line.
    const model = new ChatModel();
    for (const m of h.posts.slice(h.lastSnapshotIndex())) model.apply(m);
    const rows = model.rows.filter((r) => r.kind === 'assistant');
    assert.equal(rows.length, 1);
    assert.ok(rows.every((r) => r.kind === 'assistant' && !r.streaming));
    assert.equal(rows[0]?.kind === 'assistant' && rows[0].usage?.outputTokens, done.outputTokens);
    const card = model.rowById(req.toolUseId ?? '');
    assert.equal(card?.kind === 'tool' && card.status, 'done');
  });

  it('a panel that reconnects mid-approval gets one snapshot with the running card and the request, nothing twice', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(
      reply.toolUse('write_note', { text: 'b' }, { text: 'Let me write that.' }),
      reply.text('ok'),
    );
    await h.bridge.handle({ type: 'sendMessage', text: 'write b' });
    const req = await h.next('approvalRequest');

    // The page is hidden and shown again: it says `ready`.
    await h.bridge.handle({ type: 'ready' });
    const at = h.lastSnapshotIndex();
    const after = h.posts.slice(at);
    assert.equal(after.filter((m) => m.type === 'snapshot').length, 1);
    assert.equal(h.of('snapshot').at(-1)?.session?.busy, true);
    const page = h.of('history', at)[0];
    assert.ok(page);
    const kinds = page.messages.map((m) => m.kind);
    assert.deepEqual(kinds, ['user', 'assistant', 'tool']);
    const tool = page.messages[2];
    assert.equal(tool?.kind === 'tool' && tool.status, 'running');
    assert.equal(tool?.id, req.toolUseId);
    const again = h.of('approvalRequest', at);
    assert.equal(again.length, 1);
    assert.equal(again[0]?.id, req.id);
    assert.equal(again[0]?.toolUseId, req.toolUseId);

    await h.bridge.handle({ type: 'approvalAnswer', id: req.id, approve: false });
    await h.next('turnComplete', () => true, at);
    const completed = h.of('toolCompleted', at)[0];
    assert.equal(completed?.isError, true);
    assert.match(completed?.result ?? '', /denied/);
    assert.deepEqual(calls, []);
    // After the reconnect no user message and no tool card came twice.
    const users = h.of('message', at).filter((m) => m.message.kind === 'user');
    assert.equal(users.length, 0);
    assert.equal(h.of('toolStarted', at).length, 0);

    // A later reconnect shows the denied card from the transcript.
    await h.bridge.handle({ type: 'ready' });
    const last = h.of('history', h.lastSnapshotIndex())[0];
    const denied = last?.messages.find((m) => m.kind === 'tool');
    assert.equal(denied?.kind === 'tool' && denied.status, 'denied');
  });

  it('an approval requested before the panel followed the session is still shown and answerable', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const other = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(other);
    await h.next('history');
    server.enqueue(reply.toolUse('write_note', { text: 'late' }), reply.text('ok'));
    const turn = s.send('write late');
    while (s.pendingApprovals.length === 0) await new Promise((r) => setImmediate(r));
    assert.equal(h.of('approvalRequest').length, 0, "another session's events do not reach the panel");

    h.bridge.attach(s);
    const req = await h.next('approvalRequest');
    assert.equal(req.id, s.pendingApprovals[0]);
    const page = h.of('history', h.lastSnapshotIndex())[0];
    const card = page?.messages.find((m) => m.kind === 'tool');
    assert.equal(card?.kind === 'tool' && card.status, 'running', 'the call in flight shows as running');
    assert.equal(req.toolUseId, card?.id, 'the approval lands on its card');
    assert.equal(req.tool, 'write_note');
    await h.bridge.handle({ type: 'approvalAnswer', id: req.id, approve: true });
    await turn;
    assert.deepEqual(calls, ['late']);
  });

  it('ask_user: a question with options, answered from the panel; a reconnect shows it once, still open', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(
      reply.toolUse('ask_user', { question: 'Which database?', options: ['Postgres', 'SQLite'] }),
      reply.text('Postgres it is.'),
    );
    await h.bridge.handle({ type: 'sendMessage', text: 'set up storage' });
    const q = await h.next('askUser');
    assert.equal(q.prompt, 'Which database?');
    assert.deepEqual(q.options, ['Postgres', 'SQLite']);
    assert.equal(h.of('toolStarted').length, 0, 'ask_user is a question row, not a tool card');

    await h.bridge.handle({ type: 'ready' });
    const at = h.lastSnapshotIndex();
    const page = h.of('history', at)[0];
    const rows = page?.messages.filter((m) => m.kind === 'question') ?? [];
    const overlay = h.of('askUser', at);
    // The question is in the page (its row takes the request id) or in the tail, never both.
    assert.equal(rows.length + overlay.length, 1);
    const shownId = rows[0]?.id ?? overlay[0]?.id;
    assert.equal(shownId, q.id);
    if (rows[0]?.kind === 'question') assert.equal(rows[0].answer, null);

    await h.bridge.handle({ type: 'askUserAnswer', id: q.id, answer: 'Postgres' });
    const resolved = await h.next('askUserResolved', () => true, at);
    assert.deepEqual(resolved, { type: 'askUserResolved', id: q.id, answer: 'Postgres' });
    await h.next('turnComplete', () => true, at);
    await h.bridge.handle({ type: 'askUserAnswer', id: q.id, answer: 'again' });
    assert.match(h.of('toast').at(-1)?.text ?? '', /no longer waiting/);
  });

  it('stopping a turn closes its open question in the panel', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(reply.toolUse('ask_user', { question: 'Name?' }));
    await h.bridge.handle({ type: 'sendMessage', text: 'hello' });
    const q = await h.next('askUser');
    await h.bridge.handle({ type: 'stop' });
    const closed = await h.next('askUserResolved');
    assert.deepEqual(closed, { type: 'askUserResolved', id: q.id, answer: null });
    await h.next('busy', (m) => !m.busy);
  });

  it('an error shows inline with Retry; Retry answers the same message; a reconnect in between keeps the error', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(fault.status(400, 'bad request'));
    await h.bridge.handle({ type: 'sendMessage', text: 'hello' });
    const err = await h.next('message', (m) => m.message.kind === 'error');
    assert.equal(err.message.kind === 'error' && err.message.retryable, false);
    assert.match(err.message.kind === 'error' ? err.message.message : '', /bad request/);
    await h.next('busy', (m) => !m.busy);

    await h.bridge.handle({ type: 'ready' });
    const at = h.lastSnapshotIndex();
    assert.ok(
      h.of('message', at).some((m) => m.message.id === err.message.id),
      'the error is still shown after a reconnect',
    );

    server.enqueue(reply.text('second try'));
    await h.bridge.handle({ type: 'retry', errorId: err.message.id });
    const done = await h.next('turnComplete', () => true, at);
    assert.equal(streamedText(h.posts, done.messageId), 'second try');
    await h.bridge.handle({ type: 'ready' });
    const last = h.lastSnapshotIndex();
    assert.equal(h.of('message', last).filter((m) => m.message.kind === 'error').length, 0);
    assert.deepEqual(
      h
        .of('history', last)[0]
        ?.messages.map((m) => (m.kind === 'user' || m.kind === 'assistant' ? m.text : m.kind)),
      ['hello', 'second try'],
    );
  });

  it('the empty state: snapshot null, and the first message starts a session that the panel then shows', async () => {
    h.bridge.attach(undefined);
    await h.bridge.handle({ type: 'ready' });
    assert.deepEqual(h.posts.at(-1), { type: 'snapshot', session: null });
    await h.bridge.handle({ type: 'stop' });
    assert.match(h.of('toast').at(-1)?.text ?? '', /No session/);

    server.setResponder((req) =>
      // The queen selector asks first (no tools); then the queen answers.
      Array.isArray(req.body.tools) && req.body.tools.length > 0
        ? reply.text('Hello, I am your queen.')
        : reply.text('{"queen_id":"queen_technology","reason":"tech"}'),
    );
    const changed: Array<string | undefined> = [];
    const h2 = new BridgeHarness(mgr, { onDidChangeSession: (id) => changed.push(id) });
    h2.bridge.attach(undefined);
    await h2.bridge.handle({ type: 'sendMessage', text: 'Plan my database migration' });
    const snap = await h2.next('snapshot', (m) => m.session !== null);
    const id = snap.session?.sessionId ?? '';
    assert.ok(mgr.isLive(id));
    assert.deepEqual(changed.at(-1), id);
    const done = await h2.next('turnComplete');
    assert.equal(streamedText(h2.posts, done.messageId), 'Hello, I am your queen.');
    const shown = h2.posts
      .slice(h2.lastSnapshotIndex())
      .flatMap((m) => (m.type === 'history' ? m.messages : m.type === 'message' ? [m.message] : []))
      .filter((m) => m.kind === 'user');
    assert.deepEqual(
      shown.map((m) => (m.kind === 'user' ? m.text : '')),
      ['Plan my database migration'],
      'the first message shows exactly once',
    );
    assert.deepEqual(h2.invalid, []);
    h2.bridge.dispose();
  });

  it('after Trust, the Restricted banner stays while the running session still lacks workspace tools', async () => {
    let pending = true;
    const h2 = new BridgeHarness(mgr, { trustPending: () => pending });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h2.trusted = true; // the workspace was just trusted…
    h2.bridge.attach(s);
    const first = await h2.next('snapshot');
    // …but this session started without the workspace tools: still restricted, and said why.
    assert.equal(first.session?.trusted, false);
    assert.equal(first.session?.trustPending, true);
    // Once the running session has them (a new session, or the runtime restarted), the banner goes.
    pending = false;
    const from = h2.posts.length;
    await h2.bridge.resync();
    const second = await h2.next('snapshot', () => true, from);
    assert.equal(second.session?.trusted, true);
    assert.equal(second.session?.trustPending, undefined);
    assert.deepEqual(h2.invalid, []);
    h2.bridge.dispose();
  });

  it('Restricted Mode: an Approve from the page is turned into a denial', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.trusted = false;
    h.bridge.attach(s);
    const snap = await h.next('snapshot');
    assert.equal(snap.session?.trusted, false);
    server.enqueue(reply.toolUse('write_note', { text: 'x' }), reply.text('ok'));
    await h.bridge.handle({ type: 'sendMessage', text: 'write x' });
    const req = await h.next('approvalRequest');
    const from = h.posts.length;
    await h.bridge.handle({ type: 'approvalAnswer', id: req.id, approve: true });
    const resolved = await h.next('approvalResolved', () => true, from);
    assert.match(h.of('toast', from)[0]?.text ?? '', /Restricted Mode/);
    assert.equal(resolved.approved, false);
    await h.next('turnComplete');
    assert.deepEqual(calls, []);
  });
});
