import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { useColonyTestEnv, workspaceColony } from '../session/colony-helpers';
import { managerFor } from '../session/helpers';

function partsOnDisk(sessionDir: string): Array<{ role: string; content: string }> {
  const dir = path.join(sessionDir, 'conversations', 'parts');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
}

describe('Hive interop: text injected for the queen is written when injected', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('[SYSTEM] Colony loaded and [PHASE CHANGE] are on disk before her next turn, and survive a stop', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    await s.loadColony(folder);
    // No turn ran (nothing asked the model), yet the notes are in the conversation already.
    assert.equal(server.requests.length, 0);
    const before = partsOnDisk(s.dir).map((p) => p.content);
    assert.ok(
      before.some((c) => c.startsWith('[SYSTEM] Colony loaded.')),
      before.join('\n---\n'),
    );
    await mgr.stopSession(s.id);
    const after = partsOnDisk(s.dir);
    assert.deepEqual(
      after.map((p) => p.content),
      before,
    );
    for (const p of after) assert.equal(p.role, 'user');

    // On resume the queen reads them with the next message, in order: the first load's note and the
    // resume's re-load (docs/hive-format.md §3 rule 6), each once.
    const r = await mgr.resumeSession(s.id);
    server.enqueue(reply.text('Noted the colony.'));
    await r.send('what changed?');
    await mgr.stopAll();
    const sent = JSON.stringify(server.requests.at(-1)?.body.messages);
    assert.equal(sent.split('[SYSTEM] Colony loaded.').length - 1, 2);
    assert.ok(sent.indexOf('[SYSTEM] Colony loaded.') < sent.indexOf('what changed?'));
  });
});
