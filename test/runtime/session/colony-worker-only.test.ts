import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { systemOf, toolResultsOf, useColonyTestEnv, workspaceColony } from './colony-helpers';
import { managerFor, nextEvent } from './helpers';

describe('worker-only sessions', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('{worker_name}.json is the primary chat: its prompt and tools, escalate asks the user, resume keeps it', async () => {
    const folder = await workspaceColony(work);
    writeFileSync(
      path.join(folder, '.hive', 'researcher.json'),
      JSON.stringify({
        name: 'researcher',
        system_prompt: 'You are the researcher.',
        goal: { description: 'Dig' },
      }),
    );
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({
      queenId: 'queen_technology',
      colonyFolder: folder,
      workerName: 'researcher',
    });
    assert.equal(s.workerName, 'researcher');
    assert.equal(s.colony?.workerName, 'researcher');
    const meta = JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8'));
    assert.equal(meta.worker_name, 'researcher');
    assert.equal(meta.agent_path, folder);

    server.enqueue(reply.toolUse('escalate', { reason: 'Which source?' }), reply.text('Using the wiki.'));
    const asked = nextEvent(s, (e) => e.type === 'client_input_requested');
    const turn = s.send('research X');
    assert.match(JSON.stringify((await asked).data), /Which source\?/);
    await s.send('the wiki');
    await turn;
    const first = server.requests[0]!;
    assert.match(systemOf(first), /You are the researcher\./);
    const tools = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
    assert.ok(tools.includes('read_file') && tools.includes('escalate'));
    assert.ok(!tools.includes('run_parallel_workers') && !tools.includes('ask_user'), 'no queen tools');
    assert.match(JSON.stringify(toolResultsOf(server.requests[1]!)), /The user answered: the wiki/);
    await mgr.stopAll();

    const r = await managerFor(home, server).resumeSession(s.id);
    assert.equal(r.workerName, 'researcher');
    server.enqueue(reply.text('still me'));
    await r.send('again');
    assert.match(systemOf(server.requests.at(-1)!), /You are the researcher\./);
    await r.stop();
  });
});
