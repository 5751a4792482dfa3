import assert from 'node:assert/strict';
import path from 'node:path';
import { ProgressDb } from '../../../src/runtime/colony/progress/progress-db';
import type { HiveEvent } from '../../../src/runtime/events';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import {
  afterTool,
  isWorkerRequest,
  lastText,
  router,
  taskOf,
  textOf,
  useColonyTestEnv,
  waitFor,
  workspaceColony,
} from './colony-helpers';
import { managerFor, record } from './helpers';

describe('run_parallel_workers with a progress.db (node:sqlite)', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('queues each task in progress.db first and hands the worker db_path, colony_id and task_id', async () => {
    const folder = await workspaceColony(work);
    const dbFile = path.join(folder, '.hive', 'data', 'progress.db');
    ProgressDb.open(dbFile).close();
    const mgr = managerFor(home, server);
    server.setResponder(
      router(
        (req) =>
          // Only the user's "go" starts the run: later turns (reports, phase notes) just answer.
          afterTool(req) || !lastText(req).includes('"go"')
            ? reply.text('ok')
            : reply.toolUse('run_parallel_workers', { tasks: [{ task: 'row one' }, { task: 'row two' }] }),
        () => reply.toolUse('report_to_parent', { status: 'success', summary: 'ok' }),
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen: HiveEvent[] = record(s);
    await s.send('go');
    await waitFor(() => seen.filter((e) => e.type === 'subagent_report').length === 2, 'two reports');
    await mgr.stopAll();

    const db = ProgressDb.open(dbFile);
    try {
      const rows = db.listTasks();
      assert.deepEqual(rows.map((r) => r.goal).sort(), ['row one', 'row two']);
      assert.ok(rows.every((r) => r.source === 'run_parallel_workers' && r.status === 'pending'));
      for (const req of server.requests.filter(isWorkerRequest)) {
        const row = rows.find((r) => r.goal === taskOf(req))!;
        const text = textOf(req);
        assert.ok(text.includes(`db_path: ${dbFile}`), 'db_path');
        assert.ok(text.includes('colony_id: proj'), 'colony_id');
        assert.ok(text.includes(`task_id: ${row.id}`), 'task_id');
      }
    } finally {
      db.close();
    }
  });
});
