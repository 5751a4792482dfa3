import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PartStore } from '../../../src/runtime/storage/parts';
import { agentFor, recordingTool } from '../../support/agent-fixture';
import { MemoryStore } from '../../support/memory-store';
import {
  reply,
  type ScriptedServer,
  startScriptedServer,
  thinkingSignature,
} from '../../support/scripted-anthropic-server';

type Block = Record<string, unknown>;

function assistantMessages(server: ScriptedServer, i: number): Block[][] {
  const msgs = server.requests[i]!.body.messages as Array<{ role: string; content: unknown }>;
  return msgs.filter((m) => m.role === 'assistant').map((m) => (Array.isArray(m.content) ? m.content : []));
}

describe('AgentLoop: extended thinking', () => {
  let server: ScriptedServer;
  let dir: string;
  beforeEach(async () => {
    server = await startScriptedServer();
    dir = mkdtempSync(path.join(os.tmpdir(), 'hive-thinking-'));
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('asks for thinking with the budget, streams it as llm_reasoning_delta and stores it signed on the part', async () => {
    server.enqueue(
      reply.blocks(
        [
          { type: 'thinking', thinking: 'The user wants a greeting. Keep it short.' },
          { type: 'text', text: 'Hello!' },
        ],
        { chunkSize: 8 },
      ),
    );
    const store = new PartStore(dir);
    const f = agentFor(server, { store, thinking: () => ({ budgetTokens: 2048 }), maxTokens: 1000 });
    const r = await f.loop.send('hi');
    assert.equal(r.status, 'completed');
    const body = server.requests[0]!.body;
    assert.deepEqual(body.thinking, { type: 'enabled', budget_tokens: 2048 });
    assert.ok(body.max_tokens > 2048, `max_tokens ${body.max_tokens} must exceed the budget`);
    assert.equal(body.temperature, undefined);

    const deltas = f.of('llm_reasoning_delta');
    assert.ok(deltas.length >= 4, `thinking streamed in pieces (${deltas.length})`);
    assert.equal(deltas.at(-1)!.snapshot, 'The user wants a greeting. Keep it short.');
    assert.equal(deltas.map((d) => d.content).join(''), 'The user wants a greeting. Keep it short.');
    // Thinking is not text: the visible reply has none of it.
    assert.equal(f.of('llm_text_delta').at(-1)!.snapshot, 'Hello!');

    // On disk as Hive stores it (Hive: core/framework/agent_loop/conversation.py, thinking_blocks).
    const files = readdirSync(path.join(dir, 'parts')).sort();
    const stored = JSON.parse(readFileSync(path.join(dir, 'parts', files.at(-1)!), 'utf8'));
    assert.equal(stored.role, 'assistant');
    assert.equal(stored.content, 'Hello!');
    assert.deepEqual(stored.thinking_blocks, [
      {
        type: 'thinking',
        thinking: 'The user wants a greeting. Keep it short.',
        signature: thinkingSignature('The user wants a greeting. Keep it short.'),
      },
    ]);
  });

  it('sends a tool turn’s thinking back first, signature intact, so the API accepts the tool result', async () => {
    const read = recordingTool('read_file', 'read');
    server.enqueue(
      reply.blocks([
        { type: 'thinking', thinking: 'I should read the file first.' },
        { type: 'tool_use', id: 't1', name: 'read_file', input: { path: 'a.txt' } },
      ]),
      reply.blocks([
        { type: 'thinking', thinking: 'Now I can answer.' },
        { type: 'text', text: 'It says hi.' },
      ]),
      reply.text('Second answer.'),
    );
    const f = agentFor(server, { tools: [read], thinking: () => ({ budgetTokens: 1024 }) });
    const r = await f.loop.send('what is in a.txt?');
    assert.equal(r.status, 'completed', r.error?.message);
    assert.equal(r.text, 'It says hi.');
    assert.equal(read.calls.length, 1);
    const [toolTurn] = assistantMessages(server, 1);
    assert.deepEqual(toolTurn![0], {
      type: 'thinking',
      thinking: 'I should read the file first.',
      signature: thinkingSignature('I should read the file first.'),
    });
    assert.equal(toolTurn![1]!.type, 'tool_use');
    // A later turn (after a redraw or a resume the parts are all there is) still carries both turns' thinking.
    await f.loop.send('and again?');
    const later = assistantMessages(server, 2);
    assert.deepEqual(
      later.map((blocks) => blocks.filter((b) => b.type === 'thinking').map((b) => b.thinking)),
      [['I should read the file first.'], ['Now I can answer.']],
    );
  });

  it('a forged signature is refused as the API does; thinking turned on mid tool loop waits for the loop to end', async () => {
    const read = recordingTool('read_file', 'read');
    const toolTurn = (thinking_blocks?: Array<Record<string, unknown>>) =>
      new MemoryStore([
        { role: 'user', content: 'go', is_client_input: true },
        {
          role: 'assistant',
          content: '',
          tool_calls: [{ id: 't1', type: 'function', function: { name: 'read_file', arguments: '{}' } }],
          thinking_blocks,
        },
        { role: 'tool', tool_use_id: 't1', content: 'file text' },
      ]);
    const forged = agentFor(server, {
      store: toolTurn([{ type: 'thinking', thinking: 'Reading.', signature: 'forged' }]),
      tools: [read],
      thinking: () => ({ budgetTokens: 1024 }),
    });
    const r1 = await forged.loop.run();
    assert.equal(r1.status, 'failed');
    assert.match(r1.error!.message, /signature/);
    // The loop began without thinking: the API would refuse thinking now, so the call goes without it.
    server.enqueue(reply.text('read it'));
    const missing = agentFor(server, {
      store: toolTurn(),
      tools: [read],
      thinking: () => ({ budgetTokens: 1024 }),
    });
    const r2 = await missing.loop.run();
    assert.equal(r2.status, 'completed');
    assert.equal(server.requests.at(-1)!.body.thinking, undefined);
    // The same conversation, signed as the server signed it, goes through.
    server.enqueue(reply.text('done'));
    const signed = agentFor(server, {
      store: toolTurn([{ type: 'thinking', thinking: 'Reading.', signature: thinkingSignature('Reading.') }]),
      tools: [read],
      thinking: () => ({ budgetTokens: 1024 }),
    });
    assert.equal((await signed.loop.run()).status, 'completed');
  });

  it('with thinking off, stored thinking stays out of the request', async () => {
    let on = true;
    server.enqueue(
      reply.blocks([
        { type: 'thinking', thinking: 'hmm' },
        { type: 'text', text: 'one' },
      ]),
      reply.text('two'),
    );
    const f = agentFor(server, { thinking: () => (on ? { budgetTokens: 1500 } : undefined) });
    await f.loop.send('first');
    on = false;
    await f.loop.send('second');
    const body = server.requests[1]!.body;
    assert.equal(body.thinking, undefined);
    assert.deepEqual(
      assistantMessages(server, 1)
        .flat()
        .map((b) => b.type),
      ['text'],
    );
  });

  it('a model switch applies from the next call on, and llm_turn_complete names it with its context tokens', async () => {
    let model: string | undefined;
    server.enqueue(
      reply.text('from the default', {
        usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 50 },
      }),
      reply.text('from sonnet'),
    );
    const f = agentFor(server, { model: () => model });
    await f.loop.send('one');
    model = 'claude-sonnet-4-6';
    await f.loop.send('two');
    assert.notEqual(server.requests[0]!.body.model, 'claude-sonnet-4-6');
    assert.equal(server.requests[1]!.body.model, 'claude-sonnet-4-6');
    const done = f.of('llm_turn_complete');
    assert.equal(done[0]!.context_tokens, 120 + 50 + 30);
    assert.equal(done[1]!.model, 'claude-sonnet-4-6');
  });
});
