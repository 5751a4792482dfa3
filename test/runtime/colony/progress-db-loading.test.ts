import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProgressDb } from '../../../src/runtime/colony/progress/progress-db';
import { SqliteUnavailableError } from '../../../src/runtime/colony/progress/sqlite';

// The full progress.db suite needs node:sqlite and runs with `npm run test:node24`. This one runs on any
// Node: the module loads everywhere, and opening a database either works or says exactly why not.
describe('progress.db on this Node', () => {
  const hasSqlite = (() => {
    try {
      return Boolean(process.getBuiltinModule?.('node:sqlite'));
    } catch {
      return false;
    }
  })();

  it(
    hasSqlite ? 'opens a database (node:sqlite present)' : 'fails with a clear message naming node:sqlite',
    () => {
      const tmp = mkdtempSync(path.join(os.tmpdir(), 'hive-progress-load-'));
      try {
        const file = path.join(tmp, 'data', 'progress.db');
        if (hasSqlite) {
          const db = ProgressDb.open(file);
          assert.equal(db.settings().user_version, 1);
          db.close();
        } else {
          assert.throws(
            () => ProgressDb.open(file),
            (err: unknown) =>
              err instanceof SqliteUnavailableError &&
              err.message.startsWith('progress.db needs node:sqlite (Node ≥22.13); this Node (v'),
          );
        }
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    },
  );
});
