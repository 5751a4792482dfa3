// The scripted model the UI tests talk to (scripts/host/model-server.ts), through the real SDK: steps
// go to the requests they match, the rest get the slow echo. No browser needed.
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import { type HostModelServer, startHostModelServer } from '../../scripts/host/model-server';
import { reply } from '../support/scripted-anthropic-script';

describe('scripted model server (host runs)', () => {
  let server: HostModelServer;
  let client: Anthropic;
  const control = async (route: string, body?: unknown) => {
    const res = await fetch(`${server.controlUrl}${route}`, {
      method: body ? 'POST' : 'GET',
      body: body ? JSON.stringify(body) : undefined,
    });
    return res.json();
  };
  const ask = async (text: string, opts: { system?: string; tools?: string[] } = {}) => {
    const stream = client.messages.stream({
      model: 'claude-test',
      max_tokens: 100,
      system: opts.system,
      tools: (opts.tools ?? []).map((name) => ({ name, input_schema: { type: 'object' as const } })),
      messages: [{ role: 'user', content: text }],
    });
    const chunks: string[] = [];
    stream.on('text', (t) => chunks.push(t));
    const message = await stream.finalMessage();
    return { message, chunks };
  };

  before(async () => {
    server = await startHostModelServer();
    client = new Anthropic({ baseURL: server.url, apiKey: 'test-key', maxRetries: 0 });
  });
  after(() => server.close());

  it('answers each request with the first step that matches it, in order', async () => {
    await control('/script', {
      reset: true,
      stream: [
        { match: { system: 'worker' }, step: reply.text('for the worker') },
        { match: { tool: 'run_parallel_workers' }, step: reply.text('for the queen') },
        reply.text('for anyone'),
      ],
    });
    // The worker's step waits at the head of the queue while the queen takes hers, then the plain one.
    const queen = await ask('hi', { tools: ['run_parallel_workers'] });
    const queenAgain = await ask('hi', { tools: ['run_parallel_workers'] });
    const worker = await ask('hi', { system: 'You are the notes worker' });
    assert.deepEqual(
      [queen, queenAgain, worker].map((r) => (r.message.content[0] as { text: string }).text),
      ['for the queen', 'for anyone', 'for the worker'],
    );
    assert.deepEqual(await control('/pending'), { stream: 0, oneShot: 0 });
  });

  it('echoes slowly when nothing is scripted, in many small deltas', async () => {
    await control('/script', { reset: true });
    const { message, chunks } = await ask('stream me please');
    assert.equal((message.content[0] as { text: string }).text, 'Echo: stream me please');
    assert.ok(chunks.length >= 5, `streamed in ${chunks.length} deltas`);
    const seen = (await control('/requests')) as Array<{ lastUser: string; stream: boolean }>;
    assert.deepEqual(
      seen.map((r) => [r.lastUser, r.stream]),
      [['stream me please', true]],
    );
  });
});
