import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { listMemories, memoryLayout, writeMemory } from '../../../src/runtime/queen/memory';
import type { ReflectionDirs } from '../../../src/runtime/queen/memory-ops';
import {
  pendingShutdownReflections,
  type ReflectionOptions,
  type ReflectionResult,
  ReflectionScheduler,
  runReflection,
  type TranscriptPart,
  waitAtMost,
} from '../../../src/runtime/queen/reflection';
import type { Complete } from '../../../src/runtime/queen/types';
import { deferred, scriptedCompleter, tempDir } from './support';

const conversation: TranscriptPart[] = [
  { role: 'user', content: "Hi, I'm Sam, CTO at Acme. Keep answers short." },
  { role: 'assistant', content: 'Noted, Sam.', tool_calls: [] } as TranscriptPart,
  { role: 'tool', content: 'TOOL RESULT SHOULD NOT APPEAR' },
  { role: 'assistant', content: null },
  { role: 'user', content: 'z'.repeat(2000) },
];

const writeProfile = JSON.stringify({
  reason: 'learned who the user is',
  ops: [
    {
      op: 'write',
      scope: 'global',
      name: 'User profile',
      description: 'Sam, CTO at Acme',
      type: 'profile',
      body: 'Sam is CTO at Acme and wants short answers.',
    },
  ],
});

