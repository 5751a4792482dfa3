/**
 * Listing at the floor: one 10,000-session home of today's layout, listed warm as a whole process by our CLI
 * (`hive sessions list --json`, dist/cli.js), by today's Hive (its list_cold_sessions with the summary.json cache,
 * run on a copy since it writes summary.json) and by a bare Node script that only stats each session folder (the
 * floor). Then, in this process, what the extension host's Sessions tree does on a refresh of unchanged sessions
 * (src/extension/tree/session-groups.ts), against a bare stat of each session folder, and the longest stretch of
 * synchronous work while it lists. Absolute times are noisy on a shared machine: read the ratios.
 *
 * Env: BENCH_SESSIONS (10000), BENCH_PARTS (20), BENCH_RUNS (5), BENCH_SEED_RUNS (3; 0 skips seed-era Hive),
 * HIVE_MIRROR (a fetched aden-hive/hive; without it Hive is skipped), BENCH_KEEP=1 keeps the trees,
 * BENCH_HOME=<dir> lists a hard-linked copy of an existing home instead of generating one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseHostEnv, repoRoot } from '../scripts/host/host-env';
import { SessionGroups } from '../src/extension/tree/session-groups';
import { SessionIndex } from '../src/runtime/storage/session-index';
import { writeSessionTree } from './session-tree';

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 10_000);
const PARTS = Number(process.env.BENCH_PARTS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SEED_RUNS = Number(process.env.BENCH_SEED_RUNS ?? 3);
const TOOLS = '/work/shared/tools';

interface ProcessRun {
  ms: number;
  /** Peak resident set size in MB (from /usr/bin/time -v), if measured. */
  rssMb: number | undefined;
  stdout: string;
}

const hasGnuTime = fs.existsSync('/usr/bin/time');

/** Runs a whole process once: wall time from here, peak RSS from /usr/bin/time -v. */
function runProcess(cmd: string[], env: NodeJS.ProcessEnv = process.env): ProcessRun {
  const argv = hasGnuTime ? ['/usr/bin/time', '-v', ...cmd] : cmd;
  const start = performance.now();
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', env, maxBuffer: 512 * 1024 * 1024 });
  const ms = performance.now() - start;
  if (r.status !== 0) throw new Error(`${cmd.join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  return { ms, rssMb: kb ? Number(kb) / 1024 : undefined, stdout: r.stdout };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number) =>
  ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 0)} ms`;
const load = () => os.loadavg()[0]!.toFixed(1);

/** Node ≥ 22.13 for the CLI: the pinned Node 24 of the host install, else this Node. */
function cliNode(): string {
  if (process.env.HIVE_NODE24) return process.env.HIVE_NODE24;
  const cache = process.env.HIVE_VSCODE_CACHE ?? path.join(repoRoot, '.vscode-test');
  try {
    return parseHostEnv(fs.readFileSync(path.join(cache, 'host.env'), 'utf8')).node24;
  } catch {
    return process.execPath;
  }
}

/** The longest gap between two turns of the event loop while it runs (a 0 ms timer re-armed each turn). */
function stretchProbe(): { stop(): number } {
  let last = performance.now();
  let max = 0;
  let timer: NodeJS.Timeout;
  const tick = () => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
    timer = setTimeout(tick, 0);
  };
  timer = setTimeout(tick, 0);
  return {
    stop() {
      clearTimeout(timer);
      return Math.max(max, performance.now() - last);
    },
  };
}

interface Row {
  session_id: string;
  last_active_at: number;
  message_count: number;
  last_message: string | null;
}

/**
 * The first difference between two listings (order, ids, counts, previews), or undefined. Previews are
 * compared without trailing blanks: a stale summary.json is rebuilt by us with the seed-era cut (first 120
 * characters, then stripped) and by today's Hive the other way round; `trailing` counts those rows.
 */
function difference(oursRows: Row[], theirRows: Row[]): { diff?: string; trailing: number } {
  if (oursRows.length !== theirRows.length)
    return { diff: `${oursRows.length} rows vs ${theirRows.length}`, trailing: 0 };
  // Rows with the same last_active_at may come in any order (Python keeps the folder order).
  const byActivity = (a: Row, b: Row) =>
    b.last_active_at - a.last_active_at ||
    (a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0);
  const ours = [...oursRows].sort(byActivity);
  const theirs = [...theirRows].sort(byActivity);
  let trailing = 0;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (a.last_message !== b.last_message && a.last_message?.trimEnd() === b.last_message?.trimEnd())
      trailing++;
    if (
      a.session_id !== b.session_id ||
      a.message_count !== b.message_count ||
      a.last_message?.trimEnd() !== b.last_message?.trimEnd()
    )
      return {
        diff: `row ${i}: ${JSON.stringify(a).slice(0, 160)} vs ${JSON.stringify(b).slice(0, 160)}`,
        trailing,
      };
  }
  return { trailing };
}

