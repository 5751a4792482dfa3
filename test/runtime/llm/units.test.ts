import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import {
  addUsage,
  complete,
  completeJson,
  costOf,
  extractJson,
  ModelError,
  parseRetryAfter,
  priceFor,
  withPrefixBreakpoint,
} from '../../../src/runtime/llm';
import { contextWindowFor } from '../../../src/runtime/llm/context-window';
import { providerFor } from '../../support/provider-fixture';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';

const headers = (h: Record<string, string>) => new Headers(h);

describe('llm helpers', () => {
  describe('parseRetryAfter', () => {
    it('reads seconds, fractional seconds, retry-after-ms and HTTP dates', () => {
      assert.equal(parseRetryAfter(headers({ 'retry-after': '5' })), 5000);
      assert.equal(parseRetryAfter(headers({ 'retry-after': '0.25' })), 250);
      assert.equal(parseRetryAfter(headers({ 'retry-after-ms': '1500', 'retry-after': '9' })), 1500);
      const now = Date.parse('2026-01-01T00:00:00Z');
      assert.equal(
        parseRetryAfter(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }), () => now),
        7000,
      );
    });
    it('ignores absent, negative and garbage values', () => {
      assert.equal(parseRetryAfter(headers({})), undefined);
      assert.equal(parseRetryAfter(headers({ 'retry-after': '-3' })), undefined);
      assert.equal(parseRetryAfter(headers({ 'retry-after': 'soon' })), undefined);
    });
  });

  describe('pricing', () => {
    it('matches dated model ids to their family but never a different version', () => {
      assert.deepEqual(priceFor('claude-sonnet-4-5-20250929'), priceFor('claude-sonnet-4-5'));
      assert.equal(priceFor('claude-opus-4-8'), undefined);
      assert.equal(priceFor('claude-sonnet-5-5'), undefined);
      assert.deepEqual(priceFor('mine', { mine: { input: 1, output: 2 } }), { input: 1, output: 2 });
    });
    it('prices cache writes at 1.25x and reads at 0.1x input', () => {
      const usage = {
        input_tokens: 0,
        output_tokens: 0,
        cache_creation_input_tokens: 1_000_000,
        cache_read_input_tokens: 1_000_000,
      };
      assert.equal(costOf(usage, { input: 4, output: 0 }), 5 + 0.4);
    });
    it('adds usages and keeps the cost only when both are priced', () => {
      const a = {
        input_tokens: 1,
        output_tokens: 2,
        cache_read_input_tokens: 3,
        cache_creation_input_tokens: 4,
      };
      assert.deepEqual(addUsage({ ...a, cost_usd: 0.1 }, { ...a, cost_usd: 0.2 }), {
        input_tokens: 2,
        output_tokens: 4,
        cache_read_input_tokens: 6,
        cache_creation_input_tokens: 8,
        cost_usd: 0.3,
      });
      assert.equal(addUsage({ ...a, cost_usd: 0.1 }, a).cost_usd, undefined);
    });
  });

  describe('withPrefixBreakpoint', () => {
    it('skips empty text and thinking blocks when choosing the breakpoint', () => {
      const out = withPrefixBreakpoint([
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'visible' },
            { type: 'thinking', thinking: 'hmm' },
            { type: 'text', text: '' },
          ],
        },
      ]);
      const blocks = out[1]!.content as Array<{ cache_control?: unknown }>;
      assert.ok(blocks[0]!.cache_control);
      assert.equal(blocks[1]!.cache_control, undefined);
      assert.equal(blocks[2]!.cache_control, undefined);
    });
  });

  describe('extractJson', () => {
    it('finds JSON inside fences and prose, with braces inside strings', () => {
      assert.deepEqual(extractJson('```json\n{"a": "}{", "b": [1]}\n```'), { a: '}{', b: [1] });
      assert.deepEqual(extractJson('Sure! {"reason": "x \\" y", "queen_id": "q"} Hope that helps.'), {
        reason: 'x " y',
        queen_id: 'q',
      });
      assert.throws(
        () => extractJson('no json here {oops'),
        (e) => e instanceof ModelError,
      );
    });
  });

  describe('complete / completeJson against the scripted server', () => {
    let server: ScriptedServer;
    beforeEach(async () => {
      server = await startScriptedServer();
    });
    afterEach(async () => {
      await server.close();
    });

    it('complete() returns the text of a single prompt', async () => {
      server.enqueue(reply.text('A summary.'));
      const { provider } = providerFor(server);
      const { text } = await complete(provider, {
        system: 'Summarise.',
        prompt: 'long text',
        maxTokens: 100,
      });
      assert.equal(text, 'A summary.');
      const body = server.requests[0]!.body;
      assert.equal(body.max_tokens, 100);
      assert.deepEqual(body.messages, [{ role: 'user', content: 'long text' }]);
    });

    it('completeJson() parses and validates, and reports bad JSON as invalid_response', async () => {
      server.enqueue(reply.text('```json\n{"queen_id": "queen_growth", "reason": "growth"}\n```'));
      server.enqueue(reply.text('I think queen_growth.'));
      server.enqueue(reply.text('{"queen_id": 42}'));
      const { provider } = providerFor(server);
      const validate = (v: unknown) => {
        const id = (v as { queen_id?: unknown }).queen_id;
        if (typeof id !== 'string') throw new Error('queen_id must be a string');
        return id;
      };
      const { value } = await completeJson(provider, { system: 'Pick a queen.', prompt: 'hi', validate });
      assert.equal(value, 'queen_growth');
      assert.match(server.requests[0]!.body.system[0].text, /single JSON value/);
      await assert.rejects(
        completeJson(provider, { prompt: 'hi', validate }),
        (e) => e instanceof ModelError && e.kind === 'invalid_response',
      );
      await assert.rejects(
        completeJson(provider, { prompt: 'hi', validate }),
        (e) => e instanceof ModelError && e.kind === 'invalid_response' && /queen_id must be/.test(e.message),
      );
    });
  });

  it('does not load the SDK when the llm module is imported', function () {
    this.timeout(20000);
    const index = path.join(__dirname, '../../../src/runtime/llm/index.ts');
    const script = `const m = require(${JSON.stringify(index)});
      const loaded = Object.keys(require.cache).some((k) => k.includes('@anthropic-ai'));
      process.stdout.write(JSON.stringify({ loaded, requested: m.sdkRequested() }));`;
    const out = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { encoding: 'utf8' });
    assert.equal(out.status, 0, out.stderr);
    assert.deepEqual(JSON.parse(out.stdout), { loaded: false, requested: false });
  });
});

describe('model facts: context windows and prices of the picker’s models', () => {
  it('Opus 4.6 and Sonnet 4.6 have 1M windows, Haiku 4.5 and older models 200k, a configured window wins', () => {
    assert.equal(contextWindowFor('claude-opus-4-6'), 1_000_000);
    assert.equal(contextWindowFor('claude-sonnet-4-6-20260217'), 1_000_000);
    assert.equal(contextWindowFor('claude-sonnet-4-60'), 200_000, 'another model, not a dated id');
    assert.equal(contextWindowFor('claude-haiku-4-5'), 200_000);
    assert.equal(contextWindowFor('claude-sonnet-4-20250514'), 200_000);
    assert.equal(contextWindowFor('claude-opus-4-6', 300_000), 300_000);
  });

  it('every model the picker offers by default has a price', () => {
    for (const m of ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'])
      assert.ok(priceFor(m), `${m} is priced`);
    assert.deepEqual(priceFor('claude-opus-4-6'), { input: 5, output: 25 });
  });
});
