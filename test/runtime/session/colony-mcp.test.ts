import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { isPidAlive } from '../../../src/runtime/colony/pid';
import type { HiveEvent } from '../../../src/runtime/events';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import {
  isUserTurn,
  isWorkerRequest,
  router,
  toolResultsOf,
  useColonyTestEnv,
  waitFor,
  workerTurn,
  workspaceColony,
} from './colony-helpers';
import { managerFor, record } from './helpers';

const repo = path.join(__dirname, '../../..');

describe('colony MCP servers in a session', function () {
  this.timeout(60_000);
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('start with the colony, reach workers through the tools.json allowlist, stop on unload', async () => {
    const folder = await workspaceColony(work);
    writeFileSync(
      path.join(folder, '.hive', 'mcp_servers.json'),
      JSON.stringify({
        test: {
          transport: 'stdio',
          command: process.execPath,
          args: ['--require', 'tsx/cjs', path.join(repo, 'test/support/mcp-test-server.ts')],
          cwd: repo,
        },
      }),
    );
    writeFileSync(path.join(folder, '.hive', 'tools.json'), JSON.stringify({ enabled_mcp_tools: ['echo'] }));
    const mgr = managerFor(home, server);
    server.setResponder(
      router(
        (req) =>
          !isUserTurn(req, 'go')
            ? reply.text('ok')
            : reply.toolUse('run_parallel_workers', { tasks: [{ task: 'echo something' }] }),
        (req) =>
          workerTurn(req) === 0
            ? reply.toolUse('echo', { text: 'hello mcp' })
            : reply.toolUse('report_to_parent', { status: 'success', summary: 'echoed' }),
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const pids = s.colonyRuntimeForTests!.mcpPids;
    assert.equal(pids.length, 1);
    assert.ok(isPidAlive(pids[0]!));
    const seen: HiveEvent[] = record(s);
    await s.send('go');
    await waitFor(() => seen.some((e) => e.type === 'subagent_report'), 'the report');
    const first = server.requests.find(isWorkerRequest)!;
    const names = (first.body.tools as Array<{ name: string }>).map((t) => t.name);
    assert.ok(names.includes('echo'));
    assert.ok(!names.includes('add'), 'tools.json leaves add out');
    const second = server.requests.filter(isWorkerRequest).find((r) => workerTurn(r) === 1)!;
    assert.match(JSON.stringify(toolResultsOf(second)), /echo: hello mcp/);

    assert.equal(await s.unloadColony(), true);
    await waitFor(() => !isPidAlive(pids[0]!), 'the MCP server to stop');
    await mgr.stopAll();
  });
});
