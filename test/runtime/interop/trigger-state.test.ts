import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { hiveStateFile } from '../../../src/runtime/triggers/hive-session-state';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import { fixtureColonyCopy, useColonyTestEnv } from '../session/colony-helpers';
import { managerFor } from '../session/helpers';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

describe('Hive interop: trigger state in Hive’s state.json', () => {
  let server: ScriptedServer;
  let home: string;
  useColonyTestEnv((env) => {
    ({ server, home } = env);
  });

  it('a trigger Hive activated starts here with its task; our changes are written back with Hive’s fields', async () => {
    const colony = fixtureColonyCopy(home);
    const defs = readJson(path.join(colony, 'triggers.json'));
    defs[0].enabled = false; // daily_digest is off in triggers.json…
    writeFileSync(path.join(colony, 'triggers.json'), JSON.stringify(defs, null, 2));
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopSession(s.id);
    // …but Hive's session state lists it as active, with a task override.
    const stateFile = hiveStateFile(s.dir, s.id);
    mkdirSync(path.dirname(stateFile), { recursive: true });
    writeFileSync(
      stateFile,
      JSON.stringify({
        schema_version: '1.1',
        session_id: s.id,
        goal_id: 'g',
        timestamps: { started_at: '2026-01-01T00:00:00', updated_at: '2026-01-01T00:00:00' },
        active_triggers: ['daily_digest'],
        trigger_tasks: { daily_digest: 'Digest from Hive' },
        worker_configured: true,
        progress: { steps_executed: 3 },
      }),
    );

    const r = await mgr.resumeSession(s.id);
    await r.loadColony(colony);
    const listed = r.triggers.list();
    const digest = listed.find((t) => t.trigger_id === 'daily_digest');
    assert.equal(digest?.active, true, 'started because Hive’s state.json says so');
    assert.equal(digest?.task, 'Digest from Hive');

    await r.triggers.triggerManager!.deactivate('on_release');
    await mgr.stopAll();
    const state = readJson(stateFile);
    assert.deepEqual(state.active_triggers, ['daily_digest']);
    assert.deepEqual(state.trigger_tasks, { daily_digest: 'Digest from Hive' });
    assert.equal(state.worker_configured, true, 'Hive’s other fields are kept');
    assert.deepEqual(state.progress, { steps_executed: 3 });
    assert.equal(state.timestamps.started_at, '2026-01-01T00:00:00');
    assert.notEqual(state.timestamps.updated_at, '2026-01-01T00:00:00');
  });

  it('a session with no state.json gets one Hive’s SessionState accepts, listing the autostarted triggers', async () => {
    const colony = fixtureColonyCopy(home);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    await s.loadColony(colony);
    await mgr.stopAll();
    const state = readJson(hiveStateFile(s.dir, s.id));
    assert.equal(state.session_id, s.id);
    assert.equal(typeof state.goal_id, 'string');
    assert.equal(typeof state.timestamps.started_at, 'string');
    assert.deepEqual([...state.active_triggers].sort(), ['daily_digest', 'on_release']);
  });
});
