import assert from 'node:assert/strict';
import { EventBus } from '../../../src/runtime/events/bus';
import { isoLocal, isoUtc } from '../../../src/runtime/events/timestamp';
import {
  HIVE_EVENT_TYPES,
  type HiveEvent,
  isHiveEventType,
  STREAMING_DELTA_TYPES,
} from '../../../src/runtime/events/types';

// 2026-04-21 14:03:05.123 local time, plus 456 µs.
const LOCAL_MS = new Date(2026, 3, 21, 14, 3, 5, 123).getTime() + 0.456;

describe('events: types and envelope', () => {
  it('lists each Hive event type once, including every family named in docs/hive-format.md §2.2', () => {
    assert.equal(new Set(HIVE_EVENT_TYPES).size, HIVE_EVENT_TYPES.length);
    assert.equal(HIVE_EVENT_TYPES.length, 55); // §2.2's 54 + missed_triggers
    const expanded = [
      'execution_resurrected',
      'state_conflict',
      'goal_achieved',
      'node_loop_iteration',
      'node_tool_doom_loop',
      'node_retry',
      'stream_nudge_sent',
      'tool_call_replay_detected',
      'context_usage_updated',
      'credentials_required',
      'trigger_updated',
      'trigger_deactivated',
    ];
    for (const t of expanded) assert.ok(isHiveEventType(t), t);
    assert.equal(
      isHiveEventType('colony_fork_marker'),
      false,
      'the fork marker is a file line, not an EventType',
    );
    assert.equal(isHiveEventType('LLM_TEXT_DELTA'), false);
    assert.equal(isHiveEventType(undefined), false);
    assert.deepEqual([...STREAMING_DELTA_TYPES].sort(), [
      'client_output_delta',
      'llm_reasoning_delta',
      'llm_text_delta',
    ]);
  });

  it('formats timestamps like Python isoformat (local naive, UTC with +00:00, no fraction at 0 µs)', () => {
    assert.equal(isoLocal(LOCAL_MS), '2026-04-21T14:03:05.123456');
    assert.equal(isoLocal(new Date(2026, 0, 2, 3, 4, 5, 0).getTime()), '2026-01-02T03:04:05');
    assert.equal(isoLocal(new Date(2026, 0, 2, 3, 4, 5, 7).getTime()), '2026-01-02T03:04:05.007000');
    assert.equal(isoUtc(Date.UTC(2026, 3, 21, 12, 3, 5, 123) + 0.0015), '2026-04-21T12:03:05.123001+00:00');
    assert.equal(isoUtc(Date.UTC(2026, 3, 21, 12, 3, 5)), '2026-04-21T12:03:05+00:00');
    assert.throws(() => isoLocal(Number.NaN), RangeError);
    // Across second boundaries (the date part is cached per second) and never rounding into the next second.
    const edge = new Date(2026, 11, 31, 23, 59, 59, 999).getTime();
    assert.equal(isoLocal(edge + 0.999), '2026-12-31T23:59:59.999999');
    assert.equal(isoLocal(edge + 1), '2027-01-01T00:00:00');
    assert.equal(isoLocal(edge), '2026-12-31T23:59:59.999000');
    assert.equal(isoLocal(new Date(1969, 11, 31, 23, 59, 59, 500).getTime()), '1969-12-31T23:59:59.500000');
  });

  it("serialises the envelope with Hive's keys, in order, nulls kept and run_id only when set", () => {
    const bus = new EventBus({ clock: () => LOCAL_MS });
    const plain = bus.publish({ type: 'llm_turn_complete', stream_id: 'queen', data: turnData() });
    assert.equal(
      JSON.stringify(plain),
      '{"type":"llm_turn_complete","stream_id":"queen","node_id":null,"execution_id":null,' +
        '"data":{"stop_reason":"end_turn","model":"m","input_tokens":1,"output_tokens":2,"cached_tokens":0},' +
        '"timestamp":"2026-04-21T14:03:05.123456","correlation_id":null,"colony_id":null}',
    );
    const full = bus.publish({
      type: 'custom',
      stream_id: 'worker:w1',
      node_id: 'n',
      execution_id: 'e',
      correlation_id: 'c',
      colony_id: 'col',
      run_id: 'r1',
      data: { anything: [1] },
    });
    assert.deepEqual(Object.keys(JSON.parse(JSON.stringify(full))), [
      'type',
      'stream_id',
      'node_id',
      'execution_id',
      'data',
      'timestamp',
      'correlation_id',
      'colony_id',
      'run_id',
    ]);
    assert.equal(full.run_id, 'r1');
    const nullRun = bus.publish({ type: 'custom', stream_id: 'q', run_id: null });
    assert.equal('run_id' in nullRun, false);
  });

  it('narrows data by event type', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.subscribeAll((e: HiveEvent) => {
      // Compile-time check: these property accesses only type-check after narrowing on `type`.
      if (e.type === 'tool_call_completed') seen.push(`${e.data.tool_name}:${e.data.is_error}`);
      if (e.type === 'llm_turn_complete') seen.push(e.data.model);
    });
    bus.publish({
      type: 'tool_call_completed',
      stream_id: 'queen',
      data: { tool_use_id: 't1', tool_name: 'read_file', result: 'ok', is_error: false },
    });
    bus.publish({ type: 'llm_turn_complete', stream_id: 'queen', data: turnData() });
    assert.deepEqual(seen, ['read_file:false', 'm']);
  });
});

function turnData() {
  return { stop_reason: 'end_turn', model: 'm', input_tokens: 1, output_tokens: 2, cached_tokens: 0 };
}
