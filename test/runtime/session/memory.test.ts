import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pendingShutdownReflections } from '../../../src/runtime/queen';
import {
  type ScriptedServer,
  type ScriptStep,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { managerFor, nextEvent, removeDir, tempDir } from './helpers';

const MEMORY_OPS = JSON.stringify({
  reason: 'the user said which language they use',
  ops: [
    {
      op: 'write',
      scope: 'global',
      name: 'Prefers TypeScript',
      description: 'The user writes TypeScript for all their projects',
      type: 'preference',
      body: 'The user prefers TypeScript over JavaScript.',
    },
  ],
});

function isReflection(body: { system?: unknown }): boolean {
  return JSON.stringify(body.system ?? '').includes('You maintain long-term memory');
}

function isRecall(body: { system?: unknown }): boolean {
  return JSON.stringify(body.system ?? '').includes('You are selecting memories');
}

/** Hive's recall selector answers with the ids of the manifest lines naming TypeScript. */
function recallReply(body: { messages?: Array<{ content: unknown }> }): string {
  const text = JSON.stringify(body.messages ?? []);
  const ids = [...text.matchAll(/- (\d+\/[\w.-]+\.md) \[[^\]]*\] [^\\]*TypeScript/g)].map((m) => m[1]);
  return JSON.stringify({ selected_memories: ids });
}

describe('queen memory (docs/hive-format.md §3 rule 21)', function () {
  this.timeout(30_000);
  let server: ScriptedServer;
  let home: string;
  let reflectionDelayMs: number;
  beforeEach(async () => {
    reflectionDelayMs = 0;
    server = await startScriptedServer({
      responder: async (req): Promise<ScriptStep> => {
        if (isReflection(req.body)) {
          await new Promise((r) => setTimeout(r, reflectionDelayMs));
          return { kind: 'reply', content: [{ type: 'text', text: MEMORY_OPS }] };
        }
        if (isRecall(req.body))
          return { kind: 'reply', content: [{ type: 'text', text: recallReply(req.body) }] };
        return { kind: 'reply', content: [{ type: 'text', text: 'Noted.' }] };
      },
    });
    home = tempDir();
  });
  afterEach(async () => {
    await pendingShutdownReflections();
    await server.close();
    removeDir(home);
  });

  const globalDir = () => path.join(home, 'memories', 'global');
  const memoryFiles = () =>
    existsSync(globalDir()) ? readdirSync(globalDir()).filter((f) => f.endsWith('.md')) : [];

  it('reflects after a queen turn, writes Hive memory files, and recalls them in a later session', async () => {
    const mgr = managerFor(home, server, { reflection: true });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    await s.send('I always use TypeScript for my projects');
    await mgr.stopSession(s.id);
    assert.ok(
      server.requests.some((r) => isReflection(r.body)),
      'a reflection call was made',
    );
    const files = memoryFiles();
    assert.equal(files.length, 1);
    const text = readFileSync(path.join(globalDir(), files[0]!), 'utf8');
    assert.match(text, /^---\n/);
    assert.match(text, /name: Prefers TypeScript/);
    assert.match(text, /type: preference/);
    assert.match(text, /The user prefers TypeScript over JavaScript\./);

    const s2 = await mgr.createSession({ queenId: 'queen_growth' });
    const turn = nextEvent(s2, (e) => e.type === 'llm_turn_complete');
    const asked = server.requests.length;
    await s2.send('Which TypeScript test runner fits my projects?');
    await turn;
    // Recall as Hive does it: one selector call first, then the queen's turn with the picked memory.
    const later = server.requests.slice(asked).filter((r) => !isReflection(r.body));
    assert.ok(isRecall(later[0]!.body), 'the model selected the memories');
    assert.match(JSON.stringify(later[0]!.body.messages), /Which TypeScript test runner/);
    assert.match(JSON.stringify(later[1]?.body.system), /Prefers TypeScript/);
    await mgr.stopAll();
  });

  it('the shutdown reflection never blocks stop and is never lost', async () => {
    const mgr = managerFor(home, server, { reflection: true, stopReflectionWaitMs: 100 });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    reflectionDelayMs = 1500;
    // Reflection after the turn is skipped while the stop one runs later: clear the turn's first.
    await s.send('I always use TypeScript for my projects');
    const t0 = Date.now();
    await mgr.stopSession(s.id);
    assert.ok(Date.now() - t0 < 1400, `stop took ${Date.now() - t0} ms`);
    await pendingShutdownReflections();
    assert.equal(memoryFiles().length, 1, 'the memory was still written');
  });
});
