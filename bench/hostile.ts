/**
 * A hostile Hive home (a FIFO meta.json, a part linked to /dev/zero, a 200 MB part, beside a good
 * session) listed the way the extension host's Sessions tree lists it: the tree's entry module
 * (src/extension/sessions-entry.ts, bundled here on its own: dist/sessions.js shares modules with
 * dist/extension.js, which needs the vscode module) runs SessionIndex.refresh() and list() in a
 * fresh Node process. Also `hive sessions list --json` (the built dist/cli.js) on the same home. Each beside a baseline home with four
 * good sessions, so the hostile entries' cost shows as a difference on this machine, at its load.
 *
 * Prints the listing time inside the process, the whole-process time and the peak RSS, as the
 * median of BENCH_HOSTILE_RUNS (default 5) fresh processes. BENCH_NO_BUILD=1 uses dist/cli.js as it is.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { removeTree, tempHome, writeSession } from '../test/runtime/storage/fixtures';
import { cliNode } from '../test/support/cli-node';
import { HOSTILE_SESSIONS, hostileHome } from '../test/support/hostile-home';

const RUNS = Number(process.env.BENCH_HOSTILE_RUNS ?? 5);
const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const PEAK_REPORTER = path.join(ROOT, 'test', 'support', 'peak-rss.cjs');
const MB = 1024 * 1024;

// The tree's code path: dist/sessions.js's SessionIndex, refreshed in full then listed (as
// sessions-tree.ts rebuild() does on first load). No cache file, so the process ends when listed.
const treeListing = (bundle: string) => `
const { SessionIndex } = require(${JSON.stringify(bundle)});
const t = performance.now();
const index = new SessionIndex({ home: process.argv[1], cacheFile: null });
index.refresh().then(() => {
  const rows = index.list();
  process.stdout.write(JSON.stringify({ ms: performance.now() - t, rows: rows.length,
    damaged: rows.filter((r) => r.damaged).length }));
});`;

interface Sample {
  inside: number;
  whole: number;
  peak: number;
  rows: number;
  damaged: number;
}

function runChild(args: string[]): Promise<{ out: string; err: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cliNode(), ['-r', PEAK_REPORTER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0) reject(new Error(`${args.join(' ')}: exit ${code ?? signal}\n${err}`));
      else resolve({ out, err, ms: performance.now() - started });
    });
  });
}

const peakOf = (err: string) => Number(/PEAK_RSS=(\d+)/.exec(err)?.[1] ?? Number.NaN);

async function treeSample(home: string, bundle: string): Promise<Sample> {
  const r = await runChild(['-e', treeListing(bundle), home]);
  const o = JSON.parse(r.out) as { ms: number; rows: number; damaged: number };
  return { inside: o.ms, whole: r.ms, peak: peakOf(r.err), rows: o.rows, damaged: o.damaged };
}

async function cliSample(home: string, _bundle: string): Promise<Sample> {
  const r = await runChild([path.join(DIST, 'cli.js'), 'sessions', 'list', '--home', home, '--json']);
  const rows = JSON.parse(r.out) as { damaged?: unknown }[];
  return {
    inside: Number.NaN,
    whole: r.ms,
    peak: peakOf(r.err),
    rows: rows.length,
    damaged: rows.filter((x) => x.damaged).length,
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function summary(label: string, samples: Sample[]): string {
  const s = samples[0]!;
  const inside = Number.isNaN(s.inside)
    ? ''
    : `listing ${median(samples.map((x) => x.inside)).toFixed(1)} ms, `;
  return (
    `${label}: ${s.rows} rows (${s.damaged} flagged damaged); ${inside}` +
    `whole process ${median(samples.map((x) => x.whole)).toFixed(0)} ms, ` +
    `peak RSS ${(median(samples.map((x) => x.peak)) / MB).toFixed(0)} MB`
  );
}

/** Four good sessions: the same shape as the hostile home without its hostile files. */
function baselineHome(): string {
  const home = tempHome('hive-bench-baseline-');
  for (const sid of Object.values(HOSTILE_SESSIONS))
    writeSession(home, sid, {
      meta: { created_at: 1_700_000_000 },
      parts: [{ role: 'user', content: 'fine' }],
    });
  return home;
}

export async function run(): Promise<void> {
  if (process.env.BENCH_NO_BUILD !== '1') {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts', 'build.mjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (b.status !== 0) throw new Error(`the build failed:\n${b.stdout}\n${b.stderr}`);
  }
  const hostile = hostileHome();
  const baseline = baselineHome();
  const work = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-hostile-'));
  const bundle = path.join(work, 'sessions.js');
  buildSync({
    entryPoints: [path.join(ROOT, 'src', 'extension', 'sessions-entry.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    minify: true,
    inject: [path.join(ROOT, 'scripts', 'import-meta-url.js')],
    define: { 'import.meta.url': 'importMetaUrl' },
    logLevel: 'warning',
  });
  try {
    console.log(`${RUNS} fresh processes each, medians; load average ${os.loadavg()[0]!.toFixed(1)}`);
    for (const [label, sample] of [
      ['Sessions tree path (sessions-entry.ts)', treeSample],
      ['hive sessions list --json (dist/cli.js)', cliSample],
    ] as const) {
      const base: Sample[] = [];
      const bad: Sample[] = [];
      for (let i = 0; i < RUNS; i++) {
        base.push(await sample(baseline, bundle));
        bad.push(await sample(hostile, bundle));
      }
      console.log(summary(`${label}, baseline home`, base));
      console.log(summary(`${label}, hostile home `, bad));
    }
  } finally {
    removeTree(hostile);
    removeTree(baseline);
    removeTree(work);
  }
}
