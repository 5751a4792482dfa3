import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { validateId } from '../storage/ids';
import { ColonyFileError, parseWith, readJsonFile } from './colony-errors';
import { type WorkerConfig, workerConfigSchema } from './colony-schemas';

/**
 * Hive's AgentLoader takes the first `*.json` of the colony folder alphabetically, except agent,
 * flowchart, triggers, configuration and metadata. That lets `skills_overrides.json` and `tools.json`
 * (both sorted before `worker.json`) be taken as the worker (docs/hive-format.md §5 bug 11), so we also
 * exclude them and `mcp_servers.json`. A workspace folder's root is full of other JSON (package.json,
 * tsconfig.json), so a candidate must also look like a worker config: a JSON object with a
 * `system_prompt` or `goal` key. In a colony written by Hive this picks exactly what Hive picks.
 */
export const NON_WORKER_JSON = new Set([
  'agent',
  'flowchart',
  'triggers',
  'configuration',
  'metadata',
  'tools',
  'skills_overrides',
  'mcp_servers',
]);

/** Files bigger than this are not read while looking for a worker config (package-lock.json…). */
const MAX_CANDIDATE_BYTES = 1024 * 1024;

export interface WorkerConfigFile {
  /** From the file's `name`, else the file stem. */
  name: string;
  file: string;
  config: WorkerConfig;
}

export interface WorkerScan {
  workers: WorkerConfigFile[];
  /** Candidates that could not be read as JSON (skipped, except worker.json which is an error). */
  warnings: string[];
}

/**
 * Every worker config in `dir`, in Hive's order (the first is the colony's worker). `labelOf` turns a
 * path into the name used in messages (e.g. `.hive/worker.json`).
 */
export async function scanWorkerConfigs(dir: string, labelOf: (file: string) => string): Promise<WorkerScan> {
  const names = await jsonFileNames(dir);
  const workers: WorkerConfigFile[] = [];
  const warnings: string[] = [];
  for (const fileName of names) {
    const stem = fileName.slice(0, -'.json'.length);
    if (NON_WORKER_JSON.has(stem)) continue;
    const file = path.join(dir, fileName);
    const label = labelOf(file);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) continue;
    if (info.size > MAX_CANDIDATE_BYTES && stem !== 'worker') continue;
    let raw: unknown;
    try {
      raw = await readJsonFile(file, label);
    } catch (err) {
      if (stem === 'worker') throw err;
      warnings.push(`${(err as Error).message} (skipped)`);
      continue;
    }
    if (stem !== 'worker' && !looksLikeWorker(raw)) continue;
    const config = parseWith(workerConfigSchema, raw, file, label);
    workers.push({ name: config.name || stem, file, config });
  }
  return { workers, warnings };
}

/** Loads `{workerName}.json` (worker-only sessions pick a worker by name). */
export async function loadNamedWorkerConfig(
  dir: string,
  workerName: string,
  labelOf: (file: string) => string,
): Promise<WorkerConfigFile> {
  validateId('worker', workerName);
  if (NON_WORKER_JSON.has(workerName))
    throw new ColonyFileError(path.join(dir, `${workerName}.json`), [
      `${workerName}.json is a colony file, not a worker config`,
    ]);
  const file = path.join(dir, `${workerName}.json`);
  const label = labelOf(file);
  const raw = await readJsonFile(file, label);
  if (raw === undefined) throw new ColonyFileError(file, [`${label}: no such worker config`]);
  const config = parseWith(workerConfigSchema, raw, file, label);
  return { name: config.name || workerName, file, config };
}

export function looksLikeWorker(raw: unknown): boolean {
  return (
    typeof raw === 'object' &&
    raw !== null &&
    !Array.isArray(raw) &&
    ('system_prompt' in raw || 'goal' in raw)
  );
}

/** `*.json` names in `dir`, sorted as Python sorts paths (by code point). */
async function jsonFileNames(dir: string): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((n) => n.endsWith('.json') && n.length > 5).sort(byCodePoint);
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
