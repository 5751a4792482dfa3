import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EventBus } from '../../../src/runtime/events/bus';
import {
  appendColonyForkMarker,
  EventLog,
  makeColonyForkMarker,
} from '../../../src/runtime/events/persistence';
import type { HiveEvent, PersistedEventLine } from '../../../src/runtime/events/types';
import { readJsonl } from '../../../src/runtime/storage/jsonl';

const tmpFile = () =>
  path.join(mkdtempSync(path.join(os.tmpdir(), 'hive-events-')), 'session', 'events.jsonl');
const turn = { stop_reason: 'tool_use', model: 'm', input_tokens: 1, output_tokens: 1, cached_tokens: 0 };

/** One streamed turn: text deltas, a tool call, then the turn end (what the agent loop emits). */
function streamTurn(bus: EventBus, stream: string, iteration: number, words: string[]) {
  let snapshot = '';
  for (const w of words) {
    snapshot += w;
    bus.publish({
      type: 'llm_text_delta',
      stream_id: stream,
      node_id: stream,
      data: { content: w, snapshot, inner_turn: 0, iteration },
    });
  }
  const tool = { tool_use_id: `t${iteration}`, tool_name: 'read_file' };
  bus.publish({
    type: 'tool_call_started',
    stream_id: stream,
    node_id: stream,
    data: { ...tool, tool_input: {} },
  });
  bus.publish({
    type: 'tool_call_completed',
    stream_id: stream,
    node_id: stream,
    data: { ...tool, result: 'ok', is_error: false },
  });
  bus.publish({
    type: 'llm_turn_complete',
    stream_id: stream,
    node_id: stream,
    data: { ...turn, iteration },
  });
}

const summary = (records: PersistedEventLine[]) =>
  records.map((r) => {
    const data = r.data as Record<string, unknown>;
    return r.type === 'llm_text_delta' ? `delta:${data.snapshot}` : r.type;
  });