describe('reflection (docs/hive-format.md §3 rule 21)', () => {
  let root: string;
  let dirs: ReflectionDirs;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir: root, cleanup } = await tempDir());
    const layout = memoryLayout(path.join(root, 'memories'));
    dirs = { global: layout.global, queen: layout.queen('queen_technology'), queenId: 'queen_technology' };
  });
  afterEach(async () => {
    await pendingShutdownReflections();
    await cleanup();
  });

  function options(complete: Complete, extra: Partial<ReflectionOptions> = {}): ReflectionOptions {
    return { complete, dirs, readTranscript: async () => conversation, ...extra };
  }

  describe('one run', () => {
    it('short: sends the recent conversation and existing memories, applies the ops', async () => {
      await writeMemory(dirs.queen!, {
        name: 'Likes diagrams',
        description: 'visual',
        type: 'preference',
        body: 'Draw it.',
      });
      const complete = scriptedCompleter([writeProfile]);
      const result = await runReflection('short', 'turn', options(complete));
      assert.deepEqual(result.changed, ['global:user-profile.md']);
      assert.deepEqual(result.errors, []);
      const [memory] = await listMemories(dirs.global);
      assert.equal(memory!.type, 'profile');
      assert.match(memory!.body, /CTO at Acme/);

      const req = complete.requests[0]!;
      const user = req.messages[0]!.content;
      assert.match(user, /\[user\]: Hi, I'm Sam/);
      assert.match(user, /\[assistant\]: Noted, Sam\./);
      assert.ok(!user.includes('TOOL RESULT'), 'tool parts are left out');
      assert.ok(
        user.includes(`${'z'.repeat(800)}…`) && !user.includes('z'.repeat(801)),
        'parts cut at 800 chars',
      );
      assert.match(user, /## Scope: queen \(queen_technology\)[\s\S]*likes-diagrams\.md: Likes diagrams/);
      assert.match(req.system, /"op": "write"/);
      assert.match(req.system, /queen: how queen queen_technology/);
    });

    it('only the last 50 parts are read', async () => {
      const parts = Array.from({ length: 60 }, (_, i) => ({ role: 'user', content: `message number ${i}` }));
      const complete = scriptedCompleter(['{"ops": []}']);
      await runReflection('short', 'turn', options(complete, { readTranscript: async () => parts }));
      const user = complete.requests[0]!.messages[0]!.content;
      assert.ok(
        !user.includes('message number 9\n') &&
          user.includes('message number 10\n') &&
          user.includes('number 59'),
      );
    });

    it('skips the model when there is nothing to reflect on', async () => {
      const complete = scriptedCompleter([]);
      const empty = await runReflection(
        'short',
        'turn',
        options(complete, { readTranscript: async () => [] }),
      );
      assert.equal(empty.skipped, 'no conversation yet');
      const long = await runReflection('long', 'compaction', options(complete));
      assert.equal(long.skipped, 'no memories to tidy');
      assert.equal(complete.requests.length, 0);
    });

    it('records an unusable reply in .reflection_error.txt and writes nothing', async () => {
      const complete = scriptedCompleter(['I would remember that Sam is CTO.']);
      const result = await runReflection('short', 'turn', options(complete));
      assert.match(result.errors[0]!, /short reflection failed: reply is not JSON/);
      const error = await readFile(path.join(dirs.global, '.reflection_error.txt'), 'utf8');
      assert.match(error, /^context: short reflection \(turn\)/);
      assert.match(error, /reply is not JSON/);
      assert.deepEqual(await listMemories(dirs.global), []);
    });

    it('applies the valid ops of a partly hostile reply and records the rest', async () => {
      const reply = JSON.stringify({
        ops: [
          {
            op: 'write',
            scope: 'global',
            name: 'x',
            description: 'x',
            type: 'profile',
            body: 'x',
            file: '../../../pwned.md',
          },
          { op: 'delete', scope: 'global', file: '/etc/passwd' },
          JSON.parse(writeProfile).ops[0],
        ],
      });
      const result = await runReflection('short', 'turn', options(scriptedCompleter([reply])));
      assert.deepEqual(result.changed, ['global:user-profile.md']);
      assert.equal(result.errors.length, 2);
      assert.deepEqual((await readdir(root)).sort(), ['memories']);
      const error = await readFile(path.join(dirs.global, '.reflection_error.txt'), 'utf8');
      assert.match(error, /op #1: Invalid memory file name/);
      assert.match(error, /op #2: Invalid memory file name/);
    });

    it('records a failing model call and a failing transcript read', async () => {
      const r1 = await runReflection(
        'short',
        'turn',
        options(scriptedCompleter([new Error('529 overloaded')])),
      );
      assert.match(r1.errors[0]!, /529 overloaded/);
      const r2 = await runReflection(
        'short',
        'turn',
        options(scriptedCompleter([]), {
          readTranscript: async () => {
            throw new Error('parts unreadable');
          },
        }),
      );
      assert.match(r2.errors[0]!, /parts unreadable/);
      assert.match(
        await readFile(path.join(dirs.global, '.reflection_error.txt'), 'utf8'),
        /parts unreadable/,
      );
    });

    it('long: shows existing memory contents and can merge across scopes', async () => {
      await writeMemory(dirs.global, {
        name: 'Short answers',
        description: 'style',
        type: 'preference',
        body: 'Be brief.',
      });
      await writeMemory(dirs.queen!, {
        name: 'Brief replies',
        description: 'style',
        type: 'preference',
        body: 'Brief.',
      });
      const complete = scriptedCompleter([
        JSON.stringify({ ops: [{ op: 'delete', scope: 'queen', file: 'brief-replies.md' }] }),
      ]);
      const result = await runReflection('long', 'compaction', options(complete));
      assert.deepEqual(result.changed, ['queen:brief-replies.md']);
      assert.match(
        complete.requests[0]!.messages[0]!.content,
        /short-answers\.md: Short answers — style\nBe brief\./,
      );
      assert.match(complete.requests[0]!.system, /tidying/);
      assert.deepEqual(await listMemories(dirs.queen!), []);
    });
  });

  describe('scheduler', () => {
    function cadenceHarness() {
      let clock = 1_000_000;
      const runs: string[] = [];
      const complete = scriptedCompleter(Array(50).fill('{"ops": []}'));
      // Long runs need a memory to look at.
      const scheduler = new ReflectionScheduler(
        options(complete, {
          now: () => clock,
          onResult: (r: ReflectionResult) => runs.push(`${r.kind}/${r.trigger}`),
        }),
      );
      const turn = async (stop_reason: string) => {
        const run = scheduler.onTurnComplete({ stop_reason });
        if (run) await run;
        return run !== null;
      };
      return { scheduler, runs, turn, advance: (ms: number) => (clock += ms) };
    }

    it("follows Hive's cadence: tool turns only every 5th, then every 3rd turn or 300 s", async () => {
      await writeMemory(dirs.global, { name: 'n', description: 'd', type: 'profile', body: 'b' });
      const h = cadenceHarness();
      const fired: number[] = [];
      const script: [string, number][] = [
        ['end_turn', 0], // 1: first run
        ['end_turn', 0], // 2: not %3, cooldown not over
        ['end_turn', 0], // 3: %3
        ['tool_use', 0], // 4: tool turn, skipped
        ['tool_use', 0], // 5: %5 lets a tool turn through, but neither %3 nor 300 s
        ['end_turn', 0], // 6: %3
        ['end_turn', 299_000], // 7: 299 s since turn 6
        ['end_turn', 1_000], // 8: 300 s since turn 6
        ['tool_calls', 400_000], // 9: tool turn, not %5: skipped despite the cooldown
        ['end_turn', 0], // 10: %5 with %3 failing and 300 s since turn 8 passed -> short + long
      ];
      for (const [i, [reason, wait]] of script.entries()) {
        h.advance(wait);
        if (await h.turn(reason)) fired.push(i + 1);
      }
      assert.deepEqual(fired, [1, 3, 6, 8, 10]);
      assert.deepEqual(h.runs, [
        'short/turn',
        'short/turn',
        'short/turn',
        'short/turn',
        'short/turn',
        'long/turn',
      ]);
      assert.equal(h.scheduler.turnCount, 10);
    });

    it('runs a long reflection on a tool turn at count 15 (both %5 and %3)', async () => {
      await writeMemory(dirs.global, { name: 'n', description: 'd', type: 'profile', body: 'b' });
      const h = cadenceHarness();
      const fired: number[] = [];
      for (let i = 1; i <= 15; i++) if (await h.turn('tool_use')) fired.push(i);
      assert.deepEqual(fired, [5, 15], 'turn 5 is the first run; 15 passes %3');
      assert.deepEqual(h.runs, ['short/turn', 'long/turn', 'short/turn', 'long/turn']);
    });

    it('runs one reflection at a time: triggers during a run are dropped', async () => {
      await writeMemory(dirs.global, { name: 'n', description: 'd', type: 'profile', body: 'b' });
      const hold = deferred<string>();
      const complete = scriptedCompleter([() => hold.promise, '{"ops": []}', '{"ops": []}']);
      const scheduler = new ReflectionScheduler(options(complete));
      const first = scheduler.onTurnComplete({ stop_reason: 'end_turn' });
      assert.ok(first);
      assert.equal(scheduler.onTurnComplete({ stop_reason: 'end_turn' }), null);
      assert.equal(
        scheduler.onTurnComplete({ stop_reason: 'end_turn' }),
        null,
        'turn 3 is eligible but one is running',
      );
      assert.equal(scheduler.onContextCompacted(), null);
      assert.ok(scheduler.isRunning);
      hold.resolve('{"ops": []}');
      await first;
      assert.equal(scheduler.isRunning, false);
      const compaction = scheduler.onContextCompacted();
      assert.ok(compaction);
      assert.deepEqual(
        (await compaction).map((r) => `${r.kind}/${r.trigger}`),
        ['long/compaction'],
      );
      assert.equal(complete.requests.length, 2);
    });

    it('on stop: returns quickly when raced against a timeout, yet the memory is still written', async () => {
      const release = deferred<void>();
      const complete = scriptedCompleter([
        async () => {
          await release.promise;
          return writeProfile;
        },
      ]);
      const scheduler = new ReflectionScheduler(options(complete));
      const started = Date.now();
      const stop = scheduler.reflectOnStop();
      assert.equal(scheduler.reflectOnStop(), stop, 'a second stop does not reflect twice');
      const outcome = await waitAtMost(stop, 30);
      const elapsed = Date.now() - started;
      assert.equal(outcome, 'timeout');
      assert.ok(elapsed < 1000, `stop waited ${elapsed} ms`);
      assert.equal(complete.requests.length, 1, 'the reflection is under way');
      assert.deepEqual(await listMemories(dirs.global), [], 'not written yet');
      // The session is gone; the reflection finishes in the background.
      setTimeout(() => release.resolve(), 50);
      await pendingShutdownReflections();
      const [memory] = await listMemories(dirs.global);
      assert.equal(memory?.filename, 'user-profile.md');
      assert.equal(scheduler.onTurnComplete({ stop_reason: 'end_turn' }), null, 'no reflections after stop');
      assert.equal(scheduler.onContextCompacted(), null);
    });

    it('on stop: waits for a reflection in progress, then reflects once more', async () => {
      const hold = deferred<string>();
      const complete = scriptedCompleter([() => hold.promise, writeProfile]);
      const scheduler = new ReflectionScheduler(options(complete));
      const turn = scheduler.onTurnComplete({ stop_reason: 'end_turn' });
      const stop = scheduler.reflectOnStop();
      assert.equal(await waitAtMost(stop, 20), 'timeout');
      assert.equal(complete.requests.length, 1, 'the stop reflection has not overlapped the running one');
      hold.resolve('{"ops": []}');
      await turn;
      const result = await stop;
      assert.equal(result.trigger, 'stop');
      assert.deepEqual(result.changed, ['global:user-profile.md']);
      await scheduler.whenIdle();
      assert.equal(scheduler.isRunning, false);
    });

    it('on stop: a failing reflection is recorded, never thrown', async () => {
      const scheduler = new ReflectionScheduler(options(scriptedCompleter([new Error('network down')])));
      const result = await scheduler.reflectOnStop();
      assert.match(result.errors[0]!, /network down/);
      assert.match(
        await readFile(path.join(dirs.global, '.reflection_error.txt'), 'utf8'),
        /short reflection \(stop\)/,
      );
    });
  });

  it('waitAtMost reports done when the promise settles first, even by rejecting', async () => {
    assert.equal(await waitAtMost(Promise.resolve(), 1000), 'done');
    assert.equal(await waitAtMost(Promise.reject(new Error('x')), 1000), 'done');
  });
});
