import assert from 'node:assert/strict';
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { readMeta, updateMeta } from '../../../src/runtime/storage/meta';
import { PartStore } from '../../../src/runtime/storage/parts';
import { SessionIndex } from '../../../src/runtime/storage/session-index';
import { partFile, removeTree, tempHome, writeSession } from './fixtures';

const GOOD_A = 'session_20260103_100000_aaaaaaaa';
const GOOD_B = 'session_20260103_110000_bbbbbbbb';
const VICTIM = 'session_20260103_120000_cccccccc';

/** True when a chmod 000 really blocks reading here (it does not for root). */
function permissionBlocks(target: string, isDir: boolean): boolean {
  try {
    if (isDir) readdirSync(target);
    else readFileSync(target);
    return false;
  } catch {
    return true;
  }
}

interface Case {
  name: string;
  /** Damages the victim session; returns the damaged path whose bytes must survive untouched. */
  damage: (dir: string, home: string) => string;
  /** null: the victim cannot be listed at all (e.g. its folder is not a folder). */
  reason: RegExp | null;
  messages?: number;
  preview?: string | null;
  /** Paths made unreadable, to restore before cleanup. */
  restore?: string[];
}

const victimParts = [
  { role: 'user', content: 'question', mtime: 1_700_000_010 },
  { role: 'assistant', content: 'first answer', mtime: 1_700_000_020 },
  { role: 'user', content: 'more', mtime: 1_700_000_030 },
  { role: 'assistant', content: 'second answer', mtime: 1_700_000_040 },
];

const writePart = (dir: string, seq: number, bytes: string | Buffer) => {
  writeFileSync(partFile(dir, seq), bytes);
  return partFile(dir, seq);
};
const meta = (dir: string, bytes: string | Buffer) => {
  writeFileSync(path.join(dir, 'meta.json'), bytes);
  return path.join(dir, 'meta.json');
};

const CASES: Case[] = [
  {
    name: 'truncated meta.json',
    damage: (d) => meta(d, '{"created_at": 17000, "agent_na'),
    reason: /meta.json: invalid JSON/,
  },
  { name: 'empty meta.json', damage: (d) => meta(d, ''), reason: /meta.json: invalid JSON/ },
  { name: 'meta.json that is a list', damage: (d) => meta(d, '[1, 2, 3]'), reason: /not a JSON object/ },
  {
    name: 'binary garbage in meta.json',
    damage: (d) => meta(d, Buffer.from([0xff, 0xfe, 0, 0x7b, 0x80])),
    reason: /invalid JSON/,
  },
  {
    name: 'wrong types in meta.json',
    damage: (d) => meta(d, '{"created_at": "yesterday", "agent_name": 42, "agent_path": ["x"]}'),
    reason: /created_at is not a number.*|agent_name is not a string/,
  },
  {
    name: 'torn part file',
    damage: (d) => writePart(d, 3, '{"seq": 3, "role": "assis'),
    reason: /1 unusable part file\(s\): 0000000003.json invalid JSON/,
    messages: 3,
    preview: 'first answer',
  },
  {
    name: 'part file holding null',
    damage: (d) => writePart(d, 1, 'null'),
    reason: /not a JSON object/,
    messages: 3,
    preview: 'second answer',
  },
  {
    name: 'part file holding a list',
    damage: (d) => writePart(d, 0, '[{"role": "user"}]'),
    reason: /not a JSON object/,
    messages: 3,
  },
  {
    name: 'part with wrong types',
    damage: (d) => writePart(d, 3, '{"seq": "x", "role": "assistant", "content": {"text": "obj"}}'),
    reason: /content is not text/,
    messages: 4,
    preview: 'first answer',
  },
  {
    name: 'part with a string created_at',
    damage: (d) => writePart(d, 2, '{"seq": 2, "role": "user", "content": "c", "created_at": "2026-01-01"}'),
    reason: /created_at is not a number/,
    messages: 4,
  },
  {
    name: 'invalid UTF-8 in a part file',
    damage: (d) => writePart(d, 3, Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0xa0, 0xa1])),
    reason: /invalid JSON/,
    messages: 3,
  },
  {
    name: 'a part file that is a folder',
    damage: (d) => {
      mkdirSync(partFile(d, 7));
      return partFile(d, 7);
    },
    reason: /0000000007.json is a directory/,
    messages: 4,
    preview: 'second answer',
  },
  {
    name: 'conversations that is a file',
    damage: (d) => {
      rmSync(path.join(d, 'conversations'), { recursive: true });
      writeFileSync(path.join(d, 'conversations'), 'not a folder');
      return path.join(d, 'conversations');
    },
    reason: /conversations is not a folder/,
    messages: 0,
  },
  {
    name: 'unreadable parts folder (permission denied, or a symlink loop where root reads anyway)',
    damage: (d) => {
      const parts = path.join(d, 'conversations', 'parts');
      chmodSync(parts, 0o000);
      if (permissionBlocks(parts, true)) return parts;
      chmodSync(parts, 0o755);
      rmSync(parts, { recursive: true });
      symlinkSync('parts', parts); // ELOOP on every access
      return parts;
    },
    reason: /parts: (permission denied|ELOOP)/,
    messages: 0,
  },
  {
    name: 'unreadable meta.json (permission denied, or a folder where root reads anyway)',
    damage: (d) => {
      const file = meta(d, '{"created_at": 5}');
      chmodSync(file, 0o000);
      if (permissionBlocks(file, false)) return file;
      rmSync(file);
      mkdirSync(file);
      return file;
    },
    reason: /meta.json: (permission denied|is a directory)/,
    messages: 4,
  },
  {
    name: 'a sessions folder that is a file',
    damage: (_d, home) => {
      const file = path.join(home, 'queens', 'queen_broken', 'sessions');
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, 'oops');
      return file;
    },
    reason: /.*/, // the victim itself is intact; the broken queen folder is skipped
    messages: 4,
  },
  {
    name: 'a session folder that is a dangling symlink',
    damage: (d) => {
      rmSync(d, { recursive: true });
      symlinkSync(path.join(d, '..', 'nowhere'), d);
      return d;
    },
    reason: null,
  },
];

