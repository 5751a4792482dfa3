import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  DEFAULT_QUEEN_ID,
  DEFAULT_QUEEN_IDS,
  ensureDefaultQueens,
  listQueens,
  loadQueenOrFallback,
  loadQueenProfile,
  parseQueenProfile,
  QueenProfileError,
  QueenProfileNotFoundError,
} from '../../../src/runtime/queen/profiles';
import { InvalidIdError } from '../../../src/runtime/storage/ids';
import { tempDir } from './support';

describe('queen profiles', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
  });
  afterEach(() => cleanup());

  it('knows the eight default queens of docs/hive-format.md §2.7', () => {
    assert.deepEqual([...DEFAULT_QUEEN_IDS].sort(), [
      'queen_brand_design',
      'queen_finance_fundraising',
      'queen_growth',
      'queen_legal',
      'queen_operations',
      'queen_product_strategy',
      'queen_talent',
      'queen_technology',
    ]);
    assert.equal(DEFAULT_QUEEN_ID, 'queen_technology');
  });

  it('writes the missing defaults as real YAML profiles, once', async () => {
    const written = await ensureDefaultQueens(dir);
    assert.deepEqual([...written].sort(), [...DEFAULT_QUEEN_IDS].sort());
    const { queens, problems } = await listQueens(dir);
    assert.deepEqual(problems, []);
    assert.equal(queens.length, 8);
    for (const q of queens) {
      assert.ok(q.profile.name && q.profile.title, q.id);
      assert.ok(q.profile.core_traits && q.profile.core_traits.length > 40, `${q.id} core_traits`);
      assert.ok(q.profile.behavior_triggers && q.profile.behavior_triggers.length >= 2, `${q.id} triggers`);
      assert.ok(q.profile.examples?.[0]?.response, `${q.id} example`);
      assert.ok(q.profile.skills, `${q.id} skills`);
      const raw = await readFile(q.file, 'utf8');
      assert.match(raw, /^name: /m);
    }
    assert.deepEqual(await ensureDefaultQueens(dir), []);
    // No temp files are left beside the profiles.
    for (const id of DEFAULT_QUEEN_IDS) assert.deepEqual(await readdir(path.join(dir, id)), ['profile.yaml']);
  });

  it('never touches an existing profile, custom or broken', async () => {
    const custom = path.join(dir, 'queen_growth', 'profile.yaml');
    const broken = path.join(dir, 'queen_legal', 'profile.yaml');
    await mkdir(path.dirname(custom), { recursive: true });
    await mkdir(path.dirname(broken), { recursive: true });
    const customText = 'name: Greta\ntitle: Growth Lead\ncore_traits: Mine.\nfavourite_colour: green\n';
    const brokenText = 'name: [unclosed\ntitle: x\n';
    await writeFile(custom, customText);
    await writeFile(broken, brokenText);
    const before = (await stat(custom)).mtimeMs;

    const written = await ensureDefaultQueens(dir);
    assert.equal(written.length, 6);
    assert.ok(!written.includes('queen_growth') && !written.includes('queen_legal'));
    assert.equal(await readFile(custom, 'utf8'), customText);
    assert.equal((await stat(custom)).mtimeMs, before);
    assert.equal(await readFile(broken, 'utf8'), brokenText);

    const { queens, problems } = await listQueens(dir);
    assert.equal(queens.length, 7);
    const growth = queens.find((q) => q.id === 'queen_growth')!;
    assert.equal(growth.profile.name, 'Greta');
    assert.equal((growth.profile as Record<string, unknown>).favourite_colour, 'green', 'unknown keys kept');
    assert.equal(problems.length, 1);
    assert.equal(problems[0]!.queenId, 'queen_legal');
    assert.equal(problems[0]!.file, broken);
    assert.match(problems[0]!.message, /queen_legal[/\\]profile\.yaml.*not valid YAML/);
  });

  it('names the file and the field of an invalid profile', async () => {
    assert.throws(
      () => parseQueenProfile('title: Head of X\n', '/q/profile.yaml'),
      (err: unknown) =>
        err instanceof QueenProfileError &&
        err.field === 'name' &&
        err.file === '/q/profile.yaml' &&
        /\/q\/profile\.yaml: field "name"/.test(err.message),
    );
    assert.throws(
      () => parseQueenProfile('name: A\ntitle: B\nbehavior_triggers: lots\n', 'f.yaml'),
      (err: unknown) => err instanceof QueenProfileError && err.field === 'behavior_triggers',
    );
    assert.throws(
      () => parseQueenProfile('name: A\ntitle: B\nexamples:\n  - user: hi\n', 'f.yaml'),
      (err: unknown) => err instanceof QueenProfileError && err.field === 'examples.0.response',
    );
    assert.throws(() => parseQueenProfile('- a\n- b\n', 'f.yaml'), /must be a YAML mapping/);
    assert.throws(() => parseQueenProfile('name: "  "\ntitle: B\n', 'f.yaml'), /field "name"/);
  });

  it('accepts Hive-style variants: a skills list, empty sections, an example without internal text', () => {
    const p = parseQueenProfile(
      'name: A\ntitle: B\nskills:\n  - design\n  - hiring\nworld_lore:\nexamples:\n  - user: hi\n    response: hello\n',
      'f.yaml',
    );
    assert.equal(p.skills, 'design, hiring');
    assert.equal(p.world_lore, undefined);
    assert.equal(p.examples?.[0]?.response, 'hello');
  });

  it('loads one profile by id, with clear errors for missing and unsafe ids', async () => {
    await ensureDefaultQueens(dir);
    const loaded = await loadQueenProfile(dir, 'queen_finance_fundraising');
    assert.equal(loaded.profile.title, 'Head of Finance');
    await assert.rejects(loadQueenProfile(dir, 'queen_nobody'), QueenProfileNotFoundError);
    await assert.rejects(loadQueenProfile(dir, '../etc'), InvalidIdError);
  });

  it('ignores queen folders without a profile (e.g. default/ holding sessions) and bad folder names', async () => {
    await mkdir(path.join(dir, 'default', 'sessions'), { recursive: true });
    await mkdir(path.join(dir, 'Not A Queen'), { recursive: true });
    await writeFile(path.join(dir, 'Not A Queen', 'profile.yaml'), 'name: x\ntitle: y\n');
    const { queens, problems } = await listQueens(dir);
    assert.deepEqual(queens, []);
    assert.deepEqual(problems, []);
    assert.deepEqual(await listQueens(path.join(dir, 'missing')), { queens: [], problems: [] });
  });

  it('falls back to queen_technology, then to the built-in default', async () => {
    const none = await loadQueenOrFallback(dir, 'queen_growth');
    assert.equal(none.id, 'queen_technology');
    assert.equal(none.profile.name, 'Alexandra');
    assert.equal(none.fellBack, true);

    await mkdir(path.join(dir, 'queen_technology'), { recursive: true });
    await writeFile(path.join(dir, 'queen_technology', 'profile.yaml'), 'name: Tess\ntitle: CTO\n');
    const custom = await loadQueenOrFallback(dir, 'queen_unknown');
    assert.equal(custom.profile.name, 'Tess');
    const direct = await loadQueenOrFallback(dir, 'queen_technology');
    assert.equal(direct.fellBack, false);
  });

  it('writes each default exactly once when two sessions start together', async () => {
    const [a, b] = await Promise.all([ensureDefaultQueens(dir), ensureDefaultQueens(dir)]);
    assert.equal(a.length + b.length, 8);
    assert.equal((await listQueens(dir)).queens.length, 8);
  });
});
