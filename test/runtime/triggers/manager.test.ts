import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TriggerFire } from '../../../src/runtime/triggers/injection';
import { describeTriggersForQueen } from '../../../src/runtime/triggers/queen-text';
import { MemorySecretStore } from '../../../src/runtime/triggers/secrets';
import { TriggerManager, type TriggerManagerOptions } from '../../../src/runtime/triggers/trigger-manager';
import { FakeClock, restoreGlobals, settle } from '../../support/fake-clock';

const MIN = 60_000;
const T0 = Date.parse('2026-03-27T12:00:00Z');

interface Harness {
  dir: string;
  clock: FakeClock;
  manager: TriggerManager;
  injected: { text: string; fires: TriggerFire[] }[];
  events: { type: string; data: Record<string, unknown>; stream?: string }[];
  busy: { value: boolean };
  open(options?: Partial<TriggerManagerOptions>): TriggerManager;
  eventsOf(type: string): Record<string, unknown>[];
  file(): Promise<Record<string, unknown>[]>;
}

const dirs: string[] = [];
const managers: TriggerManager[] = [];

async function harness(defs: unknown[] | string, start = T0): Promise<Harness> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hive-trigger-mgr-'));
  dirs.push(dir);
  await writeFile(
    path.join(dir, 'triggers.json'),
    typeof defs === 'string' ? defs : JSON.stringify(defs, null, 2),
  );
  const clock = new FakeClock(start).installGlobals();
  const secrets = new MemorySecretStore();
  const h: Harness = {
    dir,
    clock,
    manager: undefined as unknown as TriggerManager,
    injected: [],
    events: [],
    busy: { value: false },
    open(options = {}) {
      const m = new TriggerManager({
        colonyDir: dir,
        clock,
        timers: clock,
        secrets,
        inject: (text, fires) => {
          h.injected.push({ text, fires });
        },
        emit: (type, data, stream) => {
          h.events.push({ type, data, stream });
        },
        isBusy: () => h.busy.value,
        ...options,
      });
      managers.push(m);
      h.manager = m;
      return m;
    },
    eventsOf: (type) => h.events.filter((e) => e.type === type).map((e) => e.data),
    file: async () => JSON.parse(await readFile(path.join(dir, 'triggers.json'), 'utf8')),
  };
  h.open();
  return h;
}

