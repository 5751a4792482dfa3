import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomically } from '../../storage/atomic';
import { coloniesDir } from '../../storage/paths';
import { ensureProgressDb } from './progress-db';

export interface ColonyDbsResult {
  /** Colonies whose progress.db is ready (created, migrated, stale claims reclaimed). */
  ready: string[];
  /** Stale claims put back (or failed) across all colonies. */
  reclaimed: number;
  /** Worker configs given db_path / colony_id / colony_data_dir. */
  patched: string[];
  failed: Array<{ colony: string; error: string }>;
}

/**
 * Hive's startup step for colony databases (Hive: core/framework/host/progress_db.py ensure_all_colony_dbs):
 * every folder under HIVE_HOME/colonies gets `data/progress.db` created or migrated, its stale claims reclaimed,
 * and each worker config (`*.json` with a `system_prompt`) told where the database is. A colony that fails is
 * reported and the others go on.
 */
export async function ensureAllColonyDbs(hiveHome: string): Promise<ColonyDbsResult> {
  const result: ColonyDbsResult = { ready: [], reclaimed: 0, patched: [], failed: [] };
  let names: string[];
  try {
    names = (await readdir(coloniesDir(hiveHome), { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch {
    return result;
  }
  for (const name of names) {
    const dir = path.join(coloniesDir(hiveHome), name);
    try {
      const one = await ensureColonyDb(dir, name);
      result.reclaimed += one.reclaimed;
      result.ready.push(name);
      result.patched.push(...one.patched);
    } catch (err) {
      result.failed.push({ colony: name, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return result;
}

/**
 * The start-up step for one colony folder (also run when a colony is opened after start, so one made
 * since, by Hive or create_colony, is ready too). Throws SqliteUnavailableError on a Node without node:sqlite.
 */
export async function ensureColonyDb(
  colonyDir: string,
  colonyId: string,
): Promise<{ reclaimed: number; patched: string[] }> {
  const { db, reclaimed } = ensureProgressDb(path.join(colonyDir, 'data'));
  db.close();
  return {
    reclaimed: reclaimed.requeued.length + reclaimed.failed.length,
    patched: await patchWorkerConfigs(colonyDir, colonyId),
  };
}

/** Hive's _patch_worker_configs: adds the db wiring to input_data; a file already right is not rewritten. */
async function patchWorkerConfigs(colonyDir: string, colonyId: string): Promise<string[]> {
  const dbPath = path.join(colonyDir, 'data', 'progress.db');
  const dataDir = path.dirname(dbPath);
  const patched: string[] = [];
  for (const name of (await readdir(colonyDir)).filter((n) => n.endsWith('.json')).sort()) {
    if (name === 'metadata.json' || name === 'triggers.json') continue;
    const file = path.join(colonyDir, name);
    let data: unknown;
    try {
      data = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    if (data === null || typeof data !== 'object' || Array.isArray(data) || !('system_prompt' in data))
      continue;
    const cfg = data as Record<string, unknown>;
    const input =
      cfg.input_data && typeof cfg.input_data === 'object' && !Array.isArray(cfg.input_data)
        ? (cfg.input_data as Record<string, unknown>)
        : {};
    if (input.db_path === dbPath && input.colony_id === colonyId && input.colony_data_dir === dataDir)
      continue;
    cfg.input_data = { ...input, db_path: dbPath, colony_id: colonyId, colony_data_dir: dataDir };
    await writeJsonAtomically(file, cfg, 2);
    patched.push(file);
  }
  return patched;
}
