import assert from 'node:assert/strict';
import { type FeedOutput, SessionFeed } from '../../../src/extension/chat/session-feed';
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
    publish('llm_reasoning_delta', { content: 'thinking' }, 'worker_1');
    assert.deepEqual(messages(), []);
    publish('escalation_requested', { request_id: 'r1', reason: 'why', context: '' }, 'worker_1');
    publish('trigger_activated', { trigger_id: 't1', trigger_type: 'timer', trigger_config: {}, name: 't' });
    assert.deepEqual(
      out.map((o) => o.kind),
      ['colonyChanged', 'triggersChanged'],
    );
  });

  it('the queen’s thinking streams as one block per model call, comes back in a redraw mid-turn, and the turn moves the gauge', () => {
    publish('node_loop_iteration', { iteration: 0 });
    publish('llm_reasoning_delta', { content: 'Let me ', snapshot: 'Let me ', iteration: 0, inner_turn: 0 });
    publish('llm_reasoning_delta', {
      content: 'think.',
      snapshot: 'Let me think.',
      iteration: 0,
      inner_turn: 0,
    });
    publish('llm_reasoning_delta', { content: 'Again.', snapshot: 'Again.', iteration: 0, inner_turn: 1 });
    const deltas = messages().filter((m) => m.type === 'thinkingDelta');
    assert.deepEqual(
      deltas.map((m) => (m.type === 'thinkingDelta' ? [m.messageId, m.snapshot] : [])),
      [
        ['live-thinking-0-0-1', 'Let me '],
        ['live-thinking-0-0-1', 'Let me think.'],
        ['live-thinking-0-1-2', 'Again.'],
      ],
    );
    // A panel redrawn now gets the thinking not yet in the transcript, still streaming.
    const overlay = feed.overlay([{ kind: 'thinking', id: 'p3-thinking', text: 'Let me think.' }]);
    assert.deepEqual(
      overlay.filter((m) => m.type === 'message' && m.message.kind === 'thinking'),
      [
        {
          type: 'message',
          message: { kind: 'thinking', id: 'live-thinking-0-1-2', text: 'Again.', streaming: true },
        },
      ],
    );
    publish('llm_turn_complete', {
      stop_reason: 'end_turn',
      model: 'claude-sonnet-4-6',
      input_tokens: 9000,
      output_tokens: 500,
      cached_tokens: 0,
      context_tokens: 5200,
      iteration: 0,
    });
    const gauge = { tokens: 5200, window: 1_000_000, model: 'claude-sonnet-4-6' };
    assert.deepEqual(
      messages().filter((m) => m.type === 'context'),
      [{ type: 'context', context: gauge }],
    );
    assert.deepEqual(feed.context, gauge);
    assert.deepEqual(
      feed.overlay([]).filter((m) => m.type === 'message' && m.message.kind === 'thinking'),
      [],
      'after the turn its thinking is in the transcript',
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
    assert.equal(req?.type === 'approvalRequest' && req.requester, 'w1', 'the card names the worker');
    const lane = posts.filter((m) => m.type === 'laneEntry');
    assert.deepEqual(
      lane.map(
        (m) => m.type === 'laneEntry' && [m.laneId, m.entry.id, m.entry.kind === 'tool' && m.entry.status],
      ),
      [
        ['lane-w1', 'toolu_w', 'running'],
        ['lane-w1', 'toolu_w', 'done'],
      ],
      "the worker's call goes to its lane",
    );
  });

  it('a file approval carries its proposal to the diff review and names the file; its answer closes it', () => {
    publish('tool_call_started', {
      tool_use_id: 'toolu_1',
      tool_name: 'edit_file',
      tool_input: { path: 'src/a.ts' },
    });
    const proposal = { path: 'src/a.ts', abs_path: '/w/src/a.ts', before: 'old\n', after: 'new\n' };
    publish('custom', {
      kind: 'approval_requested',
      request_id: 'ap1',
      tool_name: 'edit_file',
      category: 'write',
      tool_input: { path: 'src/a.ts', old_text: 'old', new_text: 'new' },
      requester: 'queen',
      proposal,
    });
    const req = messages().find((m) => m.type === 'approvalRequest');
    assert.deepEqual(req?.type === 'approvalRequest' && [req.requester, req.detail, req.toolUseId], [
      'queen',
      { kind: 'file', path: 'src/a.ts', isNew: false },
      'toolu_1',
    ]);
    assert.equal(JSON.stringify(req).includes('/w/src/a.ts'), false, 'the absolute path stays in the host');
    const opened = out.find((o) => o.kind === 'proposal');
    assert.deepEqual(opened?.kind === 'proposal' && opened.proposal, {
      path: 'src/a.ts',
      absPath: '/w/src/a.ts',
      before: 'old\n',
      after: 'new\n',
    });
    publish('custom', { kind: 'approval_resolved', request_id: 'ap1', decision: 'deny' });
    assert.ok(out.some((o) => o.kind === 'approvalClosed' && o.approvalId === 'ap1'));
  });

  it('a malformed proposal opens no diff; a command approval shows the command and its folder', () => {
    publish('custom', {
      kind: 'approval_requested',
      request_id: 'ap2',
      tool_name: 'write_file',
      category: 'write',
      tool_input: { path: 'x' },
      proposal: { path: 'x', abs_path: 7, after: 'y' },
    });
    publish('custom', {
      kind: 'approval_requested',
      request_id: 'ap3',
      tool_name: 'run_command',
      category: 'command',
      tool_input: { command: 'npm test' },
      command: 'npm test',
      cwd: '/w/pkg',
      timeout: 120,
      worker_id: 'w9',
    });
    assert.equal(out.filter((o) => o.kind === 'proposal').length, 0);
    const reqs = messages().filter((m) => m.type === 'approvalRequest');
    assert.deepEqual(
      reqs.map((m) => m.type === 'approvalRequest' && [m.requester, m.detail]),
      [
        ['queen', null],
        ['w9', { kind: 'command', command: 'npm test', cwd: '/w/pkg', timeout: 120 }],
      ],
    );
  });

  it('recorded checkpoints become one "changes" row per turn, growing with each file', () => {
    const cp = (path: string) =>
      publish('custom', {
        kind: 'checkpoint_recorded',
        turn_id: 3,
        path,
        tool_use_id: `t-${path}`,
        requester: 'queen',
      });
    cp('a.txt');
    cp('b.txt');
    cp('a.txt');
    const rows = messages().flatMap((m) =>
      m.type === 'message' && m.message.kind === 'changes' ? [m.message] : [],
    );
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.at(-1), {
      kind: 'changes',
      id: 'changes-3',
      turnId: '3',
      requester: 'queen',
      files: ['a.txt', 'b.txt'],
    });
    assert.deepEqual(feed.changes.files(), ['a.txt', 'b.txt']);
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
