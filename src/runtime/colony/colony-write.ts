import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HiveError } from '../errors';
import { coloniesDir } from '../storage/paths';
import { DEFAULT_LOOP_CONFIG } from './colony-scaffold';
import type { ColonySpec } from './colony-spec';
import { writePendingTasks } from './progress/pending-tasks';
import { ProgressDb } from './progress/progress-db';
import { loadSqlite, SqliteUnavailableError } from './progress/sqlite';

/**
 * Writes a colony made by create_colony into HIVE_HOME/colonies/<name>/ (Hive:
 * core/framework/server/routes_execution.py fork_session_into_colony and
 * core/framework/skills/authoring.py write_skill): the skill, worker.json, metadata.json, triggers.json
 * and data/progress.db with its tasks. Everything is staged in a hidden folder beside the target and
 * renamed into place by `commit()`, so a failure leaves no half-made colony.
 */

export interface ColonyWriteInput {
  home: string;
  spec: ColonySpec;
  queenId: string;
  queenPhase: string;
  sourceSessionId: string;
  /** The session the colony opens (the fork copy); metadata.json `queen_session_id`. */
  forkSessionId: string;
  /** The workspace folder of the session, recorded so the colony's workers work there. */
  workspaceFolder: string | null;
  /** Tool names for worker.json (the queen's minus queen-only ones). */
  tools: string[];
  now: Date;
}

export interface StagedColony {
  /** Where the colony will be: HIVE_HOME/colonies/<name>. */
  folder: string;
  dbPath: string;
  taskIds: string[];
  /** `db`: rows are in progress.db; `pending`: no node:sqlite here, kept for the first open with it. */
  tasksStored: 'db' | 'pending';
  /** Why the tasks are pending (no node:sqlite), for the tool result. */
  pendingReason?: string;
  skillDir: string;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export class ColonyExistsError extends HiveError {
  override name = 'ColonyExistsError';
  constructor(readonly folder: string) {
    super('COLONY_EXISTS', `a colony already exists at ${folder}; pick another colony_name`);
  }
}

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
const isoUtc = (d: Date) => d.toISOString().replace('Z', '+00:00');

/** Hive's worker brief: a task executor, not the queen's persona. */
export function forkedWorkerPrompt(task: string): string {
  return (
    'You are a focused worker agent spawned by the queen to carry out one specific task. Read the goal ' +
    'carefully, use your available tools to make progress, and call set_output when complete. If you get ' +
    'stuck or need human judgement, call escalate to hand the question back to the queen.\n\n' +
    `Task: ${task}`
  );
}

export async function stageColony(input: ColonyWriteInput): Promise<StagedColony> {
  const { spec } = input;
  const root = coloniesDir(input.home);
  const folder = path.join(root, spec.name);
  if (existsSync(folder)) throw new ColonyExistsError(folder);
  await mkdir(root, { recursive: true });
  const tmp = path.join(root, `.${spec.name}.creating-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    const skillRel = path.join('.hive', 'skills', spec.skill.name);
    await writeSkill(path.join(tmp, skillRel), spec);

    const dataDir = path.join(tmp, 'data');
    await mkdir(dataDir);
    const dbPath = path.join(folder, 'data', 'progress.db');
    // Hive seeds one task from `task` when no list is given, so the first worker has a row to claim.
    const tasks = (spec.tasks.length ? spec.tasks : [{ goal: spec.task }]).map((t) => ({
      ...t,
      id: randomUUID(),
    }));
    const source = spec.tasks.length ? 'queen_create' : 'create_colony_auto';
    const stored = await seedTasks(dataDir, tasks, source);
    const taskIds = tasks.map((t) => t.id);

    const iso = isoUtc(input.now);
    const worker: Record<string, unknown> = {
      name: 'worker',
      version: '1.0.0',
      description: `Worker clone from queen session ${input.sourceSessionId}`,
      input_data: {
        db_path: dbPath,
        colony_id: spec.name,
        task_id: taskIds[0],
        colony_data_dir: path.join(folder, 'data'),
      },
      goal: { description: spec.task, success_criteria: [], constraints: [] },
      system_prompt: forkedWorkerPrompt(spec.task),
      tools: input.tools,
      skills_catalog_prompt: '',
      protocols_prompt: '',
      skill_dirs: [path.join(folder, skillRel)],
      identity_prompt: '',
      memory_prompt: '',
      queen_phase: input.queenPhase,
      queen_id: input.queenId,
      loop_config: DEFAULT_LOOP_CONFIG,
      spawned_from: input.sourceSessionId,
      spawned_at: iso,
    };
    if (spec.concurrencyHint) worker.concurrency_hint = spec.concurrencyHint;
    const metadata: Record<string, unknown> = {
      colony_name: spec.name,
      queen_name: input.queenId,
      queen_session_id: input.forkSessionId,
      source_session_id: input.sourceSessionId,
      created_at: iso,
      updated_at: iso,
      workers: { worker: { task: spec.task.slice(0, 100), spawned_at: iso } },
    };
    if (input.workspaceFolder) metadata.workspace_folder = input.workspaceFolder;
    await writeFile(path.join(tmp, 'worker.json'), json(worker), { flag: 'wx' });
    await writeFile(path.join(tmp, 'metadata.json'), json(metadata), { flag: 'wx' });
    await writeFile(path.join(tmp, 'triggers.json'), json(spec.triggers), { flag: 'wx' });

    return {
      folder,
      dbPath,
      taskIds,
      tasksStored: stored.kind,
      ...(stored.reason ? { pendingReason: stored.reason } : {}),
      skillDir: path.join(folder, skillRel),
      async commit() {
        if (existsSync(folder)) throw new ColonyExistsError(folder);
        await rename(tmp, folder);
      },
      discard: () => rm(tmp, { recursive: true, force: true }),
    };
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** SKILL.md (frontmatter name + description, then the body) and the supporting files. */
async function writeSkill(dir: string, spec: ColonySpec): Promise<void> {
  await mkdir(dir, { recursive: true });
  const { name, description, body } = spec.skill;
  await writeFile(
    path.join(dir, 'SKILL.md'),
    `---\nname: ${name}\ndescription: ${description}\n---\n\n${body.trimEnd()}\n`,
    { flag: 'wx' },
  );
  for (const f of spec.skill.files) {
    const target = path.resolve(dir, f.path);
    // The spec already refused escaping paths; this keeps the promise even if it changes.
    if (!target.startsWith(`${dir}${path.sep}`))
      throw new Error(`skill file ${f.path} is outside the skill folder`);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, f.content, { flag: 'wx' });
  }
}

async function seedTasks(
  dataDir: string,
  tasks: Array<import('./progress/progress-db').NewTask & { id: string }>,
  source: string,
): Promise<{ kind: 'db' | 'pending'; reason?: string }> {
  try {
    loadSqlite();
  } catch (err) {
    if (!(err instanceof SqliteUnavailableError)) throw err;
    await writePendingTasks(dataDir, tasks, source);
    return { kind: 'pending', reason: err.message };
  }
  const db = ProgressDb.open(path.join(dataDir, 'progress.db'));
  try {
    db.seedTasks(tasks, source);
  } finally {
    db.close();
  }
  return { kind: 'db' };
}
