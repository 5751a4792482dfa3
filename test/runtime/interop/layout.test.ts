import assert from 'node:assert/strict';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { homeLayout } from '../../../src/runtime/storage/paths';
import { managerFor, useSessionTestEnv } from '../session/helpers';

const SEED_HOME = path.join(__dirname, '../../fixtures/hive-home');

describe('Hive interop: new sessions go where the home’s Hive looks', () => {
  let env: { server: import('../../support/scripted-anthropic-server').ScriptedServer; home: string };
  useSessionTestEnv((e) => {
    env = e;
  });

  it('a seed-era home (agents/queens, no .migrated-v3): sessions and profiles under agents/queens', async () => {
    cpSync(SEED_HOME, env.home, { recursive: true });
    assert.equal(homeLayout(env.home), 'seed');
    const mgr = managerFor(env.home, env.server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopAll();
    // Seed-era Hive's lookup: QUEENS_DIR/*/sessions/<sid> with QUEENS_DIR = ~/.hive/agents/queens.
    assert.equal(s.dir, path.join(env.home, 'agents', 'queens', 'queen_technology', 'sessions', s.id));
    assert.ok(existsSync(path.join(s.dir, 'meta.json')));
    assert.ok(existsSync(path.join(env.home, 'agents', 'queens', 'queen_technology', 'profile.yaml')));
    assert.equal(
      existsSync(path.join(env.home, 'queens')),
      false,
      'nothing written where this Hive never looks',
    );
  });

  it('a migrated home (.migrated-v3 beside a leftover agents/queens): the current layout', async () => {
    cpSync(SEED_HOME, env.home, { recursive: true });
    writeFileSync(path.join(env.home, '.migrated-v3'), '');
    assert.equal(homeLayout(env.home), 'queens');
    const mgr = managerFor(env.home, env.server);
    const s = await mgr.createSession({ queenId: 'queen_growth' });
    await mgr.stopAll();
    assert.equal(s.dir, path.join(env.home, 'queens', 'queen_growth', 'sessions', s.id));
  });

  it('a fresh home: the current layout; a seed-era session in it still resumes in place', async () => {
    assert.equal(homeLayout(env.home), 'queens');
    const mgr = managerFor(env.home, env.server);
    const s = await mgr.createSession({ queenId: 'queen_growth' });
    await mgr.stopAll();
    assert.equal(s.dir, path.join(env.home, 'queens', 'queen_growth', 'sessions', s.id));
    cpSync(path.join(SEED_HOME, 'agents'), path.join(env.home, 'agents'), { recursive: true });
    const sid = 'session_20260410_093012_1a2b3c4d';
    const r = await mgr.resumeSession(sid);
    await mgr.stopAll();
    assert.equal(r.dir, path.join(env.home, 'agents', 'queens', 'queen_growth', 'sessions', sid));
  });
});
