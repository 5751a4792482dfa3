import assert from 'node:assert/strict';
import { ModelError, type ModelErrorKind, type RetryInfo } from '../../../src/runtime/llm';
import { providerFor } from '../../support/provider-fixture';
import {
  fault,
  reply,
  type ScriptedServer,
  type ScriptStep,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';

const ASK = { messages: [{ role: 'user' as const, content: 'hello' }] };

async function rejectsWith(p: Promise<unknown>, kind: ModelErrorKind): Promise<ModelError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ModelError, `expected ModelError, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    return err;
  }
  assert.fail(`expected a ${kind} ModelError`);
}

describe('AnthropicProvider faults and retries', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const retriedFaults: Array<[string, ScriptStep, ModelErrorKind]> = [
    ['429 rate limit', fault.rateLimited(), 'rate_limited'],
    ['529 overloaded', fault.overloaded(), 'overloaded'],
    ['500 server error', fault.serverError(), 'server'],
    ['503 unavailable', fault.serverError(503), 'server'],
    ['a dropped connection', fault.drop(), 'network'],
    ['a stream cut mid-message', fault.cut(reply.text('partial text here', { chunkSize: 4 }), 4), 'network'],
    ['a stream that ends early without message_stop', fault.cut(reply.text('abc'), 3, true), 'network'],
    ['malformed SSE', fault.malformed(reply.text('xyz'), 2), 'invalid_response'],
    ['an overloaded_error event mid-stream', fault.streamError('overloaded_error'), 'overloaded'],
  ];

  for (const [name, step, kind] of retriedFaults) {
    it(`retries after ${name} and then succeeds`, async () => {
      server.enqueue(step, reply.text('recovered'));
      const { provider, delays } = providerFor(server);
      const retries: RetryInfo[] = [];
      const turn = await provider.streamTurn(ASK, { callbacks: { onRetry: (r) => retries.push(r) } });
      assert.equal(turn.text, 'recovered');
      assert.equal(turn.attempts, 2);
      assert.equal(server.requests.length, 2);
      assert.equal(retries.length, 1);
      assert.equal(retries[0]!.error.kind, kind);
      assert.equal(retries[0]!.attempt, 1);
      assert.equal(delays.length, 1);
    });
  }

  it('honours retry-after in seconds (no jitter) and retry-after-ms', async () => {
    server.enqueue(
      fault.rateLimited(3),
      { kind: 'error', status: 529, headers: { 'retry-after-ms': '1250' } },
      reply.text('finally'),
    );
    const { provider, delays } = providerFor(server, {}, { random: () => 0.99 });
    const turn = await provider.streamTurn(ASK);
    assert.equal(turn.text, 'finally');
    assert.deepEqual(delays, [3000, 1250]);
  });

  it('backs off exponentially with jitter between half and all of the step', async () => {
    for (let i = 0; i < 4; i++) server.enqueue(fault.serverError());
    server.enqueue(reply.text('ok'));
    const low = providerFor(server, { retry: { baseDelayMs: 100, maxDelayMs: 500 } }, { random: () => 0 });
    await low.provider.streamTurn(ASK);
    assert.deepEqual(low.delays, [50, 100, 200, 250]);
    for (let i = 0; i < 4; i++) server.enqueue(fault.serverError());
    server.enqueue(reply.text('ok'));
    const high = providerFor(
      server,
      { retry: { baseDelayMs: 100, maxDelayMs: 500 } },
      { random: () => 0.999999 },
    );
    await high.provider.streamTurn(ASK);
    assert.deepEqual(high.delays, [100, 200, 400, 500]);
  });

  it('gives up after maxAttempts with a clear typed error', async () => {
    for (let i = 0; i < 10; i++) server.enqueue(fault.overloaded());
    const { provider, delays } = providerFor(server, { retry: { maxAttempts: 3 } });
    const err = await rejectsWith(provider.streamTurn(ASK), 'overloaded');
    assert.equal(err.attempts, 3);
    assert.equal(err.status, 529);
    assert.equal(err.retryable, true);
    assert.match(err.message, /overloaded/);
    assert.equal(server.requests.length, 3);
    assert.equal(delays.length, 2);
  });

  it('does not retry 400, 401 and 403', async () => {
    const cases: Array<[ScriptStep, ModelErrorKind]> = [
      [fault.status(400, 'messages: field required'), 'bad_request'],
      [fault.status(401, 'invalid x-api-key'), 'auth'],
      [fault.status(403, 'forbidden'), 'auth'],
    ];
    for (const [step, kind] of cases) {
      server.enqueue(step, reply.text('never'));
      const before = server.requests.length;
      const { provider, delays } = providerFor(server);
      const err = await rejectsWith(provider.streamTurn(ASK), kind);
      assert.equal(server.requests.length - before, 1);
      assert.equal(delays.length, 0);
      assert.equal(err.attempts, 1);
      server.requests.length = 0;
      // Drain the unused reply so the next case starts clean.
      await provider.streamTurn(ASK);
    }
  });

  it('raises at once when retry-after is longer than the policy will wait', async () => {
    server.enqueue(fault.rateLimited(600), reply.text('too late'));
    const { provider, delays } = providerFor(server, { retry: { maxRetryAfterMs: 60_000 } });
    const err = await rejectsWith(provider.streamTurn(ASK), 'rate_limited');
    assert.equal(err.retryAfterMs, 600_000);
    assert.equal(delays.length, 0);
  });

  it('follows x-should-retry: false', async () => {
    server.enqueue({ kind: 'error', status: 500, headers: { 'x-should-retry': 'false' } }, reply.text('no'));
    const { provider } = providerFor(server);
    await rejectsWith(provider.streamTurn(ASK), 'server');
    assert.equal(server.requests.length, 1);
  });

  it('tells the caller to discard partial output when a stream is cut after content', async () => {
    server.enqueue(
      fault.cut(reply.text('first attempt text', { chunkSize: 5 }), 5),
      reply.text('second attempt', { chunkSize: 5 }),
    );
    const { provider } = providerFor(server);
    const seen: string[] = [];
    let snapshot = '';
    const retries: RetryInfo[] = [];
    const turn = await provider.streamTurn(ASK, {
      callbacks: {
        onTextDelta: (d, s) => {
          seen.push(d);
          snapshot = s;
        },
        onRetry: (r) => retries.push(r),
      },
    });
    assert.ok(seen.includes('first'), 'the partial text was streamed before the cut');
    assert.equal(retries[0]!.discardPartial, true);
    assert.equal(snapshot, 'second attempt', 'the snapshot restarts on the new try');
    assert.equal(turn.text, 'second attempt');
  });

  it('says nothing needs discarding when the stream broke before any content', async () => {
    server.enqueue(fault.cut(reply.text('abc'), 1), reply.text('fine'));
    const { provider } = providerFor(server);
    const retries: RetryInfo[] = [];
    await provider.streamTurn(ASK, { callbacks: { onRetry: (r) => retries.push(r) } });
    assert.equal(retries[0]!.discardPartial, false);
  });

  it('treats a stalled stream as a timeout and retries it', async () => {
    server.enqueue(reply.text('slow slow slow', { chunkSize: 2, delayMs: 400 }), reply.text('fast'));
    const { provider } = providerFor(server, { streamIdleTimeoutMs: 100 });
    const retries: RetryInfo[] = [];
    const turn = await provider.streamTurn(ASK, { callbacks: { onRetry: (r) => retries.push(r) } });
    assert.equal(turn.text, 'fast');
    assert.equal(retries[0]!.error.kind, 'timeout');
  });

  it('reports an unreachable endpoint as a network error after the tries', async () => {
    const port = server.port;
    await server.close();
    const { provider } = providerFor({ url: `http://127.0.0.1:${port}` } as ScriptedServer, {
      retry: { maxAttempts: 2 },
    });
    const err = await rejectsWith(provider.streamTurn(ASK), 'network');
    assert.equal(err.attempts, 2);
    server = await startScriptedServer();
  });

  it('reports a missing API key as auth without a request', async () => {
    const { provider } = providerFor(server, { apiKey: '' });
    await rejectsWith(provider.streamTurn(ASK), 'auth');
    assert.equal(server.requests.length, 0);
  });

  it('retries complete() the same way', async () => {
    server.enqueue(fault.rateLimited(1), fault.drop(), reply.text('done'));
    const { provider, delays } = providerFor(server);
    const turn = await provider.complete(ASK);
    assert.equal(turn.text, 'done');
    assert.equal(turn.attempts, 3);
    assert.equal(delays[0], 1000);
  });

  it('passes an exception thrown by a callback through untouched, without retrying', async () => {
    server.enqueue(reply.text('boom'), reply.text('unused'));
    const { provider } = providerFor(server);
    const mine = new Error('callback bug');
    await assert.rejects(
      provider.streamTurn(ASK, {
        callbacks: {
          onTextDelta: () => {
            throw mine;
          },
        },
      }),
      (err) => err === mine,
    );
    assert.equal(server.requests.length, 1);
  });
});
