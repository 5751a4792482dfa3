import assert from 'node:assert/strict';
import { type FeedOutput, SessionFeed } from '../../../src/extension/chat/sessionFeed';
import type { LiveSession, SessionManager } from '../../../src/runtime/session';
import type { HostToWebview } from '../../../src/shared/protocol';
import { type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, removeDir, tempDir } from '../session/helpers';

describe('SessionFeed (Hive events → panel messages)', () => {
  let server: ScriptedServer;
  let home: string;
  let mgr: SessionManager;
  let s: LiveSession;
  let feed: SessionFeed;
  let out: FeedOutput[];
  const messages = () => out.flatMap((o) => (o.kind === 'message' ? [o.message] : []));
  const publish = (type: string, data: Record<string, unknown>, stream = 'queen') =>
    // biome-ignore lint/suspicious/noExplicitAny: hand-built events of several types
    s.bus.publish({ type: type as any, stream_id: stream, data: data as any });

  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-chat-feed-');
    mgr = managerFor(home, server);
    s = await mgr.createSession({ queenId: 'queen_technology' });
    feed = new SessionFeed(s);
    out = [];
    feed.onOutput((o) => out.push(o));
  });
  afterEach(async () => {
    feed.dispose();
    await mgr.stopAll();
    await server.close();
    removeDir(home);
  });

  it("ignores workers' own text and reasoning; colony and trigger events ask for a re-read", () => {
    publish(
      'client_output_delta',
      { content: 'worker text', snapshot: 'worker text', inner_turn: 0 },
      'worker_1',
    );
    publish('llm_reasoning_delta', { content: 'thinking' });
    assert.deepEqual(messages(), []);
    publish('escalation_requested', { request_id: 'r1', reason: 'why', context: '' }, 'worker_1');
    publish('trigger_activated', { trigger_id: 't1', trigger_type: 'timer', trigger_config: {}, name: 't' });
    assert.deepEqual(
      out.map((o) => o.kind),
      ['colonyChanged', 'triggersChanged'],
    );
  });

  it('a session notice is shown live and again in every snapshot (told before the panel attached)', () => {
    s.notify('meta.json could not be read; kept aside');
    const notice = {
      kind: 'notice',
      id: 'session-notice-0',
      text: 'meta.json could not be read; kept aside',
      level: 'warning',
    };
    assert.deepEqual(messages(), [{ type: 'message', message: notice }]);
    const later = new SessionFeed(s);
    assert.deepEqual(later.overlay([]), [{ type: 'message', message: notice }]);
    later.dispose();
  });

  it("a worker's tool calls stay out of the queen's conversation; its approval is a card of its own", () => {
    // The queen is waiting in a call of her own while the worker works.
    publish('tool_call_started', {
      tool_use_id: 'toolu_q',
      tool_name: 'run_parallel_workers',
      tool_input: {},
    });
    publish(
      'tool_call_started',
      { tool_use_id: 'toolu_w', tool_name: 'write_file', tool_input: {} },
      'worker:w1',
    );
    publish('custom', {
      kind: 'approval_requested',
      request_id: 'ap1',
      tool_name: 'write_file',
      category: 'write',
      tool_input: { path: 'a.txt' },
      worker_id: 'w1',
    });
    publish('custom', { kind: 'approval_resolved', request_id: 'ap1', decision: 'approve' });
    publish(
      'tool_call_completed',
      { tool_use_id: 'toolu_w', tool_name: 'write_file', result: 'ok' },
      'worker:w1',
    );
    const posts = messages();
    assert.deepEqual(
      posts.filter((m) => m.type === 'toolStarted').map((m) => m.type === 'toolStarted' && m.toolUseId),
      ['toolu_q'],
      "only the queen's call has a card",
    );
    assert.equal(posts.filter((m) => m.type === 'toolCompleted').length, 0);
    const req = posts.find((m) => m.type === 'approvalRequest');
    assert.equal(req?.type === 'approvalRequest' && req.toolUseId, null, "not tied to the queen's call");
    assert.equal(req?.type === 'approvalRequest' && req.tool, 'write_file');
  });

  it('separate inner turns are separate messages; turnComplete goes to the last one', () => {
    publish('node_loop_iteration', { iteration: 4 });
    publish('client_output_delta', { content: 'One', snapshot: 'One', inner_turn: 0, iteration: 4 });
    publish('client_output_delta', { content: 'Two', snapshot: 'Two', inner_turn: 1, iteration: 4 });
    publish('client_output_delta', { content: '!', snapshot: 'Two!', inner_turn: 1, iteration: 4 });
    publish('llm_turn_complete', {
      stop_reason: 'end_turn',
      model: 'm',
      input_tokens: 10,
      output_tokens: 2,
      cached_tokens: 1,
      iteration: 4,
    });
    const deltas = messages().filter(
      (m): m is Extract<HostToWebview, { type: 'textDelta' }> => m.type === 'textDelta',
    );
    assert.equal(new Set(deltas.map((d) => d.messageId)).size, 2);
    assert.ok(
      deltas.every((d) => d.snapshot === undefined),
      'plain deltas carry no snapshot',
    );
    const done = messages().find((m) => m.type === 'turnComplete');
    assert.equal(done?.type === 'turnComplete' && done.messageId, deltas[2]?.messageId);
    assert.equal(done?.type === 'turnComplete' && done.inputTokens, 10);
  });

  it('a failed turn replaces its streamed text with a notice and adds a retryable error', () => {
    publish('node_loop_iteration', { iteration: 0 });
    publish('client_output_delta', {
      content: 'Half an ans',
      snapshot: 'Half an ans',
      inner_turn: 0,
      iteration: 0,
    });
    publish('llm_turn_complete', {
      stop_reason: 'error',
      model: 'm',
      input_tokens: 0,
      output_tokens: 0,
      cached_tokens: 0,
    });
    publish('execution_failed', { error: 'overloaded', retryable: true });
    const liveId = messages().find((m) => m.type === 'textDelta');
    const replaced = messages().find((m) => m.type === 'message' && m.message.kind === 'notice');
    assert.equal(
      replaced?.type === 'message' && replaced.message.id,
      liveId?.type === 'textDelta' && liveId.messageId,
    );
    const err = messages().find((m) => m.type === 'message' && m.message.kind === 'error');
    assert.deepEqual(
      err?.type === 'message' && err.message.kind === 'error' && [err.message.message, err.message.retryable],
      ['overloaded', true],
    );
    // A reconnect still shows the error (no turn succeeded since); after a Retry it is gone.
    assert.ok(feed.overlay([]).some((m) => m.type === 'message' && m.message.kind === 'error'));
    feed.retried();
    assert.deepEqual(feed.overlay([]), []);
  });

  it('several questions in one request become one numbered prompt', () => {
    publish('client_input_requested', {
      request_id: 'req1',
      questions: [
        { id: 'a', prompt: 'First?' },
        { id: 'b', prompt: 'Second?', options: ['x'] },
      ],
    });
    const q = messages().find((m) => m.type === 'askUser');
    assert.deepEqual(q, { type: 'askUser', id: 'req1', prompt: '1. First?\n2. Second?', options: [] });
    publish('client_input_requested', {}); // an auto-block turn without questions: nothing to show
    assert.equal(messages().filter((m) => m.type === 'askUser').length, 1);
  });
});
