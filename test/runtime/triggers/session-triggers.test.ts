import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { panelTriggerView } from '../../../src/extension/chat/trigger-panel-view';
import type { ToolContext } from '../../../src/runtime/agent/types';
import { EventBus } from '../../../src/runtime/events/bus';
import type { HiveEvent } from '../../../src/runtime/events/types';
import { SessionTriggers } from '../../../src/runtime/triggers/session-triggers';
import { TriggerViewSchema } from '../../../src/shared/protocol';
import { FakeClock, restoreGlobals } from '../../support/fake-clock';
import { httpRequest } from '../../support/http-client';

/** What the chat panel draws of a session's triggers (the extension's mapping). */
const panel = (t: SessionTriggers) => t.list().map(panelTriggerView);

const MIN = 60_000;
const T0 = Date.parse('2026-03-27T12:00:00Z');
const SID = 'session_20260327_120000_abcdef01';

const every = (id: string, minutes: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Every ${minutes}`,
  trigger_type: 'timer',
  trigger_config: { interval_minutes: minutes },
  task: `task of ${id}`,
  ...extra,
});
const hook = (id: string, p: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Hook ${id}`,
  trigger_type: 'webhook',
  trigger_config: { path: p, port: 0 },
  task: `handle ${id}`,
  ...extra,
});

interface Harness {
  dir: string;
  clock: FakeClock;
  bus: EventBus;
  injected: string[];
  events: HiveEvent[];
  busy: { value: boolean };
  open(): SessionTriggers;
  ofType(type: string): Record<string, unknown>[];
  file(): Promise<Record<string, unknown>[]>;
}

const dirs: string[] = [];
const opened: SessionTriggers[] = [];

async function harness(defs: unknown[], start = T0): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hive-session-triggers-'));
  dirs.push(dir);
  await writeFile(path.join(dir, 'triggers.json'), JSON.stringify(defs, null, 2));
  const clock = new FakeClock(start).installGlobals();
  const bus = new EventBus({ clock: clock.now });
  const h: Harness = {
    dir,
    clock,
    bus,
    injected: [],
    events: [],
    busy: { value: false },
    open() {
      const t = new SessionTriggers({
        sessionId: SID,
        sessionDir: dir,
        bus,
        injectToQueen: (text) => {
          h.injected.push(text);
        },
        isQueenBusy: () => h.busy.value,
        clock,
      });
      opened.push(t);
      return t;
    },
    ofType: (type) => h.events.filter((e) => e.type === type).map((e) => e.data as Record<string, unknown>),
    file: async () => JSON.parse(await readFile(path.join(dir, 'triggers.json'), 'utf8')),
  };
  bus.subscribeAll((e) => {
    h.events.push(e);
  });
  return h;
}