export async function run(): Promise<void> {
  const cli = path.join(repoRoot, 'dist', 'cli.js');
  const build = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`the build failed:\n${build.stdout}\n${build.stderr}`);
  const node = cliNode();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-listing-'));
  const ours = path.join(root, 'ours');
  const hive = path.join(root, 'hive');
  const seed = path.join(root, 'seed');
  try {
    const given = process.env.BENCH_HOME;
    if (given) {
      console.log(`listing a hard-linked copy of ${given} in ${root} …`);
      const link = spawnSync('cp', ['-al', given, ours], { encoding: 'utf8' });
      if (link.status !== 0) throw new Error(`cp -al failed: ${link.stderr}`);
    } else {
      console.log(`generating ${SESSIONS} sessions × ${PARTS} parts (today's layout) in ${root} …`);
      writeSessionTree(ours, SESSIONS, PARTS);
    }
    // Hive writes summary.json into the tree, so it lists its own copy (mtimes kept).
    // Hard links: both listings write summary.json by temp file + rename, never into a shared file.
    const copy = spawnSync('cp', ['-al', ours, hive], { encoding: 'utf8' });
    if (copy.status !== 0) throw new Error(`cp -al failed: ${copy.stderr}`);
    // Seed-era layout: the same sessions under agents/queens (a link to the copy; seed Hive only reads).
    fs.mkdirSync(path.join(seed, 'agents'), { recursive: true });
    fs.symlinkSync(path.join(hive, 'queens'), path.join(seed, 'agents', 'queens'));
    await new Promise((r) => setTimeout(r, 2100)); // past the index's racy-timestamp window

    const mirror = process.env.HIVE_MIRROR;
    const haveHive =
      !!mirror && fs.existsSync(mirror) && fs.existsSync(path.join(TOOLS, 'hive_list_today.py'));
    const pyEnv = { ...process.env, HIVE_MIRROR: mirror };
    const subjects: { name: string; cmd: string[]; env?: NodeJS.ProcessEnv; runs: number }[] = [
      {
        name: 'ours: hive sessions list --json',
        cmd: [node, cli, 'sessions', 'list', '--json', '--home', ours],
        runs: RUNS,
      },
      {
        name: 'floor: bare script, stat each folder',
        cmd: [node, path.join(repoRoot, 'bench', 'stat-floor.mjs'), ours],
        runs: RUNS,
      },
    ];
    if (haveHive) {
      subjects.push({
        name: "today's Hive (summary.json)",
        cmd: ['python3', path.join(TOOLS, 'hive_list_today.py'), hive],
        env: pyEnv,
        runs: RUNS,
      });
      if (SEED_RUNS > 0)
        subjects.push({
          name: 'seed-era Hive (reads every part)',
          cmd: ['python3', path.join(TOOLS, 'hive_list_seed.py'), seed],
          env: pyEnv,
          runs: SEED_RUNS,
        });
    } else
      console.log(
        "HIVE_MIRROR is not set to a fetched aden-hive/hive: Hive's listing is skipped, no ratio against it",
      );

    // Warm: a first run of each builds its caches (our index and summary.json, Hive's summary.json).
    const firsts = new Map<string, ProcessRun>();
    for (const s of subjects) {
      console.log(`first run: ${s.name} …`);
      firsts.set(s.name, runProcess(s.cmd, s.env));
    }
    const oursRows = JSON.parse(firsts.get(subjects[0]!.name)!.stdout) as Row[];
    if (oursRows.length !== SESSIONS)
      throw new Error(`our listing has ${oursRows.length} rows, not ${SESSIONS}`);
    for (const s of subjects.slice(2)) {
      const { diff, trailing } = difference(oursRows, JSON.parse(firsts.get(s.name)!.stdout) as Row[]);
      console.log(
        `${s.name}: ${diff ? `DIFFERS from ours, ${diff}` : 'same rows as ours (order, ids, counts, previews)'}` +
          (trailing ? `; ${trailing} previews differ only by a trailing blank` : ''),
      );
    }
    // Interleaved, so load changes hit every subject alike.
    const times = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
    const rss = new Map<string, number[]>(subjects.map((s) => [s.name, []]));
    for (let i = 0; i < Math.max(...subjects.map((s) => s.runs)); i++)
      for (const s of subjects) {
        if (i >= s.runs) continue;
        const r = runProcess(s.cmd, s.env);
        times.get(s.name)!.push(r.ms);
        if (r.rssMb !== undefined) rss.get(s.name)!.push(r.rssMb);
      }

    const w = Math.max(...subjects.map((s) => s.name.length));
    const oursMs = median(times.get(subjects[0]!.name)!);
    const floorMs = median(times.get(subjects[1]!.name)!);
    console.log(`\nwarm listing of ${SESSIONS} sessions, whole process (load ${load()}):`);
    console.log(
      `${'process'.padEnd(w)}  ${'median'.padStart(8)}  ${'peak RSS'.padStart(9)}  ${'÷ floor'.padStart(7)}  ${'÷ ours'.padStart(7)}`,
    );
    for (const s of subjects) {
      const ms = median(times.get(s.name)!);
      const mb = rss.get(s.name)!.length ? `${Math.max(...rss.get(s.name)!).toFixed(0)} MB` : '?';
      console.log(
        `${s.name.padEnd(w)}  ${fmt(ms).padStart(8)}  ${mb.padStart(9)}  ${`${(ms / floorMs).toFixed(2)}×`.padStart(7)}  ${`${(ms / oursMs).toFixed(2)}×`.padStart(7)}  (n=${s.runs})`,
      );
    }
    if (haveHive) {
      const hiveMs = median(times.get(subjects[2]!.name)!);
      console.log(`ours is ${(hiveMs / oursMs).toFixed(2)}× faster than today's Hive (goal ≥ 4×)`);
    }
    const oursRss = rss.get(subjects[0]!.name)!;
    if (oursRss.length) console.log(`our peak RSS ${Math.max(...oursRss).toFixed(0)} MB (goal ≤ 100 MB)`);

    await hostRefresh(ours);
  } finally {
    if (process.env.BENCH_KEEP === '1') console.log(`kept ${root}`);
    else fs.rmSync(root, { recursive: true, force: true });
  }
}

