import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, watch, writeFileSync } from 'node:fs';
import path from 'node:path';
import { removeTree, tempHome } from './fixtures';

const ATOMIC = path.resolve(__dirname, '../../../src/runtime/storage/atomic.ts');
const PAYLOAD = 2_000_000;

// The child rewrites one large JSON file in a loop until it is killed.
const WRITER = `
const { writeJsonAtomically } = require(${JSON.stringify(ATOMIC)});
const target = process.argv[1];
(async () => {
  for (let version = 1; ; version++) {
    await writeJsonAtomically(target, { version, payload: 'x'.repeat(${PAYLOAD}), done: true });
    if (version === 1) process.stdout.write('ready\\n');
  }
})();
`;

function startWriter(target: string) {
  const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), '-e', WRITER, target], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.on('exit', (code) => reject(new Error(`writer exited early (${code})`)));
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, sig) => resolve(sig)));
  return { child, ready, exited };
}

describe('atomic JSON writes survive a writer killed mid-way', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempHome('hive-atomic-');
  });
  afterEach(() => removeTree(dir));

  it('leaves the old or the new complete JSON after SIGKILL, never a mix', async () => {
    const target = path.join(dir, 'meta.json');
    writeFileSync(target, JSON.stringify({ version: 0, payload: 'x'.repeat(PAYLOAD), done: true }));
    let killsWithTempLeft = 0;
    // Kill at several points of a write: as soon as its temp file appears, then a little later.
    const delays = [0, 2, 5, 10, 20];
    for (const delay of delays) {
      const seen = new Set(readdirSync(dir));
      const w = startWriter(target);
      await w.ready;
      const watcher = watch(dir, (_event, name) => {
        if (!name || seen.has(name) || !name.startsWith('meta.json.')) return;
        watcher.close();
        setTimeout(() => w.child.kill('SIGKILL'), delay);
      });
      const sig = await w.exited;
      watcher.close();
      assert.equal(sig, 'SIGKILL');
      const value = JSON.parse(readFileSync(target, 'utf8')) as {
        version: number;
        payload: string;
        done: boolean;
      };
      assert.equal(value.done, true);
      assert.equal(value.payload.length, PAYLOAD);
      assert.ok(value.version >= 1, 'the writer replaced the file at least once');
      // A temp file left behind shows the kill landed in the middle of a write.
      if (readdirSync(dir).some((n) => !seen.has(n))) killsWithTempLeft++;
    }
    assert.ok(killsWithTempLeft > 0, 'at least one kill interrupted a write in progress');
  });
});
