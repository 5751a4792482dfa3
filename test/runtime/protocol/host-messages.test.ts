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

  it('accepts approval cards with their requester and detail, worker lanes and changed files', () => {
    const msgs: HostToWebview[] = [
      {
        type: 'approvalRequest',
        id: 'ap1',
        toolUseId: null,
        tool: 'run_command',
        category: 'command',
        input: { command: 'ls' },
        requester: 'worker_1',
        detail: { kind: 'command', command: 'ls', cwd: '/w', timeout: 30 },
      },
      {
        type: 'laneEntry',
        laneId: 'lane-w1',
        workerId: 'w1',
        entry: { kind: 'text', id: 't-0-0', text: 'Hi' },
      },
      { type: 'laneText', laneId: 'lane-w1', workerId: 'w1', entryId: 't-0-0', text: '!', snapshot: 'Hi!' },
      { type: 'laneStatus', laneId: 'lane-w1', workerId: 'w1', status: 'done', summary: 'ok' },
      {
        type: 'message',
        message: { kind: 'changes', id: 'changes-3', turnId: '3', requester: 'queen', files: ['a.txt'] },
      },
    ];
    for (const m of msgs) assert.ok(parseHostMessage(m).ok, JSON.stringify(m));
    const bad = parseHostMessage({ ...msgs[0], detail: { kind: 'file', path: 'a' } });
    assert.equal(bad.ok, false, 'a file detail without isNew');
    assert.equal(parseHostMessage({ ...msgs[3], status: 'exploded' }).ok, false);
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
