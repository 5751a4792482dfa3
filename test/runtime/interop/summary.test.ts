import assert from 'node:assert/strict';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type IndexFs, nodeIndexFs } from '../../../src/runtime/storage/index-fs';
import { SessionIndex } from '../../../src/runtime/storage/session-index';
import {
  isSummaryStale,
  readTimedParts,
  SUMMARY_FILE,
  summaryOfParts,
} from '../../../src/runtime/storage/summary-file';
import { defineTool } from '../../../src/runtime/tools';
import { reply } from '../../support/scripted-anthropic-server';
import { managerFor, useSessionTestEnv } from '../session/helpers';
import { writeSession } from '../storage/fixtures';

const lookTool = defineTool({
  name: 'look',
  description: 'looks',
  category: 'read',
  schema: z.object({}),
  async run() {
    return 'seen';
  },
});

function readSummary(dir: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(dir, SUMMARY_FILE), 'utf8'));
}

/** An IndexFs that records which part files were read. */
function countingFs(): { fs: IndexFs; partReads: string[] } {
  const partReads: string[] = [];
  return {
    partReads,
    fs: {
      ...nodeIndexFs,
      readFile: (p) => {
        if (p.includes(`${path.sep}parts${path.sep}`)) partReads.push(p);
        return nodeIndexFs.readFile(p);
      },
    },
  };
}

