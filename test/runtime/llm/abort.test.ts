import assert from 'node:assert/strict';
import { AnthropicProvider, ModelError } from '../../../src/runtime/llm';
import { providerFor } from '../../support/provider-fixture';
import {
  fault,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';

const ASK = { messages: [{ role: 'user' as const, content: 'hello' }] };

function isAborted(err: unknown): boolean {
  return err instanceof ModelError && err.kind === 'aborted' && !err.retryable;
}

describe('AnthropicProvider abort', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('aborts mid-stream promptly and delivers nothing after the abort', async () => {
    server.enqueue(reply.text('a'.repeat(200), { chunkSize: 1, delayMs: 20 }));
    const { provider } = providerFor(server);
    const ctl = new AbortController();
    let afterAbort = 0;
    const started = Date.now();
    await assert.rejects(
      provider.streamTurn(ASK, {
        signal: ctl.signal,
        callbacks: {
          onTextDelta: (_d, s) => {
            if (ctl.signal.aborted) afterAbort++;
            if (s.length === 3) ctl.abort();
          },
        },
      }),
      isAborted,
    );
    assert.ok(Date.now() - started < 2000, 'abort did not wait for the 4 s stream');
    assert.equal(afterAbort, 0);
    assert.equal(server.requests.length, 1, 'an aborted turn is not retried');
  });

  it('aborts a request still waiting for headers', async () => {
    server.enqueue(fault.hang());
    const { provider } = providerFor(server);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(provider.streamTurn(ASK, { signal: ctl.signal }), isAborted);
  });

  it('aborts during the backoff wait between tries', async () => {
    server.enqueue(fault.rateLimited(30), reply.text('never'));
    // The real, abortable sleep: without the abort this test would wait 30 s.
    const provider = new AnthropicProvider({ model: 'test-model', apiKey: 'k', baseURL: server.url });
    const ctl = new AbortController();
    const started = Date.now();
    const p = provider.streamTurn(ASK, {
      signal: ctl.signal,
      callbacks: { onRetry: () => setTimeout(() => ctl.abort(), 50) },
    });
    await assert.rejects(p, (err) => isAborted(err) && (err as ModelError).attempts === 1);
    assert.ok(Date.now() - started < 2000);
    assert.equal(server.requests.length, 1);
  });

  it('refuses to start when the signal is already aborted', async () => {
    const { provider } = providerFor(server);
    const ctl = new AbortController();
    ctl.abort();
    await assert.rejects(provider.streamTurn(ASK, { signal: ctl.signal }), isAborted);
    assert.equal(server.requests.length, 0);
  });

  it('aborts a non-streamed complete()', async () => {
    server.enqueue(fault.hang());
    const { provider } = providerFor(server);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(provider.complete(ASK, { signal: ctl.signal }), isAborted);
  });
});
