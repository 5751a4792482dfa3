import assert from 'node:assert/strict';
import type { ChatMessage, SessionSnapshot } from '../../../src/shared/protocol';
import { ChatModel, type RowOf } from '../../../webview/chat-model';

function session(id = 'session_a'): SessionSnapshot {
  return {
    sessionId: id,
    title: null,
    queen: { id: 'queen_technology', name: 'Alexandra', title: 'Head of Technology' },
    phase: 'independent',
    colony: null,
    triggers: [],
    usage: { inputTokens: 0, outputTokens: 0, cachedTokens: 0, costUsd: null },
    busy: false,
    trusted: true,
  };
}

function user(i: number): ChatMessage {
  return { kind: 'user', id: `u${i}`, text: `message ${i}` };
}

function opened(): ChatModel {
  const m = new ChatModel();
  m.apply({ type: 'snapshot', session: session() });
  return m;
}

describe('ChatModel', () => {
  it('starts empty, and a null snapshot is the empty state', () => {
    const m = new ChatModel();
    assert.equal(m.session, null);
    const c = m.apply({ type: 'snapshot', session: null });
    assert.ok(c.reset && c.header);
    assert.equal(m.rows.length, 0);
    assert.equal(m.busy, false);
  });

  it('a snapshot replaces all rows and waits for history pages', () => {
    const m = opened();
    m.apply({ type: 'message', message: user(1) });
    const c = m.apply({ type: 'snapshot', session: session('session_b') });
    assert.ok(c.reset);
    assert.equal(m.rows.length, 0);
    assert.equal(m.historyComplete, false);
    assert.equal(m.session?.sessionId, 'session_b');
  });

  it('tracks the first page (loading line) and an older page asked for until it arrives', () => {
    const m = opened();
    assert.equal(m.historyLoaded, false);
    m.apply({ type: 'history', sessionId: 'session_a', messages: [user(5)], prepend: false, done: false });
    assert.equal(m.historyLoaded, true);
    assert.equal(m.historyComplete, false);
    m.olderPending = true;
    m.apply({ type: 'message', message: user(6) });
    assert.equal(m.olderPending, true, 'a live message is not the older page');
    m.apply({ type: 'history', sessionId: 'session_a', messages: [user(4)], prepend: true, done: true });
    assert.equal(m.olderPending, false);
    assert.equal(m.historyComplete, true);
    m.apply({ type: 'snapshot', session: null });
    assert.equal(m.historyLoaded, true, 'the empty state has nothing to load');
  });

  it('appends and prepends history pages in order, skipping duplicates and stale sessions', () => {
    const m = opened();
    m.apply({
      type: 'history',
      sessionId: 'session_a',
      messages: [user(4), user(5)],
      prepend: false,
      done: false,
    });
    const c = m.apply({
      type: 'history',
      sessionId: 'session_a',
      messages: [user(1), user(2), user(3), user(4)],
      prepend: true,
      done: true,
    });
    assert.equal(c.prepended, 3);
    assert.deepEqual(
      m.rows.map((r) => r.id),
      ['u1', 'u2', 'u3', 'u4', 'u5'],
    );
    assert.equal(m.indexOf('u5'), 4);
    assert.equal(m.historyComplete, true);
    const stale = m.apply({
      type: 'history',
      sessionId: 'other',
      messages: [user(9)],
      prepend: false,
      done: true,
    });
    assert.equal(stale.appended, 0);
    assert.equal(m.rows.length, 5);
  });

  it('handles a 5,000-message history in pages quickly', () => {
    const m = opened();
    const all = Array.from({ length: 5000 }, (_, i) => user(i));
    for (let end = all.length; end > 0; end -= 500) {
      m.apply({
        type: 'history',
        sessionId: 'session_a',
        messages: all.slice(Math.max(0, end - 500), end),
        prepend: true,
        done: end <= 500,
      });
    }
    assert.equal(m.rows.length, 5000);
    assert.equal(m.rows[0]?.id, 'u0');
    assert.equal(m.rows[4999]?.id, 'u4999');
    assert.equal(m.indexOf('u2500'), 2500);
  });

  it('streams text into one assistant row, by delta or by snapshot', () => {
    const m = opened();
    const c1 = m.apply({ type: 'textDelta', messageId: 'a1', text: 'Hel' });
    assert.equal(c1.appended, 1);
    const c2 = m.apply({ type: 'textDelta', messageId: 'a1', text: 'lo' });
    assert.ok(c2.updated.has('a1'));
    assert.equal(c2.appended, 0);
    const row = m.rowById('a1') as RowOf<'assistant'>;
    assert.equal(row.text, 'Hello');
    assert.equal(row.streaming, true);
    m.apply({ type: 'textDelta', messageId: 'a1', text: '!', snapshot: 'Hello there!' });
    assert.equal(row.text, 'Hello there!');
    const revBefore = row.rev;
    m.apply({
      type: 'turnComplete',
      messageId: 'a1',
      stopReason: 'end_turn',
      model: 'claude',
      inputTokens: 10,
      outputTokens: 5,
      cachedTokens: 2,
      costUsd: 0.001,
    });
    assert.equal(row.streaming, false);
    assert.equal(row.usage?.outputTokens, 5);
    assert.ok(row.rev > revBefore);
  });

  it('a tool call finishes the text before it; the turn end finishes every text of the turn', () => {
    const m = opened();
    m.apply({ type: 'textDelta', messageId: 'a1', text: 'Let me look.' });
    const c = m.apply({ type: 'toolStarted', toolUseId: 'toolu_1', name: 'read_file', input: {} });
    const first = m.rowById('a1') as RowOf<'assistant'>;
    assert.equal(first.streaming, false, 'no typing dot once the tool call follows');
    assert.ok(c.updated.has('a1'));
    m.apply({ type: 'toolCompleted', toolUseId: 'toolu_1', result: 'x', isError: false });
    m.apply({ type: 'textDelta', messageId: 'a2', text: 'Found' });
    m.apply({ type: 'textDelta', messageId: 'a3', text: 'it.' });
    m.apply({
      type: 'turnComplete',
      messageId: 'a3',
      stopReason: 'end_turn',
      model: 'claude',
      inputTokens: 10,
      outputTokens: 5,
      cachedTokens: 0,
      costUsd: null,
    });
    assert.ok(m.rows.every((r) => r.kind !== 'assistant' || !r.streaming));
    assert.equal((m.rowById('a3') as RowOf<'assistant'>).usage?.outputTokens, 5);
  });

  it('tracks a tool call from start to result, and its approval', () => {
    const m = opened();
    m.apply({ type: 'toolStarted', toolUseId: 'toolu_1', name: 'write_file', input: { path: 'a.txt' } });
    m.apply({
      type: 'approvalRequest',
      id: 'ap1',
      toolUseId: 'toolu_1',
      tool: 'write_file',
      category: 'file_write',
      input: { path: 'a.txt' },
      requester: 'queen',
      detail: { kind: 'file', path: 'a.txt', isNew: true },
    });
    const row = m.rowById('toolu_1') as RowOf<'tool'>;
    assert.equal(m.rows.length, 1, 'the approval joins the existing card');
    assert.equal(row.approval?.state, 'pending');
    m.markApprovalSent('ap1');
    assert.equal(row.approval?.state, 'sent');
    m.apply({ type: 'approvalResolved', id: 'ap1', approved: true });
    assert.equal(row.approval?.state, 'approved');
    m.apply({ type: 'toolCompleted', toolUseId: 'toolu_1', result: 'written', isError: false });
    assert.equal(row.status, 'done');
    assert.equal(row.result, 'written');
  });

  it("an approval with no call in this conversation (a worker's) is a card its answer finishes", () => {
    const m = opened();
    const ask = (id: string) =>
      m.apply({
        type: 'approvalRequest',
        id,
        toolUseId: null,
        tool: 'write_file',
        category: 'write',
        input: {},
        requester: 'worker_1',
        detail: null,
      });
    ask('ap1');
    ask('ap2');
    const [one, two] = m.rows as RowOf<'tool'>[];
    assert.equal(one?.status, 'running');
    m.apply({ type: 'approvalResolved', id: 'ap1', approved: true });
    m.apply({ type: 'approvalResolved', id: 'ap2', approved: false });
    assert.equal(one?.status, 'done', 'not left "running…"');
    assert.equal(two?.status, 'denied');
  });

  it('a denied approval marks the card denied even when the tool then reports an error', () => {
    const m = opened();
    m.apply({
      type: 'approvalRequest',
      id: 'ap2',
      toolUseId: null,
      tool: 'run_command',
      category: 'command',
      input: { command: 'rm -rf /' },
      requester: 'queen',
      detail: { kind: 'command', command: 'rm -rf /', cwd: '/w', timeout: null },
    });
    const row = m.rows[0] as RowOf<'tool'>;
    assert.equal(row.kind, 'tool');
    assert.equal(row.name, 'run_command');
    m.apply({ type: 'approvalResolved', id: 'ap2', approved: false });
    m.apply({ type: 'toolCompleted', toolUseId: row.id, result: 'denied by user', isError: true });
    assert.equal(row.status, 'denied');
  });

  it('ask_user questions: answered locally, then confirmed by the host', () => {
    const m = opened();
    m.apply({ type: 'askUser', id: 'q1', prompt: 'Which colour?', options: ['Red', 'Blue'] });
    const row = m.rowById('q1') as RowOf<'question'>;
    assert.equal(row.answer, null);
    m.markQuestionSent('q1', 'Blue');
    assert.equal(row.answer, 'Blue');
    assert.equal(row.sent, true);
    assert.equal(m.markQuestionSent('q1', 'Red').updated.size, 0, 'a second answer is ignored');
    m.apply({ type: 'askUserResolved', id: 'q1', answer: 'Blue' });
    assert.equal(row.sent, false);
  });

  it('errors show inline and a retry is marked once', () => {
    const m = opened();
    m.apply({ type: 'error', id: 'e1', message: 'Overloaded', retryable: true });
    const row = m.rowById('e1') as RowOf<'error'>;
    assert.equal(row.retried, false);
    assert.equal(m.markRetried('e1').updated.size, 1);
    assert.equal(m.markRetried('e1').updated.size, 0);
  });

  it('updates header, colony and triggers parts of the session', () => {
    const m = opened();
    assert.ok(m.apply({ type: 'busy', busy: true }).header);
    assert.equal(m.busy, true);
    m.apply({ type: 'phase', phase: 'working' });
    assert.equal(m.session?.phase, 'working');
    m.apply({ type: 'usage', usage: { inputTokens: 5, outputTokens: 6, cachedTokens: 0, costUsd: 0.5 } });
    assert.equal(m.usage.costUsd, 0.5);
    const c = m.apply({
      type: 'colony',
      colony: { name: 'c', path: '/p', workersRunning: 1, workersDone: 0, escalations: [] },
    });
    assert.ok(c.colony && !c.header);
    assert.equal(m.session?.colony?.workersRunning, 1);
    assert.ok(m.apply({ type: 'triggers', triggers: [] }).triggers);
    assert.deepEqual(m.apply({ type: 'toast', text: 'Copied', level: 'info' }).toast, {
      text: 'Copied',
      level: 'info',
    });
  });

  it('replaces a message re-sent with the same id', () => {
    const m = opened();
    m.apply({ type: 'message', message: user(1) });
    const c = m.apply({ type: 'message', message: { kind: 'user', id: 'u1', text: 'edited' } });
    assert.ok(c.updated.has('u1'));
    assert.equal(m.rows.length, 1);
    assert.equal((m.rows[0] as RowOf<'user'>).text, 'edited');
  });

  it("builds a worker's lane live: created on its first step, text streamed, status on its report", () => {
    const m = opened();
    m.apply({
      type: 'laneEntry',
      laneId: 'lane-w1',
      workerId: 'w1',
      entry: { kind: 'text', id: 't-0-0', text: 'Rea' },
    });
    m.apply({ type: 'laneText', laneId: 'lane-w1', workerId: 'w1', entryId: 't-0-0', text: 'ding' });
    const tool = {
      kind: 'tool' as const,
      id: 'tu1',
      name: 'read_file',
      input: {},
      result: null,
      isError: false,
    };
    m.apply({ type: 'laneEntry', laneId: 'lane-w1', workerId: 'w1', entry: { ...tool, status: 'running' } });
    m.apply({
      type: 'laneEntry',
      laneId: 'lane-w1',
      workerId: 'w1',
      entry: { ...tool, result: 'x', status: 'done' },
    });
    m.apply({ type: 'laneStatus', laneId: 'lane-w1', workerId: 'w1', status: 'done', summary: 'Read it.' });
    assert.equal(m.rows.length, 1);
    const lane = m.rows[0] as RowOf<'lane'>;
    assert.equal(lane.kind, 'lane');
    assert.equal(lane.status, 'done');
    assert.equal(lane.summary, 'Read it.');
    assert.deepEqual(
      lane.entries.map((e) => (e.kind === 'text' ? e.text : `${e.name}:${e.status}`)),
      ['Reading', 'read_file:done'],
    );
  });

  it('a changes row is marked while restoring until the host sends it again', () => {
    const m = opened();
    const row = {
      kind: 'changes' as const,
      id: 'changes-2',
      turnId: '2',
      requester: 'queen',
      files: ['a.txt'],
    };
    m.apply({ type: 'message', message: row });
    m.markRestoreSent('changes-2');
    assert.equal((m.rowById('changes-2') as RowOf<'changes'>).restoring, true);
    m.apply({ type: 'message', message: row });
    assert.equal((m.rowById('changes-2') as RowOf<'changes'>).restoring, false);
  });
});

