import assert from 'node:assert/strict';
import { agentFor, recordingTool } from '../../support/agent-fixture';
import { MemoryStore } from '../../support/memory-store';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';

describe('AgentLoop: turns, tools, events', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('answers a message, persists both parts and emits Hive events', async () => {
    server.enqueue(
      reply.text('Hello there!', {
        chunkSize: 5,
        usage: { input_tokens: 50, output_tokens: 6, cache_read_input_tokens: 30 },
      }),
    );
    const f = agentFor(server);
    const result = await f.loop.send('Hi queen');
    assert.equal(result.status, 'completed');
    assert.equal(result.text, 'Hello there!');
    assert.deepEqual(await f.store.readAll(), [
      { seq: 0, role: 'user', content: 'Hi queen', is_client_input: true },
      { seq: 1, role: 'assistant', content: 'Hello there!' },
    ]);
    const deltas = f.of('llm_text_delta');
    assert.deepEqual(
      deltas.map((d) => d.content),
      ['Hello', ' ther', 'e!'],
    );
    assert.deepEqual(deltas.at(-1), { content: 'e!', snapshot: 'Hello there!', inner_turn: 0, iteration: 0 });
    assert.deepEqual(f.of('llm_turn_complete'), [
      {
        stop_reason: 'end_turn',
        model: 'claude-haiku-4-5',
        input_tokens: 80,
        context_tokens: 86,
        output_tokens: 6,
        cached_tokens: 30,
        iteration: 0,
      },
    ]);
    assert.deepEqual(f.of('node_loop_iteration'), [{ iteration: 0 }]);
    const body = server.requests[0]!.body;
    assert.equal(body.system[0].text, 'You are a test agent.');
    assert.deepEqual(body.messages, [
      { role: 'user', content: [{ type: 'text', text: 'Hi queen', cache_control: { type: 'ephemeral' } }] },
    ]);
  });

  it('runs tool calls until the model stops, within one iteration', async () => {
    const read = recordingTool('read_file', 'read', (input) => `contents of ${input.path}`);
    server.enqueue(
      reply.toolUse(
        'read_file',
        { path: 'a.txt' },
        { id: 'toolu_a', usage: { input_tokens: 10, output_tokens: 5 } },
      ),
      reply.text('a.txt says hi', { usage: { input_tokens: 20, output_tokens: 4 } }),
    );
    const f = agentFor(server, { tools: [read] });
    const result = await f.loop.send('What is in a.txt?');
    assert.equal(result.status, 'completed');
    assert.equal(result.modelCalls, 2);
    assert.deepEqual(read.calls, [{ path: 'a.txt' }]);
    assert.deepEqual(await f.store.readAll(), [
      { seq: 0, role: 'user', content: 'What is in a.txt?', is_client_input: true },
      {
        seq: 1,
        role: 'assistant',
        content: '',
        tool_calls: [
          { id: 'toolu_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.txt"}' } },
        ],
      },
      { seq: 2, role: 'tool', content: 'contents of a.txt', tool_use_id: 'toolu_a' },
      { seq: 3, role: 'assistant', content: 'a.txt says hi' },
    ]);
    // The second request carries the tool_use and its result, and the tool definitions.
    const second = server.requests[1]!.body;
    assert.deepEqual(second.tools, [
      {
        name: 'read_file',
        description: 'the read_file tool',
        input_schema: { type: 'object', properties: {}, additionalProperties: {} },
      },
    ]);
    assert.deepEqual(second.messages[1], {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_a', name: 'read_file', input: { path: 'a.txt' } }],
    });
    assert.equal(second.messages[2].content[0].type, 'tool_result');
    assert.equal(second.messages[2].content[0].content, 'contents of a.txt');
    assert.deepEqual(f.of('tool_call_started'), [
      { tool_use_id: 'toolu_a', tool_name: 'read_file', tool_input: { path: 'a.txt' } },
    ]);
    assert.deepEqual(f.of('tool_call_completed'), [
      { tool_use_id: 'toolu_a', tool_name: 'read_file', result: 'contents of a.txt', is_error: false },
    ]);
    const complete = f.of('llm_turn_complete');
    assert.equal(complete.length, 1, 'one llm_turn_complete per iteration');
    assert.deepEqual(complete[0], {
      stop_reason: 'end_turn',
      model: 'claude-haiku-4-5',
      input_tokens: 30,
      output_tokens: 9,
      cached_tokens: 0,
      context_tokens: 24,
      iteration: 0,
    });
    assert.deepEqual(result.usage.input_tokens, 30);
    // Event order: tool events come between the model calls.
    const order = f.events.map((e) => e.type).filter((t) => t !== 'llm_text_delta');
    assert.deepEqual(order, [
      'node_loop_iteration',
      'tool_call_started',
      'tool_call_completed',
      'llm_turn_complete',
    ]);
  });

  it('reports unknown tools, bad input and thrown errors to the model as error results', async () => {
    const boom = recordingTool('boom', 'read', () => {
      throw new Error('disk on fire');
    });
    server.enqueue(
      reply.blocks([
        { type: 'tool_use', id: 't1', name: 'nope', input: {} },
        { type: 'tool_use', id: 't2', name: 'boom', input: null, rawJson: '{"x": ' },
        { type: 'tool_use', id: 't3', name: 'boom', input: { x: 1 } },
      ]),
      reply.text('I see the errors.'),
    );
    const f = agentFor(server, { tools: [boom] });
    await f.loop.send('try things');
    const tools = (await f.store.readAll()).filter((p) => p.role === 'tool');
    assert.equal(tools.length, 3);
    assert.ok(tools.every((p) => p.is_error === true));
    assert.match(tools[0]!.content!, /Unknown tool "nope"/);
    assert.match(tools[1]!.content!, /could not be used \(invalid JSON tool input/);
    assert.match(tools[2]!.content!, /boom failed: disk on fire/);
    assert.equal(boom.calls.length, 1, 'the tool with broken input was not executed');
    const results = server.requests[1]!.body.messages[2].content;
    assert.ok(results.every((b: { is_error?: boolean }) => b.is_error === true));
  });

  it('continues the numbering from the iteration offset and streams as client_output_delta', async () => {
    server.enqueue(reply.text('one'), reply.text('two'));
    const f = agentFor(server, { iterationOffset: 7, textDeltaEvent: 'client_output_delta' });
    await f.loop.send('first');
    await f.loop.send('second');
    assert.deepEqual(
      f.of('llm_turn_complete').map((d) => d.iteration),
      [7, 8],
    );
    assert.equal(f.of('llm_text_delta').length, 0);
    assert.deepEqual(
      f.of('client_output_delta').map((d) => [d.snapshot, d.iteration]),
      [
        ['one', 7],
        ['two', 8],
      ],
    );
    assert.equal(f.loop.nextIteration, 9);
  });

  it('takes a message injected while running into the next model call', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const slow = recordingTool('slow', 'read', async () => {
      await gate;
      return 'slow done';
    });
    server.enqueue(reply.toolUse('slow', {}, { id: 'ts' }), reply.text('saw both'));
    const f = agentFor(server, { tools: [slow] });
    const run = f.loop.send('start');
    while (slow.calls.length === 0) await new Promise((r) => setTimeout(r, 5));
    assert.equal(f.loop.running, true);
    const joined = f.loop.send('also this, please');
    release();
    const [a, b] = await Promise.all([run, joined]);
    assert.equal(a.status, 'completed');
    assert.equal(b.text, 'saw both');
    assert.equal(server.requests.length, 2);
    const last = server.requests[1]!.body.messages.at(-1);
    assert.deepEqual(
      last.content.map((c: { type: string }) => c.type),
      ['tool_result', 'text'],
    );
    assert.equal(last.content[1].text, 'also this, please');
    const parts = await f.store.readAll();
    assert.deepEqual(
      parts.map((p) => p.role),
      ['user', 'assistant', 'tool', 'user', 'assistant'],
    );
  });

  it('runs a queued trigger message after the current iteration ends', async () => {
    server.enqueue(reply.text('answer one', { chunkSize: 2, delayMs: 20 }), reply.text('handled trigger'));
    const f = agentFor(server);
    const run = f.loop.send('hello');
    await server.waitForRequests(1);
    f.loop.inject('[TRIGGER: timer/daily]', { is_trigger: true });
    const result = await run;
    assert.equal(result.text, 'handled trigger');
    const parts = await f.store.readAll();
    assert.equal(parts.find((p) => p.is_trigger)?.content, '[TRIGGER: timer/daily]');
    assert.equal(f.of('llm_turn_complete').length, 2);
    assert.deepEqual(
      (await f.store.readAll()).map((p) => p.content),
      ['hello', 'answer one', '[TRIGGER: timer/daily]', 'handled trigger'],
    );
  });

  it('stamps phase_id and run_id onto every part it writes', async () => {
    const t = recordingTool('look', 'read');
    server.enqueue(reply.toolUse('look', {}), reply.text('ok'));
    let phase = 'independent';
    const f = agentFor(server, { tools: [t], partFields: () => ({ phase_id: phase, run_id: 'run_1' }) });
    const run = f.loop.send('hi');
    phase = 'working';
    await run;
    const parts = await f.store.readAll();
    assert.ok(parts.every((p) => p.run_id === 'run_1'));
    assert.deepEqual(
      parts.map((p) => p.phase_id),
      ['working', 'working', 'working', 'working'],
    );
  });

  it('does nothing when there is nothing to answer', async () => {
    const f = agentFor(server, {
      store: new MemoryStore([
        { role: 'user', content: 'q' },
        { role: 'assistant', content: 'a' },
      ]),
    });
    const result = await f.loop.run();
    assert.equal(result.status, 'idle');
    assert.equal(server.requests.length, 0);
  });

  it('stops an iteration that keeps calling tools at maxModelCalls', async () => {
    const t = recordingTool('again', 'read');
    for (let i = 0; i < 5; i++) server.enqueue(reply.toolUse('again', { i }));
    const f = agentFor(server, { tools: [t], maxModelCalls: 3 });
    const result = await f.loop.send('loop forever');
    assert.equal(result.status, 'max_model_calls');
    assert.equal(server.requests.length, 3);
    assert.equal(f.of('llm_turn_complete')[0]!.stop_reason, 'max_model_calls');
  });
});
