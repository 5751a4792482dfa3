import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  findIterationOffset,
  OFFSET_CHECKPOINT_NAME,
  type OpenByteSource,
  openFileSource,
  readIterationOffset,
} from '../../../src/runtime/events/offset';

const tmpEvents = () => path.join(mkdtempSync(path.join(os.tmpdir(), 'hive-offset-')), 'events.jsonl');

/** A Hive-like line; `iteration` undefined = an event without one. */
function line(stream: string, iteration: number | undefined, pad = ''): string {
  const data: Record<string, unknown> = { content: `text ${pad}` };
  if (iteration !== undefined) data.iteration = iteration;
  return `${JSON.stringify({
    type: iteration === undefined ? 'tool_call_started' : 'llm_turn_complete',
    stream_id: stream,
    node_id: stream,
    execution_id: null,
    data,
    timestamp: '2026-04-21T10:00:00.000001',
    correlation_id: null,
    colony_id: null,
  })}\n`;
}

/** Hive's own scan (session_manager._start_queen): every line, data.iteration when it is an int. */
function naiveOffset(text: string): number {
  let max = -1;
  for (const raw of text.split('\n')) {
    if (!raw.trim()) continue;
    try {
      const it = JSON.parse(raw)?.data?.iteration;
      if (Number.isInteger(it) && it > max) max = it;
    } catch {}
  }
  return max >= 0 ? max + 1 : 0;
}

/** Wraps the real reader and counts every byte it hands out, independently of the code under test. */
function countingOpen(): { open: OpenByteSource; bytes: () => number } {
  let bytes = 0;
  return {
    bytes: () => bytes,
    open: async (file) => {
      const src = await openFileSource(file);
      if (!src) return undefined;
      return {
        size: src.size,
        read: async (position, length) => {
          const b = await src.read(position, length);
          bytes += b.length;
          return b;
        },
        close: () => src.close(),
      };
    },
  };
}

/** Writes ~`megabytes` MB of queen and worker events; iterations stay below `ceiling`. */
function writeLargeFile(file: string, megabytes: number, ceiling: number): void {
  const target = megabytes * 1024 * 1024;
  const pad = 'x'.repeat(150);
  let written = 0;
  let i = 0;
  while (written < target) {
    let block = '';
    for (let k = 0; k < 5000; k++, i++) {
      block += line(i % 3 === 0 ? 'worker:w1' : 'queen', i % 2 ? (i * 7) % ceiling : undefined, pad);
    }
    appendFileSync(file, block);
    written += Buffer.byteLength(block);
  }
}

