import assert from 'node:assert/strict';
import {
  AgentLoop,
  type ConversationPart,
  compactionKeepFrom,
  estimateTokens,
} from '../../../src/runtime/agent';
import { jsonLength } from '../../../src/runtime/agent/compaction';
import { agentFor } from '../../support/agent-fixture';
import { MemoryStore } from '../../support/memory-store';
import { providerFor } from '../../support/provider-fixture';
import {
  fault,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';

/** 20 parts of ~400 characters: about 2,000 tokens, over 80% of a 2,000-token window. */
function longHistory(): Array<Omit<ConversationPart, 'seq'>> {
  const parts: Array<Omit<ConversationPart, 'seq'>> = [];
  for (let i = 0; i < 10; i++) {
    parts.push({ role: 'user', content: `question ${i}: ${'q'.repeat(380)}`, is_client_input: true });
    parts.push({ role: 'assistant', content: `answer ${i}: ${'a'.repeat(380)}` });
  }
  return parts;
}

describe('AgentLoop: compaction', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('summarises older turns with the model, keeps every part file, and sends summary + recent turns', async () => {
    const store = new MemoryStore(longHistory());
    server.enqueue(
      reply.text('SUMMARY: ten questions answered.'),
      reply.text('new answer'),
      reply.text('later'),
    );
    const f = agentFor(server, { store, compaction: { keepRecentParts: 4 } }, { contextWindow: 2000 });
    const result = await f.loop.send('new question');
    assert.equal(result.status, 'completed');

    // 1st request: the one-shot summary call, fed the old turns.
    const summaryReq = server.requests[0]!.body;
    assert.equal(summaryReq.stream, undefined);
    assert.match(summaryReq.system[0].text, /compact the conversation history/);
    assert.match(summaryReq.messages[0].content, /question 0:/);
    assert.ok(!summaryReq.messages[0].content.includes('new question'));

    // 2nd request: summary first, then the last parts verbatim, nothing older.
    const turnReq = JSON.stringify(server.requests[1]!.body.messages);
    assert.match(turnReq, /CONTEXT COMPACTED: messages before seq 17/);
    assert.match(turnReq, /SUMMARY: ten questions answered\./);
    assert.ok(!turnReq.includes('question 0:') && !turnReq.includes('answer 7:'));
    assert.ok(
      turnReq.includes('answer 8:') && turnReq.includes('question 9:') && turnReq.includes('new question'),
    );
    assert.equal(server.requests[1]!.body.messages[0].role, 'user');

    // The transcript is intact: 20 old parts + question + marker + answer.
    const parts = await store.readAll();
    assert.equal(parts.length, 23);
    assert.equal(parts[0]!.content, longHistory()[0]!.content);
    const marker = parts[21]!;
    assert.equal(marker.role, 'user');
    assert.equal(marker.is_transition_marker, true);
    assert.equal(compactionKeepFrom(marker), 17);
    assert.deepEqual(parts[22], { seq: 22, role: 'assistant', content: 'new answer' });

    const [event] = f.of('context_compacted');
    assert.equal(event!.level, 'llm');
    assert.equal(event!.messages_compacted, 17);
    assert.equal(event!.kept_from_seq, 17);
    assert.ok((event!.usage_before as number) >= 80);
    assert.ok((event!.usage_after as number) < (event!.usage_before as number));

    // The next turn fits: no new summary, the context still starts with it.
    await f.loop.send('follow-up');
    assert.equal(server.requests.length, 3);
    assert.match(JSON.stringify(server.requests[2]!.body.messages[0]), /SUMMARY: ten questions/);
    assert.equal(f.of('context_compacted').length, 1);
  });

  it('falls back to a model-free summary when the summary call fails', async () => {
    const store = new MemoryStore(longHistory());
    server.enqueue(fault.status(400, 'summary refused'), reply.text('still answering'));
    const f = agentFor(server, { store }, { contextWindow: 2000 });
    const result = await f.loop.send('new question');
    assert.equal(result.status, 'completed');
    assert.equal(f.of('context_compacted')[0]!.level, 'fallback');
    const marker = (await store.readAll()).find((p) => p.is_transition_marker)!;
    assert.match(marker.content!, /Automatic summary/);
    assert.match(marker.content!, /question 0:/);
  });

  it('compacts when the API reported input close to the window, even if the text looks small', async () => {
    const store = new MemoryStore([
      { role: 'user', content: 'a' },
      { role: 'assistant', content: 'b' },
      { role: 'user', content: 'c' },
      { role: 'assistant', content: 'd' },
      { role: 'user', content: 'e' },
      { role: 'assistant', content: 'f' },
    ]);
    server.enqueue(
      reply.text('first', { usage: { input_tokens: 100, cache_read_input_tokens: 1700, output_tokens: 5 } }),
      reply.text('S'),
      reply.text('second'),
    );
    const f = agentFor(server, { store, compaction: { keepRecentParts: 2 } }, { contextWindow: 2000 });
    await f.loop.send('g');
    assert.equal(f.of('context_compacted').length, 0);
    await f.loop.send('h');
    assert.equal(f.of('context_compacted').length, 1);
    assert.equal(server.requests[1]!.body.stream, undefined, 'the summary call came before the second turn');
  });

  it('a resumed loop rebuilds the compacted context from the stored parts', async () => {
    const store = new MemoryStore(longHistory());
    server.enqueue(reply.text('SUMMARY-X'), reply.text('one'), reply.text('two'));
    await agentFor(server, { store }, { contextWindow: 2000 }).loop.send('before restart');
    const { provider } = providerFor(server, { contextWindow: 2000 });
    const resumed = new AgentLoop({ provider, store, systemPrompt: 'again' });
    await resumed.send('after restart');
    const sent = JSON.stringify(server.requests[2]!.body.messages);
    assert.match(sent, /SUMMARY-X/);
    assert.ok(!sent.includes('question 0:'));
    assert.ok(sent.includes('before restart') && sent.includes('after restart'));
  });

  it('never separates a tool result from its call at the boundary', async () => {
    const parts: Array<Omit<ConversationPart, 'seq'>> = longHistory();
    parts.push({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'tc', type: 'function', function: { name: 'look', arguments: '{}' } }],
    });
    parts.push({ role: 'tool', content: 'r'.repeat(300), tool_use_id: 'tc' });
    parts.push({ role: 'tool', content: 'orphan noise', tool_use_id: 'zz' });
    const store = new MemoryStore(parts);
    server.enqueue(reply.text('SUM'), reply.text('ok'));
    // keepRecentParts 3 would start the kept tail at a tool part; the boundary moves past it.
    const f = agentFor(server, { store, compaction: { keepRecentParts: 3 } }, { contextWindow: 2000 });
    await f.loop.send('next');
    const msgs = server.requests[1]!.body.messages;
    const blocks = msgs.flatMap((m: { content: Array<{ type: string }> }) => m.content);
    assert.equal(blocks.filter((b: { type: string }) => b.type === 'tool_result').length, 0);
    assert.equal(blocks.filter((b: { type: string }) => b.type === 'tool_use').length, 0);
  });
});

describe('estimateTokens', () => {
  it('counts the JSON length of a request without building it', () => {
    const request = {
      system: 'You are a queen.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'hello', cache_control: { type: 'ephemeral' } }] },
        {
          role: 'assistant',
          content: [{ type: 'tool_use', id: 't1', name: 'ls', input: { depth: 2, all: true } }],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: 'a b', is_error: false }],
        },
      ],
      tools: [],
      maxTokens: undefined,
      nested: [[], {}, null, 1.5, [undefined]],
    };
    assert.equal(jsonLength(request), JSON.stringify(request).length);
    assert.equal(estimateTokens(request), Math.ceil(JSON.stringify(request).length / 4));
  });
});
