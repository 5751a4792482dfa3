import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { readSessionDigest } from '../../../src/runtime/events/session-digest';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, useSessionTestEnv } from './helpers';

describe('LiveSession: model switch and extended thinking', () => {
  let server: ScriptedServer;
  let home: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  });

  it('setModel applies to the next turn, is kept in meta.json and survives a resume', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(reply.text('one'), reply.text('two'), reply.text('three'));
    await s.send('first');
    const defaultModel = server.requests[0]!.body.model;
    await s.setModel('claude-opus-4-6');
    assert.equal(s.model, 'claude-opus-4-6');
    await s.send('second');
    assert.notEqual(defaultModel, 'claude-opus-4-6');
    assert.equal(server.requests[1]!.body.model, 'claude-opus-4-6');
    const meta = JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8'));
    assert.equal(meta.model, 'claude-opus-4-6');
    assert.equal(meta.queen_id, 'queen_technology', 'the other meta keys are kept');
    await mgr.stopSession(s.id);

    const mgr2 = managerFor(home, server);
    const again = await mgr2.resumeSession(s.id);
    assert.equal(again.model, 'claude-opus-4-6');
    await again.send('third');
    assert.equal(server.requests[2]!.body.model, 'claude-opus-4-6');
    await mgr2.stopAll();
  });

  it('refuses a model id that is not one, and keeps the old one', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const before = s.model;
    await assert.rejects(s.setModel('bad model; rm -rf'), /not a model id/);
    assert.equal(s.model, before);
    await mgr.stopAll();
  });

  it('the thinking setting reaches the queen’s request; the part keeps the thinking and the digest the context', async () => {
    let budget = 0;
    const mgr = managerFor(home, server, {
      thinking: () => (budget > 0 ? { budgetTokens: budget } : undefined),
    });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(
      reply.text('plain', { usage: { input_tokens: 900, output_tokens: 100 } }),
      reply.blocks(
        [
          { type: 'thinking', thinking: 'Weigh the options.' },
          { type: 'text', text: 'Option B.' },
        ],
        { usage: { input_tokens: 1500, output_tokens: 200 } },
      ),
    );
    await s.send('no thinking yet');
    assert.equal(server.requests[0]!.body.thinking, undefined);
    budget = 4096;
    await s.send('now think');
    assert.deepEqual(server.requests[1]!.body.thinking, { type: 'enabled', budget_tokens: 4096 });
    const last = (await s.history()).at(-1)!;
    assert.equal(last.content, 'Option B.');
    assert.equal(last.thinking_blocks?.[0]?.thinking, 'Weigh the options.');
    await mgr.stopSession(s.id);
    const digest = await readSessionDigest(path.join(s.dir, 'events.jsonl'));
    assert.equal(digest.context?.tokens, 1700);
    assert.ok(digest.context?.model);
    const log = readFileSync(path.join(s.dir, 'events.jsonl'), 'utf8');
    const reasoning = log
      .split('\n')
      .filter((l) => l.includes('"llm_reasoning_delta"'))
      .map((l) => JSON.parse(l).data);
    assert.equal(reasoning.length, 1, 'the reasoning deltas are coalesced to one line');
    assert.equal(reasoning[0].snapshot, 'Weigh the options.');
  });
});
