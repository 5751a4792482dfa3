import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { fixtureColonyCopy, useColonyTestEnv, waitFor, workspaceColony } from './colony-helpers';
import { managerFor } from './helpers';

function patchJson(file: string, patch: Record<string, unknown>): void {
  writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), ...patch }));
}

function readJson(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(file, 'utf8'));
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

  it('resumes metadata.queen_session_id when it exists on disk, with the colony loaded and no turn run', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const first = await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopAll();
    patchJson(path.join(folder, '.hive', 'metadata.json'), { queen_session_id: first.id });
    const mgr2 = managerFor(home, server);
    const s = await mgr2.openColony(folder);
    assert.equal(s.id, first.id);
    assert.equal(s.colony?.name, 'proj');
    // Hive's create_session_with_worker_colony: the queen starts with the worker loaded (rule 4: working).
    assert.equal(s.phase, 'working');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(server.requests.length, 0);
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

  it('with another session running, the colony still goes to its own session, not to the running one', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const own = await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopSession(own.id);
    patchJson(path.join(folder, '.hive', 'metadata.json'), { queen_session_id: own.id });
    const chat = await mgr.createSession({ queenId: 'queen_growth' });
    const s = await mgr.openColony(folder, { fallback: chat.id });
    assert.equal(s.id, own.id);
    assert.equal(s.colony?.path, folder);
    assert.equal(chat.colony, null, 'the running chat did not get the colony');
    assert.equal(readJson(path.join(chat.dir, 'meta.json')).agent_path ?? null, null);
    assert.equal(readJson(path.join(own.dir, 'meta.json')).agent_path, folder);
    await mgr.stopAll();
  });

  it('a colony with no session of its own goes to the chat in front, its metadata.json untouched', async () => {
    const folder = await workspaceColony(work);
    const metaFile = path.join(folder, '.hive', 'metadata.json');
    const before = readFileSync(metaFile, 'utf8');
    const mgr = managerFor(home, server);
    const chat = await mgr.createSession({ queenId: 'queen_growth' });
    server.enqueue(reply.text('Colony noted.'));
    const s = await mgr.openColony(folder, { fallback: chat.id });
    assert.equal(s, chat);
    assert.equal(chat.colony?.path, folder);
    assert.equal(readJson(path.join(chat.dir, 'meta.json')).agent_path, folder);
    // Loaded into a running session: Hive's load_colony wakes the queen.
    await waitFor(() => server.requests.length === 1 && !chat.busy, 'the woken turn');
    assert.equal(readFileSync(metaFile, 'utf8'), before);
    await mgr.stopAll();
  });

  it('`into` (a session the user named) gets the colony, its other colony unloaded first', async () => {
    const a = await workspaceColony(work, 'a');
    const b = await workspaceColony(work, 'b');
    const mgr = managerFor(home, server);
    server.setResponder(() => reply.text('ok'));
    const s = await mgr.openColony(a, { queenId: 'queen_technology' });
    const t = await mgr.openColony(b, { into: s.id });
    assert.equal(t, s);
    assert.equal(s.colony?.path, b);
    assert.equal(readJson(path.join(s.dir, 'meta.json')).agent_path, b);
    await mgr.stopAll();
  });
});
