import assert from 'node:assert/strict';
import { colonyView, triggerViews } from '../../../src/extension/chat/session-sources';
import type { LiveSession, SessionManager } from '../../../src/runtime/session';
import type { ColonyState } from '../../../src/runtime/session/types';
import type { TriggerView as RuntimeTriggerView } from '../../../src/runtime/triggers/trigger-views';
import { type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, removeDir, tempDir } from '../session/helpers';
import { BridgeHarness } from './helpers';

const SECRET = 'whsec_7f3a9c1d2e4b5a6f8091a2b3c4d5e6f7';

/** A trigger as the runtime lists it (src/runtime/triggers/trigger-views.ts). */
function timer(id: string, enabled: boolean): RuntimeTriggerView {
  return {
    trigger_id: id,
    trigger_type: 'timer',
    name: `Trigger ${id}`,
    task: 'Write the report',
    trigger_config: { cron: '0 9 * * 1-5' },
    enabled: true,
    active: enabled,
    schedule_text: 'at 09:00 on Mon–Fri (UTC)',
    next_fire_at: 1_800_000_000_000,
    next_fires: [1_800_000_000_000, 1_800_086_400_000],
    fire_count: 3,
    last_fired_at: 1_700_000_000_000,
  };
}

/** Hand-built stand-ins for the colony and triggers APIs other helpers are building, on a real session. */
class FakeTriggers {
  views: unknown[] = [timer('daily', true), { id: 'broken' }];
  readonly actions: string[] = [];
  private readonly listeners = new Set<() => void>();
  list(): unknown[] {
    return this.views;
  }
  onDidChange(cb: () => void) {
    this.listeners.add(cb);
    return { dispose: () => this.listeners.delete(cb) };
  }
  fire(): void {
    for (const l of this.listeners) l();
  }
  async activate(id: string) {
    this.actions.push(`activate ${id}`);
  }
  async deactivate(id: string) {
    this.actions.push(`deactivate ${id}`);
    this.views = [timer('daily', false)];
  }
  async runNow(id: string) {
    this.actions.push(`run ${id}`);
  }
  async webhookSecret(id: string) {
    return id === 'daily' ? SECRET : undefined;
  }
}

function equip(
  s: LiveSession,
  colony: { state: ColonyState | null; replies: string[] },
  triggers: FakeTriggers,
) {
  Object.defineProperty(s, 'triggers', { value: triggers, configurable: true });
  Object.assign(s, {
    colonyState: () => colony.state,
    replyToEscalation: async (requestId: string, reply: string) => {
      colony.replies.push(`${requestId}: ${reply}`);
      if (colony.state) colony.state = { ...colony.state, escalations: [] };
    },
  });
}

