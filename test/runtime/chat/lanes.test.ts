import assert from 'node:assert/strict';
import path from 'node:path';
import { placeReplayRows, replayRows, replaySessionEvents } from '../../../src/extension/chat/session-events';
import { TurnChanges } from '../../../src/extension/chat/turn-changes';
import { MAX_LANE_ENTRIES, WorkerLanes } from '../../../src/extension/chat/worker-lanes';
import { EventBus } from '../../../src/runtime/events/bus';
import { EventLog } from '../../../src/runtime/events/persistence';
import { type ChatMessage, parseHostMessage } from '../../../src/shared/protocol';
import { removeDir, tempDir } from '../session/helpers';

// biome-ignore lint/suspicious/noExplicitAny: hand-built events of several types
type AnyData = any;

/** One worker's turn on its own stream, as the colony runtime publishes it. */
function workerTurn(bus: EventBus, worker: string, iteration: number, text: string[], tool?: string): void {
  const stream = `worker:${worker}`;
  let snapshot = '';
  for (const t of text) {
    snapshot += t;
    bus.publish({
      type: 'llm_text_delta',
      stream_id: stream,
      node_id: worker,
      data: { content: t, snapshot, iteration, inner_turn: 0 } as AnyData,
    });
  }
  if (tool) {
    const id = `toolu_${worker}_${iteration}`;
    bus.publish({
      type: 'tool_call_started',
      stream_id: stream,
      node_id: worker,
      data: { tool_use_id: id, tool_name: tool, tool_input: { path: 'notes.md' } } as AnyData,
    });
    bus.publish({
      type: 'tool_call_completed',
      stream_id: stream,
      node_id: worker,
      data: { tool_use_id: id, tool_name: tool, result: 'Wrote notes.md', is_error: false } as AnyData,
    });
  }
  bus.publish({
    type: 'llm_turn_complete',
    stream_id: stream,
    node_id: worker,
    data: { iteration } as AnyData,
  });
}

function report(bus: EventBus, worker: string, status: string, summary: string): void {
  bus.publish({
    type: 'subagent_report',
    stream_id: `worker:${worker}`,
    node_id: worker,
    data: { worker_id: worker, status, summary, task: 't' } as AnyData,
  });
}