afterEach(async () => {
  restoreGlobals();
  for (const t of opened.splice(0)) await t.detach().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const ctx: ToolContext = { toolUseId: 't1', signal: new AbortController().signal, emit: () => undefined };
function tool(t: SessionTriggers, name: string) {
  const found = t.tools().find((x) => x.name === name);
  assert.ok(found, `tool ${name}`);
  // An error result rejects (the tests match its text); a success is the JSON the queen reads.
  return async (input: Record<string, unknown> = {}): Promise<Record<string, unknown>> => {
    const r = await found.execute(input, ctx);
    if (r.isError) throw new Error(r.content);
    return JSON.parse(r.content) as Record<string, unknown>;
  };
}

describe('triggers/SessionTriggers', () => {
  it('attach offers every trigger, starts the enabled ones once, and tells the queen which run', async () => {
    const h = await harness([every('tick', 10), every('off', 5, { enabled: false })]);
    const t = h.open();
    const text = await t.attach(h.dir);
    assert.equal(
      text,
      '\n\nActive triggers (already running — use remove_trigger to stop one):\n' +
        '  - tick (timer: every 10 min) -> task: "task of tick"' +
        '\n\nAvailable triggers (inactive — use set_trigger to activate):\n' +
        '  - off (timer: every 5 min) -> task: "task of off"',
    );
    assert.deepEqual(
      h.ofType('trigger_available').map((d) => d.trigger_id),
      ['tick', 'off'],
    );
    assert.deepEqual(
      h.ofType('trigger_activated').map((d) => d.trigger_id),
      ['tick'],
    );
    const activated = h.events.find((e) => e.type === 'trigger_activated')!;
    assert.equal(activated.stream_id, 'queen');
    assert.equal(activated.execution_id, SID);
    assert.equal(h.clock.timerCount, 1);

    // Again, concurrently, and with a differently spelled path: nothing new starts.
    const again = await Promise.all([t.attach(h.dir), t.attach(`${h.dir}/.`)]);
    assert.deepEqual(again, [text, text]);
    assert.equal(h.ofType('trigger_activated').length, 1);
    assert.equal(h.clock.timerCount, 1);

    // Detach + attach: the old timer is gone, one new one runs.
    await t.detach();
    assert.equal(h.clock.timerCount, 0);
    assert.deepEqual(panel(t), []);
    await t.attach(h.dir);
    assert.equal(h.clock.timerCount, 1);
    await h.clock.advance(10 * MIN);
    assert.equal(h.injected.length, 1, 'one fire, not one per attach');
  });

  it('a timer fire injects the [TRIGGER: timer/<id>] text and the panel view counts it', async () => {
    const h = await harness([every('tick', 10)]);
    const t = h.open();
    let changes = 0;
    t.onDidChange(() => changes++);
    await t.attach(h.dir);
    const before = panel(t);
    assert.equal(before[0]!.nextFireAt, T0 + 10 * MIN);
    assert.equal(before[0]!.fireCount, 0);
    await h.clock.advance(10 * MIN);
    assert.deepEqual(h.injected, [
      '[TRIGGER: timer/tick]\nTask: task of tick\n{"task": "task of tick", "trigger_config": {"interval_minutes": 10}}',
    ]);
    const fired = h.events.find((e) => e.type === 'trigger_fired')!;
    assert.equal(fired.execution_id, SID);
    assert.equal((fired.data as Record<string, unknown>).fire_count, 1);
    const [view] = panel(t);
    assert.deepEqual(TriggerViewSchema.parse(view), view);
    assert.deepEqual(view, {
      id: 'tick',
      name: 'Every 10',
      type: 'timer',
      cron: null,
      intervalMinutes: 10,
      timezone: 'UTC',
      schedule: 'every 10 min',
      task: 'task of tick',
      enabled: true,
      nextFireAt: T0 + 20 * MIN,
      nextFires: [T0 + 20 * MIN, T0 + 30 * MIN, T0 + 40 * MIN],
      fireCount: 1,
      lastFiredAt: T0 + 10 * MIN,
      webhook: null,
    });
    assert.ok(changes >= 3, 'attach and the fire notify the panel');

    // The panel's "Run now": one forced fire, the schedule unchanged.
    await t.runNow('tick');
    await h.clock.advance(0);
    assert.equal(h.injected.length, 2);
    assert.match(h.injected[1]!, /"forced": true/);
    assert.equal(panel(t)[0]!.nextFireAt, T0 + 20 * MIN);
    assert.equal(panel(t)[0]!.fireCount, 2);
  });

  it('fires wait while the queen is busy and go out once when she is idle', async () => {
    const h = await harness([every('tick', 10)]);
    const t = h.open();
    await t.attach(h.dir);
    h.busy.value = true;
    await h.clock.advance(30 * MIN);
    assert.equal(h.injected.length, 0);
    h.busy.value = false;
    t.notifyQueenIdle();
    await h.clock.advance(0);
    assert.equal(h.injected.length, 1, 'three ticks while busy are folded into one delivery');
    assert.equal(h.ofType('trigger_fired')[0]!.coalesced, 2);
  });

  it('the queen tools set, remove and list triggers, persisted to triggers.json for the next session', async () => {
    const h = await harness([every('tick', 10), every('off', 5, { enabled: false })]);
    const t = h.open();
    await assert.rejects(tool(t, 'list_triggers')(), /No colony is loaded/);
    await t.attach(h.dir);

    const created = await tool(
      t,
      'set_trigger',
    )({
      trigger_id: 'daily',
      trigger_type: 'timer',
      trigger_config: { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' },
      task: 'Morning report',
    });
    assert.equal(created.status, 'activated');
    assert.equal(created.schedule, 'at 09:00 on Mon–Fri (Europe/Paris)');
    assert.equal(created.next_fire_at, '2026-03-30T07:00:00.000Z');

    const activated = await tool(t, 'set_trigger')({ trigger_id: 'off', task: 'new task for off' });
    assert.equal(activated.status, 'activated');
    assert.equal(activated.task, 'new task for off');
    await assert.rejects(tool(t, 'set_trigger')({ trigger_id: 'tick' }), /already active/);
    const timers = h.clock.timerCount;
    const updated = await tool(t, 'set_trigger')({ trigger_id: 'tick', task: 'retasked' });
    assert.deepEqual([updated.status, updated.task], ['updated', 'retasked']);
    assert.equal(h.clock.timerCount, timers, 'a new task does not start a second timer');
    assert.equal((await h.file())[0]!.task, 'retasked');
    await assert.rejects(
      tool(
        t,
        'set_trigger',
      )({ trigger_id: 'nope', trigger_type: 'timer', trigger_config: { interval_minutes: 5 } }),
      /task is required/,
    );
    await assert.rejects(tool(t, 'set_trigger')({ trigger_id: 'nope', task: 'x' }), /trigger_type/);
    const removed = await tool(t, 'remove_trigger')({ trigger_id: 'tick' });
    assert.deepEqual(removed, { status: 'removed', trigger_id: 'tick', was_active: true });
    await assert.rejects(tool(t, 'remove_trigger')({ trigger_id: 'tick' }), /not found/);

    const listed = await tool(t, 'list_triggers')();
    assert.deepEqual(
      (listed.triggers as Record<string, unknown>[]).map((x) => [x.trigger_id, x.active, x.task]),
      [
        ['off', true, 'new task for off'],
        ['daily', true, 'Morning report'],
      ],
    );

    const file = await h.file();
    assert.deepEqual(
      file.map((d) => [d.id, d.enabled, d.task]),
      [
        ['off', true, 'new task for off'],
        ['daily', undefined, 'Morning report'],
      ],
    );
    assert.deepEqual(file[1]!.trigger_config, { cron: '0 9 * * 1-5', timezone: 'Europe/Paris' });

    // A new session (resume) on the same colony restores exactly that.
    await t.detach();
    const next = h.open();
    const text = await next.attach(h.dir);
    assert.match(text, /Active triggers[^\n]*\n {2}- off \(timer: every 5 min\) -> task: "new task for off"/);
    assert.deepEqual(
      panel(next).map((v) => [v.id, v.enabled, v.task, v.cron]),
      [
        ['off', true, 'new task for off', null],
        ['daily', true, 'Morning report', '0 9 * * 1-5'],
      ],
    );
  });

  it('a panel deactivation persists: the next session does not start the trigger', async () => {
    const h = await harness([every('tick', 10)]);
    const t = h.open();
    await t.attach(h.dir);
    await t.deactivate('tick');
    assert.equal(h.clock.timerCount, 0);
    assert.equal((await h.file())[0]!.enabled, false);
    await t.detach();
    const next = h.open();
    assert.match(await next.attach(h.dir), /Available triggers \(inactive/);
    assert.equal(h.clock.timerCount, 0);
    await next.activate('tick');
    assert.equal(h.clock.timerCount, 1);
    assert.equal((await h.file())[0]!.enabled, true);
  });

  it('a webhook POST with the secret reaches the queen, without it does not; webhooks added later are served', async () => {
    const h = await harness([hook('gh', '/hooks/gh')]);
    const t = h.open();
    await t.attach(h.dir);
    const [view] = panel(t);
    assert.ok(view!.webhook);
    const url = new URL(view!.webhook.url);
    assert.equal(url.hostname, '127.0.0.1');
    const port = Number(url.port);
    assert.ok(port > 0);
    const secret = await t.webhookSecret('gh');
    assert.ok(secret);
    const stored = JSON.parse(await readFile(path.join(h.dir, 'trigger-secrets.json'), 'utf8'));
    assert.equal(stored.gh, secret);
    assert.equal(await t.webhookSecret('nope'), undefined);

    const post = (p: string, headers: Record<string, string>) =>
      httpRequest(port, {
        path: p,
        body: '{"action": "opened"}',
        headers: { 'Content-Type': 'application/json', ...headers },
      });
    assert.equal((await post('/hooks/gh', {})).status, 401);
    assert.equal((await post('/hooks/gh', { 'X-Hive-Secret': 'wrong' })).status, 401);
    await h.clock.advance(0);
    assert.equal(h.injected.length, 0);

    assert.equal((await post('/hooks/gh', { 'X-Hive-Secret': secret })).status, 202);
    await h.clock.advance(0);
    assert.equal(h.injected.length, 1);
    assert.match(h.injected[0]!, /^\[TRIGGER: webhook\/gh\]\nTask: handle gh\n/);
    assert.match(h.injected[0]!, /"payload": \{"action": "opened"\}/);
    assert.doesNotMatch(h.injected[0]!, new RegExp(secret));
    const received = h.events.find((e) => e.type === 'webhook_received')!;
    assert.equal(received.stream_id, 'gh');
    const [listed] = (await tool(t, 'list_triggers')()).triggers as Record<string, unknown>[];
    assert.equal(listed!.webhook_url, `http://127.0.0.1:${port}/hooks/gh`);
    assert.equal(listed!.fire_count, 1);
    assert.deepEqual(listed!.trigger_config, { path: '/hooks/gh', port: 0 });

    // The queen adds a webhook while the server runs: same server, new route.
    const added = await tool(
      t,
      'set_trigger',
    )({
      trigger_id: 'deploy',
      trigger_type: 'webhook',
      trigger_config: { path: '/hooks/deploy' },
      task: 'Check the deploy',
    });
    assert.equal(added.webhook_url, `http://127.0.0.1:${port}/hooks/deploy`);
    assert.equal(added.secret_location, path.join(h.dir, 'trigger-secrets.json'));
    assert.ok(!JSON.stringify(added).includes('whsec_'), 'the secret never reaches the queen');
    const deploySecret = (await t.webhookSecret('deploy'))!;
    assert.equal((await post('/hooks/deploy', { 'X-Hive-Secret': deploySecret })).status, 202);
    assert.equal((await post('/hooks/deploy', { 'X-Hive-Secret': secret })).status, 401);
    await h.clock.advance(0);
    assert.equal(h.injected.length, 2);
    assert.match(h.injected[1]!, /^\[TRIGGER: webhook\/deploy\]/);
  });

  it('a webhook whose port is taken is reported, listed as inactive, and starts once the port is free', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    const h = await harness([
      hook('gh', '/hooks/gh', { trigger_config: { path: '/hooks/gh', port: taken } }),
    ]);
    const t = h.open();
    try {
      const text = await t.attach(h.dir);
      assert.match(text, /Available triggers \(inactive[^\n]*\n {2}- gh \(webhook: POST \/hooks\/gh\)/);
      const [error] = t.loadReport!.errors;
      assert.equal(error!.trigger_id, 'gh');
      assert.match(error!.error, /EADDRINUSE|in use/);
      assert.equal(panel(t)[0]!.enabled, false);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
    await t.activate('gh');
    assert.equal(panel(t)[0]!.enabled, true);
    assert.equal(panel(t)[0]!.webhook!.url, `http://127.0.0.1:${taken}/hooks/gh`);
  });

  it('detach closes the webhook server: connections are refused afterwards', async () => {
    const h = await harness([hook('gh', '/hooks/gh')]);
    const t = h.open();
    await t.attach(h.dir);
    const port = t.triggerManager!.webhookPort!;
    const secret = (await t.webhookSecret('gh'))!;
    await t.detach();
    await assert.rejects(
      httpRequest(port, { path: '/hooks/gh', body: '{}', headers: { 'X-Hive-Secret': secret } }),
      (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
    );
    assert.equal(h.injected.length, 0);
  });

  it('a colony without triggers.json gets one from set_trigger; another colony replaces the first', async () => {
    const h = await harness([every('tick', 10)]);
    const other = await mkdtemp(path.join(os.tmpdir(), 'hive-session-triggers-empty-'));
    dirs.push(other);
    const t = h.open();
    await t.attach(h.dir);
    assert.equal(h.clock.timerCount, 1);

    // Loading another colony: the first one's triggers stop and are removed from view (as Hive's unload).
    assert.equal(await t.attach(other), '');
    assert.equal(t.colonyDir, other);
    assert.equal(h.clock.timerCount, 0);
    assert.deepEqual(
      h.ofType('trigger_removed').map((d) => d.trigger_id),
      ['tick'],
    );
    assert.deepEqual(panel(t), []);

    await tool(
      t,
      'set_trigger',
    )({
      trigger_id: 'later',
      trigger_type: 'timer',
      trigger_config: { interval_minutes: 15 },
      task: 'Look again',
    });
    const written = JSON.parse(await readFile(path.join(other, 'triggers.json'), 'utf8'));
    assert.deepEqual(written, [
      { id: 'later', trigger_type: 'timer', trigger_config: { interval_minutes: 15 }, task: 'Look again' },
    ]);
    await h.clock.advance(15 * MIN);
    assert.deepEqual(h.injected, [
      '[TRIGGER: timer/later]\nTask: Look again\n{"task": "Look again", "trigger_config": {"interval_minutes": 15}}',
    ]);
    // Panel actions with nothing attached fail clearly.
    await t.detach({ emitRemoved: true });
    await assert.rejects(t.runNow('later'), /No colony is loaded/);
  });

  it('reports fires missed while no session ran, and runs them once on request', async () => {
    const h = await harness([every('tick', 10)]);
    const first = h.open();
    await first.attach(h.dir);
    await h.clock.advance(10 * MIN);
    assert.equal(h.injected.length, 1);
    await first.detach();

    h.clock.jump(35 * MIN); // closed from T0+10 to T0+45: fires at +20, +30, +40 missed
    const second = h.open();
    await second.attach(h.dir);
    const reports = h.ofType('missed_triggers');
    assert.equal(reports.length, 1);
    const [missed] = reports[0]!.triggers as Record<string, unknown>[];
    assert.equal(missed!.trigger_id, 'tick');
    assert.equal(missed!.count, 3);
    assert.equal(second.missed()[0]!.count, 3);

    await second.resolveMissed('run');
    await h.clock.advance(0);
    assert.equal(h.injected.length, 2);
    assert.match(h.injected[1]!, /"catch_up": true, "missed_count": 3/);
    assert.deepEqual(second.missed(), []);
    await second.detach();

    const third = h.open();
    await third.attach(h.dir);
    assert.deepEqual(third.missed(), [], 'resolved fires are not reported again');
  });
});
