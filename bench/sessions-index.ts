/**
 * Cold-session listing: the incremental SessionIndex against a naive full re-read that parses
 * every part file on every call (what Hive's list_cold_sessions does, docs/hive-format.md §5 bug 2).
 *
 * Env: BENCH_SESSIONS (default 10000), BENCH_PARTS (default 50), BENCH_KEEP=1 keeps the tree.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PartStore } from '../src/runtime/storage/parts';
import { SessionIndex } from '../src/runtime/storage/session-index';
import { writeSessionTree } from './session-tree';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const PARTS = Number(process.env.BENCH_PARTS ?? 50);
/** A Hive-shaped tree: 70% current layout, 20% seed-era, 10% colony overseer sessions. */
function generate(home: string): string[] {
  return writeSessionTree(home, SESSIONS, PARTS, (root, i, queen, sid) => {
    const kind = i % 10;
    if (kind < 7) return path.join(root, 'queens', queen, 'sessions', sid);
    if (kind < 9) return path.join(root, 'agents', 'queens', queen, 'sessions', sid);
    return path.join(root, 'colonies', `colony_${i % 20}`, 'queens', queen, 'sessions', sid);
  });
}

interface NaiveRow {
  session_id: string;
  message_count: number;
  last_message: string | null;
  last_active_at: number;
}

/** Hive's way: every session, every part file read and parsed, on every call. */
function naiveList(home: string): NaiveRow[] {
  const rows: NaiveRow[] = [];
  const subdirs = (p: string) => {
    try {
      return readdirSync(p, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(p, e.name));
    } catch {
      return [];
    }
  };
  const sessionDirs: string[] = [];
  for (const root of [path.join(home, 'queens'), path.join(home, 'agents', 'queens')])
    for (const q of subdirs(root)) sessionDirs.push(...subdirs(path.join(q, 'sessions')));
  for (const c of subdirs(path.join(home, 'colonies')))
    for (const q of subdirs(path.join(c, 'queens'))) sessionDirs.push(...subdirs(path.join(q, 'sessions')));
  for (const d of sessionDirs) {
    let created = statSync(d).ctimeMs / 1000;
    let meta: Record<string, unknown> = {};
    try {
      meta = JSON.parse(readFileSync(path.join(d, 'meta.json'), 'utf8'));
      created = (meta.created_at as number) || created;
    } catch {}
    if (meta.colony_fork && !d.includes(`${path.sep}colonies${path.sep}`)) continue;
    const all: {
      role: unknown;
      content: unknown;
      tool_calls?: unknown;
      is_transition_marker?: unknown;
      ts: number;
    }[] = [];
    const conv = path.join(d, 'conversations');
    const partDirs = [
      path.join(conv, 'parts'),
      ...subdirs(conv).filter((n) => !n.endsWith(`${path.sep}parts`)),
    ];
    for (const pd of partDirs) {
      let names: string[] = [];
      try {
        names = readdirSync(pd)
          .filter((n) => n.endsWith('.json'))
          .sort();
      } catch {}
      for (const n of names) {
        try {
          const f = path.join(pd, n);
          const part = JSON.parse(readFileSync(f, 'utf8'));
          all.push({ ...part, ts: statSync(f).mtimeMs / 1000 });
        } catch {}
      }
    }
    const client = all
      .filter(
        (p) =>
          !p.is_transition_marker &&
          p.role !== 'tool' &&
          !(p.role === 'assistant' && Array.isArray(p.tool_calls) && p.tool_calls.length),
      )
      .sort((a, b) => a.ts - b.ts);
    let last: string | null = null;
    for (let i = client.length - 1; i >= 0; i--)
      if (client[i]!.role === 'assistant' && typeof client[i]!.content === 'string' && client[i]!.content) {
        last = (client[i]!.content as string).slice(0, 120).trim();
        break;
      }
    const latest = client[client.length - 1]?.ts ?? 0;
    rows.push({
      session_id: path.basename(d),
      message_count: client.length,
      last_message: last,
      last_active_at: Math.max(created, latest),
    });
  }
  return rows.sort((a, b) => b.last_active_at - a.last_active_at || (a.session_id < b.session_id ? 1 : -1));
}

async function time<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await fn();
  return { ms: performance.now() - start, value };
}

/** Median over n runs of fn, which returns the milliseconds to count (so setup is excluded). */
async function median(n: number, fn: () => Promise<number>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) times.push(await fn());
  times.sort((a, b) => a - b);
  return times[Math.floor(n / 2)]!;
}