afterEach(async () => {
  restoreGlobals();
  for (const m of managers.splice(0)) await m.close().catch(() => undefined);
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const every = (id: string, minutes: number, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Every ${minutes}`,
  trigger_type: 'timer',
  trigger_config: { interval_minutes: minutes },
  task: `task of ${id}`,
  ...extra,
});

describe('triggers/manager: timers', () => {
  it('offers every trigger, starts the enabled ones, and fires an interval first at activation + interval', async () => {
    const h = await harness([every('tick', 10), every('off', 5, { enabled: false })]);
    const result = await h.manager.load();
    assert.deepEqual([result.active, result.inactive], [['tick'], ['off']]);
    assert.deepEqual(h.manager.sessionState(), {
      active_triggers: ['tick'],
      trigger_tasks: { tick: 'task of tick' },
    });
    assert.deepEqual(
      h.eventsOf('trigger_available').map((d) => d.trigger_id),
      ['tick', 'off'],
    );
    const activated = h.eventsOf('trigger_activated');
    assert.deepEqual(
      activated.map((d) => d.trigger_id),
      ['tick'],
    );
    const config = activated[0]!.trigger_config as Record<string, unknown>;
    assert.equal(config.next_fire_at, T0 + 10 * MIN);
    assert.equal(config.next_fire_in, 600);
    assert.equal(config.schedule_text, 'every 10 min');

    await h.clock.advance(10 * MIN - 1);
    assert.equal(h.injected.length, 0, 'no immediate fire');
    await h.clock.advance(1);
    assert.equal(h.injected.length, 1);
    assert.equal(
      h.injected[0]!.text,
      '[TRIGGER: timer/tick]\nTask: task of tick\n{"task": "task of tick", "trigger_config": {"interval_minutes": 10}}',
    );
    const fired = h.eventsOf('trigger_fired');
    assert.deepEqual(fired, [
      {
        trigger_id: 'tick',
        trigger_type: 'timer',
        name: 'Every 10',
        task: 'task of tick',
        last_fired_at: T0 + 10 * MIN,
        fire_count: 1,
        next_fire_in: 600,
        next_fire_at: T0 + 20 * MIN,
      },
    ]);
    await h.clock.advance(30 * MIN);
    assert.equal(h.injected.length, 4);
    assert.equal(h.eventsOf('trigger_fired').at(-1)!.fire_count, 4);
  });

  it('fires a cron trigger on the wall clock of its time zone across a DST change', async () => {
    // Thursday 2026-03-26 12:00Z; Berlin switches to summer time on Sunday 29th.
    const start = Date.parse('2026-03-26T12:00:00Z');
    const h = await harness(
      [
        {
          id: 'weekday9',
          trigger_type: 'timer',
          trigger_config: { cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' },
          task: 'Standup',
        },
      ],
      start,
    );
    await h.manager.load();
    assert.equal(h.manager.get('weekday9')!.schedule_text, 'at 09:00 on Mon–Fri (Europe/Berlin)');
    await h.clock.advanceTo(Date.parse('2026-03-31T12:00:00Z'));
    assert.deepEqual(
      h.eventsOf('trigger_fired').map((d) => new Date(d.last_fired_at as number).toISOString()),
      ['2026-03-27T08:00:00.000Z', '2026-03-30T07:00:00.000Z', '2026-03-31T07:00:00.000Z'],
    );
  });

  it('starts each trigger exactly once: repeated load/activate calls, concurrent or not (Hive bug §5.5, docs/hive-format.md)', async () => {
    const h = await harness([every('tick', 10)]);
    await Promise.all([
      h.manager.load(),
      h.manager.load(),
      h.manager.activate('tick'),
      h.manager.activate('tick'),
    ]);
    assert.equal(await h.manager.activate('tick'), 'already_active');
    assert.equal(h.eventsOf('trigger_activated').length, 1);
    assert.equal(h.clock.timerCount, 1, 'one pending timer');
    await h.clock.advance(30 * MIN);
    assert.equal(h.injected.length, 3);
  });

  it('does not double-fire after a restart on the same folder', async () => {
    const h = await harness([every('tick', 10)]);
    await h.manager.load();
    await h.clock.advance(10 * MIN);
    await h.manager.close();
    const second = h.open();
    await second.load();
    await second.activate('tick');
    assert.equal(h.clock.timerCount, 1);
    await h.clock.advance(20 * MIN);
    assert.equal(h.injected.length, 3);
    assert.equal(h.eventsOf('trigger_fired').at(-1)!.fire_count, 3, 'fire count survives the restart');
  });

  it('queues a fire while the queen is busy and delivers it once, not once per tick', async () => {
    const h = await harness([every('tick', 10)]);
    await h.manager.load();
    h.busy.value = true;
    await h.clock.advance(35 * MIN); // three ticks while busy
    assert.equal(h.injected.length, 0);
    h.busy.value = false;
    h.manager.notifyIdle();
    await h.clock.advance(0);
    assert.equal(h.injected.length, 1);
    assert.equal(h.injected[0]!.fires.length, 1);
    const fired = h.eventsOf('trigger_fired');
    assert.equal(fired.length, 1);
    assert.equal(fired[0]!.coalesced, 2);
    // Nobody calls notifyIdle: the busy poll still delivers.
    h.busy.value = true;
    await h.clock.advance(10 * MIN);
    h.busy.value = false;
    await h.clock.advance(1000);
    assert.equal(h.injected.length, 2);
  });

  it('never overlaps runs of one trigger while the queen is still accepting a batch', async () => {
    let release: (() => void) | undefined;
    let inFlight = 0;
    let maxInFlight = 0;
    const accepted: string[] = [];
    const h = await harness([every('tick', 10)]);
    await h.manager.close();
    const m = h.open({
      inject: (text) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        return new Promise<void>((resolve) => {
          release = () => {
            inFlight--;
            accepted.push(text);
            resolve();
          };
        });
      },
    });
    await m.load();
    await h.clock.advance(10 * MIN); // first fire: handed over, not yet accepted
    await h.clock.advance(30 * MIN); // three more ticks fold into one waiting fire
    assert.equal(inFlight, 1);
    release!();
    await settle();
    await h.clock.advance(0);
    assert.equal(inFlight, 1, 'the waiting fire goes out after the first is accepted');
    release!();
    await settle();
    assert.equal(maxInFlight, 1);
    assert.equal(accepted.length, 2);
    assert.deepEqual(
      h.eventsOf('trigger_fired').map((d) => d.fire_count),
      [1, 2],
    );
  });

  it('fires once, not once per missed tick, when the machine wakes from sleep', async () => {
    const h = await harness([every('tick', 10)]);
    await h.manager.load();
    h.clock.jump(47 * MIN); // asleep: the pending timeout only runs now
    await h.clock.advance(0);
    assert.equal(h.injected.length, 1);
    const fired = h.eventsOf('trigger_fired')[0]!;
    assert.equal(fired.next_fire_at, T0 + 50 * MIN, 'back on the activation grid');
    await h.clock.advance(3 * MIN);
    assert.equal(h.injected.length, 2);
  });

  it('tells the queen which triggers are active and which are not', async () => {
    const h = await harness([
      { id: 'daily', trigger_type: 'timer', trigger_config: { cron: '0 9 * * 1-5' }, task: 'Report' },
      every('off', 5, { enabled: false, task: '' }),
    ]);
    const { triggers } = await h.manager.load();
    assert.equal(
      describeTriggersForQueen(triggers),
      '\n\nActive triggers (already running — use remove_trigger to stop one):\n' +
        '  - daily (timer: at 09:00 on Mon–Fri (UTC)) -> task: "Report"' +
        '\n\nAvailable triggers (inactive — use set_trigger to activate):\n' +
        '  - off (timer: every 5 min) (no task configured)',
    );
  });

  it('batches triggers that fire together into one message', async () => {
    const h = await harness([every('a', 10), every('b', 5)]);
    await h.manager.load();
    await h.clock.advance(5 * MIN);
    await h.clock.advance(5 * MIN);
    assert.equal(h.injected.length, 2);
    assert.deepEqual(
      h.injected[1]!.fires.map((f) => f.trigger_id),
      ['a', 'b'],
    );
    assert.match(h.injected[1]!.text, /^\[TRIGGER: timer\/a\][\s\S]*\n\n\[TRIGGER: timer\/b\]/);
  });

  it('retries a failed injection and then delivers it', async () => {
    let fail = 2;
    const seen: string[] = [];
    const h = await harness([every('tick', 10)]);
    await h.manager.close();
    const m = h.open({
      retryDelaysMs: [1000, 1000, 1000],
      inject: (text) => {
        if (fail-- > 0) throw new Error('queen not ready');
        seen.push(text);
      },
    });
    await m.load();
    await h.clock.advance(10 * MIN + 5000);
    assert.equal(seen.length, 1);
    assert.equal(h.eventsOf('trigger_fired').length, 1);
  });

  it('runs now with forced: true without moving the schedule', async () => {
    const h = await harness([every('tick', 10), every('off', 10, { enabled: false })]);
    await h.manager.load();
    await h.clock.advance(3 * MIN);
    assert.equal(await h.manager.runNow('off'), 'queued');
    assert.equal(await h.manager.runNow('off'), 'already_queued');
    await h.clock.advance(0);
    assert.equal(h.injected.length, 1);
    assert.match(h.injected[0]!.text, /^\[TRIGGER: timer\/off\]\nTask: task of off\n\{.*"forced": true\}$/);
    assert.equal(h.eventsOf('trigger_fired')[0]!.forced, true);
    await h.clock.advance(7 * MIN);
    assert.equal(h.injected.length, 2, 'tick still fires at activation + 10 min');
  });

  it('persists enabled flags and task overrides to triggers.json, and a restart honours them', async () => {
    const h = await harness([every('tick', 10), every('other', 10)]);
    await h.manager.load();
    assert.equal(await h.manager.deactivate('tick'), 'deactivated');
    assert.equal(await h.manager.deactivate('tick'), 'already_inactive');
    assert.deepEqual(h.eventsOf('trigger_deactivated'), [
      { trigger_id: 'tick', trigger_type: 'timer', name: 'Every 10' },
    ]);
    const updated = await h.manager.update('other', { task: 'New task' });
    assert.equal(updated.task, 'New task');
    assert.equal(h.eventsOf('trigger_updated')[0]!.task, 'New task');
    let file = await h.file();
    assert.equal(file[0]!.enabled, false);
    assert.equal(file[1]!.task, 'New task');
    assert.equal('enabled' in file[1]!, false, 'absent still means enabled');
    await h.manager.close();

    const again = h.open();
    const result = await again.load();
    assert.deepEqual([result.active, result.inactive], [['other'], ['tick']]);
    await again.activate('tick');
    file = await h.file();
    assert.equal(file[0]!.enabled, true);
    await h.clock.advance(10 * MIN);
    assert.match(h.injected.map((i) => i.text).join('\n'), /Task: New task/);
  });

  it('saves only the updated fields, keeping what was edited by hand since loading', async () => {
    const h = await harness([every('tick', 10)]);
    await h.manager.load();
    const edited = (await h.file()).map((e) => ({ ...e, name: 'Renamed by hand', owner: 'ops' }));
    await writeFile(path.join(h.dir, 'triggers.json'), JSON.stringify(edited, null, 2));
    await h.manager.update('tick', { task: 'Changed' });
    const [entry] = await h.file();
    assert.deepEqual([entry!.task, entry!.name, entry!.owner], ['Changed', 'Renamed by hand', 'ops']);
  });

  it('restarts an active trigger on a config update and re-anchors it', async () => {
    const h = await harness([every('tick', 10)]);
    await h.manager.load();
    await h.clock.advance(4 * MIN);
    const view = await h.manager.update('tick', { trigger_config: { interval_minutes: 3 } });
    assert.equal(view.next_fire_at, T0 + 7 * MIN);
    assert.equal(h.clock.timerCount, 1);
    await h.clock.advance(6 * MIN);
    assert.equal(h.injected.length, 2);
    assert.deepEqual((await h.file())[0]!.trigger_config, { interval_minutes: 3 });
    await assert.rejects(
      h.manager.update('tick', { trigger_config: { interval_minutes: -1 } }),
      /interval_minutes/,
    );
  });

  it('adds and removes triggers (file, events, timers)', async () => {
    const h = await harness([]);
    await h.manager.load();
    await h.manager.add({
      id: 'new',
      trigger_type: 'timer',
      trigger_config: { cron: '*/5 * * * *' },
      task: 'Poll',
    });
    assert.deepEqual(
      h.events.map((e) => e.type),
      ['trigger_available', 'trigger_activated'],
    );
    await assert.rejects(
      h.manager.add({ id: 'new', trigger_type: 'timer', trigger_config: { interval_minutes: 1 } }),
      /already exists/,
    );
    await assert.rejects(
      h.manager.add({ id: 'bad/id', trigger_type: 'timer', trigger_config: { interval_minutes: 1 } }),
      /id/,
    );
    assert.equal((await h.file()).length, 1);
    await h.manager.remove('new');
    assert.deepEqual(await h.file(), []);
    assert.equal(h.eventsOf('trigger_removed')[0]!.trigger_id, 'new');
    assert.equal(h.clock.timerCount, 0);
    await assert.rejects(h.manager.activate('new'), /not found/);
  });

  it('reports invalid entries and keeps them in the file untouched', async () => {
    const h = await harness([
      { id: 'bad', trigger_type: 'timer', trigger_config: { cron: '0 25 * * *' }, note: 'x' },
      every('tick', 10),
    ]);
    const result = await h.manager.load();
    assert.deepEqual(
      result.problems.map((p) => [p.index, p.id, p.field]),
      [[0, 'bad', 'trigger_config.cron']],
    );
    await h.manager.deactivate('tick');
    assert.deepEqual((await h.file())[0], {
      id: 'bad',
      trigger_type: 'timer',
      trigger_config: { cron: '0 25 * * *' },
      note: 'x',
    });
  });

  it('loads nothing from a corrupt triggers.json and never overwrites it', async () => {
    const h = await harness('[{"id": "tick", ');
    const result = await h.manager.load();
    assert.match(result.fileError!, /triggers\.json: not valid JSON/);
    await assert.rejects(h.manager.add(every('x', 1)), /not valid JSON/);
    assert.equal(await readFile(path.join(h.dir, 'triggers.json'), 'utf8'), '[{"id": "tick", ');
  });

  it('stops every timer on close and refuses work afterwards', async () => {
    const h = await harness([every('a', 1), every('b', 2)]);
    await h.manager.load();
    await h.manager.close({ emitRemoved: true });
    assert.equal(h.clock.timerCount, 0);
    assert.equal(h.eventsOf('trigger_removed').length, 2);
    await h.clock.advance(10 * MIN);
    assert.equal(h.injected.length, 0);
    await assert.rejects(h.manager.activate('a'), /closed/);
  });
});

describe('triggers/manager: missed fires', () => {
  it('counts fires missed while closed, tells the user, and runs them once on request', async () => {
    const h = await harness([every('tick', 10), every('off', 10, { enabled: false })]);
    await h.manager.load();
    await h.clock.advance(10 * MIN); // one real fire at T0+10
    await h.manager.close();
    h.clock.jump(35 * MIN); // closed from T0+10 to T0+45: fires at 20, 30, 40 missed

    const again = h.open();
    const result = await again.load();
    assert.equal(h.injected.length, 1, 'nothing replayed silently');
    assert.deepEqual(
      result.missed.map((m) => [m.trigger_id, m.count]),
      [['tick', 3]],
    );
    const event = h.eventsOf('missed_triggers')[0]!;
    const [report] = event.triggers as Record<string, unknown>[];
    assert.deepEqual(report!.ticks, [
      new Date(T0 + 20 * MIN).toISOString(),
      new Date(T0 + 30 * MIN).toISOString(),
      new Date(T0 + 40 * MIN).toISOString(),
    ]);
    assert.equal(report!.next_due_at, new Date(T0 + 55 * MIN).toISOString());
    assert.deepEqual(await again.runMissedOnce(['tick']), ['tick']);
    await h.clock.advance(0);
    assert.equal(h.injected.length, 2);
    assert.match(h.injected[1]!.text, /"catch_up": true, "missed_count": 3\}$/);
    assert.deepEqual(h.eventsOf('missed_triggers').at(-1), { triggers: [] });
    await again.close();

    const third = h.open();
    assert.deepEqual((await third.load()).missed, [], 'resolved fires are not reported again');
  });

  it('keeps unresolved missed fires across restarts and adds new ones; skip forgets them', async () => {
    const start = Date.parse('2026-10-23T12:00:00Z');
    const h = await harness(
      [
        {
          id: 'daily',
          trigger_type: 'timer',
          trigger_config: { cron: '30 2 * * *', timezone: 'Europe/Berlin' },
          task: 'Nightly',
        },
      ],
      start,
    );
    await h.manager.load();
    await h.manager.close();
    h.clock.jump(2 * 24 * 60 * MIN); // 24th and 25th (fall-back night: one fire) missed
    const second = h.open();
    assert.deepEqual(
      (await second.load()).missed.map((m) => m.count),
      [2],
    );
    await second.close();
    h.clock.jump(24 * 60 * MIN);
    const third = h.open();
    assert.deepEqual(
      (await third.load()).missed.map((m) => m.count),
      [3],
    );
    assert.deepEqual(await third.skipMissed(), ['daily']);
    assert.deepEqual(third.missed(), []);
    await h.clock.advance(0);
    assert.equal(h.injected.length, 0);
  });

  it('reads the last fire time Hive keeps in triggers.json when it has no state of ours', async () => {
    const h = await harness([
      every('hive', 60, {
        enabled: true,
        last_fired_at: new Date(T0 - 150 * MIN).toISOString().replace('Z', '+00:00'),
      }),
    ]);
    const result = await h.manager.load();
    assert.deepEqual(
      result.missed.map((m) => [m.trigger_id, m.count]),
      [['hive', 2]],
    );
  });

  it('persists fire statistics beside triggers.json', async () => {
    const h = await harness([every('tick', 10)]);
    await h.manager.load();
    await h.clock.advance(20 * MIN);
    await h.manager.close();
    const state = JSON.parse(await readFile(path.join(h.dir, 'trigger-state.json'), 'utf8'));
    assert.equal(state.triggers.tick.fire_count, 2);
    assert.equal(state.triggers.tick.last_fired_at, T0 + 20 * MIN);
    const again = h.open();
    const available = (await again.load()).triggers[0]!;
    assert.deepEqual([available.fire_count, available.last_fired_at], [2, T0 + 20 * MIN]);
  });
});
