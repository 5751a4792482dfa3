import { spawn } from 'node:child_process';
import path from 'node:path';
import { cliNode } from './cli-node';

/** Loaded into a child with -r: prints the child's peak RSS (bytes) on stderr as it exits. */
const PEAK_REPORTER = path.join(__dirname, 'peak-rss.cjs');

export interface ChildRun {
  code: number | null;
  out: string;
  err: string;
  /** Peak resident memory of the child, bytes (from process.resourceUsage().maxRSS). */
  peakRss: number;
  ms: number;
  /** Killed because it outlived `killAfterMs` (a hang). */
  killed: boolean;
}

/** The real CLI (`src/cli/main.ts` through tsx) in a child process, killed if it hangs. */
export function runHiveChild(
  argv: string[],
  env: NodeJS.ProcessEnv,
  { killAfterMs = 30_000 }: { killAfterMs?: number } = {},
): Promise<ChildRun> {
  const main = path.join(__dirname, '..', '..', 'src', 'cli', 'main.ts');
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(cliNode(), ['-r', require.resolve('tsx/cjs'), '-r', PEAK_REPORTER, main, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const m = /PEAK_RSS=(\d+)/.exec(err);
      resolve({
        code,
        out,
        err: err.replace(/PEAK_RSS=\d+\n?/, ''),
        peakRss: m ? Number(m[1]) : Number.NaN,
        ms: Date.now() - started,
        killed,
      });
    });
  });
}
