import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseColonySpec } from '../../../src/runtime/colony/colony-spec';
import { stageColony } from '../../../src/runtime/colony/colony-write';
import { PENDING_TASKS_FILE, writePendingTasks } from '../../../src/runtime/colony/progress/pending-tasks';
import { ensureProgressDb } from '../../../src/runtime/colony/progress/progress-db';
import { COLONY_ARGS } from '../session/colony-create-helpers';
import { removeDir, tempDir } from '../session/helpers';

// Runs under Node ≥22.5 only (npm run test:node24): node:sqlite.

describe('create_colony seeds progress.db (node:sqlite)', () => {
  let home: string;
  beforeEach(() => {
    home = tempDir('hive-create-db-');
  });
  afterEach(() => removeDir(home));

  async function create(args: Record<string, unknown>) {
    const staged = await stageColony({
      home,
      spec: parseColonySpec(args),
      queenId: 'queen_technology',
      queenPhase: 'incubating',
      sourceSessionId: 'session_20260421_100000_aaaaaaaa',
      forkSessionId: 'session_20260421_100001_bbbbbbbb',
      workspaceFolder: null,
      tools: ['read_file'],
      now: new Date('2026-04-21T10:00:00Z'),
    });
    await staged.commit();
    return staged;
  }

  it('inserts the given tasks with their steps and SOP items, and pins the first in worker.json', async () => {
    const staged = await create(COLONY_ARGS);
    assert.equal(staged.tasksStored, 'db');
    const { db } = ensureProgressDb(path.join(staged.folder, 'data'));
    try {
      const tasks = db.listTasks();
      assert.deepEqual(
        tasks.map((t) => [t.goal, t.priority, t.status, t.source]),
        [
          ['Digest for Monday', 2, 'pending', 'queen_create'],
          ['Digest for Tuesday', 0, 'pending', 'queen_create'],
        ],
      );
      assert.deepEqual(
        tasks.map((t) => t.id),
        staged.taskIds,
      );
      assert.deepEqual(
        db.listSteps(staged.taskIds[0]!).map((s) => [s.seq, s.title]),
        [[1, 'list issues']],
      );
      assert.deepEqual(
        db.listSop(staged.taskIds[1]!).map((s) => [s.key, s.required]),
        [['reviewed', 1]],
      );
    } finally {
      db.close();
    }
    const worker = JSON.parse(readFileSync(path.join(staged.folder, 'worker.json'), 'utf8'));
    assert.equal(worker.input_data.task_id, staged.taskIds[0]);
  });

  it("without a task list, one task is seeded from `task` (Hive's auto-seed)", async () => {
    const staged = await create({ ...COLONY_ARGS, tasks: undefined });
    const { db } = ensureProgressDb(path.join(staged.folder, 'data'));
    try {
      assert.deepEqual(
        db.listTasks().map((t) => [t.goal, t.source]),
        [[COLONY_ARGS.task, 'create_colony_auto']],
      );
    } finally {
      db.close();
    }
  });

  it('tasks kept in pending_tasks.json (a Node without sqlite) go into the DB on its first open, once', async () => {
    const dataDir = path.join(home, 'data');
    mkdirSync(dataDir);
    await writePendingTasks(
      dataDir,
      [
        { id: 'a1', goal: 'first' },
        { id: 'a2', goal: 'second' },
      ],
      'queen_create',
    );
    const first = ensureProgressDb(dataDir).db;
    first.close();
    assert.ok(!existsSync(path.join(dataDir, PENDING_TASKS_FILE)));
    const { db } = ensureProgressDb(dataDir);
    try {
      assert.deepEqual(
        db.listTasks().map((t) => [t.id, t.goal, t.source]),
        [
          ['a1', 'first', 'queen_create'],
          ['a2', 'second', 'queen_create'],
        ],
      );
    } finally {
      db.close();
    }
  });
});
