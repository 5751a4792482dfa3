import assert from 'node:assert/strict';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { HIVE_LIST_FIELDS, toHiveRow } from '../../../src/runtime/storage/cold-sessions';
import { pyHead, pyStrip } from '../../../src/runtime/storage/py-compat';
import { SessionIndex } from '../../../src/runtime/storage/session-index';
import { removeTree, tempHome, writeSession } from './fixtures';

const sid = (n: number) => `session_20260101_1200${String(n).padStart(2, '0')}_${String(n).padStart(8, 'a')}`;
const toolCall = [{ id: 'c1', type: 'function', function: { name: 'read_file', arguments: '{}' } }];

describe('cold-session listing (docs/hive-format.md §3 rule 19)', () => {
  let home: string;
  let index: SessionIndex;
  beforeEach(() => {
    home = tempHome();
    index = new SessionIndex({ home, cacheFile: null });
  });
  afterEach(() => removeTree(home));

  it('counts client-facing messages and previews the last assistant text', async () => {
    const long = `  ${'word '.repeat(40)}tail`;
    writeSession(home, sid(1), {
      meta: {
        created_at: 1000,
        agent_name: 'Acme Colony',
        agent_path: '/colonies/acme',
        queen_id: 'queen_technology',
      },
      parts: [
        { role: 'user', content: 'please look', is_client_input: true, mtime: 2000 },
        { role: 'assistant', content: 'calling a tool', tool_calls: toolCall, mtime: 2001 },
        { role: 'tool', content: 'file body', tool_use_id: 'c1', mtime: 2002 },
        { role: 'user', content: '[PHASE CHANGE]', is_transition_marker: true, mtime: 2003 },
        { role: 'assistant', content: long, mtime: 2004 },
        { role: 'assistant', content: '', mtime: 2005 },
        { role: 'user', content: 'thanks', mtime: 2006 },
      ],
    });
    const [row] = await index.listColdSessions();
    assert.ok(row);
    assert.equal(row.message_count, 4); // user, long assistant, empty assistant, user
    assert.equal(row.last_message, long.slice(0, 120).trim());
    assert.equal(row.last_message!.length < 120, true);
    assert.equal(row.last_active_at, 2006);
    assert.equal(row.created_at, 1000);
    assert.equal(row.has_messages, true);
    assert.equal(row.agent_name, 'Acme Colony');
    assert.equal(row.agent_path, '/colonies/acme');
    assert.equal(row.queen_id, 'queen_technology');
    assert.deepEqual(Object.keys(toHiveRow(row)), [...HIVE_LIST_FIELDS]);
    assert.equal(row.cold, true);
    assert.equal(row.live, false);
    assert.equal(row.damaged, undefined);
  });

  it('orders messages by file mtime (Hive uses mtime as created_at), not by seq', async () => {
    writeSession(home, sid(1), {
      meta: { created_at: 10 },
      parts: [
        { role: 'assistant', content: 'written last', mtime: 500 },
        { role: 'assistant', content: 'written first', mtime: 400 },
      ],
    });
    const [row] = await index.listColdSessions();
    assert.equal(row!.last_message, 'written last');
    assert.equal(row!.last_active_at, 500);
  });

  it('keeps created_at when it is later than every message, and treats [] tool_calls as no tool call', async () => {
    writeSession(home, sid(1), {
      meta: { created_at: 9000 },
      parts: [
        { role: 'assistant', content: 'x', tool_calls: [], mtime: 100 },
        { role: 'assistant', content: [{ type: 'text', text: 'block' }, { type: 'image' }], mtime: 50 },
      ],
    });
    const [row] = await index.listColdSessions();
    assert.equal(row!.message_count, 2);
    assert.equal(row!.last_message, 'x');
    assert.equal(row!.last_active_at, 9000);
  });

  it('reads Anthropic-style content blocks for the preview', async () => {
    writeSession(home, sid(1), {
      meta: { created_at: 1 },
      parts: [
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'a' },
            { type: 'text', text: 'b' },
          ],
          mtime: 5,
        },
      ],
    });
    assert.equal((await index.listColdSessions())[0]!.last_message, 'a b');
  });

  it('falls back to the folder ctime without meta or with created_at 0, and sorts newest first', async () => {
    const noMeta = writeSession(home, sid(1));
    writeSession(home, sid(2), { meta: { created_at: 0 } });
    writeSession(home, sid(3), {
      meta: { created_at: 5 },
      parts: [{ role: 'user', content: 'old', mtime: 6 }],
    });
    writeSession(home, sid(4), { meta: { created_at: 7 } });
    const rows = await index.listColdSessions();
    const ctime = statSync(noMeta).ctimeMs / 1000;
    const byId = new Map(rows.map((r) => [r.session_id, r]));
    assert.equal(byId.get(sid(1))!.created_at, ctime);
    assert.equal(byId.get(sid(1))!.has_messages, false);
    assert.equal(byId.get(sid(1))!.message_count, 0);
    assert.equal(byId.get(sid(1))!.last_message, null);
    assert.ok(Math.abs(byId.get(sid(2))!.created_at - ctime) < 5);
    assert.deepEqual(
      rows.slice(2).map((r) => r.session_id),
      [sid(4), sid(3)],
    );
    assert.ok(rows[0]!.last_active_at >= rows[1]!.last_active_at);
    // Equal activity: the newer session id first (Python left ties in directory order).
    writeSession(home, sid(5), { meta: { created_at: 7 } });
    const again = await index.listColdSessions();
    assert.deepEqual(
      again.slice(2, 4).map((r) => r.session_id),
      [sid(5), sid(4)],
    );
  });

  it('hides colony_fork copies from queen history but not from a colony listing', async () => {
    writeSession(home, sid(1), { meta: { created_at: 5, colony_fork: true, forked_from: sid(2) } });
    writeSession(home, sid(2), { meta: { created_at: 4 } });
    writeSession(home, sid(3), {
      layout: 'colony',
      colony: 'acme',
      meta: { created_at: 3, colony_fork: true },
    });
    const ids = (await index.listColdSessions()).map((r) => r.session_id);
    assert.deepEqual(ids, [sid(2), sid(3)]);
    assert.deepEqual(
      index.list({ scope: { colony: 'acme' } }).map((r) => r.session_id),
      [sid(3)],
    );
    assert.deepEqual(
      index.list({ scope: 'queens' }).map((r) => r.session_id),
      [sid(2)],
    );
  });

  it('lists the seed-era, current and colony layouts, hiding a seed copy of a migrated session', async () => {
    writeSession(home, sid(1), { layout: 'seed', queen: 'queen_growth', meta: { created_at: 1 } });
    writeSession(home, sid(2), { layout: 'queens', queen: 'queen_legal', meta: { created_at: 2 } });
    writeSession(home, sid(3), {
      layout: 'colony',
      queen: 'queen_ops',
      colony: 'acme',
      meta: { created_at: 3 },
    });
    writeSession(home, sid(3), {
      layout: 'colony',
      queen: 'queen_ops',
      colony: 'beta',
      meta: { created_at: 3.5 },
    });
    writeSession(home, sid(2), { layout: 'seed', queen: 'queen_legal', meta: { created_at: 99 } });
    const rows = await index.listColdSessions();
    assert.deepEqual(
      rows.map((r) => [r.session_id, r.layout, r.queen_id, r.colony_id]),
      [
        [sid(3), 'colony', 'queen_ops', 'beta'],
        [sid(3), 'colony', 'queen_ops', 'acme'],
        [sid(2), 'queens', 'queen_legal', null],
        [sid(1), 'seed', 'queen_growth', null],
      ],
    );
    assert.equal(new Set(rows.map((r) => r.key)).size, 4);
    assert.equal(index.count(), 4);
    assert.deepEqual(
      index.list({ offset: 1, limit: 2 }).map((r) => r.colony_id),
      ['acme', null],
    );
  });

  it('getColdSessionInfo follows get_cold_session_info', async () => {
    const dir = writeSession(home, sid(1), {
      meta: { created_at: 3, colony_spawned: 1, spawned_colony_name: 'acme', agent_name: 'A' },
      parts: [{ role: 'tool', content: 'only a tool part' }],
    });
    writeSession(home, sid(2), { meta: { created_at: 4 } });
    const info = await index.getColdSessionInfo(sid(1));
    assert.ok(info);
    assert.equal(info.has_messages, true); // a part file exists, though no client-facing message does
    assert.equal(info.colony_spawned, true);
    assert.equal(info.spawned_colony_name, 'acme');
    assert.equal(info.created_at, 3);
    assert.equal(info.dir, dir);
    assert.equal((await index.listColdSessions())[1]!.has_messages, false);
    assert.equal(await index.getColdSessionInfo(sid(2)), null); // no conversations folder
    assert.equal(await index.getColdSessionInfo(sid(9)), null);
    await assert.rejects(index.getColdSessionInfo('../etc'), /Invalid session id/);
  });

  it('finds the legacy node-based parts layout', async () => {
    const dir = writeSession(home, sid(1), { meta: { created_at: 1 } });
    const nodeParts = path.join(dir, 'conversations', 'queen_node', 'parts');
    mkdirSync(nodeParts, { recursive: true });
    writeFileSync(path.join(nodeParts, '0000000000.json'), '{"seq":0,"role":"assistant","content":"legacy"}');
    const [row] = await index.listColdSessions();
    assert.equal(row!.last_message, 'legacy');
    assert.equal(row!.message_count, 1);
    assert.equal((await index.getColdSessionInfo(sid(1)))!.has_messages, true);
  });

  it('cuts at 120 characters, not UTF-16 units, and strips like Python', () => {
    const emoji = '😀'.repeat(130);
    assert.equal([...pyHead(emoji, 120)].length, 120);
    assert.equal(pyHead('short', 120), 'short');
    assert.equal(pyStrip('\u001f\u00a0 text \u3000\n'), 'text');
    assert.equal(pyStrip('\ufefftext'), '\ufefftext');
  });
});