function snapshot(p: string): string {
  const st = lstatSync(p);
  if (st.isSymbolicLink()) return `link:${readlinkSync(p)}`;
  if (st.isDirectory()) return `dir:${readdirSync(p).join(',')}`;
  try {
    return `file:${readFileSync(p).toString('base64')}`;
  } catch {
    return `file(unreadable):${st.size}:${st.mtimeMs}`;
  }
}

describe('corrupt input never stops the listing and is never written over', () => {
  let home: string;
  const restore: string[] = [];
  beforeEach(() => {
    home = tempHome();
  });
  afterEach(() => {
    for (const p of restore.splice(0)) {
      try {
        chmodSync(p, 0o755);
      } catch {
        // already gone
      }
    }
    removeTree(home);
  });

  it(`covers at least 12 kinds of damage (${CASES.length})`, () => {
    assert.ok(CASES.length >= 12);
  });

  for (const c of CASES) {
    it(c.name, async () => {
      writeSession(home, GOOD_A, {
        meta: { created_at: 1_600_000_000 },
        parts: [{ role: 'assistant', content: 'A' }],
      });
      writeSession(home, GOOD_B, { layout: 'seed', meta: { created_at: 1_600_000_001 } });
      const dir = writeSession(home, VICTIM, { meta: { created_at: 1_700_000_000 }, parts: victimParts });
      const damaged = c.damage(dir, home);
      restore.push(damaged);
      const before = snapshot(damaged);

      const index = new SessionIndex({ home, persistDelayMs: 0 });
      const rows = await index.listColdSessions();
      await index.refresh([damaged, path.join(dir, 'meta.json')]);
      await index.getColdSessionInfo(VICTIM);
      await index.flush();
      await new PartStore(path.join(dir, 'conversations')).read().catch(() => undefined);
      const m = await readMeta(dir);
      if (!m.ok) await assert.rejects(updateMeta(dir, { phase: 'x' }), /left untouched/);

      const ids = rows.map((r) => r.session_id);
      assert.ok(ids.includes(GOOD_A) && ids.includes(GOOD_B), `good sessions still listed: ${ids}`);
      const good = rows.find((r) => r.session_id === GOOD_A)!;
      assert.equal(good.damaged, undefined);
      assert.equal(good.message_count, 1);
      const victim = rows.find((r) => r.session_id === VICTIM);
      if (c.reason === null) assert.equal(victim, undefined);
      else {
        assert.ok(victim, 'the damaged session is still listed');
        if (c.name.startsWith('a sessions folder')) assert.equal(victim.damaged, undefined);
        else assert.match(victim.damaged?.reason ?? '(not marked damaged)', c.reason);
        if (c.messages !== undefined) assert.equal(victim.message_count, c.messages);
        if (c.preview !== undefined) assert.equal(victim.last_message, c.preview);
      }
      assert.equal(snapshot(damaged), before, 'the damaged file is unchanged');
      assert.deepEqual(index.list(), rows, 'refreshes agree');
    });
  }

  it('keeps a corrupt cursor.json as it is and still appends at a fresh seq', async () => {
    const dir = writeSession(home, VICTIM, { parts: victimParts });
    const cursor = path.join(dir, 'conversations', 'cursor.json');
    writeFileSync(cursor, '{"next_seq": 9');
    const part = await new PartStore(path.join(dir, 'conversations')).append({
      role: 'user',
      content: 'again',
    });
    assert.equal(part.seq, 4);
    assert.equal(readFileSync(cursor, 'utf8'), '{"next_seq": 9');
  });
});
