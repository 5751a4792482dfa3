import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AgentLoop } from '../../../src/runtime/agent';
import { PartStore } from '../../../src/runtime/storage/parts';
import { agentFor, recordingTool } from '../../support/agent-fixture';
import { providerFor } from '../../support/provider-fixture';
import {
  fault,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';

function readPart(dir: string, seq: number): unknown {
  return JSON.parse(readFileSync(path.join(dir, 'parts', `${String(seq).padStart(10, '0')}.json`), 'utf8'));
}

describe('AgentLoop with the real PartStore', () => {
  let server: ScriptedServer;
  let conversations: string;
  beforeEach(async () => {
    server = await startScriptedServer();
    conversations = path.join(mkdtempSync(path.join(os.tmpdir(), 'hive-session-')), 'conversations');
  });
  afterEach(async () => {
    await server.close();
  });

  it('writes Hive part files a Hive reader understands', async () => {
    const read = recordingTool('read_file', 'read', () => 'file text');
    const fail = recordingTool('fail', 'read', () => ({ content: 'nope', isError: true }));
    server.enqueue(
      reply.blocks([
        { type: 'text', text: 'Let me check.' },
        { type: 'tool_use', id: 'toolu_r', name: 'read_file', input: { path: 'x' } },
        { type: 'tool_use', id: 'toolu_f', name: 'fail', input: {} },
      ]),
      reply.text('Checked.'),
    );
    const f = agentFor(server, { store: new PartStore(conversations), tools: [read, fail] });
    await f.loop.send('check x');
    assert.deepEqual(readdirSync(path.join(conversations, 'parts')).sort(), [
      '0000000000.json',
      '0000000001.json',
      '0000000002.json',
      '0000000003.json',
      '0000000004.json',
    ]);
    assert.deepEqual(readPart(conversations, 0), {
      seq: 0,
      role: 'user',
      content: 'check x',
      is_client_input: true,
    });
    assert.deepEqual(readPart(conversations, 1), {
      seq: 1,
      role: 'assistant',
      content: 'Let me check.',
      tool_calls: [
        { id: 'toolu_r', type: 'function', function: { name: 'read_file', arguments: '{"path":"x"}' } },
        { id: 'toolu_f', type: 'function', function: { name: 'fail', arguments: '{}' } },
      ],
    });
    assert.deepEqual(readPart(conversations, 2), {
      seq: 2,
      role: 'tool',
      content: 'file text',
      tool_use_id: 'toolu_r',
    });
    assert.deepEqual(readPart(conversations, 3), {
      seq: 3,
      role: 'tool',
      content: 'nope',
      tool_use_id: 'toolu_f',
      is_error: true,
    });
    assert.deepEqual(readPart(conversations, 4), { seq: 4, role: 'assistant', content: 'Checked.' });
    await (f.store as PartStore).flush();
    assert.equal(JSON.parse(readFileSync(path.join(conversations, 'cursor.json'), 'utf8')).next_seq, 5);
  });

  it('a tool that changes something runs only once its call is on disk; results follow the call in order', async () => {
    const seenOnDisk: string[][] = [];
    const onDisk = () =>
      (readdirSync(path.join(conversations, 'parts')) as string[]).filter((n) => n.endsWith('.json')).sort();
    const look = recordingTool('look', 'read', () => 'looked');
    const write = recordingTool('write', 'write', () => {
      seenOnDisk.push(onDisk());
      return 'written';
    });
    server.enqueue(
      reply.blocks([
        { type: 'tool_use', id: 'toolu_a', name: 'write', input: {} },
        { type: 'tool_use', id: 'toolu_b', name: 'look', input: {} },
        { type: 'tool_use', id: 'toolu_c', name: 'look', input: {} },
      ]),
      reply.text('done'),
    );
    const f = agentFor(server, {
      store: new PartStore(conversations),
      tools: [look, write],
      autoApprove: ['write'],
    });
    await f.loop.send('go');
    // The assistant part (seq 1) with the write call was on disk before the write tool ran.
    assert.ok(seenOnDisk[0]!.includes('0000000001.json'), String(seenOnDisk[0]));
    assert.deepEqual(
      [2, 3, 4].map((seq) => (readPart(conversations, seq) as { tool_use_id: string }).tool_use_id),
      ['toolu_a', 'toolu_b', 'toolu_c'],
    );
    assert.deepEqual(readPart(conversations, 5), { seq: 5, role: 'assistant', content: 'done' });
  });

  it('a failed turn writes no assistant file; a resumed loop sends the same history as before', async () => {
    server.enqueue(reply.toolUse('look', { a: 1 }, { id: 'toolu_l' }), reply.text('first done'));
    const look = recordingTool('look', 'read', () => 'looked');
    const first = agentFor(server, { store: new PartStore(conversations), tools: [look] });
    await first.loop.send('one');
    server.enqueue(fault.serverError(), fault.serverError());
    const failed = await agentFor(
      server,
      { store: new PartStore(conversations), tools: [look] },
      { retry: { maxAttempts: 2 } },
    ).loop.send('two');
    assert.equal(failed.status, 'failed');
    assert.equal(readdirSync(path.join(conversations, 'parts')).length, 5, 'only the user message was added');

    // A fresh process: new store, new loop, same folder.
    server.enqueue(reply.text('three done'));
    const { provider } = providerFor(server);
    const resumed = new AgentLoop({
      provider,
      store: new PartStore(conversations),
      systemPrompt: 'resumed',
      tools: [look],
      iterationOffset: 5,
    });
    const r = await resumed.send('three');
    assert.equal(r.status, 'completed');
    assert.equal(r.iteration, 5);
    const msgs = server.requests.at(-1)!.body.messages;
    assert.deepEqual(
      msgs.map((m: { role: string }) => m.role),
      ['user', 'assistant', 'user', 'assistant', 'user'],
    );
    assert.deepEqual(msgs[1].content, [{ type: 'tool_use', id: 'toolu_l', name: 'look', input: { a: 1 } }]);
    assert.deepEqual(
      msgs[4].content.map((b: { text: string }) => b.text),
      ['two', 'three'],
    );
  });

  it('resumes a Hive-written transcript with an unanswered tool call and a corrupt part', async () => {
    const parts = path.join(conversations, 'parts');
    const write = (seq: number, body: unknown) =>
      writeFileSync(path.join(parts, `${String(seq).padStart(10, '0')}.json`), JSON.stringify(body));
    mkdirSync(parts, { recursive: true });
    write(0, { seq: 0, role: 'user', content: 'hello', is_client_input: true });
    write(1, {
      seq: 1,
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'gone', arguments: '{"q":"x"}' } }],
    });
    writeFileSync(path.join(parts, '0000000002.json'), '{"seq": 2, "role": "tool", "content": "tor');
    server.enqueue(reply.text('picking up'));
    const f = agentFor(server, { store: new PartStore(conversations) });
    const r = await f.loop.send('are you there?');
    assert.equal(r.status, 'completed');
    const msgs = server.requests[0]!.body.messages;
    assert.equal(msgs[2].content[0].type, 'tool_result');
    assert.equal(msgs[2].content[0].is_error, true);
    assert.equal(msgs[2].content[1].text, 'are you there?');
    // The new user part went after the corrupt file's seq, never over it.
    assert.ok(readdirSync(parts).includes('0000000003.json'));
  });
});
