import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { validateId } from '../storage/ids';
import { readTextSafe } from '../storage/safe-read';
import { looksLikeWorker, NON_WORKER_JSON } from './worker-config';

/**
 * Where a colony definition lives. Any folder can be a colony: its files sit either in the folder's
 * `.hive/` subfolder (preferred: keeps a workspace root clean) or at its root (Hive's own layout under
 * HIVE_HOME/colonies/<name>).
 */
export type ColonyLayout = 'hive-subfolder' | 'root';

export interface ColonyLocation {
  /** The folder that was asked about (workspace folder or HIVE_HOME/colonies/<name>). */
  folder: string;
  /** The folder holding metadata.json / worker.json / tools.json / triggers.json. */
  dir: string;
  layout: ColonyLayout;
}

export const HIVE_SUBFOLDER = '.hive';

/** Finds the colony definition of `folder`: `.hive/` first, then the root. Undefined when there is none. */
export async function findColonyDir(folder: string): Promise<ColonyLocation | undefined> {
  const root = path.resolve(folder);
  const sub = path.join(root, HIVE_SUBFOLDER);
  if (await hasColonyDefinition(sub)) return { folder: root, dir: sub, layout: 'hive-subfolder' };
  if (await hasColonyDefinition(root)) return { folder: root, dir: root, layout: 'root' };
  return undefined;
}

/**
 * A folder holds a colony definition when it has `metadata.json` or `worker.json`, or another JSON file
 * that looks like a worker config (an object with `system_prompt` or `goal`).
 */
export async function hasColonyDefinition(dir: string): Promise<boolean> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return false;
  }
  if (names.includes('metadata.json') || names.includes('worker.json')) return true;
  for (const name of names) {
    if (!name.endsWith('.json') || NON_WORKER_JSON.has(name.slice(0, -5))) continue;
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || info.size > 1024 * 1024) continue;
    try {
      if (looksLikeWorker(JSON.parse(await readTextSafe(file)))) return true;
    } catch {
      // Not JSON (tsconfig.json with comments…): not a worker config.
    }
  }
  return false;
}

/** `HIVE_HOME/colonies/<name>` (the name is validated: `^[a-z0-9_]+$`). */
export function homeColonyFolder(hiveHome: string, name: string): string {
  return path.join(hiveHome, 'colonies', validateId('colony', name));
}

/** Names of the colonies under `HIVE_HOME/colonies` that hold a colony definition, sorted. */
export async function listHomeColonies(hiveHome: string): Promise<string[]> {
  const root = path.join(hiveHome, 'colonies');
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch {
    return [];
  }
  const names: string[] = [];
  for (const e of entries) {
    if (!e.isDirectory() || !/^[a-z0-9_]+$/.test(e.name)) continue;
    if (await findColonyDir(path.join(root, e.name))) names.push(e.name);
  }
  return names.sort();
}

/** A colony id (`^[a-z0-9_]+$`) from a folder name: `My Project-2` → `my_project_2`. */
export function colonyNameFromFolder(folder: string): string {
  const base = path
    .basename(path.resolve(folder))
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 64);
  return base || 'colony';
}
