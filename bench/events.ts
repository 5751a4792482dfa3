/**
 * Event system figures: publish throughput with events.jsonl persistence, and the resume-offset lookup on a
 * 100 MB events.jsonl (checkpointed tail read vs full scans). Everything happens in a temporary folder.
 */
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventBus } from '../src/runtime/events/bus';
import { findIterationOffset } from '../src/runtime/events/offset';
import { EventLog } from '../src/runtime/events/persistence';

export const name = 'events';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** Turns of 20 events: 18 text deltas, a tool call and the turn end, i.e. 90% deltas. */
function publishTurns(bus: EventBus, events: number, deltasPerTurn: number): void {
  const word = 'lorem ';
  let iteration = 0;
  for (let sent = 0; sent < events; iteration++) {
    let snapshot = '';
    for (let d = 0; d < deltasPerTurn && sent < events; d++, sent++) {
      snapshot += word;
      bus.publish({
        type: 'llm_text_delta',
        stream_id: 'queen',
        node_id: 'queen',
        execution_id: 'session_x',
        data: { content: word, snapshot, inner_turn: 0, iteration },
      });
    }
    const tool = { tool_use_id: `toolu_${iteration}`, tool_name: 'read_file' };
    bus.publish({
      type: 'tool_call_completed',
      stream_id: 'queen',
      node_id: 'queen',
      execution_id: 'session_x',
      data: { ...tool, result: 'x'.repeat(200), is_error: false },
    });
    bus.publish({
      type: 'llm_turn_complete',
      stream_id: 'queen',
      node_id: 'queen',
      execution_id: 'session_x',
      data: {
        stop_reason: 'tool_use',
        model: 'm',
        input_tokens: 10,
        output_tokens: 20,
        cached_tokens: 0,
        iteration,
      },
    });
    sent += 2;
  }
}

function publishBench(
  dir: string,
  label: string,
  events: number,
  deltasPerTurn: number,
  persist: boolean,
): void {
  const file = path.join(dir, `${label}.jsonl`);
  const bus = new EventBus({ iterationOffset: 3 });
  const log = persist ? EventLog.attach(bus, file) : undefined;
  const t0 = performance.now();
  publishTurns(bus, events, deltasPerTurn);
  log?.close();
  const ms = performance.now() - t0;
  const size = persist ? statSync(file).size : 0;
  console.log(
    `  ${label.padEnd(34)} ${fmt((events / ms) * 1000).padStart(11)} events/s` +
      (persist
        ? `   (${fmt(events)} events -> ${(size / 1e6).toFixed(1)} MB)`
        : `   (${fmt(events)} events)`),
  );
}

/** ~`megabytes` MB of queen and worker events with growing queen iterations and low worker ones. */
function writeEventsFile(file: string, megabytes: number): void {
  const pad = 'x'.repeat(300);
  let written = 0;
  let i = 0;
  while (written < megabytes * 1024 * 1024) {
    let block = '';
    for (let k = 0; k < 5000; k++, i++) {
      const worker = i % 4 === 0;
      const data: Record<string, unknown> = { content: pad };
      if (i % 2) data.iteration = worker ? i % 50 : Math.floor(i / 10);
      block += `${JSON.stringify({
        type: i % 2 ? 'llm_turn_complete' : 'tool_call_completed',
        stream_id: worker ? 'worker:w1' : 'queen',
        node_id: 'queen',
        execution_id: null,
        data,
        timestamp: '2026-04-21T10:00:00.000001',
        correlation_id: null,
        colony_id: null,
      })}\n`;
    }
    appendFileSync(file, block);
    written += Buffer.byteLength(block);
  }
}

/** What Hive does on every start: parse every line. */
async function hiveStyleScan(file: string): Promise<number> {
  let max = -1;
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    if (!line.trim()) continue;
    try {
      const it = JSON.parse(line)?.data?.iteration;
      if (Number.isInteger(it) && it > max) max = it;
    } catch {}
  }
  return max >= 0 ? max + 1 : 0;
}

async function timed<T>(label: string, fn: () => Promise<T>, describe: (r: T) => string): Promise<T> {
  const t0 = performance.now();
  const result = await fn();
  console.log(
    `  ${label.padEnd(44)} ${(performance.now() - t0).toFixed(1).padStart(8)} ms   ${describe(result)}`,
  );
  return result;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-events-'));
  try {
    console.log('publish (sync bus; persistence = EventLog on events.jsonl, closed at the end):');
    publishBench(dir, 'warm-up', 50_000, 18, true);
    publishBench(dir, 'bus only, no listeners', 1_000_000, 18, false);
    publishBench(dir, 'persisted, 90% deltas (coalesced)', 1_000_000, 18, true);
    publishBench(dir, 'persisted, no deltas (every line)', 1_000_000, 0, true);

    const file = path.join(dir, 'events.jsonl');
    writeEventsFile(file, 100);
    const size = statSync(file).size;
    console.log(`resume offset on a ${(size / 1024 / 1024).toFixed(0)} MB events.jsonl:`);
    const expected = await timed(
      'Hive-style full scan (parse every line)',
      () => hiveStyleScan(file),
      (o) => `offset ${o}`,
    );
    const show = (r: Awaited<ReturnType<typeof findIterationOffset>>) =>
      `offset ${r.offset}, read ${fmt(r.bytesRead)} B${r.checkpointUsed ? ' (checkpoint)' : ''}`;
    await timed(
      'our full scan, no checkpoint',
      () => findIterationOffset(file, { checkpointFile: null }),
      show,
    );
    await timed('first start (full scan + write checkpoint)', () => findIterationOffset(file), show);
    const warm = await timed('next start (checkpoint, nothing new)', () => findIterationOffset(file), show);
    appendFileSync(
      file,
      `{"type":"llm_turn_complete","stream_id":"queen","data":{"iteration":${expected + 5}}}\n`,
    );
    await timed('next start after a resumed session appended', () => findIterationOffset(file), show);
    if (warm.offset !== expected) throw new Error(`offset mismatch: ${warm.offset} vs ${expected}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