const fmt = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`;

export async function run(): Promise<void> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-'));
  try {
    console.log(`generating ${SESSIONS} sessions × ${PARTS} parts in ${home} …`);
    const gen = await time(() => generate(home));
    console.log(`generated ${SESSIONS * (PARTS + 1)} files in ${fmt(gen.ms)}`);
    const dirs = gen.value;
    const cacheFile = path.join(home, '.hive-vscode', 'session-index.json');

    await new Promise((r) => setTimeout(r, 2100)); // let the last sessions' timestamps settle (racy window)
    const index = new SessionIndex({ home, cacheFile, persistDelayMs: 60_000 });
    const first = await time(() => index.refresh());
    const rows = index.list();
    const save = await time(() => index.flush());
    // Naive: a first listing; every later naive listing costs the same full re-read.
    const naiveFirst = await time(() => naiveList(home));
    const same =
      rows.length === naiveFirst.value.length &&
      rows.every((r, i) => {
        const n = naiveFirst.value[i]!;
        return (
          r.session_id === n.session_id &&
          r.message_count === n.message_count &&
          r.last_message === n.last_message
        );
      });
    if (!same) throw new Error('index listing differs from the naive listing');

    const unchanged = await median(5, async () => {
      const t = await time(() => index.refresh());
      if (t.value.reread !== 0) throw new Error(`unchanged refresh re-read ${t.value.reread}`);
      return t.ms;
    });
    const listOnly = await median(5, async () => (await time(() => index.list({ limit: 200 }))).ms);

    const changed = dirs[Math.floor(dirs.length / 2)]!;
    const store = new PartStore(path.join(changed, 'conversations'));
    let k = 0;
    const appendOne = () => store.append({ role: 'assistant', content: `new reply ${k++}` });
    await appendOne();
    const oneChanged = await time(() => index.refresh());
    if (oneChanged.value.reread !== 1)
      throw new Error(`one-changed refresh re-read ${oneChanged.value.reread}`);
    if (index.list()[0]!.key !== rows.find((r) => r.dir === changed)!.key)
      throw new Error('the changed session is not first');
    const oneChangedMedian = await median(5, async () => {
      await appendOne();
      const t = await time(() => index.refresh());
      return t.ms;
    });
    await appendOne();
    const part = path.join(changed, 'conversations', 'parts', 'x.json');
    const targeted = await median(5, async () => {
      await appendOne();
      return (await time(() => index.refresh([part]))).ms;
    });

    const naiveAfterChange = await time(() => naiveList(home));
    const naiveUnchanged = await time(() => naiveList(home));

    await index.flush();
    const cacheBytes = statSync(cacheFile).size;
    const restart = await time(async () => {
      const fresh = new SessionIndex({ home, cacheFile });
      const s = await fresh.refresh();
      return s.reread;
    });

    const refreshOne = oneChanged.ms;
    const table: [string, number, number | null][] = [
      ['first listing (index build, no cache)', first.ms, naiveFirst.ms],
      ['listing after one session changed (full stat scan)', refreshOne, naiveAfterChange.ms],
      ['  same, median of 5', oneChangedMedian, naiveAfterChange.ms],
      ['listing with nothing changed (full stat scan), median', unchanged, naiveUnchanged.ms],
      ['one changed, watcher path given (targeted), median', targeted, naiveAfterChange.ms],
      ['list from memory (sorted page of 200), median', listOnly, null],
      ['restart: load cache + full stat scan', restart.ms, naiveFirst.ms],
      ['write index cache (atomic)', save.ms, null],
    ];
    const w = Math.max(...table.map((r) => r[0].length));
    console.log(
      `\n${'scenario'.padEnd(w)}  ${'index'.padStart(10)}  ${'naive'.padStart(10)}  ${'speed-up'.padStart(9)}`,
    );
    for (const [name, ms, naive] of table)
      console.log(
        `${name.padEnd(w)}  ${fmt(ms).padStart(10)}  ${(naive === null ? '' : fmt(naive)).padStart(10)}  ${
          naive === null ? '' : `${(naive / ms).toFixed(0)}×`.padStart(9)
        }`,
      );
    console.log(
      `\n${rows.length} sessions listed; cache ${(cacheBytes / 1e6).toFixed(1)} MB; restart re-read ${restart.value} sessions`,
    );
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${home}`);
    else rmSync(home, { recursive: true, force: true });
  }
}
