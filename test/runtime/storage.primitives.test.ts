import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveHiveHome } from '../../src/runtime/storage/home';
import { InvalidIdError, newSessionId, validateId } from '../../src/runtime/storage/ids';
import { JsonlAppender, readJsonl } from '../../src/runtime/storage/jsonl';

describe('storage primitives', () => {
  describe('resolveHiveHome', () => {
    it('prefers the explicit option, then HIVE_HOME, then ~/.hive', () => {
      assert.equal(resolveHiveHome('/tmp/a', { HIVE_HOME: '/tmp/b' }), '/tmp/a');
      assert.equal(resolveHiveHome(undefined, { HIVE_HOME: '/tmp/b' }), '/tmp/b');
      assert.equal(resolveHiveHome(undefined, {}), path.join(os.homedir(), '.hive'));
    });
  });

  describe('validateId', () => {
    const bad = ['../x', '/etc/passwd', 'a/b', 'a\\b', 'a\0b', '', '.', '..', 'x'.repeat(129), '.hidden'];
    for (const value of bad) {
      it(`rejects ${JSON.stringify(value.slice(0, 20))}`, () => {
        assert.throws(() => validateId('session', value), InvalidIdError);
      });
    }
    it('accepts Hive ids and rejects upper-case colony names', () => {
      assert.equal(
        validateId('session', 'session_20260101_120000_0a1b2c3d'),
        'session_20260101_120000_0a1b2c3d',
      );
      assert.equal(validateId('queen', 'queen_technology'), 'queen_technology');
      assert.throws(() => validateId('colony', 'MyColony'), /lower-case/);
      assert.throws(() => validateId('trigger', 42), /must be a string/);
    });
    it('makes ids in Hive format', () => {
      const id = newSessionId(new Date(2026, 0, 2, 3, 4, 5));
      assert.match(id, /^session_20260102_030405_[0-9a-f]{8}$/);
      assert.notEqual(newSessionId(), newSessionId());
    });
  });

  describe('jsonl', () => {
    it('appends records and skips a torn last line on read', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-jsonl-'));
      const file = path.join(dir, 'sub', 'events.jsonl');
      const w = new JsonlAppender(file);
      for (let i = 0; i < 5; i++) w.append({ i });
      w.close();
      writeFileSync(file, `${readFileSync(file, 'utf8')}{"i": 5, "tor`);
      const { records, skipped } = await readJsonl<{ i: number }>(file);
      assert.deepEqual(
        records.map((r) => r.i),
        [0, 1, 2, 3, 4],
      );
      assert.equal(skipped, 1);
    });
    it('reports a failed background write instead of crashing, keeps the lines and writes them later', async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-jsonl-'));
      const blocker = path.join(dir, 'blocker');
      writeFileSync(blocker, 'a file where the folder should be');
      const errors: Error[] = [];
      const w = new JsonlAppender(path.join(blocker, 'events.jsonl'), 1024, (err) => errors.push(err));
      w.append({ i: 0 });
      w.append({ i: 1 });
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(errors.length, 1);
      rmSync(blocker);
      w.append({ i: 2 });
      w.close();
      const { records } = await readJsonl<{ i: number }>(path.join(blocker, 'events.jsonl'));
      assert.deepEqual(
        records.map((r) => r.i),
        [0, 1, 2],
      );
    });
    it('reads a missing file as empty', async () => {
      assert.deepEqual(await readJsonl('/nonexistent/x.jsonl'), { records: [], skipped: 0 });
    });
  });
});