describe('ChatBridge colony bar and triggers (hand-built sources)', () => {
  let server: ScriptedServer;
  let home: string;
  let mgr: SessionManager;
  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-chat-colony-');
    mgr = managerFor(home, server);
  });
  afterEach(async () => {
    await mgr.stopAll();
    await server.close();
    removeDir(home);
  });

  it('today, without colony or triggers APIs, the snapshot shows none and actions explain why', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const h = new BridgeHarness(mgr);
    h.bridge.attach(s);
    const snap = await h.next('snapshot');
    assert.equal(snap.session?.colony, null);
    assert.deepEqual(snap.session?.triggers, []);
    await h.bridge.handle({ type: 'triggerAction', triggerId: 'daily', action: 'runNow' });
    assert.match(h.of('toast').at(-1)?.text ?? '', /no triggers/);
    h.bridge.dispose();
  });

  it('shows colony and triggers, acts on them, copies the secret to the clipboard only, and follows changes', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const colony = {
      state: {
        name: 'reports',
        path: '/work/reports',
        workers_running: 2,
        workers_done: 5,
        escalations: [
          {
            request_id: 'abc123',
            worker_id: 'worker_1',
            colony_id: 'reports',
            node_id: 'worker',
            reason: 'Which repo?',
            context: '',
            opened_at: 1_800_000_000,
          },
        ],
      } as ColonyState | null,
      replies: [] as string[],
    };
    const triggers = new FakeTriggers();
    equip(s, colony, triggers);
    const h = new BridgeHarness(mgr);
    h.bridge.attach(s);
    const snap = await h.next('snapshot');
    assert.deepEqual(snap.session?.colony, {
      name: 'reports',
      path: '/work/reports',
      workersRunning: 2,
      workersDone: 5,
      escalations: [{ requestId: 'abc123', workerId: 'worker_1', reason: 'Which repo?', context: '' }],
    });
    assert.deepEqual(
      snap.session?.triggers.map((t) => t.id),
      ['daily'],
      'a malformed trigger is left out, not the whole list',
    );
    assert.ok(h.warnings.some((w) => /unexpected shape/.test(w)));

    await h.bridge.handle({
      type: 'escalationReply',
      requestId: 'abc123',
      workerId: 'worker_1',
      text: 'acme/api',
    });
    assert.deepEqual(colony.replies, ['abc123: acme/api']);
    assert.deepEqual(h.of('colony').at(-1)?.colony?.escalations, []);

    await h.bridge.handle({ type: 'triggerAction', triggerId: 'daily', action: 'deactivate' });
    await h.bridge.handle({ type: 'triggerAction', triggerId: 'daily', action: 'runNow' });
    assert.deepEqual(triggers.actions, ['deactivate daily', 'run daily']);
    assert.equal(h.of('triggers').at(-1)?.triggers[0]?.enabled, false);

    await h.bridge.handle({ type: 'copyWebhookSecret', triggerId: 'daily' });
    assert.deepEqual(h.clipboard, [SECRET]);
    assert.ok(!JSON.stringify(h.posts).includes(SECRET), 'the secret never goes to the page');
    await h.bridge.handle({ type: 'copyWebhookSecret', triggerId: 'other' });
    assert.match(h.of('toast').at(-1)?.text ?? '', /no webhook secret/);

    // The triggers source says it changed; a trigger event on the bus too; a colony event re-reads the colony.
    const before = h.posts.length;
    triggers.views = [timer('daily', true), timer('weekly', true)];
    triggers.fire();
    assert.deepEqual(
      h
        .of('triggers', before)
        .at(-1)
        ?.triggers.map((t) => t.id),
      ['daily', 'weekly'],
    );
    colony.state = { ...(colony.state as ColonyState), workers_running: 0, workers_done: 7 };
    s.bus.publish({ type: 'worker_completed', stream_id: 'worker_1', data: {} });
    assert.equal(h.of('colony', before).at(-1)?.colony?.workersDone, 7);
    s.bus.publish({ type: 'trigger_fired', stream_id: 'queen', data: {} as never });
    assert.ok(h.of('triggers', before).length >= 2);
    assert.deepEqual(h.invalid, []);

    // Detached: the source's listener is gone.
    h.bridge.dispose();
    const after = h.posts.length;
    triggers.fire();
    assert.equal(h.posts.length, after);
  });

  it('colonyView and triggerViews survive sources that throw or return junk', () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) };
    assert.equal(colonyView({ colonyState: () => ({ name: 1 }), replyToEscalation() {} }, log), null);
    assert.equal(
      colonyView(
        {
          colonyState: () => {
            throw new Error('boom');
          },
          replyToEscalation() {},
        },
        log,
      ),
      null,
    );
    const throwing = {
      list: () => {
        throw new Error('x');
      },
      activate() {},
      deactivate() {},
      runNow() {},
      webhookSecret() {},
    };
    assert.deepEqual(triggerViews({ triggers: throwing }, log), []);
    assert.deepEqual(
      triggerViews({ triggers: { list: () => [] } }, log),
      [],
      'an incomplete source is ignored',
    );
    assert.equal(warnings.length, 3);
  });
});
