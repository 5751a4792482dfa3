import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { COLD_PHASE, openColdSession } from '../../../src/extension/chat/cold-session';
import { HistoryPager, historyMessages } from '../../../src/extension/chat/history-messages';
import type { ConversationPart } from '../../../src/runtime/storage/parts';
import { partFileName } from '../../../src/runtime/storage/parts';
import { conversationsDir } from '../../../src/runtime/storage/paths';
import type { ChatMessage } from '../../../src/shared/protocol';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, useSessionTestEnv } from '../session/helpers';
import { BridgeHarness } from './helpers';

const call = (id: string, name: string, args: unknown) => ({
  id,
  type: 'function' as const,
  function: { name, arguments: JSON.stringify(args) },
});

describe('historyMessages (transcript → panel rows)', () => {
  it('maps user, assistant, tool cards with results, denials, ask_user and compaction markers', () => {
    const parts: ConversationPart[] = [
      { seq: 0, role: 'user', content: 'hello', is_client_input: true },
      {
        seq: 1,
        role: 'assistant',
        content: 'Let me look.',
        tool_calls: [call('t1', 'read_file', { path: 'a.ts' }), call('t2', 'write_note', { text: 'x' })],
      },
      { seq: 2, role: 'tool', content: 'file text', tool_use_id: 't1' },
      {
        seq: 3,
        role: 'tool',
        content: 'Not run: the user denied this tool call.',
        tool_use_id: 't2',
        is_error: true,
      },
      { seq: 4, role: 'user', content: 'nudge', is_system_nudge: true },
      {
        seq: 5,
        role: 'assistant',
        content: '',
        tool_calls: [call('t3', 'ask_user', { question: 'Which?', options: ['A', 'B'] })],
      },
      { seq: 6, role: 'tool', content: 'The user answered: B', tool_use_id: 't3' },
      { seq: 7, role: 'user', content: 'summary…', is_transition_marker: true },
      { seq: 8, role: 'user', content: 'daily report', is_trigger: true },
      { seq: 9, role: 'assistant', content: '', tool_calls: [call('t4', 'run_command', { cmd: 'ls' })] },
      { seq: 10, role: 'tool', content: 'orphan result', tool_use_id: 'nope' },
    ];
    const running = new Set(['t4']);
    const out = historyMessages(parts, { isRunning: (id) => running.has(id) });
    assert.deepEqual(out, [
      { kind: 'user', id: 'p0', text: 'hello', origin: 'user' },
      { kind: 'assistant', id: 'p1', text: 'Let me look.' },
      {
        kind: 'tool',
        id: 't1',
        name: 'read_file',
        input: { path: 'a.ts' },
        result: 'file text',
        isError: false,
        status: 'done',
      },
      {
        kind: 'tool',
        id: 't2',
        name: 'write_note',
        input: { text: 'x' },
        result: 'Not run: the user denied this tool call.',
        isError: true,
        status: 'denied',
      },
      { kind: 'question', id: 't3', prompt: 'Which?', options: ['A', 'B'], answer: 'B' },
      {
        kind: 'notice',
        id: 'p7',
        text: 'Earlier messages were summarised to keep the conversation within the model’s context.',
        level: 'info',
      },
      { kind: 'user', id: 'p8', text: 'daily report', origin: 'trigger' },
      {
        kind: 'tool',
        id: 't4',
        name: 'run_command',
        input: { cmd: 'ls' },
        result: null,
        isError: false,
        status: 'running',
      },
    ]);
  });

  it('a call with no result that is not running shows as an error; a pending ask_user takes the request id', () => {
    const parts: ConversationPart[] = [
      {
        seq: 0,
        role: 'assistant',
        content: '',
        tool_calls: [call('t1', 'write_note', {}), call('t2', 'ask_user', { question: 'Q?' })],
      },
    ];
    const out = historyMessages(parts, { questionFor: (id) => (id === 't2' ? 'req9' : undefined) });
    assert.equal(out[0]?.kind === 'tool' && out[0].status, 'error');
    assert.deepEqual(out[1], { kind: 'question', id: 'req9', prompt: 'Q?', options: [], answer: null });
  });

  it('pages newest first, never more than a page per post, and says when nothing older is left', () => {
    const messages: ChatMessage[] = Array.from({ length: 250 }, (_, i) => ({
      kind: 'user',
      id: `m${i}`,
      text: `#${i}`,
    }));
    const pager = new HistoryPager('s1', messages, 100);
    const p1 = pager.next();
    assert.deepEqual(
      [p1?.messages[0]?.id, p1?.messages.at(-1)?.id, p1?.messages.length, p1?.done],
      ['m150', 'm249', 100, false],
    );
    const p2 = pager.next();
    assert.deepEqual([p2?.messages[0]?.id, p2?.messages.length, p2?.done], ['m50', 100, false]);
    const p3 = pager.next();
    assert.deepEqual([p3?.messages[0]?.id, p3?.messages.length, p3?.done], ['m0', 50, true]);
    assert.equal(pager.next(), undefined);
    const empty = new HistoryPager('s2', []);
    assert.deepEqual(empty.next(), { messages: [], done: true });
    assert.equal(empty.next(), undefined);
  });
});

