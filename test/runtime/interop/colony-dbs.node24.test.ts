import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ProgressDb } from '../../../src/runtime/colony/progress/progress-db';
import { openSqlite } from '../../../src/runtime/colony/progress/sqlite';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import { fixtureColonyCopy, useColonyTestEnv } from '../session/colony-helpers';
import { managerFor } from '../session/helpers';

describe('Hive interop: colony databases at start (docs/hive-format.md §3 rule 1, node:sqlite)', () => {
  let server: ScriptedServer;
  let home: string;
  useColonyTestEnv((env) => {
    ({ server, home } = env);
  });

  it('every home colony gets progress.db created, its stale claims reclaimed and its worker config wired', async () => {
    const colony = fixtureColonyCopy(home);
    rmSync(path.join(colony, 'data'), { recursive: true, force: true });
    const dbFile = path.join(colony, 'data', 'progress.db');
    const mgr = managerFor(home, server);
    await mgr.createSession({ queenId: 'queen_technology' });
    await mgr.stopAll();
    assert.ok(existsSync(dbFile), 'created at start, not only when a run needs it');
    const worker = JSON.parse(readFileSync(path.join(colony, 'worker.json'), 'utf8'));
    assert.deepEqual(
      [worker.input_data.db_path, worker.input_data.colony_id, worker.input_data.colony_data_dir],
      [dbFile, 'research_colony', path.dirname(dbFile)],
    );

    // A claim older than 15 minutes from a worker that is gone: put back to pending by the next start.
    const db = ProgressDb.open(dbFile);
    const id = db.enqueue({ goal: 'stale row' });
    db.claim('w_gone', { taskId: id });
    db.close();
    const raw = openSqlite(dbFile);
    raw
      .prepare(
        `UPDATE tasks SET claimed_at=datetime('now','-1 hour'), updated_at=datetime('now','-1 hour') WHERE id=?`,
      )
      .run(id);
    raw.close();
    const mgr2 = managerFor(home, server);
    await mgr2.createSession({ queenId: 'queen_technology' });
    await mgr2.stopAll();
    const again = ProgressDb.open(dbFile);
    const row = again.getTask(id)!;
    again.close();
    assert.deepEqual([row.status, row.retry_count], ['pending', 1]);
  });
});
