import assert from 'node:assert/strict';
import { type HostToWebview, parseHostMessage } from '../../../src/shared/protocol';

describe('parseHostMessage', () => {
  it('accepts a full snapshot and returns it unchanged', () => {
    const snapshot: HostToWebview = {
      type: 'snapshot',
      session: {
        sessionId: 'session_20260101_120000_0a1b2c3d',
        title: 'Weekly report',
        queen: { id: 'queen_technology', name: 'Alexandra', title: 'Head of Technology' },
        phase: 'working',
        colony: {
          name: 'Reports',
          path: '/home/u/reports',
          workersRunning: 2,
          workersDone: 5,
          escalations: [{ requestId: 'ab12', workerId: 'w1', reason: 'Need a key', context: 'step 3' }],
        },
        triggers: [
          {
            id: 'daily',
            name: 'Daily',
            type: 'timer',
            cron: '0 9 * * 1-5',
            intervalMinutes: null,
            timezone: 'UTC',
            schedule: 'at 09:00 on Mon–Fri (UTC)',
            task: 'Write the report',
            enabled: true,
            nextFireAt: 1_800_000_000_000,
            nextFires: [1_800_000_000_000],
            fireCount: 3,
            lastFiredAt: 1_799_990_000_000,
            webhook: null,
          },
        ],
        usage: { inputTokens: 10, outputTokens: 20, cachedTokens: 0, costUsd: 0.01 },
        busy: false,
        trusted: true,
      },
    };
    const result = parseHostMessage(snapshot);
    assert.ok(result.ok);
    assert.deepEqual(result.message, snapshot);
  });

  it('accepts the empty state and streaming events', () => {
    const msgs: HostToWebview[] = [
      { type: 'snapshot', session: null },
      { type: 'textDelta', messageId: 'm1', text: 'Hel' },
      { type: 'textDelta', messageId: 'm1', text: 'lo', snapshot: 'Hello' },
      { type: 'toolStarted', toolUseId: 'toolu_1', name: 'read_file', input: { path: 'a.ts' } },
      { type: 'toolCompleted', toolUseId: 'toolu_1', result: 'ok', isError: false },
      { type: 'busy', busy: true },
    ];
    for (const m of msgs) assert.ok(parseHostMessage(m).ok, JSON.stringify(m));
  });

  it('rejects malformed host messages with the field named', () => {
    const r1 = parseHostMessage({ type: 'busy', busy: 'yes' });
    assert.equal(r1.ok, false);
    assert.match(r1.ok ? '' : r1.error, /"busy".*field "busy"/);
    const r2 = parseHostMessage({ type: 'nope' });
    assert.equal(r2.ok, false);
    const r3 = parseHostMessage({
      type: 'history',
      sessionId: 's',
      prepend: false,
      done: true,
      messages: [{ kind: 'user', id: 'u1' }],
    });
    assert.equal(r3.ok, false);
    assert.match(r3.ok ? '' : r3.error, /messages\.0\.text/);
  });
});
