import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { readJsonl } from '../../../src/runtime/storage';
import { PartStore } from '../../../src/runtime/storage/parts';
import { defineTool } from '../../../src/runtime/tools';
import { reply } from '../../support/scripted-anthropic-server';
import { managerFor, useSessionTestEnv } from '../session/helpers';
import { writeSession } from '../storage/fixtures';
import { assertHiveEvent, assertHiveMessage, assertHiveMeta } from './hive-types';

const lookTool = defineTool({
  name: 'look',
  description: 'looks',
  category: 'read',
  schema: z.object({ at: z.string().optional() }),
  async run(input) {
    return `saw ${String(input.at)}`;
  },
});

describe('Hive interop: what we write loads in Hive’s classes', () => {
  let env: { server: import('../../support/scripted-anthropic-server').ScriptedServer; home: string };
  useSessionTestEnv((e) => {
    env = e;
  });

  it('a session with tool calls: every part, event and meta has the types Hive declares', async () => {
    const mgr = managerFor(env.home, env.server, { extraTools: () => [lookTool] });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    env.server.enqueue(reply.toolUse('look', { at: 'the sky' }));
    env.server.enqueue(reply.text('The sky is blue.'));
    await s.send('what colour is the sky?');
    await mgr.stopSession(s.id);

    const partsDir = path.join(s.dir, 'conversations', 'parts');
    const parts = readdirSync(partsDir)
      .sort()
      .map((f) => JSON.parse(readFileSync(path.join(partsDir, f), 'utf8')));
    assert.deepEqual(
      parts.map((p) => p.role),
      ['user', 'assistant', 'tool', 'assistant'],
    );
    for (const [i, p] of parts.entries()) assertHiveMessage(p, `part ${i}`);
    // Hive writes "" for a tool-call part without text; its estimate_tokens takes len(content).
    assert.equal(parts[1].content, '');
    assert.equal(typeof parts[1].tool_calls[0].function.arguments, 'string');

    // Without conversations/meta.json Hive's NodeConversation.restore returns None: the history is lost.
    const convMeta = JSON.parse(readFileSync(path.join(s.dir, 'conversations', 'meta.json'), 'utf8'));
    assert.equal(typeof convMeta.system_prompt, 'string');
    assert.ok(convMeta.system_prompt.length > 0);
    assert.ok(Number.isSafeInteger(convMeta.max_context_tokens));
    assert.equal(typeof convMeta.compaction_threshold, 'number');

    const { records } = await readJsonl(path.join(s.dir, 'events.jsonl'));
    assert.ok(records.length > 5);
    for (const [i, e] of records.entries()) assertHiveEvent(e, `event ${i}`);
    assertHiveMeta(JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8')), 'meta.json');
  });

  it('a part of ours written with content null (before this fix) reads as "" and is rewritten typed', async () => {
    const dir = writeSession(env.home, 'session_20260101_120000_aaaaaaaa', {
      parts: [
        { role: 'user', content: 'go' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 't', type: 'function', function: { name: 'look', arguments: '{}' } }],
        },
      ],
    });
    const store = new PartStore(path.join(dir, 'conversations'));
    const read = await store.readAll();
    assert.equal(read[1]?.content, '');
    const appended = await store.append({ role: 'assistant', content: undefined as unknown as string });
    assert.equal(appended.content, '');
    await store.flush();
    const onDisk = JSON.parse(
      readFileSync(path.join(dir, 'conversations', 'parts', '0000000002.json'), 'utf8'),
    );
    assertHiveMessage(onDisk, 'appended part');
  });
});