describe('Hive interop: summary.json (today’s Hive listing cache)', () => {
  let env: { server: import('../../support/scripted-anthropic-server').ScriptedServer; home: string };
  useSessionTestEnv((e) => {
    env = e;
  });

  it('a live session keeps summary.json current on every part write: fresh by Hive’s rule, equal to a rebuild', async () => {
    const clock = () => 1_900_000_000_000; // later than any file mtime
    const mgr = managerFor(env.home, env.server, { extraTools: () => [lookTool], clock });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    env.server.enqueue(reply.toolUse('look', {}), reply.text('  The sky is blue.  '));
    await s.send('what colour is the sky?');
    await mgr.stopSession(s.id);
    const summary = readSummary(s.dir);
    assert.deepEqual(Object.keys(summary).sort(), [
      'last_active_at',
      'last_message',
      'last_part_seq',
      'message_count',
    ]);
    // user + final answer; the tool-call turn and the tool result are not client-facing.
    assert.equal(summary.message_count, 2);
    assert.equal(summary.last_message, 'The sky is blue.');
    assert.equal(summary.last_part_seq, 3);
    assert.equal(summary.last_active_at, 1_900_000_000);
    assert.equal(isSummaryStale(s.dir), false, 'never older than parts/: Hive does not rebuild it');
    const rebuilt = summaryOfParts(readTimedParts(s.dir));
    assert.deepEqual(
      [rebuilt.message_count, rebuilt.last_message, rebuilt.last_part_seq],
      [summary.message_count, summary.last_message, summary.last_part_seq],
    );

    // A resume folds into the same file rather than starting over.
    const r = await mgr.resumeSession(s.id);
    env.server.enqueue(reply.text('Still blue.'));
    await r.send('and now?');
    await mgr.stopSession(r.id);
    const after = readSummary(s.dir);
    assert.equal(after.message_count, 4);
    assert.equal(after.last_message, 'Still blue.');
    assert.equal(after.last_part_seq, 5);
  });

  it('a fresh summary.json whose last_active_at is 0.0 (Hive’s incremental update) is dated from the parts', async () => {
    const dir = writeSession(env.home, 'session_20260302_100000_bbbbbbbb', {
      meta: { queen_id: 'queen_technology', created_at: 1_700_000_000 },
      parts: [
        { role: 'user', content: 'hello', mtime: 1_700_000_100 },
        { role: 'assistant', content: 'hi there', mtime: 1_700_000_500 },
      ],
    });
    utimesSync(path.join(dir, 'conversations', 'parts'), 1_700_000_500, 1_700_000_500);
    writeFileSync(
      path.join(dir, SUMMARY_FILE),
      JSON.stringify({ message_count: 2, last_message: 'hi there', last_active_at: 0.0, last_part_seq: 1 }),
    );
    utimesSync(path.join(dir, SUMMARY_FILE), 1_700_000_600, 1_700_000_600);
    const index = new SessionIndex({ home: env.home, fs: countingFs().fs, cacheFile: null });
    await index.refresh();
    const e = index.list().find((r) => r.session_id === 'session_20260302_100000_bbbbbbbb');
    // The last message's time, not created_at (which a 0.0 summary would have left).
    assert.equal(e?.last_active_at, 1_700_000_500);
    assert.equal(readSummary(dir).last_active_at, 1_700_000_500, 'the summary is rebuilt with it');
  });

  it('a session with no messages keeps its summary.json (0.0 is right there) and a created_at from its folder', async () => {
    // No meta.json: created_at is the folder's ctime, which rewriting summary.json would move on every listing.
    const dir = writeSession(env.home, 'session_20260303_100000_cccccccc', { meta: null, parts: [] });
    const first = new SessionIndex({ home: env.home, cacheFile: null });
    await first.refresh();
    const written = readFileSync(path.join(dir, SUMMARY_FILE), 'utf8');
    assert.equal(JSON.parse(written).last_active_at, 0);
    const created = first.list().find((r) => r.session_id === 'session_20260303_100000_cccccccc')?.created_at;
    await new Promise((r) => setTimeout(r, 20));
    const again = new SessionIndex({ home: env.home, cacheFile: null });
    await again.refresh();
    const row = again.list().find((r) => r.session_id === 'session_20260303_100000_cccccccc');
    assert.equal(row?.created_at, created, 'a second listing does not rewrite the summary and move the date');
    assert.equal(readFileSync(path.join(dir, SUMMARY_FILE), 'utf8'), written);
  });

  it('the listing takes a fresh summary.json as it is, and rebuilds a stale one', () => {
    const dir = writeSession(env.home, 'session_20260301_100000_aaaaaaaa', {
      meta: { queen_id: 'queen_technology', created_at: 1_700_000_000 },
      parts: [
        { role: 'user', content: 'hello', mtime: 1_700_000_100 },
        { role: 'assistant', content: 'hi there', mtime: 1_700_000_200 },
      ],
    });
    const partsDir = path.join(dir, 'conversations', 'parts');
    utimesSync(partsDir, 1_700_000_200, 1_700_000_200);
    // Hive's own cache, newer than parts/: trusted as it is (the count proves it was read, not recomputed).
    writeFileSync(
      path.join(dir, SUMMARY_FILE),
      JSON.stringify({
        message_count: 42,
        last_message: 'cached',
        last_active_at: 1_700_000_300,
        last_part_seq: 1,
      }),
    );
    utimesSync(path.join(dir, SUMMARY_FILE), 1_700_000_300, 1_700_000_300);
    const c1 = countingFs();
    const index = new SessionIndex({ home: env.home, fs: c1.fs, cacheFile: null });
    return index.refresh().then(async () => {
      const [e] = index.list();
      assert.deepEqual([e?.message_count, e?.last_message, e?.last_active_at], [42, 'cached', 1_700_000_300]);
      // Only the first parts are opened, for the title (summary.json does not keep it); the count is not recomputed.
      assert.ok(c1.partReads.length <= 2);

      // A part written after the summary: stale by Hive's rule, so rebuilt from the parts and written back.
      writeFileSync(
        path.join(partsDir, '0000000002.json'),
        JSON.stringify({ seq: 2, role: 'assistant', content: 'later' }),
      );
      utimesSync(path.join(partsDir, '0000000002.json'), 1_700_000_400, 1_700_000_400);
      utimesSync(partsDir, 1_700_000_400, 1_700_000_400);
      const c2 = countingFs();
      const fresh = new SessionIndex({ home: env.home, fs: c2.fs, cacheFile: null });
      await fresh.refresh();
      const [f] = fresh.list();
      assert.deepEqual([f?.message_count, f?.last_message], [3, 'later']);
      assert.ok(c2.partReads.length >= 3, 'every part read for the rebuild');
      assert.deepEqual(readSummary(dir), {
        message_count: 3,
        last_message: 'later',
        last_active_at: 1_700_000_400,
        last_part_seq: 2,
      });
      assert.equal(isSummaryStale(dir), false);
    });
  });
});
