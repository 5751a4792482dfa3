import assert from 'node:assert/strict';
import { SessionGroups } from '../../../src/extension/tree/session-groups';
import type { ColdSessionEntry } from '../../../src/runtime/storage/cold-sessions';
import { SessionIndex } from '../../../src/runtime/storage/session-index';
import { removeTree, tempHome, writeSession } from '../storage/fixtures';

const sid = (n: number) =>
  `session_20260102_0930${String(n).padStart(2, '0')}_${n.toString(16).padStart(8, '0')}`;
const quiet = { debug() {}, trace() {}, error() {} };
/** A clock a minute ahead, so the fresh files' timestamps count as settled (no racy re-reads). */
const later = () => Date.now() + 60_000;

function session(home: string, n: number, queen: string, colony?: string): string {
  return writeSession(home, sid(n), {
    layout: colony ? 'colony' : 'queens',
    queen,
    colony,
    meta: { created_at: 1_700_000_000 + n },
    parts: [{ role: 'user', content: `hello ${n}`, is_client_input: true, created_at: 1_700_000_000 + n }],
  });
}

describe('Sessions tree: grouping the index rows', () => {
  let home: string;
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => removeTree(home));

  it('groups by queen and colony, newest first, and opens the newest group once', async () => {
    session(home, 1, 'queen_growth');
    session(home, 2, 'queen_technology');
    session(home, 3, 'queen_growth', 'my_colony');
    session(home, 4, 'queen_growth');
    const groups = new SessionGroups();
    const index = new SessionIndex({ home, cacheFile: null, now: later });
    assert.equal(await groups.rebuild(index, undefined, quiet), true);
    assert.deepEqual(
      groups.order.map((g) => [g.key, g.rows.map((r) => r.session_id)]),
      [
        ['queen:queen_growth', [sid(4), sid(1)]],
        ['colony:my_colony/queen_growth', [sid(3)]],
        ['queen:queen_technology', [sid(2)]],
      ],
    );
    assert.deepEqual(
      groups.order.map((g) => g.expanded),
      [true, false, false],
    );
    assert.equal(groups.coldById.get(sid(2))?.queen_id, 'queen_technology');
  });

  it('a refresh with nothing changed keeps the tree as it is; a new session regroups it', async () => {
    session(home, 1, 'queen_growth');
    const groups = new SessionGroups();
    const index = new SessionIndex({ home, cacheFile: null, now: later });
    await groups.rebuild(index, undefined, quiet);
    const before = groups.order;
    assert.equal(await groups.rebuild(index, undefined, quiet), false);
    assert.equal(groups.order, before, 'the same group list, not a rebuilt one');

    session(home, 2, 'queen_technology');
    assert.equal(await groups.rebuild(index, undefined, quiet), true);
    assert.deepEqual(
      groups.order.map((g) => g.key),
      ['queen:queen_technology', 'queen:queen_growth'],
    );
    assert.equal(groups.groups.get('queen:queen_growth'), before[0], 'a group node is kept across rebuilds');
  });

  it('a failed listing shows its error, and the next good one clears it even with nothing changed', async () => {
    session(home, 1, 'queen_growth');
    const groups = new SessionGroups();
    const index = new SessionIndex({ home, cacheFile: null, now: later });
    await groups.rebuild(index, undefined, quiet);
    const failing = Object.assign(Object.create(index), {
      refresh: () => Promise.reject(new Error('disk on fire')),
    }) as SessionIndex;
    assert.equal(await groups.rebuild(failing, undefined, quiet), true);
    assert.equal(groups.loadError, 'disk on fire');
    assert.equal(await groups.rebuild(index, undefined, quiet), true);
    assert.equal(groups.loadError, undefined);
  });

  it('groups thousands of rows in batches: the groups on show stay whole meanwhile, and a filter set meanwhile wins', async () => {
    const row = (n: number, queen: string) =>
      ({
        session_id: sid(n % 100) + n,
        queen_id: queen,
        colony_id: null,
        last_message: `note ${n}`,
      }) as ColdSessionEntry;
    const first = Array.from({ length: 3000 }, (_, n) => row(n, n % 2 ? 'queen_growth' : 'queen_technology'));
    const second = [row(99_999, 'queen_finance'), ...first];
    let rows = first;
    const fake = {
      home,
      refresh: async () => ({
        changed: true,
        problems: [],
        mode: 'full',
        checked: 0,
        reread: 1,
        added: 0,
        removed: 0,
        ms: 0,
      }),
      listInBatches: async () => rows,
    } as unknown as SessionIndex;
    const groups = new SessionGroups();
    assert.equal(await groups.rebuild(fake, undefined, quiet), true);
    const shown = () => groups.order.map((g) => [g.key, g.rows.length]);
    const before = shown();
    assert.deepEqual(before, [
      ['queen:queen_technology', 1500],
      ['queen:queen_growth', 1500],
    ]);

    rows = second;
    const rebuilding = groups.rebuild(fake, undefined, quiet);
    let turns = 0;
    const midway: unknown[] = [];
    // Each turn of the event loop while it groups sees the old groups, whole.
    while (turns < 100) {
      await new Promise((r) => setImmediate(r));
      turns++;
      midway.push(shown());
      if (groups.order.length === 3) break;
    }
    assert.ok(turns > 1, `the grouping yielded (${turns} turns)`);
    for (const m of midway.slice(0, -1)) assert.deepEqual(m, before);
    assert.equal(await rebuilding, true);
    assert.deepEqual(shown()[0], ['queen:queen_finance', 1]);

    // A filter set while a rebuild groups: the rebuild is dropped, the filter applies to its newer rows.
    rows = [row(88_888, 'queen_legal'), ...second];
    const overtaken = groups.rebuild(fake, undefined, quiet);
    await new Promise((r) => setImmediate(r));
    await groups.setFilter(['queen_legal']);
    assert.equal(await overtaken, false);
    assert.deepEqual(shown(), [['queen:queen_legal', 1]]);
  });
});
