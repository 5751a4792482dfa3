import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { ensureDefaultQueens, listQueens } from '../../../src/runtime/queen/profiles';
import { selectQueen } from '../../../src/runtime/queen/selection';
import { scriptedCompleter, tempDir } from './support';

describe('queen selection (docs/hive-format.md §3 rule 3)', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await ensureDefaultQueens(dir);
  });
  afterEach(() => cleanup());

  it('takes the explicit queen first, without asking the model', async () => {
    const complete = scriptedCompleter([]);
    const s = await selectQueen({
      queensDir: dir,
      explicitQueenId: 'queen_legal',
      resumedQueenId: 'queen_growth',
      firstMessage: 'raise money',
      complete,
    });
    assert.deepEqual(s.identity, { queen_id: 'queen_legal', name: 'Eleanor', title: 'Head of Legal' });
    assert.equal(s.source, 'explicit');
    assert.equal(complete.requests.length, 0);
  });

  it('treats "default" as no choice and then uses the resumed queen', async () => {
    const complete = scriptedCompleter([]);
    const s = await selectQueen({
      queensDir: dir,
      explicitQueenId: 'default',
      resumedQueenId: 'queen_growth',
      complete,
    });
    assert.equal(s.identity.queen_id, 'queen_growth');
    assert.equal(s.source, 'resumed');
    assert.equal(complete.requests.length, 0);
  });

  it('skips an explicit queen that cannot load (missing, broken, unsafe) and moves on', async () => {
    await mkdir(path.join(dir, 'queen_broken'), { recursive: true });
    await writeFile(path.join(dir, 'queen_broken', 'profile.yaml'), 'title: no name\n');
    const warnings: string[] = [];
    const logger = { warn: (m: string) => warnings.push(m) };
    for (const explicit of ['queen_missing', 'queen_broken', '../../etc']) {
      const s = await selectQueen({
        queensDir: dir,
        explicitQueenId: explicit,
        resumedQueenId: 'queen_talent',
        logger,
      });
      assert.equal(s.identity.queen_id, 'queen_talent', explicit);
    }
    assert.equal(warnings.length, 3);
    assert.match(warnings[1]!, /field "name"/);
  });

  it('asks the model once, with the profiles and the first message, and uses its pick', async () => {
    const complete = scriptedCompleter([
      'Sure! {"reason": "It is about fundraising.", "queen_id": "queen_finance_fundraising"}',
    ]);
    const s = await selectQueen({ queensDir: dir, firstMessage: 'Help me plan our seed round', complete });
    assert.equal(s.identity.queen_id, 'queen_finance_fundraising');
    assert.equal(s.identity.name, 'Charlotte');
    assert.equal(s.source, 'model');
    assert.equal(s.reason, 'It is about fundraising.');
    assert.equal(complete.requests.length, 1);
    const req = complete.requests[0]!;
    assert.deepEqual(req.messages, [{ role: 'user', content: 'Help me plan our seed round' }]);
    for (const id of ['queen_technology', 'queen_operations', 'queen_brand_design'])
      assert.ok(req.system.includes(id));
    assert.match(req.system, /JSON/);
  });

  it('offers custom queens to the model too', async () => {
    await mkdir(path.join(dir, 'queen_research'), { recursive: true });
    await writeFile(path.join(dir, 'queen_research', 'profile.yaml'), 'name: Ada\ntitle: Head of Research\n');
    const complete = scriptedCompleter(['{"reason":"research","queen_id":"queen_research"}']);
    const s = await selectQueen({ queensDir: dir, firstMessage: 'literature review', complete });
    assert.deepEqual(s.identity, { queen_id: 'queen_research', name: 'Ada', title: 'Head of Research' });
  });

  const badReplies: [string, string | Error][] = [
    ['invalid JSON', 'I think the growth queen'],
    ['an unknown queen', '{"reason":"x","queen_id":"queen_of_hearts"}'],
    ['a missing queen_id', '{"reason":"x"}'],
    ['a wrong type', '{"queen_id": 42}'],
    ['a failed call', new Error('529 overloaded')],
  ];
  for (const [what, reply] of badReplies) {
    it(`falls back to queen_technology on ${what}`, async () => {
      const complete = scriptedCompleter([reply]);
      const warnings: string[] = [];
      const s = await selectQueen({
        queensDir: dir,
        firstMessage: 'grow my newsletter',
        complete,
        logger: { warn: (m) => warnings.push(m) },
      });
      assert.equal(s.identity.queen_id, 'queen_technology');
      assert.equal(s.identity.name, 'Alexandra');
      assert.equal(s.source, 'default');
      assert.equal(complete.requests.length, 1);
      assert.equal(warnings.length, 1);
    });
  }

  it('writes the missing default profiles first (unless told not to)', async () => {
    const { dir: fresh, cleanup: done } = await tempDir();
    try {
      const bare = await selectQueen({
        queensDir: fresh,
        ensureDefaults: false,
        firstMessage: 'x',
        complete: scriptedCompleter([]),
      });
      assert.equal(bare.identity.queen_id, 'queen_technology', 'the built-in default');
      assert.deepEqual((await listQueens(fresh)).queens, []);
      const complete = scriptedCompleter(['{"reason":"hiring","queen_id":"queen_talent"}']);
      const s = await selectQueen({ queensDir: fresh, firstMessage: 'help me hire', complete });
      assert.equal(s.identity.queen_id, 'queen_talent');
      assert.equal((await listQueens(fresh)).queens.length, 8);
    } finally {
      await done();
    }
  });

  it('uses the default without a call when there is no first message', async () => {
    const complete = scriptedCompleter([]);
    const s = await selectQueen({ queensDir: dir, firstMessage: '   ', complete });
    assert.equal(s.identity.queen_id, 'queen_technology');
    assert.equal(complete.requests.length, 0);
  });
});
