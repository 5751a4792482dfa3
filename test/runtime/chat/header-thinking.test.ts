import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { openColdSession } from '../../../src/extension/chat/cold-session';
import type { SessionManager } from '../../../src/runtime/session';
import { parseWebviewMessage } from '../../../src/shared/protocol';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, removeDir, tempDir } from '../session/helpers';
import { BridgeHarness } from './helpers';

const MODELS = {
  model: 'claude-sonnet-4-6',
  models: ['claude-opus-4-6', 'claude-sonnet-4-6', 'claude-haiku-4-5'],
};

describe('ChatBridge: model picker, context gauge and thinking', () => {
  let server: ScriptedServer;
  let home: string;
  let mgr: SessionManager;
  let h: BridgeHarness;
  let budget: number;

  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-chat-header-');
    budget = 2048;
    mgr = managerFor(home, server, { thinking: () => (budget ? { budgetTokens: budget } : undefined) });
    h = new BridgeHarness(mgr, { models: () => MODELS });
  });
  afterEach(async () => {
    assert.deepEqual(h.invalid, [], 'every post passes the protocol');
    h.bridge.dispose();
    await mgr.stopAll();
    await server.close();
    removeDir(home);
  });

  it('thinking streams into its block, the gauge follows the turn, and a redraw rebuilds both', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    const first = h.of('snapshot').at(-1)!.session!;
    assert.equal(first.context, undefined, 'no model call yet: no gauge');
    assert.deepEqual(first.modelChoice, { model: s.model, models: MODELS.models });

    server.enqueue(
      reply.blocks(
        [
          { type: 'thinking', thinking: 'The user asks for a plan. Three steps will do.' },
          { type: 'text', text: 'Here is the plan.' },
        ],
        { chunkSize: 6, usage: { input_tokens: 4000, output_tokens: 600, cache_read_input_tokens: 1000 } },
      ),
    );
    const from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'plan it' });
    await h.next('turnComplete', () => true, from);
    const deltas = h.of('thinkingDelta', from);
    assert.ok(deltas.length >= 3, 'the thinking arrives in pieces');
    assert.equal(new Set(deltas.map((d) => d.messageId)).size, 1, 'one block');
    assert.equal(deltas.at(-1)!.snapshot, 'The user asks for a plan. Three steps will do.');
    const firstText = h.posts.findIndex((m, i) => i >= from && m.type === 'textDelta');
    const firstThinking = h.posts.findIndex((m, i) => i >= from && m.type === 'thinkingDelta');
    assert.ok(firstThinking < firstText, 'thinking comes before the reply');
    const gauge = await h.next('context', () => true, from);
    assert.deepEqual(gauge.context, { tokens: 5600, window: 200_000, model: s.model });

    // A redraw (the panel says ready again): the block comes back from the transcript, folded, before the reply.
    const again = h.posts.length;
    await h.bridge.handle({ type: 'ready' });
    await h.next('history', () => true, again);
    const snap = h.of('snapshot', again).at(-1)!.session!;
    assert.deepEqual(snap.context, gauge.context);
    const msgs = h.of('history', again).at(-1)!.messages;
    const kinds = msgs.map((m) => m.kind);
    assert.deepEqual(kinds, ['user', 'thinking', 'assistant']);
    assert.equal(
      msgs[1]!.kind === 'thinking' && msgs[1]!.text,
      'The user asks for a plan. Three steps will do.',
    );
  });

  it('the picker switches the running session’s model for its next turn, and a past session keeps its choice', async () => {
    budget = 0;
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    h.bridge.attach(s);
    await h.next('history');
    const from = h.posts.length;
    await h.bridge.handle({ type: 'setModel', model: 'claude-haiku-4-5' });
    const choice = await h.next('modelChoice', () => true, from);
    assert.equal(choice.modelChoice.model, 'claude-haiku-4-5');
    server.enqueue(reply.text('short answer', { usage: { input_tokens: 300, output_tokens: 20 } }));
    await h.bridge.handle({ type: 'sendMessage', text: 'quick one' });
    await h.next('turnComplete', () => true, from);
    assert.equal(server.requests.at(-1)!.body.model, 'claude-haiku-4-5');
    assert.equal(JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8')).model, 'claude-haiku-4-5');
    await mgr.stopSession(s.id);

    // Read from disk (not running): the header shows its model and the last call's gauge.
    const cold = (await openColdSession(home, s.id))!;
    const h2 = new BridgeHarness(undefined, { models: () => MODELS });
    h2.bridge.attach(cold);
    await h2.next('history');
    const snap = h2.of('snapshot').at(-1)!.session!;
    assert.equal(snap.modelChoice?.model, 'claude-haiku-4-5');
    assert.deepEqual(snap.context, { tokens: 320, window: 200_000, model: 'claude-haiku-4-5' });
    // Choosing a model for a past session writes it for its resume.
    const at = h2.posts.length;
    await h2.bridge.handle({ type: 'setModel', model: 'claude-opus-4-6' });
    assert.equal(JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8')).model, 'claude-opus-4-6');
    assert.equal((await h2.next('modelChoice', () => true, at)).modelChoice.model, 'claude-opus-4-6');
    h2.bridge.dispose();
    assert.deepEqual(h2.invalid, []);
  });

  it('refuses a model id that is not one at the protocol boundary', async () => {
    assert.equal(parseWebviewMessage({ type: 'setModel', model: 'claude-haiku-4-5' }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'setModel', model: '../../etc' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'setModel', model: 'a b' }).ok, false);
    assert.equal(parseWebviewMessage({ type: 'newSession' }).ok, true);
  });
});