describe('ChatModel: thinking, model choice and context gauge', () => {
  it('a thinking block grows while it streams and stops streaming when the reply starts', () => {
    const m = opened();
    m.apply({ type: 'thinkingDelta', messageId: 'th1', snapshot: 'Let me' });
    m.apply({ type: 'thinkingDelta', messageId: 'th1', snapshot: 'Let me think.' });
    const row = m.rowById('th1') as RowOf<'thinking'>;
    assert.equal(row.kind, 'thinking');
    assert.equal(row.text, 'Let me think.');
    assert.equal(row.streaming, true);
    assert.equal(m.rows.length, 1, 'one row per block');
    const c = m.apply({ type: 'textDelta', messageId: 'a1', text: 'Answer' });
    assert.equal((m.rowById('th1') as RowOf<'thinking'>).streaming, false);
    assert.ok(c.updated.has('th1'));
    assert.deepEqual(
      m.rows.map((r) => r.kind),
      ['thinking', 'assistant'],
    );
    assert.equal((m.rowById('a1') as RowOf<'assistant'>).streaming, true, 'the reply still streams');
  });

  it('a thinking message from history is a finished block', () => {
    const m = opened();
    m.apply({
      type: 'history',
      sessionId: 'session_a',
      messages: [
        { kind: 'thinking', id: 'p1-thinking', text: 'Considered it.' },
        { kind: 'assistant', id: 'p1', text: 'Done.' },
      ],
      prepend: false,
      done: true,
    });
    const row = m.rowById('p1-thinking') as RowOf<'thinking'>;
    assert.equal(row.streaming, false);
    assert.equal(row.text, 'Considered it.');
  });

  it('context and modelChoice update the header only', () => {
    const m = opened();
    const c1 = m.apply({ type: 'context', context: { tokens: 150_000, window: 200_000, model: 'm' } });
    assert.ok(c1.header && c1.updated.size === 0);
    assert.equal(m.session?.context?.tokens, 150_000);
    const c2 = m.apply({ type: 'modelChoice', modelChoice: { model: 'b', models: ['a', 'b'] } });
    assert.ok(c2.header);
    assert.deepEqual(m.session?.modelChoice, { model: 'b', models: ['a', 'b'] });
  });
});
