import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stageFork } from '../../../src/runtime/session/colony-fork';
import { removeTree, tempHome } from '../storage/fixtures';

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe('stageFork (the colony copy of a session)', () => {
  let home: string;
  beforeEach(() => {
    home = tempHome('hive-fork-');
  });
  afterEach(() => removeTree(home));

  it('leaves out the temp files of writes in progress, which the live session renames away mid-copy', async () => {
    const sessions = path.join(home, 'agents', 'queens', 'queen_technology', 'sessions');
    const source = path.join(sessions, 'session_20261206_162245_905a9e40');
    const write = (rel: string, text = '{}') => {
      mkdirSync(path.dirname(path.join(source, rel)), { recursive: true });
      writeFileSync(path.join(source, rel), text);
    };
    write('meta.json', '{"queen_id": "queen_technology"}');
    write('events.jsonl', '');
    write('conversations/parts/0000000001.json', '{"role": "user", "content": "hi"}');
    write('conversations/cursor.json');
    // What a live session has while it writes (write-file-atomic's and atomic.ts's temp names):
    write('conversations/cursor.json.1432225348');
    write('meta.json.77');
    write('summary.json.12.3.tmp');
    // A worker's own file with a temp-like name, outside the folders the session writes itself: kept.
    write('data/report.json.2', 'mine');

    const fork = await stageFork({
      sourceId: 'session_20261206_162245_905a9e40',
      sourceDir: source,
      forkId: 'session_20261206_162247_bc5ac0a4',
      queenId: 'queen_technology',
      colonyName: 'ui_morning_digest',
      colonyFolder: path.join(home, 'colonies', 'ui_morning_digest'),
      summary: 'Summary: a morning digest.',
      inheritedCount: 1,
      now: Date.now(),
    });
    await fork.commit();
    const copied = files(fork.dir);
    assert.deepEqual(
      copied.filter((f) => /\.json\.\d+$|\.tmp$/.test(f)),
      [path.join('data', 'report.json.2')],
      'no temp file of the session was copied',
    );
    assert.ok(copied.includes('meta.json') && copied.includes('events.jsonl'));
    // The transcript is replaced by the summary, as before.
    const parts = copied.filter((f) => f.startsWith(path.join('conversations', 'parts')));
    assert.equal(parts.length, 1);
    assert.match(readFileSync(path.join(fork.dir, parts[0]!), 'utf8'), /Summary: a morning digest/);
  });
});
