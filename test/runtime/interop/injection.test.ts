import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RecordedRequest, ScriptedServer } from '../../support/scripted-anthropic-server';
import { fault, reply } from '../../support/scripted-anthropic-server';
import { gate, lastText, useColonyTestEnv, waitFor, workspaceColony } from '../session/colony-helpers';
import { managerFor, record } from '../session/helpers';

function partsOnDisk(sessionDir: string): Array<{ role: string; content: string }> {
  const dir = path.join(sessionDir, 'conversations', 'parts');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
}

const settle = () => new Promise((r) => setTimeout(r, 300));

describe('Hive interop: text injected for the queen is written when injected', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('[SYSTEM] Colony loaded and [PHASE CHANGE] are on disk before the turn they wake, and survive a stop in it', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    // The turn the load wakes never gets an answer: the session is stopped in it.
    server.enqueue(fault.hang());
    await s.loadColony(folder);
    await waitFor(() => server.requests.length === 1, 'the woken turn');
    const before = partsOnDisk(s.dir).map((p) => p.content);
    assert.ok(
      before.some((c) => c.startsWith('[SYSTEM] Colony loaded.')),
      before.join('\n---\n'),
    );
    assert.ok(before.some((c) => c.startsWith('[PHASE CHANGE]')));
    await mgr.stopSession(s.id);
    const after = partsOnDisk(s.dir);
    assert.deepEqual(
      after.map((p) => p.content),
      before,
    );
    for (const p of after) assert.equal(p.role, 'user');
  });
});

describe('Hive interop: which injected texts wake the queen (agent_loop.py inject_event)', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('a colony loaded into a running, idle session wakes her once, and the turn streams like any other', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    server.enqueue(reply.text('The colony proj is ready.'));
    await s.loadColony(folder);
    await waitFor(() => server.requests.length === 1 && !s.busy, 'the woken turn to end');
    await settle();
    // One turn for the load: the colony note and the phase note it caused, together.
    assert.equal(server.requests.length, 1);
    const last = lastText(server.requests[0]!);
    assert.match(last, /\[SYSTEM\] Colony loaded\./);
    assert.match(last, /\[PHASE CHANGE\] Switched to REVIEWING/);
    const deltas = seen.filter((e) => e.type === 'client_output_delta' && e.stream_id === 'queen');
    assert.ok(deltas.length > 0, 'the woken turn streams as client_output_delta');
    assert.equal(seen.filter((e) => e.type === 'llm_turn_complete').length, 1);
    const parts = partsOnDisk(s.dir);
    assert.deepEqual(parts.at(-1), {
      ...parts.at(-1),
      role: 'assistant',
      content: 'The colony proj is ready.',
    });
    await mgr.stopAll();
  });

  it('a phase change made by the user wakes her with [PHASE CHANGE]; one made by her own tool does not', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    // Opened with its colony: Hive's create_session_with_worker_colony injects nothing and runs no turn.
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    await settle();
    assert.equal(server.requests.length, 0, 'opening a colony with its session runs no turn');
    assert.equal(s.phase, 'working');
    server.enqueue(reply.text('Reviewing now.'));
    await s.setPhase('reviewing');
    await waitFor(() => server.requests.length === 1 && !s.busy, 'the woken turn');
    assert.match(lastText(server.requests[0]!), /\[PHASE CHANGE\] Switched to REVIEWING/);
    await settle();
    assert.equal(server.requests.length, 1);
    await mgr.stopAll();
  });

  it('mid-turn, an injection waits for her next model call and never starts a second run', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const held = gate();
    const inFlight: RecordedRequest[] = [];
    let open = 0;
    let maxOpen = 0;
    server.setResponder(async (req) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      inFlight.push(req);
      try {
        if (inFlight.length === 1) await held.wait;
        return reply.text(inFlight.length === 1 ? 'Hello.' : 'Noted the colony.');
      } finally {
        open--;
      }
    });
    const turn = s.send('hello');
    await waitFor(() => server.requests.length === 1, 'her turn');
    await s.loadColony(folder);
    await settle();
    assert.equal(server.requests.length, 1, 'nothing started while she was mid-turn');
    held.open();
    await turn;
    await waitFor(() => server.requests.length === 2 && !s.busy, 'the queued note answered');
    await settle();
    assert.equal(server.requests.length, 2);
    assert.equal(maxOpen, 1, 'never two model calls of hers at once');
    assert.match(lastText(server.requests[1]!), /\[SYSTEM\] Colony loaded\./);
    assert.doesNotMatch(lastText(server.requests[0]!), /Colony loaded/);
    await mgr.stopAll();
  });

  it('a resumed session re-loading its colony wakes her (Hive: cold restore auto-loads, then reviewing)', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    await mgr.stopAll();
    assert.equal(server.requests.length, 0);
    const mgr2 = managerFor(home, server);
    server.enqueue(reply.text('Back, with the colony.'));
    const r = await mgr2.resumeSession(s.id);
    await waitFor(() => server.requests.length === 1 && !r.busy, 'the woken turn');
    const sent = lastText(server.requests[0]!);
    assert.match(sent, /\[SYSTEM\] Colony loaded\./);
    assert.match(sent, /\[PHASE CHANGE\] Switched to REVIEWING/);
    await settle();
    assert.equal(server.requests.length, 1);
    await mgr2.stopAll();
  });
});
