import assert from 'node:assert/strict';
import {
  ALWAYS_AVAILABLE_TOOLS,
  canTransition,
  initialPhase,
  LEGACY_QUEEN_TOOLS,
  type PhaseChangedData,
  PhaseController,
  PhaseTransitionError,
  phaseToolNames,
  QUEEN_PHASES,
  type QueenPhase,
  readStoredPhase,
} from '../../../src/runtime/queen/phases';

function harness(opts: { initial?: QueenPhase; agentPath?: string; failPersist?: boolean } = {}) {
  const events: { type: string; data: PhaseChangedData }[] = [];
  const persisted: QueenPhase[] = [];
  const injected: string[] = [];
  const controller = new PhaseController({
    initialPhase: opts.initial,
    agentPath: opts.agentPath,
    emit: (type, data) => events.push({ type, data }),
    persist: async (phase) => {
      if (opts.failPersist) throw new Error('disk full');
      persisted.push(phase);
    },
    inject: (text) => {
      injected.push(text);
    },
  });
  return { controller, events, persisted, injected };
}

describe('queen phases (docs/hive-format.md §3 rule 13, §4)', () => {
  describe('tool sets', () => {
    it('give every phase ask_user and the read-only workspace tools', () => {
      for (const phase of QUEEN_PHASES) {
        const tools = phaseToolNames(phase);
        for (const t of ['ask_user', 'read_file', 'list_directory', 'search_files'])
          assert.ok(tools.includes(t), `${phase} ${t}`);
        assert.equal(new Set(tools).size, tools.length, `${phase} has no duplicates`);
      }
      assert.deepEqual(
        [...ALWAYS_AVAILABLE_TOOLS],
        ['ask_user', 'read_file', 'list_directory', 'search_files'],
      );
    });

    it('follow §4 phase by phase', () => {
      const has = (p: QueenPhase, t: string) => phaseToolNames(p).includes(t);
      assert.ok(has('independent', 'write_file') && has('independent', 'start_incubating_colony'));
      assert.ok(!has('independent', 'create_colony') && !has('independent', 'run_parallel_workers'));
      assert.ok(has('incubating', 'create_colony') && has('incubating', 'cancel_incubation'));
      assert.ok(!has('incubating', 'write_file'));
      for (const t of [
        'get_worker_status',
        'inject_message',
        'list_worker_questions',
        'reply_to_worker',
        'stop_worker',
        'run_parallel_workers',
      ])
        assert.ok(has('working', t), t);
      // reviewing = working minus inject_message/stop_worker, plus triggers
      assert.ok(!has('reviewing', 'inject_message') && !has('reviewing', 'stop_worker'));
      for (const t of [
        'set_trigger',
        'remove_trigger',
        'list_triggers',
        'run_parallel_workers',
        'reply_to_worker',
      ])
        assert.ok(has('reviewing', t), t);
      assert.ok(!has('working', 'set_trigger'));
    });

    it("never leak legacy, worker-only or other phases' lifecycle tools (Hive bugs 6, 10)", () => {
      const extra = [
        'browser_open',
        'slack_post',
        ...LEGACY_QUEEN_TOOLS,
        'create_colony',
        'stop_worker',
        'escalate',
        'report_to_parent',
      ];
      const independent = phaseToolNames('independent', { extraTools: extra });
      assert.ok(independent.includes('browser_open') && independent.includes('slack_post'));
      for (const t of [...LEGACY_QUEEN_TOOLS, 'create_colony', 'stop_worker', 'escalate', 'report_to_parent'])
        assert.ok(!independent.includes(t), t);
      for (const phase of QUEEN_PHASES)
        for (const legacy of LEGACY_QUEEN_TOOLS)
          assert.ok(!phaseToolNames(phase, { extraTools: extra }).includes(legacy));
      // extra tools belong to INDEPENDENT only
      assert.ok(!phaseToolNames('working', { extraTools: extra }).includes('browser_open'));
    });

    it('gate extra tools by the queen allowlist (null = all, [] = none)', () => {
      const extraTools = ['browser_open', 'slack_post'];
      assert.ok(
        phaseToolNames('independent', { extraTools, enabledExtraTools: null }).includes('slack_post'),
      );
      const some = phaseToolNames('independent', { extraTools, enabledExtraTools: ['slack_post'] });
      assert.ok(some.includes('slack_post') && !some.includes('browser_open'));
      const none = phaseToolNames('independent', { extraTools, enabledExtraTools: [] });
      assert.ok(!none.includes('slack_post') && !none.includes('browser_open'));
      assert.ok(none.includes('start_incubating_colony'), 'the allowlist gates extra tools only');
    });
  });

  describe('stored phases', () => {
    it('reads current, legacy and unknown values without error', () => {
      assert.deepEqual(readStoredPhase('reviewing'), { phase: 'reviewing', legacy: null });
      assert.deepEqual(readStoredPhase('building'), { phase: 'independent', legacy: 'building' });
      assert.deepEqual(readStoredPhase('planning'), { phase: 'independent', legacy: 'planning' });
      assert.deepEqual(readStoredPhase('staging'), { phase: 'reviewing', legacy: 'staging' });
      assert.deepEqual(readStoredPhase('colony'), { phase: 'working', legacy: 'colony' });
      assert.deepEqual(readStoredPhase(' Working '), { phase: 'working', legacy: null });
      assert.deepEqual(readStoredPhase('dancing'), { phase: 'independent', legacy: 'dancing' });
      assert.deepEqual(readStoredPhase(undefined), { phase: 'independent', legacy: null });
      assert.deepEqual(readStoredPhase(42), { phase: 'independent', legacy: null });
    });

    it('starts where docs/hive-format.md §3 rule 4 says', () => {
      assert.equal(initialPhase(undefined, false), 'independent');
      assert.equal(initialPhase(undefined, true), 'working');
      assert.equal(initialPhase('reviewing', true), 'reviewing');
    });
  });

  describe('transitions', () => {
    it('allow exactly the rule-13 moves', () => {
      const legal: [QueenPhase, QueenPhase][] = [
        ['independent', 'incubating'],
        ['incubating', 'independent'],
        ['independent', 'working'],
        ['independent', 'reviewing'],
        ['working', 'reviewing'],
        ['reviewing', 'working'],
        ['working', 'independent'],
        ['reviewing', 'independent'],
      ];
      for (const from of QUEEN_PHASES)
        for (const to of QUEEN_PHASES) {
          if (from === to) continue;
          const expected = legal.some(([a, b]) => a === from && b === to);
          assert.equal(canTransition(from, to), expected, `${from} -> ${to}`);
        }
    });

    it('a tool change emits and persists but tells the queen nothing', async () => {
      const h = harness({ agentPath: '/home/u/.hive/colonies/news' });
      const change = await h.controller.switchTo('incubating', { source: 'tool', colonyName: 'news' });
      assert.deepEqual(change, { changed: true, from: 'independent', to: 'incubating' });
      assert.equal(h.controller.phase, 'incubating');
      assert.equal(h.controller.incubatingColonyName, 'news');
      assert.deepEqual(h.events, [
        {
          type: 'queen_phase_changed',
          data: { phase: 'incubating', agent_path: '/home/u/.hive/colonies/news' },
        },
      ]);
      assert.deepEqual(h.persisted, ['incubating']);
      assert.deepEqual(h.injected, []);
    });

    it('a user or runtime change also injects [PHASE CHANGE] with the new tools', async () => {
      const h = harness({ initial: 'working' });
      const change = await h.controller.switchTo('reviewing', { source: 'runtime' });
      assert.equal(h.injected.length, 1);
      assert.equal(change.injected, h.injected[0]);
      assert.match(h.injected[0]!, /^\[PHASE CHANGE\] Switched to REVIEWING phase\. /);
      assert.ok(h.injected[0]!.endsWith(`Available tools: ${phaseToolNames('reviewing').join(', ')}.`));
      assert.deepEqual(h.events, [{ type: 'queen_phase_changed', data: { phase: 'reviewing' } }]);

      await h.controller.switchTo('independent', { source: 'user' });
      assert.match(
        h.injected[1]!,
        /^\[PHASE CHANGE\] Switched to INDEPENDENT mode\..*Available tools: ask_user, /,
      );
      await h.controller.switchTo('incubating', { source: 'user', colonyName: 'digest' });
      assert.match(h.injected[2]!, /INCUBATING phase for colony 'digest'/);
      assert.deepEqual(h.persisted, ['reviewing', 'independent', 'incubating']);
    });

    it('rejects an illegal change with a clear error and changes nothing', async () => {
      const h = harness({ initial: 'incubating' });
      await assert.rejects(
        h.controller.switchTo('working', { source: 'tool' }),
        (err: unknown) =>
          err instanceof PhaseTransitionError &&
          /from incubating to working.*can go to: independent/.test(err.message),
      );
      await assert.rejects(
        h.controller.switchTo('staging' as QueenPhase, { source: 'user' }),
        /Unknown queen phase "staging"/,
      );
      assert.equal(h.controller.phase, 'incubating');
      assert.deepEqual([h.events, h.persisted, h.injected], [[], [], []]);
    });

    it('a switch to the current phase is a no-op (no event, no write)', async () => {
      const h = harness({ initial: 'working' });
      const change = await h.controller.switchTo('working', { source: 'user' });
      assert.equal(change.changed, false);
      assert.deepEqual([h.events, h.persisted, h.injected], [[], [], []]);
    });

    it('a failed meta write cancels the change', async () => {
      const h = harness({ failPersist: true });
      await assert.rejects(h.controller.switchTo('incubating', { source: 'tool' }), /disk full/);
      assert.equal(h.controller.phase, 'independent');
      assert.deepEqual(h.events, []);
    });

    it('applies concurrent changes one at a time, in call order', async () => {
      const h = harness({ initial: 'working' });
      const results = await Promise.allSettled([
        h.controller.switchTo('reviewing', { source: 'runtime' }),
        h.controller.switchTo('working', { source: 'tool' }),
        h.controller.switchTo('incubating', { source: 'tool' }),
      ]);
      assert.deepEqual(
        results.map((r) => r.status),
        ['fulfilled', 'fulfilled', 'rejected'],
      );
      assert.deepEqual(h.persisted, ['reviewing', 'working']);
      assert.deepEqual(
        h.events.map((e) => e.data.phase),
        ['reviewing', 'working'],
      );
      assert.equal(h.controller.phase, 'working');
    });

    it("accepts the session bus's generic emit(type, data)", async () => {
      const published: { type: string; data: Record<string, unknown> }[] = [];
      const emit = (type: string, data: Record<string, unknown>) => {
        published.push({ type, data });
      };
      const controller = new PhaseController({ emit, persist: () => {}, inject: () => {} });
      controller.setAgentPath('/c/news');
      await controller.switchTo('working', { source: 'runtime' });
      assert.deepEqual(published, [
        { type: 'queen_phase_changed', data: { phase: 'working', agent_path: '/c/news' } },
      ]);
    });

    it('keeps the change when telling the queen fails', async () => {
      const events: string[] = [];
      const warnings: string[] = [];
      const controller = new PhaseController({
        emit: (_t, d) => events.push(d.phase),
        persist: () => {},
        inject: async () => {
          throw new Error('queen gone');
        },
        logger: { warn: (m) => warnings.push(m) },
      });
      const change = await controller.switchTo('reviewing', { source: 'runtime' });
      assert.equal(change.changed, true);
      assert.equal(controller.phase, 'reviewing');
      assert.deepEqual(events, ['reviewing']);
      assert.match(warnings[0]!, /queen gone/);
    });
  });
});
