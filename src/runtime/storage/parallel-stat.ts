import { Worker } from 'node:worker_threads';
import type { IndexFs } from './index-fs';

/**
 * Stats many paths at once, half of them on a worker thread while this thread does the other half.
 * A refresh of 10,000 unchanged sessions is 20,000 stats, nearly all of its time; each is a
 * syscall that runs as well on another core, so two threads take half the time (and the
 * extension host's thread is busy for half as long).
 *
 * Results are 5 numbers per path, as fingerprint.ts keeps them: mtimeMs, ctimeMs, size, ino,
 * mode; a missing path has STAT_MISSING in its first slot, one that could not be stat'ed
 * STAT_FAILED.
 */
export const STAT_SLOTS = 5;
export const STAT_MISSING = -1;
export const STAT_FAILED = -2;

/** Below this many paths the worker's round trip costs more than it saves. */
const MIN_PARALLEL = 1000;
/** A worker unused this long is stopped (it holds ~15-20 MB); the next full refresh starts another. */
const IDLE_MS = 60_000;

/** Stats one path with `fs` into `out[at..at + STAT_SLOTS)`. */
export function statOneInto(fs: IndexFs, p: string, out: Float64Array, at: number): void {
  let s: ReturnType<IndexFs['stat']>;
  try {
    s = fs.stat(p);
  } catch {
    out[at] = STAT_FAILED;
    return;
  }
  if (!s) {
    out[at] = STAT_MISSING;
    return;
  }
  out[at] = s.mtimeMs;
  out[at + 1] = s.ctimeMs;
  out[at + 2] = s.size;
  out[at + 3] = s.ino;
  out[at + 4] = s.mode;
}

/** Stats `paths[from..to)` with `fs` into `out`, path i at `STAT_SLOTS * i`. */
export function statValuesInto(
  fs: IndexFs,
  paths: readonly string[],
  from: number,
  to: number,
  out: Float64Array,
): void {
  for (let i = from; i < to; i++) statOneInto(fs, paths[i]!, out, i * STAT_SLOTS);
}

// The worker's whole program: statValuesInto over node:fs for the paths it is sent. Plain CommonJS
// source (not a function's toString(), which a bundler or tsx may rewrite with helpers the worker
// lacks); parallel-stat.test.ts checks that it fills exactly what statOneInto fills.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { statSync } = require('node:fs');
parentPort.on('message', ({ id, paths }) => {
  const out = new Float64Array(paths.length * ${STAT_SLOTS});
  for (let i = 0; i < paths.length; i++) {
    const at = i * ${STAT_SLOTS};
    let s;
    try {
      s = statSync(paths[i], { throwIfNoEntry: false });
    } catch {
      out[at] = ${STAT_FAILED};
      continue;
    }
    if (!s) {
      out[at] = ${STAT_MISSING};
      continue;
    }
    out[at] = s.mtimeMs;
    out[at + 1] = s.ctimeMs;
    out[at + 2] = s.size;
    out[at + 3] = s.ino;
    out[at + 4] = s.mode;
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
`;

interface Pending {
  resolve(values: Float64Array): void;
  reject(err: Error): void;
}

export class ParallelStat {
  private worker: Worker | undefined;
  /** Set when the worker failed or was closed: from then on everything is stat'ed on this thread. */
  private broken = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private idleTimer: NodeJS.Timeout | undefined;
  /** Paths the worker has stat'ed so far. */
  offloaded = 0;

  constructor(private readonly idleMs = IDLE_MS) {}

  /** Starts the worker ahead of the first statMany (it takes a few tens of ms to boot, in parallel). */
  warmUp(): void {
    // In a task of its own: not added to the caller's synchronous stretch.
    setImmediate(() => this.ensureWorker());
  }

  /**
   * Stats every path with node:fs. Never rejects: if the worker fails, its share is stat'ed on
   * this thread.
   */
  async statMany(fs: IndexFs, paths: readonly string[]): Promise<Float64Array> {
    const out = new Float64Array(paths.length * STAT_SLOTS);
    const worker = paths.length >= MIN_PARALLEL ? this.ensureWorker() : undefined;
    if (!worker) {
      statValuesInto(fs, paths, 0, paths.length, out);
      return out;
    }
    const cut = paths.length >> 1;
    const theirs = this.request(worker, paths.slice(cut));
    statValuesInto(fs, paths, 0, cut, out);
    try {
      out.set(await theirs, cut * STAT_SLOTS);
      this.offloaded += paths.length - cut;
    } catch {
      statValuesInto(fs, paths, cut, paths.length, out);
    }
    this.stopWhenIdle();
    return out;
  }

  /** Stops the worker; later calls stat on this thread. */
  async close(): Promise<void> {
    this.broken = true;
    await this.stopWorker();
  }

  private async stopWorker(): Promise<void> {
    clearTimeout(this.idleTimer);
    const worker = this.worker;
    this.worker = undefined; // first: its exit is then no failure
    this.failPending(new Error('the stat worker was stopped'));
    await worker?.terminate();
  }

  private stopWhenIdle(): void {
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.pending.size === 0) void this.stopWorker();
    }, this.idleMs);
    this.idleTimer.unref();
  }

  private request(worker: Worker, paths: string[]): Promise<Float64Array> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ id, paths });
    });
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker || this.broken) return this.worker;
    try {
      // No inherited flags: a loader (tsx) or an --inspect of the host has no business in it.
      const worker = new Worker(WORKER_SOURCE, {
        eval: true,
        execArgv: [],
        // It holds one request's paths at a time: a small heap is plenty (exceeding it is a failure, handled).
        resourceLimits: { maxYoungGenerationSizeMb: 4, maxOldGenerationSizeMb: 64 },
      });
      worker.unref(); // never what keeps a process alive
      worker.on('message', ({ id, out }: { id: number; out: Float64Array }) => {
        const p = this.pending.get(id);
        this.pending.delete(id);
        p?.resolve(out);
      });
      const fail = (err: Error) => {
        if (this.worker !== worker) return; // stopped on purpose
        this.broken = true;
        this.worker = undefined;
        this.failPending(err);
      };
      worker.on('error', fail);
      worker.on('exit', (code) => fail(new Error(`the stat worker exited (${code})`)));
      this.worker = worker;
      this.stopWhenIdle();
    } catch {
      this.broken = true; // no worker threads here: stat on this thread
    }
    return this.worker;
  }

  private failPending(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }
}