describe('ChatBridge history of long and cold sessions', () => {
  let server: ScriptedServer;
  let home: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  }, 'hive-chat-long-');

  it('a resumed 5,000-message session opens with its newest page; older pages come on loadOlder, in order', async () => {
    const mgr = managerFor(home, server);
    const first = await mgr.createSession({ queenId: 'queen_technology' });
    const id = first.id;
    const dir = first.dir;
    await mgr.stopSession(id);
    const partsDir = path.join(conversationsDir(dir), 'parts');
    mkdirSync(partsDir, { recursive: true });
    const N = 5000;
    for (let seq = 0; seq < N; seq++) {
      const part =
        seq % 2 === 0
          ? { seq, role: 'user', content: `question ${seq}`, is_client_input: true }
          : { seq, role: 'assistant', content: `answer ${seq}` };
      writeFileSync(path.join(partsDir, partFileName(seq)), JSON.stringify(part));
    }

    const s = await mgr.resumeSession(id);
    const h = new BridgeHarness(mgr);
    h.bridge.attach(s);
    const page = await h.next('history');
    assert.equal(page.messages.length, 100);
    assert.equal(page.prepend, false);
    assert.equal(page.done, false);
    assert.equal(page.messages.at(-1)?.id, `p${N - 1}`, 'the newest message comes first');

    const seen = [...page.messages];
    for (let i = 0; i < 100 && !h.of('history').at(-1)?.done; i++) {
      const before = h.posts.length;
      await h.bridge.handle({ type: 'loadOlder', sessionId: id });
      const older = await h.next('history', () => true, before);
      assert.equal(older.prepend, true);
      assert.ok(older.messages.length <= 100);
      seen.unshift(...older.messages);
    }
    assert.equal(h.of('history').length, N / 100);
    assert.deepEqual(
      seen.map((m) => m.id),
      Array.from({ length: N }, (_, i) => `p${i}`),
      'every message once, in order',
    );
    // A stale request (another session id) or one past the start posts nothing.
    const before = h.posts.length;
    await h.bridge.handle({ type: 'loadOlder', sessionId: id });
    await h.bridge.handle({ type: 'loadOlder', sessionId: 'session_other' });
    assert.equal(h.posts.length, before);

    // Sending to the resumed session continues after its history.
    server.enqueue(reply.text('still here'));
    await h.bridge.handle({ type: 'sendMessage', text: 'are you there?' });
    await h.next('turnComplete', () => true, before);
    assert.deepEqual(h.invalid, []);
    h.bridge.dispose();
    await mgr.stopAll();
  });

  /** user, assistant with a tool call, its tool result, assistant answer: four parts, three messages. */
  function writeToolSession(dir: string, turns: number, extra: ConversationPart[] = []): ConversationPart[] {
    const partsDir = path.join(conversationsDir(dir), 'parts');
    mkdirSync(partsDir, { recursive: true });
    const parts: ConversationPart[] = [];
    for (let t = 0; t < turns; t++) {
      const seq = t * 4;
      parts.push(
        { seq, role: 'user', content: `question ${t}`, is_client_input: true },
        { seq: seq + 1, role: 'assistant', content: '', tool_calls: [call(`c${t}`, 'read_file', { t })] },
        { seq: seq + 2, role: 'tool', content: `file ${t}`, tool_use_id: `c${t}` },
        { seq: seq + 3, role: 'assistant', content: `answer ${t}` },
      );
    }
    parts.push(...extra);
    for (const p of parts) writeFileSync(path.join(partsDir, partFileName(p.seq)), JSON.stringify(p));
    return parts;
  }

  it('shows the newest page from the tail, pages back to the first message, and resumes on send', async () => {
    const mgr = managerFor(home, server);
    const created = await mgr.createSession({ queenId: 'queen_technology' });
    const { id, dir } = created;
    await mgr.stopSession(id);
    // 202 parts: 50 tool turns, then a plain question and answer.
    const parts = writeToolSession(dir, 50, [
      { seq: 200, role: 'user', content: 'last question', is_client_input: true },
      { seq: 201, role: 'assistant', content: 'last answer' },
    ]);

    const cold = await openColdSession(home, id);
    assert.ok(cold);
    assert.equal(cold.queen.name, 'Alexandra');
    // pageSize 10 → the first page is cut from the newest 20 parts: that cut falls between a call
    // (part 181) and its result (part 182), so that card is not whole until the full read.
    const h = new BridgeHarness(mgr, { pageSize: 10 });
    h.bridge.attach(cold);
    const snap = await h.next('snapshot', () => true, 0);
    assert.equal(snap.session?.phase, COLD_PHASE);
    assert.equal(snap.session?.busy, false);
    const page = await h.next('history', () => true, 0);
    assert.deepEqual(
      [page.messages.length, page.done, page.messages.at(-1)?.id],
      [10, false, `p${parts.length - 1}`],
    );
    assert.equal(mgr.isLive(id), false, 'showing it does not resume it');

    const seen = [...page.messages];
    for (let i = 0; i < 50 && !h.of('history').at(-1)?.done; i++) {
      const before = h.posts.length;
      await h.bridge.handle({ type: 'loadOlder', sessionId: id });
      seen.unshift(...(await h.next('history', () => true, before)).messages);
    }
    assert.deepEqual(seen, historyMessages(parts), 'every message once, in order, tool cards whole');

    // Sending resumes it in place and the panel follows the live session.
    server.enqueue(reply.text('back again'));
    const before = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'continue please' });
    await h.next('turnComplete', () => true, before);
    assert.equal(mgr.isLive(id), true);
    assert.notEqual(h.bridge.sessionId, undefined);
    assert.deepEqual(h.invalid, []);
    h.bridge.dispose();
    await mgr.stopAll();
  });

  it('an unknown session id is not found; a short session is shown whole', async () => {
    assert.equal(await openColdSession(home, 'session_20260101_000000_deadbeef'), undefined);
    const mgr = managerFor(home, server);
    const created = await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopSession(created.id);
    writeToolSession(created.dir, 2);
    const cold = await openColdSession(home, created.id);
    const h = new BridgeHarness(mgr);
    h.bridge.attach(cold);
    const page = await h.next('history');
    assert.deepEqual([page.messages.length, page.done], [6, true]);
    // Not running, so its tail is read once: the page's `ready` after the open reuses it.
    rmSync(path.join(conversationsDir(created.dir), 'parts'), { recursive: true });
    await h.bridge.handle({ type: 'ready' });
    assert.equal(h.of('history').at(-1)?.messages.length, 6);
    h.bridge.dispose();
    await mgr.stopAll();
  });
});
