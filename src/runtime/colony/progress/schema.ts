import type { SqliteDatabase } from './sqlite';

/**
 * progress.db schema v1 (docs/hive-format.md §2.9, Hive's host/progress_db.py). Table and column names must
 * stay exactly Hive's: its workers drive the same file through the sqlite3 CLI.
 */
export const SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  seq INTEGER,
  priority INTEGER NOT NULL DEFAULT 0,
  goal TEXT NOT NULL,
  payload TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  worker_id TEXT,
  claim_token TEXT,
  claimed_at TEXT,
  started_at TEXT,
  completed_at TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  retry_count INTEGER NOT NULL DEFAULT 0,
  max_retries INTEGER NOT NULL DEFAULT 3,
  last_error TEXT,
  parent_task_id TEXT REFERENCES tasks(id) ON DELETE SET NULL,
  source TEXT
);
CREATE TABLE IF NOT EXISTS steps (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  title TEXT NOT NULL,
  detail TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  evidence TEXT,
  worker_id TEXT,
  started_at TEXT,
  completed_at TEXT,
  UNIQUE (task_id, seq)
);
CREATE TABLE IF NOT EXISTS sop_checklist (
  id TEXT PRIMARY KEY,
  task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  description TEXT NOT NULL,
  required INTEGER NOT NULL DEFAULT 1,
  done_at TEXT,
  done_by TEXT,
  note TEXT,
  UNIQUE (task_id, key)
);
CREATE TABLE IF NOT EXISTS colony_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS idx_tasks_claimable ON tasks(status, priority DESC, seq, created_at) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS idx_steps_task_seq ON steps(task_id, seq);
CREATE INDEX IF NOT EXISTS idx_sop_required_open ON sop_checklist(task_id, required, done_at);
CREATE INDEX IF NOT EXISTS idx_tasks_status ON tasks(status, updated_at);
`;

/**
 * Hive's pragmas. WAL is sticky on the file; the others are per connection, so every open sets them.
 * busy_timeout goes first so that switching a new file to WAL waits for a concurrent opener.
 */
export const PRAGMAS = [
  'PRAGMA busy_timeout = 5000',
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA foreign_keys = ON',
];

export function applyPragmas(db: SqliteDatabase): void {
  for (const p of PRAGMAS) db.exec(p);
}

/** Creates the tables when `user_version` is below 1. Idempotent; `nowIso` stamps colony_meta. */
export function migrate(db: SqliteDatabase, nowIso: string): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    const version = Number(db.prepare('PRAGMA user_version').get()?.user_version ?? 0);
    if (version < SCHEMA_VERSION) {
      db.exec(SCHEMA_V1);
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      db.prepare('INSERT OR REPLACE INTO colony_meta(key, value, updated_at) VALUES (?, ?, ?)').run(
        'schema_version',
        String(SCHEMA_VERSION),
        nowIso,
      );
    }
    db.exec('COMMIT');
  } catch (err) {
    db.exec('ROLLBACK');
    throw err;
  }
}
