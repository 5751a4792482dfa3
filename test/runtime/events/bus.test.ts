import assert from 'node:assert/strict';
import { EventBus, type EventBusLogger } from '../../../src/runtime/events/bus';
import type { HiveEvent } from '../../../src/runtime/events/types';

function recordingLogger(): EventBusLogger & { messages: string[] } {
  const messages: string[] = [];
  return { messages, error: (message, error) => messages.push(`${message}: ${(error as Error).message}`) };
}

const names = (events: HiveEvent[]) => events.map((e) => `${e.type}@${e.stream_id}`);

describe('events: EventBus', () => {
  it('delivers by type, by stream, by both, and to wildcard subscribers', () => {
    const bus = new EventBus();
    const byType: HiveEvent[] = [];
    const byStream: HiveEvent[] = [];
    const byBoth: HiveEvent[] = [];
    const all: HiveEvent[] = [];
    bus.subscribe({ types: ['tool_call_started', 'llm_turn_complete'] }, (e) => {
      byType.push(e);
    });
    bus.subscribe({ streams: ['worker:a'] }, (e) => {
      byStream.push(e);
    });
    bus.subscribe({ types: ['tool_call_started'], streams: ['queen'] }, (e) => {
      byBoth.push(e);
    });
    bus.subscribeAll((e) => {
      all.push(e);
    });
    bus.publish({ type: 'tool_call_started', stream_id: 'queen' });
    bus.publish({ type: 'tool_call_started', stream_id: 'worker:a' });
    bus.publish({ type: 'custom', stream_id: 'worker:a' });
    bus.publish({ type: 'llm_turn_complete', stream_id: 'worker:b' });
    assert.deepEqual(names(byType), [
      'tool_call_started@queen',
      'tool_call_started@worker:a',
      'llm_turn_complete@worker:b',
    ]);
    assert.deepEqual(names(byStream), ['tool_call_started@worker:a', 'custom@worker:a']);
    assert.deepEqual(names(byBoth), ['tool_call_started@queen']);
    assert.equal(all.length, 4);
  });

  it('filters by node, execution and colony (null ids included), and an empty list matches nothing', () => {
    const bus = new EventBus();
    const got: string[] = [];
    bus.subscribe({ nodes: ['n1'], executions: [null] }, (e) => {
      got.push(`node:${e.data.k}`);
    });
    bus.subscribe({ colonies: ['c1'] }, (e) => {
      got.push(`colony:${e.data.k}`);
    });
    bus.subscribe({ types: [] }, () => {
      got.push('never');
    });
    bus.publish({ type: 'custom', stream_id: 's', node_id: 'n1', data: { k: 1 } });
    bus.publish({ type: 'custom', stream_id: 's', node_id: 'n1', execution_id: 'x', data: { k: 2 } });
    bus.publish({ type: 'custom', stream_id: 's', colony_id: 'c1', data: { k: 3 } });
    assert.deepEqual(got, ['node:1', 'colony:3']);
  });

  it('stops delivering after unsubscribe; unsubscribing twice is harmless', () => {
    const bus = new EventBus();
    let count = 0;
    const off = bus.subscribe({ types: ['custom'] }, () => {
      count++;
    });
    bus.publish({ type: 'custom', stream_id: 'q' });
    off();
    off();
    bus.publish({ type: 'custom', stream_id: 'q' });
    assert.equal(count, 1);
    assert.equal(bus.listenerCount, 0);
  });

  it('neither skips nor repeats listeners when one unsubscribes itself or another during dispatch', () => {
    const bus = new EventBus();
    const calls: string[] = [];
    const offA = bus.subscribeAll(() => {
      calls.push('a');
      offA();
    });
    let offC: () => void = () => {};
    bus.subscribeAll(() => {
      calls.push('b');
      offC();
    });
    offC = bus.subscribeAll(() => {
      calls.push('c');
    });
    bus.subscribeAll(() => {
      calls.push('d');
    });
    bus.publish({ type: 'custom', stream_id: 'q' });
    bus.publish({ type: 'custom', stream_id: 'q' });
    assert.deepEqual(calls, ['a', 'b', 'd', 'b', 'd']);
  });

  it('isolates failing listeners: throws, rejections and a broken logger never reach the publisher', async () => {
    const logger = recordingLogger();
    const bus = new EventBus({ logger });
    const got: string[] = [];
    bus.subscribeAll(() => {
      throw new Error('sync boom');
    });
    bus.subscribeAll(async () => {
      throw new Error('async boom');
    });
    bus.subscribeAll((e) => {
      got.push(e.type);
    });
    const event = bus.publish({ type: 'custom', stream_id: 'q' });
    assert.equal(event.type, 'custom');
    assert.deepEqual(got, ['custom']);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(logger.messages, [
      'EventBus: listener for custom failed: sync boom',
      'EventBus: listener for custom failed: async boom',
    ]);

    const brokenLogger = new EventBus({
      logger: {
        error: () => {
          throw new Error('logger down');
        },
      },
    });
    brokenLogger.subscribeAll(() => {
      throw new Error('x');
    });
    assert.doesNotThrow(() => brokenLogger.publish({ type: 'custom', stream_id: 'q' }));
  });

  it('adds the iteration offset to data.iteration only, for every subscriber and sink alike', () => {
    const bus = new EventBus({ iterationOffset: 7 });
    const seen: unknown[] = [];
    bus.addSink((e) => {
      seen.push(['sink', e.data.iteration]);
    });
    bus.subscribeAll((e) => {
      seen.push(['listener', e.data.iteration]);
    });
    const input = { content: 'a', snapshot: 'a', inner_turn: 0, iteration: 2 };
    bus.publish({ type: 'client_output_delta', stream_id: 'queen', data: input });
    bus.publish({ type: 'custom', stream_id: 'queen', data: { other: 1 } });
    bus.publish({ type: 'custom', stream_id: 'queen', data: { iteration: 'n/a' } });
    assert.deepEqual(seen, [
      ['sink', 9],
      ['listener', 9],
      ['sink', undefined],
      ['listener', undefined],
      ['sink', 'n/a'],
      ['listener', 'n/a'],
    ]);
    assert.equal(input.iteration, 2, "the publisher's object is not modified");
    bus.iterationOffset = 0;
    assert.equal(bus.publish({ type: 'custom', stream_id: 'q', data: { iteration: 2 } }).data.iteration, 2);
  });

  it('hands listeners a frozen copy, so later changes by the publisher or a listener cannot leak', () => {
    const bus = new EventBus();
    const data: Record<string, unknown> = { n: 1 };
    let seen: HiveEvent | undefined;
    bus.subscribeAll((e) => {
      seen = e;
      assert.throws(() => {
        (e.data as Record<string, unknown>).n = 99;
      }, TypeError);
    });
    bus.publish({ type: 'custom', stream_id: 'q', data });
    data.n = 2;
    assert.equal(seen?.data.n, 1);
  });

  it('runs sinks before listeners, so a listener re-publishing cannot reorder what a sink records', () => {
    const bus = new EventBus();
    const recorded: string[] = [];
    bus.subscribe({ types: ['client_input_received'] }, () => {
      bus.publish({ type: 'custom', stream_id: 'q' });
    });
    const detach = bus.addSink((e) => {
      recorded.push(e.type);
    });
    bus.publish({ type: 'client_input_received', stream_id: 'q', data: { content: 'hi' } });
    assert.deepEqual(recorded, ['client_input_received', 'custom']);
    detach();
    bus.publish({ type: 'custom', stream_id: 'q' });
    assert.equal(recorded.length, 2);
  });

  it('rejects an unknown type, a missing stream id and non-object data with a clear error', () => {
    const bus = new EventBus();
    const untyped = bus as unknown as { publish(input: unknown): unknown };
    assert.throws(() => untyped.publish({ type: 'nope', stream_id: 'q' }), /unknown Hive event type: nope/);
    assert.throws(() => untyped.publish({ type: 'custom' }), /string stream_id/);
    assert.throws(
      () => untyped.publish({ type: 'custom', stream_id: 'q', data: [1] }),
      /data must be an object/,
    );
  });

  it('stamps events with the injected clock', () => {
    let now = new Date(2026, 0, 1, 0, 0, 0, 1).getTime();
    const bus = new EventBus({ clock: () => now });
    assert.equal(bus.publish({ type: 'custom', stream_id: 'q' }).timestamp, '2026-01-01T00:00:00.001000');
    now += 1000;
    assert.equal(bus.publish({ type: 'custom', stream_id: 'q' }).timestamp, '2026-01-01T00:00:01.001000');
  });
});
