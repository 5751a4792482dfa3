import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import { fixtureColonyCopy, useColonyTestEnv } from '../session/colony-helpers';
import { managerFor } from '../session/helpers';

const hasSqlite = (() => {
  try {
    return typeof process.getBuiltinModule?.('node:sqlite') === 'object';
  } catch {
    return false;
  }
})();

describe('Hive interop: a home colony made after start is prepared when opened (docs/hive-format.md §3 rule 1)', () => {
  let server: ScriptedServer;
  let home: string;
  useColonyTestEnv((env) => {
    ({ server, home } = env);
  });

  it(
    hasSqlite
      ? 'its progress.db is created and worker.json told where it is'
      : 'without node:sqlite the log and the chat say the task queue is off',
    async () => {
      const warnings: string[] = [];
      const mgr = managerFor(home, server, { logger: { warn: (m) => warnings.push(m), info() {} } });
      // A session runs first: the start-up step has already passed when the colony appears.
      const chat = await mgr.createSession({ queenId: 'queen_technology' });
      const colony = fixtureColonyCopy(home);
      const db = path.join(colony, 'data', 'progress.db');
      assert.equal(existsSync(db), false);
      const s = await mgr.openColony(colony, { fallback: chat.id });
      if (hasSqlite) {
        assert.equal(existsSync(db), true);
        const worker = JSON.parse(readFileSync(path.join(colony, 'worker.json'), 'utf8'));
        assert.equal(worker.input_data.db_path, db);
        assert.equal(worker.input_data.colony_id, 'research_colony');
        assert.deepEqual(s.notices, []);
      } else {
        assert.equal(existsSync(db), false);
        const said =
          /colony research_colony runs without its task queue \(data\/progress\.db\): progress\.db needs node:sqlite/;
        assert.ok(
          warnings.some((w) => said.test(w)),
          warnings.join('\n'),
        );
        assert.ok(
          s.notices.some((n) => said.test(n)),
          s.notices.join('\n'),
        );
      }
      await mgr.stopAll();
    },
  );
});