describe('worker lanes and changed files in the chat', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('hive-lanes-');
  });
  afterEach(() => removeDir(dir));

  it('streams a worker’s text and tool calls into its lane, then its report; every post is valid', () => {
    const bus = new EventBus();
    const lanes = new WorkerLanes();
    const posts: unknown[] = [];
    bus.subscribeAll((e) => {
      posts.push(...lanes.apply(e, 'toolu_queen'));
    });
    workerTurn(bus, 'w1', 0, ['Read', 'ing the notes'], 'write_file');
    bus.publish({
      type: 'llm_text_delta',
      stream_id: 'queen',
      node_id: 'q',
      data: { content: 'x' } as AnyData,
    });
    report(bus, 'w1', 'success', 'Notes written.');

    for (const p of posts) assert.ok(parseHostMessage(p).ok, JSON.stringify(p));
    assert.deepEqual(
      posts.map((p) => (p as { type: string }).type),
      ['laneEntry', 'laneText', 'laneEntry', 'laneEntry', 'laneStatus'],
      'the queen’s own text makes no lane post',
    );
    const [row] = lanes.rows();
    assert.equal(row?.anchor, 'toolu_queen');
    assert.equal(row?.message.status, 'done');
    assert.equal(row?.message.summary, 'Notes written.');
    assert.deepEqual(
      row?.message.entries.map((e) =>
        e.kind === 'text' ? `text:${e.text}` : `${e.name}:${e.status}:${e.result}`,
      ),
      ['text:Reading the notes', 'write_file:done:Wrote notes.md'],
    );
  });

  it('a worker that fails or is stopped ends its lane so, with calls still open marked failed', () => {
    const lanes = new WorkerLanes();
    const bus = new EventBus();
    bus.subscribeAll((e) => {
      lanes.apply(e);
    });
    bus.publish({
      type: 'tool_call_started',
      stream_id: 'worker:w2',
      node_id: 'w2',
      data: { tool_use_id: 't1', tool_name: 'run_command', tool_input: { command: 'sleep 100' } } as AnyData,
    });
    report(bus, 'w2', 'stopped', '');
    const [row] = lanes.rows();
    assert.equal(row?.message.status, 'stopped');
    assert.equal(row?.message.entries[0]?.kind === 'tool' && row.message.entries[0].status, 'error');
  });

  it('keeps a long lane bounded and says how many steps it left out', () => {
    const lanes = new WorkerLanes();
    for (let i = 0; i < MAX_LANE_ENTRIES + 25; i++)
      lanes.apply({
        type: 'tool_call_started',
        stream_id: 'worker:w3',
        data: { tool_use_id: `t${i}`, tool_name: 'read_file', tool_input: {} },
      });
    const [row] = lanes.rows();
    assert.equal(row?.message.entries.length, MAX_LANE_ENTRIES);
    assert.equal(row?.message.dropped, 25);
    assert.equal(row?.message.entries[0]?.id, 't25', 'the oldest steps go first');
  });

  it('rebuilds lanes and changed files from events.jsonl as the session wrote it, each in its place', async () => {
    const bus = new EventBus();
    const log = EventLog.attach(bus, path.join(dir, 'events.jsonl'));
    bus.publish({
      type: 'tool_call_started',
      stream_id: 'queen',
      node_id: 'q',
      data: { tool_use_id: 'toolu_q1', tool_name: 'run_parallel_workers', tool_input: {} } as AnyData,
    });
    workerTurn(bus, 'w1', 0, ['Working'], 'write_file');
    bus.publish({
      type: 'custom',
      stream_id: 'worker:w1',
      node_id: 'w1',
      data: {
        kind: 'checkpoint_recorded',
        turn_id: 0,
        path: 'notes.md',
        tool_use_id: 'toolu_w1_0',
        requester: 'w1',
      } as AnyData,
    });
    report(bus, 'w1', 'failed', 'Could not finish.');
    bus.publish({
      type: 'custom',
      stream_id: 'queen',
      node_id: 'q',
      data: {
        kind: 'checkpoint_recorded',
        turn_id: 7,
        path: 'a.txt',
        tool_use_id: 'toolu_q2',
        requester: 'queen',
      } as AnyData,
    });
    bus.publish({
      type: 'custom',
      stream_id: 'queen',
      node_id: 'q',
      data: {
        kind: 'checkpoint_recorded',
        turn_id: 7,
        path: 'b.txt',
        tool_use_id: 'toolu_q3',
        requester: 'queen',
      } as AnyData,
    });
    log.close();

    const replay = await replaySessionEvents(dir);
    const [lane] = replay.lanes.rows();
    assert.equal(lane?.message.workerId, 'w1');
    assert.equal(lane?.message.status, 'failed');
    assert.equal(lane?.message.entries[0]?.kind === 'text' && lane.message.entries[0].text, 'Working');
    assert.deepEqual(
      replay.changes.rows().map((r) => [r.message.turnId, r.message.requester, r.message.files]),
      [
        ['0', 'w1', ['notes.md']],
        ['7', 'queen', ['a.txt', 'b.txt']],
      ],
    );

    const transcript: ChatMessage[] = [
      { kind: 'user', id: 'p1', text: 'go' },
      {
        kind: 'tool',
        id: 'toolu_q1',
        name: 'run_parallel_workers',
        input: {},
        result: 'ok',
        isError: false,
        status: 'done',
      },
      {
        kind: 'tool',
        id: 'toolu_q3',
        name: 'edit_file',
        input: {},
        result: 'ok',
        isError: false,
        status: 'done',
      },
      { kind: 'assistant', id: 'p4', text: 'Done.' },
    ];
    const placed = placeReplayRows(
      transcript,
      replayRows(replay, { lanes: new WorkerLanes(), changes: new TurnChanges() }),
    );
    assert.deepEqual(
      placed.map((m) => m.id),
      ['p1', 'toolu_q1', 'lane-w1', 'changes-w1-0', 'toolu_q3', 'changes-7', 'p4'],
      'a lane after the queen call it ran under, a worker’s changes after its lane, the queen’s after her last change',
    );
  });

  it('a missing or torn events.jsonl replays as nothing, not an error', async () => {
    assert.deepEqual((await replaySessionEvents(dir)).lanes.rows(), []);
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(dir, 'events.jsonl'), '{"type":"tool_call_started","stream_id":"worker:w1","da');
    assert.deepEqual((await replaySessionEvents(dir)).lanes.rows(), []);
  });
});
