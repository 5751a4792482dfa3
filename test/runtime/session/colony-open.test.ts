import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import { fixtureColonyCopy, useColonyTestEnv, workspaceColony } from './colony-helpers';
import { managerFor } from './helpers';

function patchJson(file: string, patch: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));
}

describe('SessionManager.openColony (docs/hive-format.md §3 rule 5)', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('returns the live session already on the colony', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const a = await mgr.openColony(folder, { queenId: 'queen_technology' });
    assert.equal(a.colony?.path, folder);
    assert.equal(await mgr.openColony(folder), a);
    await mgr.stopAll();
  });

  it('resumes metadata.queen_session_id when it exists on disk, with the colony loaded', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const first = await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopAll();
    patchJson(path.join(folder, '.hive', 'metadata.json'), { queen_session_id: first.id });
    const mgr2 = managerFor(home, server);
    const s = await mgr2.openColony(folder);
    assert.equal(s.id, first.id);
    assert.equal(s.colony?.name, 'proj');
    assert.equal(s.phase, 'reviewing');
    await mgr2.stopAll();
  });

  it("creates a session with metadata.queen_name's queen when its queen_session_id is not on disk", async () => {
    const folder = fixtureColonyCopy(work);
    patchJson(path.join(folder, 'metadata.json'), { queen_name: 'queen_growth' });
    const mgr = managerFor(home, server);
    const s = await mgr.openColony(folder);
    assert.equal(s.queen.queen_id, 'queen_growth');
    assert.notEqual(s.id, 'session_20260421_101500_a1b2c3d4');
    assert.equal(s.colony?.name, 'research_colony');
    assert.equal(s.phase, 'working');
    await mgr.stopAll();
  });
});
