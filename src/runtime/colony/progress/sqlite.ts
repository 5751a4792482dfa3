import { HiveError } from '../../errors';
/**
 * The slice of `node:sqlite` we use. It is typed here because @types/node 20 has no `node:sqlite`, and
 * loaded lazily so the rest of the runtime still loads under Node 20 (the module throws only when a
 * progress.db is opened). Why node:sqlite: it is built into the Node of current VS Code and code-server,
 * so the extension needs no native module rebuilt per Electron version.
 */
export type SqlValue = null | number | bigint | string | Uint8Array;

export interface SqliteStatement {
  run(...params: SqlValue[]): { changes: number | bigint; lastInsertRowid: number | bigint };
  get(...params: SqlValue[]): Record<string, SqlValue> | undefined;
  all(...params: SqlValue[]): Record<string, SqlValue>[];
}

export interface SqliteDatabase {
  exec(sql: string): void;
  prepare(sql: string): SqliteStatement;
  close(): void;
  readonly isOpen?: boolean;
}

interface SqliteModule {
  DatabaseSync: new (file: string, options?: Record<string, unknown>) => SqliteDatabase;
}

export class SqliteUnavailableError extends HiveError {
  constructor(detail: string) {
    super(
      'SQLITE_UNAVAILABLE',
      `progress.db needs node:sqlite (Node ≥22.13); this Node (${process.version}) has none${detail ? ` (${detail})` : ''}`,
    );
    this.name = 'SqliteUnavailableError';
  }
}

let cached: SqliteModule | undefined;

/** `node:sqlite`, or SqliteUnavailableError on a Node without it. */
export function loadSqlite(): SqliteModule {
  if (cached) return cached;
  let mod: unknown;
  try {
    mod = process.getBuiltinModule?.('node:sqlite');
  } catch (err) {
    throw new SqliteUnavailableError((err as Error).message);
  }
  if (!mod || typeof (mod as SqliteModule).DatabaseSync !== 'function') throw new SqliteUnavailableError('');
  cached = mod as SqliteModule;
  return cached;
}

/** Opens (creating if needed) a database file with node:sqlite. */
export function openSqlite(file: string): SqliteDatabase {
  const { DatabaseSync } = loadSqlite();
  return new DatabaseSync(file);
}

/** node:sqlite returns null-prototype rows; callers get ordinary objects. */
export function plain<T>(row: Record<string, SqlValue> | undefined): T | undefined {
  return row === undefined ? undefined : ({ ...row } as T);
}
export function plainAll<T>(rows: Record<string, SqlValue>[]): T[] {
  return rows.map((r) => ({ ...r }) as T);
}
