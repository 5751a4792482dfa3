import assert from 'node:assert/strict';
import { parseCron } from '../../../src/runtime/triggers/cron-schedule';
import {
  describeSchedule,
  firesBetween,
  nextFireAt,
  ScheduleError,
  scheduleOf,
} from '../../../src/runtime/triggers/schedule';

const utc = (s: string) => Date.parse(`${s}Z`);
const iso = (t: number) => new Date(t).toISOString().replace('.000Z', 'Z');

function fires(config: Record<string, unknown>, from: string, n: number): string[] {
  const s = scheduleOf(config);
  const out: string[] = [];
  let t = utc(from);
  for (let i = 0; i < n; i++) {
    t = nextFireAt(s, t);
    out.push(iso(t));
  }
  return out;
}

/** Wall clock in Asia/Kolkata: a fixed UTC+05:30 since 1945, so no tz library is needed to check it. */
function kolkataWall(t: number) {
  const d = new Date(t + 5.5 * 3_600_000);
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    wd: d.getUTCDay(),
  };
}

describe('triggers/schedule: cron', () => {
  it('reads the fields on the wall clock of the time zone, across a DST change (Europe/Berlin)', () => {
    // Summer time starts on Sunday 2026-03-29: 09:00 is 08:00Z before, 07:00Z after.
    assert.deepEqual(fires({ cron: '0 9 * * 1-5', timezone: 'Europe/Berlin' }, '2026-03-26T12:00:00', 3), [
      '2026-03-27T08:00:00Z',
      '2026-03-30T07:00:00Z',
      '2026-03-31T07:00:00Z',
    ]);
    // Without a time zone, Hive's UTC.
    assert.deepEqual(fires({ cron: '0 9 * * 1-5' }, '2026-03-26T12:00:00', 2), [
      '2026-03-27T09:00:00Z',
      '2026-03-30T09:00:00Z',
    ]);
  });

  it('follows node-cron across DST: a wall time in the spring-forward gap does not fire', () => {
    // 02:30 does not exist in Berlin on 2026-03-29 (02:00 → 03:00).
    assert.deepEqual(fires({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, '2026-03-27T12:00:00', 4), [
      '2026-03-28T01:30:00Z',
      '2026-03-30T00:30:00Z',
      '2026-03-31T00:30:00Z',
      '2026-04-01T00:30:00Z',
    ]);
    // Spring forward in New York 2026-03-08 07:00Z: 02:xx never exists, so nothing extra fires.
    assert.deepEqual(
      fires({ cron: '*/30 * * * *', timezone: 'America/New_York' }, '2026-03-08T06:10:00', 3),
      ['2026-03-08T06:30:00Z', '2026-03-08T07:00:00Z', '2026-03-08T07:30:00Z'],
    );
  });

  it('follows node-cron across DST: a repeated wall time fires once', () => {
    // 2026-10-25 in Berlin: 03:00 CEST → 02:00 CET, so 02:30 reads at 00:30Z and again at 01:30Z.
    assert.deepEqual(fires({ cron: '30 2 * * *', timezone: 'Europe/Berlin' }, '2026-10-24T12:00:00', 2), [
      '2026-10-25T01:30:00Z',
      '2026-10-26T01:30:00Z',
    ]);
    // New York falls back 2026-11-01 06:00Z: 01:00 and 01:30 read twice and fire the first time only.
    assert.deepEqual(
      fires({ cron: '*/30 * * * *', timezone: 'America/New_York' }, '2026-11-01T04:50:00', 4),
      ['2026-11-01T05:00:00Z', '2026-11-01T05:30:00Z', '2026-11-01T07:00:00Z', '2026-11-01T07:30:00Z'],
    );
  });

  it('matches a brute-force minute scan for many expressions in a non-UTC zone', () => {
    const tz = 'Asia/Kolkata'; // +05:30, no DST
    const exprs = [
      '*/7 * * * *',
      '15 9-17/2 * * MON-FRI',
      '0 0 L * *',
      '30 12 1,15 * SUN',
      '0 8 * * 1#2',
      '45 23 * FEB,MAR 5L',
      '0 0 29 2 *',
      '5 4 * * 0,6',
    ];
    const start = utc('2026-01-01T00:00:00');
    const end = utc('2026-03-01T00:00:00');
    for (const e of exprs) {
      const c = parseCron(e, tz);
      const dom = (y: number, m: number, d: number) => {
        const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
        return e.split(' ')[2] === 'L' ? d === last : c.fields.dayOfMonth.includes(d);
      };
      const expected: number[] = [];
      for (let t = start + 60_000; t <= end; t += 60_000) {
        const w = kolkataWall(t);
        if (!c.fields.minute.includes(w.mi) || !c.fields.hour.includes(w.h) || !c.fields.month.includes(w.mo))
          continue;
        const last = new Date(Date.UTC(w.y, w.mo, 0)).getUTCDate();
        let dow = c.fields.dayOfWeek.includes(w.wd);
        if (e.includes('#2')) dow = w.wd === 1 && Math.ceil(w.d / 7) === 2;
        if (e.includes('5L')) dow = w.wd === 5 && w.d + 7 > last;
        const d = dom(w.y, w.mo, w.d);
        if (c.domRestricted && c.dowRestricted ? d || dow : d && dow) expected.push(t);
      }
      const s = scheduleOf({ cron: e, timezone: tz });
      const got = firesBetween(s, start, end, start, { maxCount: 100_000, maxTicks: 100_000 }).ticks;
      assert.deepEqual(got.map(iso), expected.map(iso), e);
      assert.ok(expected.length > 0 || e === '0 0 29 2 *', `${e} should fire in the window`);
    }
  });

  it('treats restricted day-of-month and day-of-week as either/or (Vixie, croniter)', () => {
    // 1st of the month OR any Monday.
    assert.deepEqual(fires({ cron: '0 12 1 * 1' }, '2026-05-28T00:00:00', 3), [
      '2026-06-01T12:00:00Z',
      '2026-06-08T12:00:00Z',
      '2026-06-15T12:00:00Z',
    ]);
    assert.deepEqual(fires({ cron: '0 12 1 * *' }, '2026-05-28T00:00:00', 1), ['2026-06-01T12:00:00Z']);
    // A day that both fields match fires once: Monday 2026-06-01 is also the 1st.
    const s = scheduleOf({ cron: '0 12 1 * 1' });
    assert.equal(firesBetween(s, utc('2026-05-31T00:00:00'), utc('2026-06-02T00:00:00')).count, 1);
  });

  it("takes node-cron's W token (nearest weekday) and nicknames", () => {
    // 2026-05-31 is a Sunday: the last weekday of May is Friday the 29th.
    assert.deepEqual(fires({ cron: '0 12 LW * *' }, '2026-05-01T00:00:00', 1), ['2026-05-29T12:00:00Z']);
    assert.deepEqual(fires({ cron: '@hourly' }, '2026-05-01T00:10:00', 1), ['2026-05-01T01:00:00Z']);
  });

  it('rejects bad expressions and zones with the field to blame', () => {
    const bad: [Record<string, unknown>, string, RegExp][] = [
      [{ cron: 'x * * * *' }, 'cron', /minute/],
      [{ cron: '0 9 * *' }, 'cron', /expected 5 fields/],
      [{ cron: '0 0 9 * * *' }, 'cron', /expected 5 fields/],
      [{ cron: '0 0 30 2 *' }, 'cron', /impossible|never fires/],
      [{ cron: '0 0 9 * * *', timezone: 'UTC' }, 'cron', /expected 5 fields/],
      [{ cron: '@often' }, 'cron', /expected 5 fields|illegal|invalid/],
      [{ cron: '0 9 * * *', timezone: 'Mars/Olympus' }, 'timezone', /Unknown time zone "Mars\/Olympus"/],
      [{ cron: 5 }, 'cron', /string/],
      [{ interval_minutes: 0 }, 'interval_minutes', /> 0/],
      [{ interval_minutes: '5' }, 'interval_minutes', /> 0/],
      [{}, 'cron', /needs 'cron' or 'interval_minutes'/],
    ];
    for (const [config, field, message] of bad) {
      assert.throws(
        () => scheduleOf(config),
        (err: unknown) => err instanceof ScheduleError && err.field === field && message.test(err.message),
        JSON.stringify(config),
      );
    }
  });

  it('describes schedules for people', () => {
    const d = (config: Record<string, unknown>) => describeSchedule(scheduleOf(config));
    assert.equal(d({ cron: '0 9 * * 1-5' }), 'at 09:00 on Mon–Fri (UTC)');
    assert.equal(d({ cron: '*/15 * * * *', timezone: 'Europe/Paris' }), 'every 15 min (Europe/Paris)');
    assert.equal(d({ cron: '30 8 * * *' }), 'at 08:30 daily (UTC)');
    assert.equal(d({ cron: '0 * * * *' }), 'hourly at :00 (UTC)');
    assert.equal(d({ cron: '0 0 1 * *' }), 'at 00:00 on day 1 of the month (UTC)');
    assert.equal(d({ cron: '0 0 * * 5L' }), 'at 00:00 on last Fri (UTC)');
    assert.equal(d({ cron: '7 3-22/5 * * *' }), 'at 03:07, 08:07, 13:07, 18:07 daily (UTC)');
    assert.equal(d({ cron: '7 3-22/4 * * *' }), 'cron "7 3-22/4 * * *" (UTC)');
    assert.equal(d({ interval_minutes: 15 }), 'every 15 min');
    assert.equal(d({ interval_minutes: 120 }), 'every 2 h');
    assert.equal(d({ interval_minutes: 0.5 }), 'every 30 s');
  });
});

describe('triggers/schedule: intervals', () => {
  const s = scheduleOf({ interval_minutes: 15 });
  const t0 = utc('2026-01-01T10:00:00');
  const min = 60_000;

  it('first fire is activation + interval, then anchored steps (no drift after a late tick)', () => {
    assert.equal(nextFireAt(s, t0, t0), t0 + 15 * min);
    // A tick handled 40 s late still schedules the next one on the anchor grid.
    assert.equal(nextFireAt(s, t0 + 15 * min + 40_000, t0), t0 + 30 * min);
    assert.equal(nextFireAt(s, t0 + 30 * min, t0), t0 + 45 * min);
  });

  it('counts fires in a window, exactly and with a cap', () => {
    const r = firesBetween(s, t0, t0 + 60 * min, t0);
    assert.equal(r.count, 4);
    assert.deepEqual(
      r.ticks.map((t) => (t - t0) / min),
      [15, 30, 45, 60],
    );
    const capped = firesBetween(scheduleOf({ interval_minutes: 1 }), t0, t0 + 10_000 * min, t0, {
      maxCount: 500,
      maxTicks: 3,
    });
    assert.deepEqual([capped.count, capped.capped, capped.ticks.length], [500, true, 3]);
    assert.equal(firesBetween(s, t0, t0 + 14 * min, t0).count, 0);
  });

  it('cron wins when both cron and interval_minutes are set (as in Hive)', () => {
    assert.equal(scheduleOf({ cron: '0 9 * * *', interval_minutes: 5 }).kind, 'cron');
  });
});
