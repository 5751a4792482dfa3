import { stat } from 'node:fs/promises';
import path from 'node:path';
import { isValidId } from '../storage/ids';
import { ColonyFileError, parseWith, readJsonFile } from './colony-errors';
import { type ColonyLayout, colonyNameFromFolder, findColonyDir, homeColonyFolder } from './colony-locate';
import {
  type ColonyMetadata,
  colonyMetadataSchema,
  type TriggerDef,
  toolsConfigSchema,
  triggersFileSchema,
} from './colony-schemas';
import { listColonySkills, type SkillEntry } from './colony-skills';
import { loadMcpServers, MCP_CONFIG_FILE, type McpServerSpec } from './mcp-config';
import { loadNamedWorkerConfig, scanWorkerConfigs, type WorkerConfigFile } from './worker-config';

/** Where the MCP allowlist came from: tools.json, the legacy field of metadata.json, or the default. */
export type ToolsConfigSource = 'tools.json' | 'metadata.json' | 'default';

export interface LoadedColony {
  /** Colony id (`^[a-z0-9_]+$`): metadata.colony_name, else the folder name made safe. */
  name: string;
  folder: string;
  /** The folder holding the colony files. */
  dir: string;
  /**
   * Where the workers' file tools and commands work: metadata.json `workspace_folder` when the colony was
   * made from a session on a workspace folder (and that folder exists), else the colony folder.
   */
  workFolder: string;
  layout: ColonyLayout;
  metadata: ColonyMetadata | null;
  /** The colony's worker (Hive's first worker config) or the one asked for by name. */
  worker: WorkerConfigFile;
  /** Every worker config found, in Hive's order. */
  workers: WorkerConfigFile[];
  /** null = every MCP tool allowed, [] = none. */
  enabledMcpTools: string[] | null;
  toolsConfigSource: ToolsConfigSource;
  triggers: TriggerDef[];
  mcpServers: McpServerSpec[];
  skills: SkillEntry[];
  /** `<dir>/data`, home of progress.db. */
  dataDir: string;
  progressDbPath: string;
  /** Problems that did not stop the load (skipped files, unreadable skill frontmatter). */
  warnings: string[];
}

export interface LoadColonyOptions {
  /** Worker-only sessions: load `{workerName}.json` as the worker instead of the first one. */
  workerName?: string;
}

/**
 * Loads the colony defined in `folder` (its `.hive/` subfolder first, else its root). Every invalid file
 * is a ColonyFileError whose message names the file and the field.
 */
export async function loadColony(folder: string, options: LoadColonyOptions = {}): Promise<LoadedColony> {
  const location = await findColonyDir(folder);
  const root = path.resolve(folder);
  if (!location)
    throw new ColonyFileError(root, [
      `${root}: no colony here (expected metadata.json or worker.json in .hive/ or at the folder root)`,
    ]);
  const { dir, layout } = location;
  const labelOf = (file: string) => path.relative(root, file) || path.basename(file);
  const warnings: string[] = [];

  const metadataFile = path.join(dir, 'metadata.json');
  const rawMetadata = await readJsonFile(metadataFile, labelOf(metadataFile));
  const metadata =
    rawMetadata === undefined
      ? null
      : parseWith(colonyMetadataSchema, rawMetadata, metadataFile, labelOf(metadataFile));

  const scan = await scanWorkerConfigs(dir, labelOf);
  warnings.push(...scan.warnings);
  let worker: WorkerConfigFile;
  if (options.workerName) worker = await loadNamedWorkerConfig(dir, options.workerName, labelOf);
  else {
    const first = scan.workers[0];
    if (!first)
      throw new ColonyFileError(dir, [`${labelOf(dir) || dir}: no worker config (worker.json) found`]);
    worker = first;
  }

  const tools = await loadToolsConfig(dir, labelOf, metadata);
  const triggersFile = path.join(dir, 'triggers.json');
  const rawTriggers = await readJsonFile(triggersFile, labelOf(triggersFile));
  const triggers =
    rawTriggers === undefined
      ? []
      : parseWith(triggersFileSchema, rawTriggers, triggersFile, labelOf(triggersFile));
  const mcpServers = await loadMcpServers(dir, labelOf(path.join(dir, MCP_CONFIG_FILE)));
  const skills = await listColonySkills(dir);
  warnings.push(...skills.warnings);

  const metaName = metadata?.colony_name;
  let name = metaName && isValidId('colony', metaName) ? metaName : colonyNameFromFolder(root);
  // HIVE_HOME/colonies/<name>: the folder name is the id Hive uses everywhere.
  if (
    layout === 'root' &&
    path.basename(path.dirname(root)) === 'colonies' &&
    isValidId('colony', path.basename(root))
  )
    name = path.basename(root);
  const dataDir = path.join(dir, 'data');
  const workFolder = await workFolderOf(metadata, root, warnings);
  return {
    name,
    folder: root,
    dir,
    workFolder,
    layout,
    metadata,
    worker,
    workers: scan.workers,
    enabledMcpTools: tools.enabled,
    toolsConfigSource: tools.source,
    triggers,
    mcpServers,
    skills: skills.skills,
    dataDir,
    progressDbPath: path.join(dataDir, 'progress.db'),
    warnings,
  };
}

/** metadata.workspace_folder when it is an absolute path to an existing folder; else the colony folder. */
async function workFolderOf(
  metadata: ColonyMetadata | null,
  root: string,
  warnings: string[],
): Promise<string> {
  const wanted = metadata?.workspace_folder;
  if (!wanted) return root;
  const info = path.isAbsolute(wanted) ? await stat(wanted).catch(() => undefined) : undefined;
  if (info?.isDirectory()) return path.resolve(wanted);
  warnings.push(`metadata.json: workspace_folder ${wanted} is not an existing folder; workers use ${root}`);
  return root;
}

/** Loads `HIVE_HOME/colonies/<name>` the same way as any folder. */
export async function loadHomeColony(
  hiveHome: string,
  name: string,
  options: LoadColonyOptions = {},
): Promise<LoadedColony> {
  return await loadColony(homeColonyFolder(hiveHome, name), options);
}

/**
 * The MCP allowlist (colony_tools_config.py): `tools.json` wins; else a legacy `enabled_mcp_tools` in
 * metadata.json (read, not migrated: loading never writes); else null (allow all). Unlike Hive, an
 * invalid tools.json is an error rather than a silent "allow everything".
 */
async function loadToolsConfig(
  dir: string,
  labelOf: (file: string) => string,
  metadata: ColonyMetadata | null,
): Promise<{ enabled: string[] | null; source: ToolsConfigSource }> {
  const file = path.join(dir, 'tools.json');
  const raw = await readJsonFile(file, labelOf(file));
  if (raw !== undefined) {
    const parsed = parseWith(toolsConfigSchema, raw, file, labelOf(file));
    return { enabled: parsed.enabled_mcp_tools ?? null, source: 'tools.json' };
  }
  if (metadata && metadata.enabled_mcp_tools !== undefined)
    return { enabled: metadata.enabled_mcp_tools ?? null, source: 'metadata.json' };
  return { enabled: null, source: 'default' };
}
