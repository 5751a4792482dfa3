import { randomBytes } from 'node:crypto';
import { link, lstat, mkdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { validateId } from '../storage/ids';
import { ColonyFileError } from './colony-errors';
import { colonyNameFromFolder, findColonyDir, HIVE_SUBFOLDER } from './colony-locate';
import { WORKER_FILE_TOOL_NAMES } from './tools/names';

export interface ScaffoldOptions {
  goal: string;
  /** Colony id; default: the folder name made safe (`^[a-z0-9_]+$`). */
  name?: string;
  now?: () => Date;
}

export interface ScaffoldResult {
  name: string;
  /** The new `.hive/` folder. */
  dir: string;
  files: string[];
}

/** Loop limits written into a new worker.json (Hive copies the queen's; these are ours). */
export const DEFAULT_LOOP_CONFIG = {
  max_iterations: 200,
  max_tool_calls_per_turn: 30,
  max_context_tokens: 180_000,
  max_tool_result_chars: 30_000,
};

/**
 * Writes a new colony into `<folder>/.hive/`: metadata.json, worker.json, triggers.json (`[]`) and
 * tools.json (allow every MCP tool). All or nothing: the files are written into a temporary folder that is
 * renamed into place, or (when `.hive/` already exists without a colony, e.g. holding skills) hard-linked
 * in one by one, which never replaces an existing file; a failure removes what was added. Refuses when the
 * folder already has a colony, in `.hive/` or at its root.
 */
export async function scaffoldColony(folder: string, options: ScaffoldOptions): Promise<ScaffoldResult> {
  const root = path.resolve(folder);
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new ColonyFileError(root, [`${root}: not a folder`]);
  const goal = typeof options.goal === 'string' ? options.goal.trim() : '';
  if (!goal) throw new ColonyFileError(root, ['worker.json: goal.description must not be empty']);
  const name = options.name === undefined ? colonyNameFromFolder(root) : validateId('colony', options.name);
  const existing = await findColonyDir(root);
  if (existing)
    throw new ColonyFileError(existing.dir, [
      `${existing.dir}: a colony already exists here; not overwriting it`,
    ]);

  const dir = path.join(root, HIVE_SUBFOLDER);
  const files = colonyFiles(name, goal, (options.now ?? (() => new Date()))());
  const tmp = path.join(root, `${HIVE_SUBFOLDER}.scaffold-${randomBytes(4).toString('hex')}`);
  await mkdir(tmp);
  try {
    for (const [file, content] of files) await writeFile(path.join(tmp, file), content, { flag: 'wx' });
    const target = await lstat(dir).catch(() => undefined);
    if (target && !target.isDirectory())
      throw new ColonyFileError(dir, [`${dir}: exists and is not a folder; not writing a colony into it`]);
    if (!target) {
      try {
        await rename(tmp, dir);
        return { name, dir, files: files.map(([f]) => path.join(dir, f)) };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
        // `.hive/` appeared meanwhile: fall through to linking file by file.
      }
    }
    await linkAll(
      tmp,
      dir,
      files.map(([f]) => f),
    );
    return { name, dir, files: files.map(([f]) => path.join(dir, f)) };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** Hard-links each file into `dir` (fails rather than replace); on error removes the ones it added. */
async function linkAll(from: string, dir: string, names: string[]): Promise<void> {
  const added: string[] = [];
  try {
    for (const n of names) {
      await link(path.join(from, n), path.join(dir, n));
      added.push(path.join(dir, n));
    }
  } catch (err) {
    for (const f of added) await unlink(f).catch(() => undefined);
    if ((err as NodeJS.ErrnoException).code === 'EEXIST')
      throw new ColonyFileError(dir, [`${dir}: already holds colony files; not overwriting them`]);
    throw err;
  }
}

/** File name → content of a new colony. */
function colonyFiles(name: string, goal: string, now: Date): Array<[string, string]> {
  const iso = now.toISOString().replace('Z', '+00:00');
  const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;
  const worker = {
    name: 'worker',
    version: '1.0.0',
    description: `Worker of colony ${name}`,
    input_data: {},
    goal: { description: goal, success_criteria: [], constraints: [] },
    system_prompt:
      `You are a worker agent of the colony "${name}". Work towards the goal below with your tools; ` +
      'your files are confined to the colony folder. When you are done, call set_output with the result ' +
      'and report_to_parent with a short summary. If you are blocked or need a decision, call escalate.\n\n' +
      `Goal: ${goal}`,
    tools: [...WORKER_FILE_TOOL_NAMES],
    identity_prompt: '',
    memory_prompt: '',
    loop_config: DEFAULT_LOOP_CONFIG,
    spawned_at: iso,
  };
  return [
    [
      'metadata.json',
      json({
        colony_name: name,
        created_at: iso,
        updated_at: iso,
        workers: { worker: { task: goal.slice(0, 100), spawned_at: iso } },
      }),
    ],
    ['triggers.json', json([])],
    ['tools.json', json({ enabled_mcp_tools: null, updated_at: iso })],
    ['worker.json', json(worker)],
  ];
}
