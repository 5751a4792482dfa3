import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { STALE_ERROR } from '../../../src/runtime/colony/stale-sessions';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import { fixtureColonyCopy, useColonyTestEnv } from '../session/colony-helpers';
import { managerFor } from '../session/helpers';

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0']);
  const pid = child.pid!;
  await new Promise((r) => child.on('exit', r));
  return pid;
}

function activeState(file: string, pid: number): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(
    file,
    JSON.stringify({
      schema_version: '1.1',
      session_id: path.basename(path.dirname(file)),
      status: 'active',
      pid,
    }),
  );
}

describe('Hive interop: stale worker sessions (docs/hive-format.md §3 rule 22) at start and on colony load', () => {
  let server: ScriptedServer;
  let home: string;
  useColonyTestEnv((env) => {
    ({ server, home } = env);
  });

  it('a dead runtime’s active worker state is cancelled when the first session starts, and again on colony load', async () => {
    const colony = fixtureColonyCopy(home);
    const atStart = path.join(
      home,
      'agents',
      'research_colony',
      'worker',
      'sessions',
      'session_20260101_000000_aaaaaaaa',
      'state.json',
    );
    activeState(atStart, await deadPid());
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    let state = JSON.parse(readFileSync(atStart, 'utf8'));
    assert.equal(state.status, 'cancelled');
    assert.equal(state.result.error, STALE_ERROR);

    // Left active after the start (another runtime died since): the colony's load cleans it up.
    const onLoad = path.join(colony, 'workers', 'session_20260101_000000_bbbbbbbb', 'state.json');
    activeState(onLoad, await deadPid());
    const alive = path.join(colony, 'workers', 'session_20260101_000000_cccccccc', 'state.json');
    activeState(alive, process.pid);
    await s.loadColony(colony);
    state = JSON.parse(readFileSync(onLoad, 'utf8'));
    assert.equal(state.status, 'cancelled');
    assert.equal(JSON.parse(readFileSync(alive, 'utf8')).status, 'active', 'a running pid is left alone');
    await mgr.stopAll();
  });
});
