import assert from 'node:assert/strict';
import type { ModelMessage } from '../../../src/runtime/llm';
import { providerFor } from '../../support/provider-fixture';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';

const TOOLS = [
  {
    name: 'read_file',
    description: 'Read a file',
    input_schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
  },
];

describe('AnthropicProvider (streaming against the scripted server)', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams text deltas with growing snapshots and returns the assembled turn', async () => {
    server.enqueue(reply.text('Hello, hive world!', { chunkSize: 4 }));
    const { provider } = providerFor(server);
    const deltas: Array<[string, string]> = [];
    const turn = await provider.streamTurn(
      { messages: [{ role: 'user', content: 'hi' }] },
      { callbacks: { onTextDelta: (d, s) => deltas.push([d, s]) } },
    );
    assert.equal(turn.text, 'Hello, hive world!');
    assert.deepEqual(
      deltas.map((d) => d[0]),
      ['Hell', 'o, h', 'ive ', 'worl', 'd!'],
    );
    assert.equal(deltas.at(-1)![1], 'Hello, hive world!');
    assert.equal(turn.stopReason, 'end_turn');
    assert.equal(turn.attempts, 1);
    assert.equal(turn.requestId, 'req_scripted1');
    assert.deepEqual(turn.content, [{ type: 'text', text: 'Hello, hive world!' }]);
  });

  it('assembles tool input from input_json_delta pieces, one character at a time', async () => {
    const input = { path: 'src/a "quoted" ünïcode.ts', lines: [1, 2, 3], nested: { ok: true } };
    server.enqueue(reply.toolUse('read_file', input, { text: 'Reading.', chunkSize: 1, id: 'toolu_1' }));
    const { provider } = providerFor(server);
    const starts: string[] = [];
    let lastSnapshot = '';
    let pieces = 0;
    const turn = await provider.streamTurn(
      { messages: [{ role: 'user', content: 'read it' }], tools: TOOLS },
      {
        callbacks: {
          onToolUseStart: (t) => starts.push(`${t.index}:${t.id}:${t.name}`),
          onToolInputDelta: (t) => {
            pieces++;
            lastSnapshot = t.snapshot;
          },
        },
      },
    );
    assert.deepEqual(starts, ['1:toolu_1:read_file']);
    assert.equal(pieces, JSON.stringify(input).length);
    assert.deepEqual(JSON.parse(lastSnapshot), input);
    assert.equal(turn.stopReason, 'tool_use');
    assert.equal(turn.toolUses.length, 1);
    assert.deepEqual(turn.toolUses[0]!.input, input);
    assert.equal(turn.toolUses[0]!.inputError, undefined);
    assert.deepEqual(
      turn.content.map((b) => b.type),
      ['text', 'tool_use'],
    );
  });

  it('handles several tool calls in one turn and an empty tool input', async () => {
    server.enqueue(
      reply.blocks([
        { type: 'tool_use', id: 'a', name: 'read_file', input: { path: 'x' } },
        { type: 'tool_use', id: 'b', name: 'list', input: {} },
      ]),
    );
    const { provider } = providerFor(server);
    const turn = await provider.streamTurn({ messages: [{ role: 'user', content: 'go' }], tools: TOOLS });
    assert.deepEqual(
      turn.toolUses.map((t) => [t.id, t.name, t.input]),
      [
        ['a', 'read_file', { path: 'x' }],
        ['b', 'list', {}],
      ],
    );
  });

  it('sends system, tools, model, max_tokens and cache_control breakpoints', async () => {
    server.enqueue(reply.text('ok'));
    const { provider } = providerFor(server, { maxTokens: 1234 });
    const messages: ModelMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'old', cache_control: { type: 'ephemeral' } }] },
      { role: 'assistant', content: 'answer' },
      { role: 'user', content: 'latest question' },
    ];
    await provider.streamTurn({ system: 'You are the queen.', messages, tools: TOOLS });
    const body = server.requests[0]!.body;
    assert.equal(body.model, 'claude-haiku-4-5');
    assert.equal(body.max_tokens, 1234);
    assert.equal(body.stream, true);
    assert.deepEqual(body.system, [
      { type: 'text', text: 'You are the queen.', cache_control: { type: 'ephemeral' } },
    ]);
    assert.deepEqual(body.tools, TOOLS);
    // Exactly one breakpoint in the messages: on the last block of the prefix, none left over.
    assert.deepEqual(body.messages.at(-1), {
      role: 'user',
      content: [{ type: 'text', text: 'latest question', cache_control: { type: 'ephemeral' } }],
    });
    assert.equal(JSON.stringify(body.messages).split('cache_control').length - 1, 1);
    // The caller's messages were not mutated.
    assert.equal(messages[2]!.content, 'latest question');
    assert.ok((messages[0]!.content as Array<{ cache_control?: unknown }>)[0]!.cache_control);
  });

  it('sends no cache_control when prompt caching is off, and the API key as a header', async () => {
    server.enqueue(reply.text('ok'));
    const { provider } = providerFor(server, { promptCaching: false, apiKey: 'sk-secret' });
    await provider.streamTurn({ system: 'sys', messages: [{ role: 'user', content: 'q' }] });
    const req = server.requests[0]!;
    assert.ok(!JSON.stringify(req.body).includes('cache_control'));
    assert.match(`${req.headers['x-api-key'] ?? ''} ${req.headers.authorization ?? ''}`, /sk-secret/);
  });

  it('puts the prefix breakpoint on the last tool_result of a tool turn', async () => {
    server.enqueue(reply.text('ok'));
    const { provider } = providerFor(server);
    await provider.streamTurn({
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a' } }],
        },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'file body' }] },
      ],
      tools: TOOLS,
    });
    const last = server.requests[0]!.body.messages.at(-1);
    assert.deepEqual(last.content[0].cache_control, { type: 'ephemeral' });
    assert.equal(last.content[0].type, 'tool_result');
  });

  it('reports usage with cache tokens and a cost for a priced model', async () => {
    server.enqueue(
      reply.text('priced', {
        usage: {
          input_tokens: 1000,
          output_tokens: 500,
          cache_read_input_tokens: 20000,
          cache_creation_input_tokens: 4000,
        },
      }),
    );
    const { provider } = providerFor(server); // claude-haiku-4-5: $1 in, $5 out per MTok
    const turn = await provider.streamTurn({ messages: [{ role: 'user', content: 'q' }] });
    assert.equal(turn.usage.input_tokens, 1000);
    assert.equal(turn.usage.output_tokens, 500);
    assert.equal(turn.usage.cache_read_input_tokens, 20000);
    assert.equal(turn.usage.cache_creation_input_tokens, 4000);
    // 1000*1 + 500*5 + 20000*0.1 + 4000*1.25 = 1000 + 2500 + 2000 + 5000 = 10500 per million
    assert.equal(turn.usage.cost_usd, 0.0105);
  });

  it('leaves the cost out for an unknown model, and uses configured prices when given', async () => {
    server.enqueue(reply.text('a', { usage: { input_tokens: 10, output_tokens: 10 } }));
    server.enqueue(reply.text('b', { usage: { input_tokens: 1_000_000, output_tokens: 0 } }));
    const unknown = providerFor(server, { model: 'local-model-x' }).provider;
    assert.equal(
      (await unknown.streamTurn({ messages: [{ role: 'user', content: 'q' }] })).usage.cost_usd,
      undefined,
    );
    const priced = providerFor(server, {
      model: 'local-model-x',
      prices: { 'local-model-x': { input: 2, output: 4 } },
    }).provider;
    assert.equal((await priced.streamTurn({ messages: [{ role: 'user', content: 'q' }] })).usage.cost_usd, 2);
  });

  it('marks unparseable or non-object tool input instead of failing the turn', async () => {
    server.enqueue(
      reply.blocks(
        [
          { type: 'tool_use', id: 't1', name: 'read_file', input: null, rawJson: '{"path": "unterminat' },
          { type: 'tool_use', id: 't2', name: 'read_file', input: ['not', 'an', 'object'] },
        ],
        { stop_reason: 'max_tokens' },
      ),
    );
    const { provider } = providerFor(server);
    const turn = await provider.streamTurn({ messages: [{ role: 'user', content: 'q' }], tools: TOOLS });
    const [cut, arr] = turn.toolUses;
    assert.match(cut!.inputError ?? '', /invalid JSON tool input/);
    assert.equal(cut!.rawInput, '{"path": "unterminat');
    assert.deepEqual(cut!.input, {});
    assert.equal(arr!.inputError, 'tool input is not a JSON object');
    assert.equal(turn.stopReason, 'max_tokens');
  });

  it('complete() makes one non-streamed call without cache_control', async () => {
    server.enqueue(
      reply.text('{"queen_id":"queen_growth"}', { usage: { input_tokens: 7, output_tokens: 3 } }),
    );
    const { provider } = providerFor(server);
    const turn = await provider.complete({
      system: 's',
      messages: [{ role: 'user', content: 'pick' }],
      cache: false,
    });
    assert.equal(turn.text, '{"queen_id":"queen_growth"}');
    assert.equal(turn.usage.input_tokens, 7);
    assert.equal(server.requests[0]!.body.stream, undefined);
    assert.ok(!JSON.stringify(server.requests[0]!.body).includes('cache_control'));
  });
});