describe('events: resume iteration offset', () => {
  it('is 0 for a missing file (nothing read, no checkpoint left behind) and for an empty one', async () => {
    const file = tmpEvents();
    const missing = await findIterationOffset(file);
    assert.deepEqual(missing, {
      offset: 0,
      maxIteration: null,
      bytesRead: 0,
      scannedFrom: 0,
      checkpointUsed: false,
    });
    assert.equal(existsSync(path.join(path.dirname(file), OFFSET_CHECKPOINT_NAME)), false);
    writeFileSync(file, '');
    assert.equal(await readIterationOffset(file), 0);
    writeFileSync(file, line('queen', undefined) + line('queen', undefined));
    assert.equal(await readIterationOffset(file, { checkpointFile: null }), 0);
  });

  it('takes the maximum over the whole file, not the last iteration (a worker restarts at 0 after the queen)', async () => {
    const file = tmpEvents();
    writeFileSync(file, line('queen', 40) + line('queen', 41) + line('worker:w1', 0) + line('worker:w1', 1));
    assert.equal(await readIterationOffset(file), 42);
  });

  it('ignores a torn last line, but counts a complete final line that lacks only its newline', async () => {
    const file = tmpEvents();
    const torn = line('queen', 999).slice(0, -20);
    writeFileSync(file, line('queen', 5) + line('worker:w1', 2) + torn);
    assert.equal(await readIterationOffset(file, { checkpointFile: null }), 6);
    writeFileSync(file, line('queen', 5) + line('queen', 8).trimEnd());
    const r = await findIterationOffset(file);
    assert.equal(r.offset, 9);
    // The checkpoint only covers complete lines, so the unterminated one is read again (and still counted).
    appendFileSync(file, `\n${line('queen', undefined)}`);
    const again = await findIterationOffset(file);
    assert.equal(again.checkpointUsed, true);
    assert.equal(again.offset, 9);
  });

  it('matches a naive full scan for any chunk size, including lines and needles split across chunks', async () => {
    const file = tmpEvents();
    let text = '';
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let k = 0; k < 300; k++) {
      const kind = rand(10);
      if (kind === 0) text += '\n';
      else if (kind === 1) text += '{"data": {"iteration": 1000}, "torn\n';
      else if (kind === 2)
        text += `${JSON.stringify({ type: 'custom', data: { text: '"iteration": 5000' } })}\n`;
      else
        text += line(rand(2) ? 'queen' : 'worker:x', rand(3) ? rand(500) : undefined, 'é'.repeat(rand(40)));
    }
    text += `{"type":"custom","data":{"iteration":${1 + rand(10)}}}`;
    writeFileSync(file, text);
    const expected = naiveOffset(text);
    for (const chunkBytes of [1, 7, 64, 333, 4096]) {
      assert.equal(
        await readIterationOffset(file, { chunkBytes, checkpointFile: null }),
        expected,
        `chunk ${chunkBytes}`,
      );
    }
    // A single line longer than many chunks.
    writeFileSync(file, `${line('queen', 3)}${line('queen', 77, 'y'.repeat(100_000))}${line('queen', 4)}`);
    assert.equal(await readIterationOffset(file, { chunkBytes: 1000, checkpointFile: null }), 78);
  });

  it('reads a 50 MB file in full once, then only its tail (< 1 MB) on later starts', async function () {
    this.timeout(60_000);
    const file = tmpEvents();
    try {
      writeLargeFile(file, 50, 5000);
      const size = statSync(file).size;
      const expected = naiveOffset(readFileSync(file, 'utf8'));

      const cold = countingOpen();
      const first = await findIterationOffset(file, { open: cold.open });
      assert.equal(first.offset, expected);
      assert.equal(first.checkpointUsed, false);
      assert.ok(cold.bytes() >= size, 'the first start has to read it all');

      const warm = countingOpen();
      const second = await findIterationOffset(file, { open: warm.open });
      assert.equal(second.offset, expected);
      assert.equal(second.checkpointUsed, true);
      assert.ok(warm.bytes() < 1024 * 1024, `read ${warm.bytes()} bytes`);
      assert.equal(second.bytesRead, warm.bytes());

      // A resumed session appends: the queen goes higher, then a worker starts low again.
      appendFileSync(file, line('queen', expected + 3) + line('worker:w2', expected));
      const appended = countingOpen();
      const third = await findIterationOffset(file, { open: appended.open });
      assert.equal(third.offset, expected + 4);
      assert.equal(third.scannedFrom, size);
      assert.ok(appended.bytes() < 4096, `read ${appended.bytes()} bytes`);
    } finally {
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('falls back to a full scan when the checkpoint does not fit the file (replaced, truncated, damaged)', async () => {
    const file = tmpEvents();
    const checkpoint = path.join(path.dirname(file), OFFSET_CHECKPOINT_NAME);
    writeFileSync(file, line('queen', 10) + line('queen', 11));
    assert.equal(await readIterationOffset(file), 12);
    assert.ok(existsSync(checkpoint));

    // Replaced by a longer file with other content: the old maximum must not leak in.
    writeFileSync(file, line('queen', 1) + line('queen', 2) + line('queen', 3, 'z'.repeat(500)));
    const replaced = await findIterationOffset(file);
    assert.equal(replaced.checkpointUsed, false);
    assert.equal(replaced.offset, 4);

    // Truncated below the checkpoint.
    writeFileSync(file, line('queen', 1));
    assert.equal(await readIterationOffset(file), 2);

    // Damaged checkpoint.
    writeFileSync(checkpoint, '{"version": 1, "size": "x"');
    const damaged = await findIterationOffset(file);
    assert.equal(damaged.checkpointUsed, false);
    assert.equal(damaged.offset, 2);
    assert.equal(JSON.parse(readFileSync(checkpoint, 'utf8')).maxIteration, 1, 'rewritten');
  });

  it('keeps the checkpoint where it is told, and none at all with checkpointFile: null', async () => {
    const file = tmpEvents();
    const elsewhere = path.join(mkdtempSync(path.join(os.tmpdir(), 'hive-offset-cp-')), 'cp.json');
    writeFileSync(file, line('queen', 2));
    assert.equal(await readIterationOffset(file, { checkpointFile: elsewhere }), 3);
    assert.ok(existsSync(elsewhere));
    assert.equal(existsSync(path.join(path.dirname(file), OFFSET_CHECKPOINT_NAME)), false);
    assert.equal((await findIterationOffset(file, { checkpointFile: elsewhere })).checkpointUsed, true);
    assert.equal(await readIterationOffset(file, { checkpointFile: null }), 3);
    assert.equal(existsSync(path.join(path.dirname(file), OFFSET_CHECKPOINT_NAME)), false);
  });
});
