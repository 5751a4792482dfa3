import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { nodeIndexFs } from '../../../src/runtime/storage/index-fs';
import {
  ParallelStat,
  STAT_FAILED,
  STAT_MISSING,
  STAT_SLOTS,
  statValuesInto,
} from '../../../src/runtime/storage/parallel-stat';
import { removeTree, tempHome } from './fixtures';

/** A folder with each kind of path a fingerprint meets: files, folders, missing, unreadable. */
function variedPaths(root: string): string[] {
  mkdirSync(path.join(root, 'folder', 'parts'), { recursive: true });
  writeFileSync(path.join(root, 'meta.json'), '{"x": 1}');
  symlinkSync('loop', path.join(root, 'loop')); // stat fails: ELOOP
  const one = [
    path.join(root, 'meta.json'),
    path.join(root, 'folder'),
    path.join(root, 'folder', 'parts'),
    path.join(root, 'absent'),
    path.join(root, 'meta.json', 'below-a-file'), // ENOTDIR: fails, not missing
    path.join(root, 'loop'),
  ];
  // Enough paths for the worker to take its half (it is skipped below 1,000).
  return Array.from({ length: 2400 }, (_, i) => one[i % one.length]!);
}

function onThisThread(paths: string[]): Float64Array {
  const out = new Float64Array(paths.length * STAT_SLOTS);
  statValuesInto(nodeIndexFs, paths, 0, paths.length, out);
  return out;
}

describe('ParallelStat (stats on a worker thread)', () => {
  let root: string;
  let ps: ParallelStat;
  beforeEach(() => {
    root = tempHome('hive-pstat-');
    ps = new ParallelStat();
  });
  afterEach(async () => {
    await ps.close();
    removeTree(root);
  });

  it("the worker's half is what this thread would have stat'ed: files, folders, missing and failing paths", async () => {
    const paths = variedPaths(root);
    const values = await ps.statMany(nodeIndexFs, paths);
    assert.equal(ps.offloaded, paths.length / 2, 'the worker stat-ed the second half');
    assert.deepEqual(values, onThisThread(paths));
    // Each kind is told apart, in the worker's half as well.
    const last = (paths.length - 6) * STAT_SLOTS;
    assert.ok(values[last]! > 0, 'a file has its mtime');
    assert.equal(values[last + 3 * STAT_SLOTS], STAT_MISSING);
    // Below a file: Node 20's statSync throws ENOTDIR (failed), Node 24's reports it missing.
    assert.ok([STAT_MISSING, STAT_FAILED].includes(values[last + 4 * STAT_SLOTS]!));
    assert.equal(values[last + 5 * STAT_SLOTS], STAT_FAILED);
  });

  it('a worker that dies mid-request costs nothing: its share is stat-ed here, and later calls too', async () => {
    const paths = variedPaths(root);
    await ps.statMany(nodeIndexFs, paths); // the worker is up
    const worker = (ps as unknown as { worker: { terminate(): Promise<number> } }).worker;
    // Dying while the request is sent: the call neither hangs nor loses the worker's half.
    void worker.terminate();
    assert.deepEqual(await ps.statMany(nodeIndexFs, paths), onThisThread(paths));
    const after = ps.offloaded;
    assert.deepEqual(await ps.statMany(nodeIndexFs, paths), onThisThread(paths));
    assert.equal(ps.offloaded, after, 'no worker is asked after it died');
  });

  it('stops an idle worker and starts another for the next call', async () => {
    await ps.close();
    ps = new ParallelStat(50);
    const paths = variedPaths(root);
    await ps.statMany(nodeIndexFs, paths);
    const first = (ps as unknown as { worker?: unknown }).worker;
    assert.ok(first, 'a worker is running');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((ps as unknown as { worker?: unknown }).worker, undefined, 'stopped after 50 ms idle');
    assert.deepEqual(await ps.statMany(nodeIndexFs, paths), onThisThread(paths));
    assert.equal(ps.offloaded, paths.length, 'a new worker took its half again');
  });

  it('few paths, or after close(), are stat-ed on this thread', async () => {
    const paths = variedPaths(root);
    assert.deepEqual(await ps.statMany(nodeIndexFs, paths.slice(0, 12)), onThisThread(paths.slice(0, 12)));
    assert.equal(ps.offloaded, 0);
    await ps.close();
    assert.deepEqual(await ps.statMany(nodeIndexFs, paths), onThisThread(paths));
    assert.equal(ps.offloaded, 0);
  });
});
