import assert from 'node:assert/strict';
import { CANCELLED_RESULT } from '../../../src/runtime/agent';
import { agentFor, realSleep, recordingTool } from '../../support/agent-fixture';
import {
  fault,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';

describe('AgentLoop: failures, retries and Stop', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('a turn that fails after retries leaves no assistant part and emits an error; the next message continues', async () => {
    server.enqueue(
      fault.cut(reply.text('half an answer that will be lost', { chunkSize: 4 }), 5),
      fault.overloaded(),
      fault.overloaded(),
    );
    const f = agentFor(server, {}, { retry: { maxAttempts: 3 } });
    const failed = await f.loop.send('first question');
    assert.equal(failed.status, 'failed');
    assert.equal(failed.error?.kind, 'overloaded');
    assert.deepEqual(await f.store.readAll(), [
      { seq: 0, role: 'user', content: 'first question', is_client_input: true },
    ]);
    assert.deepEqual(
      f.of('node_retry').map((r) => [r.retry_count, r.max_retries, r.error_kind, r.discard_partial]),
      [
        [1, 2, 'network', true],
        [2, 2, 'overloaded', false],
      ],
    );
    assert.deepEqual(f.of('execution_failed'), [
      {
        error: failed.error!.message,
        error_kind: 'overloaded',
        retryable: true,
        attempts: 3,
        iteration: 0,
      },
    ]);
    assert.equal(f.of('llm_turn_complete')[0]!.stop_reason, 'error');

    server.enqueue(reply.text('Answering both.'));
    const ok = await f.loop.send('second question');
    assert.equal(ok.status, 'completed');
    const messages = server.requests.at(-1)!.body.messages;
    assert.equal(messages.length, 1, 'both user messages merge into one turn, no partial assistant');
    assert.deepEqual(
      messages[0].content.map((b: { text: string }) => b.text),
      ['first question', 'second question'],
    );
    assert.ok(!JSON.stringify(messages).includes('half an answer'));
    assert.deepEqual(
      (await f.store.readAll()).map((p) => p.role),
      ['user', 'user', 'assistant'],
    );
  });

  it('a stream cut after content is retried and only the retried text is stored', async () => {
    server.enqueue(
      fault.cut(reply.text('draft one two three', { chunkSize: 3 }), 6),
      reply.text('final text'),
    );
    const f = agentFor(server);
    const result = await f.loop.send('q');
    assert.equal(result.text, 'final text');
    assert.equal(f.of('node_retry')[0]!.discard_partial, true);
    const snapshots = f.of('llm_text_delta').map((d) => d.snapshot as string);
    assert.ok(snapshots.includes('dra'));
    assert.equal(snapshots.at(-1), 'final text');
    assert.deepEqual(
      (await f.store.readAll()).map((p) => p.content),
      ['q', 'final text'],
    );
  });

  it('a failure in a later model call keeps the finished tool round', async () => {
    const t = recordingTool('look', 'read', () => 'seen');
    server.enqueue(reply.toolUse('look', {}, { id: 'tl' }), fault.status(400, 'prompt is too long'));
    const f = agentFor(server, { tools: [t] });
    const result = await f.loop.send('look around');
    assert.equal(result.status, 'failed');
    assert.equal(result.error?.kind, 'bad_request');
    assert.deepEqual(
      (await f.store.readAll()).map((p) => p.role),
      ['user', 'assistant', 'tool'],
    );
    server.enqueue(reply.text('recovered'));
    await f.loop.send('try again');
    const last = server.requests.at(-1)!.body.messages.at(-1);
    assert.deepEqual(
      last.content.map((b: { type: string }) => b.type),
      ['tool_result', 'text'],
    );
  });

  it('Stop mid-stream ends the turn cleanly and keeps the streamed text as truncated', async () => {
    server.enqueue(reply.text('word '.repeat(100), { chunkSize: 5, delayMs: 15 }));
    const f = agentFor(server);
    const run = f.loop.send('talk a lot');
    while (f.of('llm_text_delta').length < 3) await new Promise((r) => setTimeout(r, 5));
    f.loop.stop();
    const result = await run;
    assert.equal(result.status, 'aborted');
    assert.equal(f.loop.running, false);
    const parts = await f.store.readAll();
    assert.equal(parts.length, 2);
    assert.equal(parts[1]!.role, 'assistant');
    assert.equal(parts[1]!.truncated, true);
    assert.ok(parts[1]!.content!.startsWith('word word word'));
    assert.ok(parts[1]!.content!.length < 500);
    assert.equal(f.of('llm_turn_complete')[0]!.stop_reason, 'aborted');
    assert.equal(f.of('execution_failed').length, 0);
    assert.equal(server.requests.length, 1, 'an aborted turn is not retried');

    server.enqueue(reply.text('fresh'));
    const next = await f.loop.send('continue');
    assert.equal(next.status, 'completed');
    const msgs = server.requests[1]!.body.messages;
    assert.deepEqual(
      msgs.map((m: { role: string }) => m.role),
      ['user', 'assistant', 'user'],
    );
  });

  it('Stop during a tool call answers the pending calls and does not call the model again', async () => {
    const waiting = recordingTool(
      'wait',
      'read',
      (_input, signal) =>
        new Promise((resolve) =>
          signal.addEventListener('abort', () => resolve({ content: 'interrupted by stop', isError: true })),
        ),
    );
    const never = recordingTool('never', 'read');
    server.enqueue(
      reply.blocks([
        { type: 'tool_use', id: 'w1', name: 'wait', input: {} },
        { type: 'tool_use', id: 'n1', name: 'never', input: {} },
      ]),
    );
    const f = agentFor(server, { tools: [waiting, never] });
    const run = f.loop.send('go');
    while (waiting.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    f.loop.stop();
    const result = await run;
    assert.equal(result.status, 'aborted');
    assert.equal(never.calls.length, 0);
    const tools = (await f.store.readAll()).filter((p) => p.role === 'tool');
    assert.deepEqual(
      tools.map((p) => [p.tool_use_id, p.content, p.is_error]),
      [
        ['w1', 'interrupted by stop', true],
        ['n1', CANCELLED_RESULT, true],
      ],
    );
    assert.equal(server.requests.length, 1);
  });

  it('Stop while waiting out a rate limit ends at once', async () => {
    server.enqueue(fault.rateLimited(30));
    // A real, abortable wait: without Stop this test would sit out the 30 s retry-after.
    const f = agentFor(server, {}, {}, realSleep);
    const started = Date.now();
    const run = f.loop.send('q');
    while (f.of('node_retry').length === 0) await new Promise((r) => setTimeout(r, 5));
    f.loop.stop();
    const result = await run;
    assert.equal(result.status, 'aborted');
    assert.ok(Date.now() - started < 5000);
    assert.equal(f.of('node_retry')[0]!.delay_ms, 30_000);
    assert.deepEqual(
      (await f.store.readAll()).map((p) => p.role),
      ['user'],
    );
  });
});