/** The Sessions tree's first listing and its refresh of unchanged sessions, as the extension host runs them. */
async function hostRefresh(home: string): Promise<void> {
  const quiet = {
    debug() {},
    trace() {},
    error(m: string) {
      console.error(m);
    },
  };
  // As the extension host makes it (src/extension/runtime-host.ts), with its stat worker.
  const index = new SessionIndex({ home, persistDelayMs: 60_000, statWorker: true });
  const groups = new SessionGroups();
  let probe = stretchProbe();
  let start = performance.now();
  await groups.rebuild(index, undefined, quiet);
  const firstMs = performance.now() - start;
  const firstStretch = probe.stop();
  const rows = groups.order.reduce((n, g) => n + g.rows.length, 0);
  if (rows !== SESSIONS) throw new Error(`the tree lists ${rows} rows, not ${SESSIONS}`);

  const refresh: number[] = [];
  let refreshStretch = 0;
  for (let i = 0; i < 7; i++) {
    probe = stretchProbe();
    start = performance.now();
    const changed = await groups.rebuild(index, undefined, quiet);
    refresh.push(performance.now() - start);
    refreshStretch = Math.max(refreshStretch, probe.stop());
    if (changed) throw new Error('a refresh of unchanged sessions changed the tree');
  }
  // Baseline: the same folders, each stat'ed once, synchronously, nothing else.
  const dirs = groups.order.flatMap((g) => g.rows.map((r) => r.dir));
  const bare: number[] = [];
  for (let i = 0; i < 7; i++) {
    start = performance.now();
    for (const d of dirs) fs.statSync(d);
    bare.push(performance.now() - start);
  }
  await index.close();
  const refreshMs = median(refresh);
  const bareMs = median(bare);
  console.log(`\nextension host's Sessions tree, ${SESSIONS} sessions (load ${load()}):`);
  console.log(
    `first listing (index cache load + full scan + grouping): ${fmt(firstMs)}, longest synchronous stretch ${fmt(firstStretch)}`,
  );
  console.log(
    `refresh of unchanged sessions, median of 7: ${fmt(refreshMs)} (goal < 150 ms); bare stat of each folder ${fmt(bareMs)}; ratio ${(refreshMs / bareMs).toFixed(2)}×`,
  );
  console.log(`longest synchronous stretch during the refreshes: ${fmt(refreshStretch)} (goal ≤ 50 ms)`);
}