describe('events: events.jsonl persistence', () => {
  it('round-trips every non-delta event exactly as published, through readJsonl', async () => {
    const file = tmpFile();
    const bus = new EventBus({ clock: () => new Date(2026, 3, 21, 9, 0, 0, 5).getTime() });
    const log = EventLog.attach(bus, file);
    const published: HiveEvent[] = [
      bus.publish({
        type: 'client_input_received',
        stream_id: 'queen',
        data: { content: 'héllo ✓', image_count: 0 },
      }),
      bus.publish({
        type: 'queen_phase_changed',
        stream_id: 'queen',
        run_id: 'r1',
        data: { phase: 'working' },
      }),
      bus.publish({
        type: 'webhook_received',
        stream_id: 'hook1',
        data: { path: '/x', method: 'POST', headers: {}, payload: { a: [1, null] }, query_params: {} },
      }),
    ];
    log.close();
    const { records, skipped } = await readJsonl<HiveEvent>(file);
    assert.equal(skipped, 0);
    assert.deepEqual(records, JSON.parse(JSON.stringify(published)));
    assert.equal(records[0]?.node_id, null, 'nulls are written, not dropped');
    assert.equal('run_id' in (records[0] ?? {}), false);
    assert.equal(records[1]?.run_id, 'r1');
    assert.equal(records[0]?.timestamp, '2026-04-21T09:00:00.005000');
  });

  it("keeps only each turn's latest delta and writes it after the turn's tool events, before llm_turn_complete", async () => {
    const file = tmpFile();
    const bus = new EventBus();
    const log = EventLog.attach(bus, file);
    streamTurn(bus, 'queen', 0, ['Let ', 'me ', 'look']);
    streamTurn(bus, 'queen', 1, ['Done']);
    log.close();
    const { records } = await readJsonl<PersistedEventLine>(file);
    assert.deepEqual(summary(records), [
      'tool_call_started',
      'tool_call_completed',
      'delta:Let me look',
      'llm_turn_complete',
      'tool_call_started',
      'tool_call_completed',
      'delta:Done',
      'llm_turn_complete',
    ]);
    const kept = records[2] as HiveEvent;
    assert.equal(kept.data.content, 'look', 'the kept line is the last delta itself, not a merge');
  });

  it("flushes only the completing stream's deltas; another stream's wait for their own turn end", async () => {
    const file = tmpFile();
    const bus = new EventBus();
    const log = EventLog.attach(bus, file);
    const delta = (stream: string, text: string, inner_turn: number) =>
      bus.publish({
        type: 'client_output_delta',
        stream_id: stream,
        node_id: 'n',
        data: { content: text, snapshot: text, inner_turn, iteration: 3 },
      });
    delta('worker:a', 'w1', 0);
    delta('queen', 'q1', 0);
    delta('queen', 'q1-inner1', 1); // another inner turn of the same iteration: its own snapshot line
    delta('worker:a', 'w2', 0);
    bus.publish({ type: 'llm_turn_complete', stream_id: 'queen', node_id: 'n', data: turn });
    assert.equal(log.pendingDeltas, 1);
    bus.publish({ type: 'llm_turn_complete', stream_id: 'worker:a', node_id: 'n', data: turn });
    log.close();
    const { records } = await readJsonl<HiveEvent>(file);
    assert.deepEqual(
      records.map((r) => `${r.stream_id}:${r.type === 'llm_turn_complete' ? 'end' : r.data.snapshot}`),
      ['queen:q1', 'queen:q1-inner1', 'queen:end', 'worker:a:w2', 'worker:a:end'],
    );
  });

  it('writes pending deltas on close (text and reasoning apart), then ignores later events', async () => {
    const file = tmpFile();
    const bus = new EventBus();
    const log = EventLog.attach(bus, file);
    bus.publish({
      type: 'llm_text_delta',
      stream_id: 'queen',
      data: { content: 'par', snapshot: 'par', inner_turn: 0 },
    });
    bus.publish({
      type: 'llm_reasoning_delta',
      stream_id: 'queen',
      data: { content: 'thinking' },
    });
    bus.publish({ type: 'execution_failed', stream_id: 'queen', data: { error: 'aborted' } });
    log.flush();
    assert.deepEqual(summary((await readJsonl<PersistedEventLine>(file)).records), ['execution_failed']);
    log.close();
    log.close();
    bus.publish({ type: 'custom', stream_id: 'queen' });
    const { records } = await readJsonl<PersistedEventLine>(file);
    assert.deepEqual(summary(records), ['execution_failed', 'delta:par', 'llm_reasoning_delta']);
  });

  it('appends to an existing file and ends a torn last line first, so no new event is lost', async () => {
    const file = tmpFile();
    const first = new EventLog(file);
    first.write(new EventBus().publish({ type: 'custom', stream_id: 'q', data: { n: 1 } }));
    first.close();
    writeFileSync(file, `${readFileSync(file, 'utf8')}{"type": "custom", "data": {"n": 2`);
    const bus = new EventBus();
    const log = EventLog.attach(bus, file);
    bus.publish({ type: 'custom', stream_id: 'q', data: { n: 3 } });
    log.close();
    const { records, skipped } = await readJsonl<HiveEvent>(file);
    assert.deepEqual(
      records.map((r) => r.data.n),
      [1, 3],
    );
    assert.equal(skipped, 1);
  });

  it('keeps events published by a listener in publish order in the file', async () => {
    const file = tmpFile();
    const bus = new EventBus();
    bus.subscribe({ types: ['tool_call_completed'] }, () => {
      bus.publish({ type: 'context_usage_updated', stream_id: 'queen', data: {} });
    });
    const log = EventLog.attach(bus, file);
    streamTurn(bus, 'queen', 0, ['x']);
    log.close();
    assert.deepEqual(summary((await readJsonl<PersistedEventLine>(file)).records), [
      'tool_call_started',
      'tool_call_completed',
      'context_usage_updated',
      'delta:x',
      'llm_turn_complete',
    ]);
  });

  it('builds and appends the colony fork marker in ISO-UTC with a 240-code-point preview', async () => {
    const file = tmpFile();
    const summaryText = `${'😀'.repeat(239)}ab`;
    const marker = makeColonyForkMarker({
      parentSessionId: 'session_20260421_120000_0a1b2c3d',
      summary: summaryText,
      inheritedMessageCount: 12,
      now: Date.UTC(2026, 3, 21, 12, 0, 1, 250),
    });
    assert.deepEqual(Object.keys(marker), ['type', 'stream_id', 'data', 'timestamp']);
    assert.equal(marker.timestamp, '2026-04-21T12:00:01.250000+00:00');
    assert.equal(marker.data.fork_time, marker.timestamp);
    assert.equal(marker.data.summary_preview, `${'😀'.repeat(239)}a`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, '{"type":"custom","torn');
    await appendColonyForkMarker(file, marker);
    const { records, skipped } = await readJsonl(file);
    assert.deepEqual(records, [marker]);
    assert.equal(skipped, 1);
  });
});
