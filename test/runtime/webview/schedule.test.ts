import assert from 'node:assert/strict';
import { describeCron, describeInterval, describeSchedule } from '../../../webview/schedule';

describe('describeCron', () => {
  const cases: Array<[string, string]> = [
    ['0 9 * * 1-5', 'at 09:00 on Mon–Fri (UTC)'],
    ['0 9 * * *', 'at 09:00 every day (UTC)'],
    ['30 17 * * 5', 'at 17:30 on Fri (UTC)'],
    ['0 9,17 * * *', 'at 09:00 and 17:00 every day (UTC)'],
    ['15 8,12,18 * * 1,3,5', 'at 08:15, 12:15 and 18:15 on Mon, Wed and Fri (UTC)'],
    ['* * * * *', 'every minute (UTC)'],
    ['*/1 * * * *', 'every minute (UTC)'],
    ['*/15 * * * *', 'every 15 min (UTC)'],
    ['*/10 9-17 * * 1-5', 'every 10 min from 09:00 to 17:59 on Mon–Fri (UTC)'],
    ['0 * * * *', 'every hour at :00 (UTC)'],
    ['5 */2 * * *', 'every 2 hours at :05 (UTC)'],
    ['0 9-17 * * *', 'every hour at :00 from 09:00 to 17:59 (UTC)'],
    ['0 0 1 * *', 'at 00:00 on day 1 of the month (UTC)'],
    ['0 0 1,15 * *', 'at 00:00 on days 1, 15 of the month (UTC)'],
    ['0 12 * 1-3 *', 'at 12:00 in Jan–Mar (UTC)'],
    ['0 12 1 * 1', 'at 12:00 on day 1 of the month or on Mon (UTC)'],
    ['0 10 * * 0', 'at 10:00 on Sun (UTC)'],
    ['0 10 * * 7', 'at 10:00 on Sun (UTC)'],
    ['0 10 * * 6,0', 'at 10:00 on Sat and Sun (UTC)'],
    ['0 10 * * 0-6', 'at 10:00 every day (UTC)'],
    ['0 9 * * MON-FRI', 'at 09:00 on Mon–Fri (UTC)'],
    ['0 9 * JAN,jul *', 'at 09:00 in Jan, Jul (UTC)'],
    ['0 0 9 * * 1-5', 'at 09:00 on Mon–Fri (UTC)'],
    ['0,30 9 * * *', 'at 09:00 and 09:30 every day (UTC)'],
    ['0,20,40 * * * *', 'at minutes 0, 20, 40 of every hour (UTC)'],
  ];
  for (const [expr, words] of cases) {
    it(`${expr} → ${words}`, () => assert.equal(describeCron(expr, 'UTC'), words));
  }

  it('names the given time zone and can omit it', () => {
    assert.equal(describeCron('0 9 * * *', 'Europe/Paris'), 'at 09:00 every day (Europe/Paris)');
    assert.equal(describeCron('0 9 * * *', ''), 'at 09:00 every day');
  });

  it('shows expressions it cannot put in words verbatim instead of guessing', () => {
    for (const expr of [
      '0 0 L * *',
      '61 * * * *',
      '0 25 * * *',
      '* * *',
      '30 0 9 * * *',
      '0 9 * * 8',
      '5-1 * * * *',
      '1/0 * * * *',
    ]) {
      assert.equal(describeCron(expr, 'UTC'), `cron ${expr} (UTC)`, expr);
    }
  });
});

describe('describeInterval', () => {
  const cases: Array<[number, string]> = [
    [0.5, 'every 30 s'],
    [1, 'every minute'],
    [15, 'every 15 min'],
    [60, 'every hour'],
    [90, 'every 1 h 30 min'],
    [120, 'every 2 h'],
    [1440, 'every day'],
    [2880, 'every 2 days'],
    [0, 'no schedule'],
    [Number.NaN, 'no schedule'],
  ];
  for (const [minutes, words] of cases) {
    it(`${minutes} → ${words}`, () => assert.equal(describeInterval(minutes), words));
  }
});

describe('describeSchedule', () => {
  it('prefers cron, then interval, and describes webhooks by method', () => {
    const base = { type: 'timer' as const, cron: null, intervalMinutes: null, timezone: 'UTC' };
    assert.equal(describeSchedule({ ...base, intervalMinutes: 15 }), 'every 15 min');
    assert.equal(describeSchedule({ ...base, cron: '0 9 * * 1-5' }), 'at 09:00 on Mon–Fri (UTC)');
    assert.equal(describeSchedule(base), 'no schedule');
    assert.equal(
      describeSchedule({ ...base, type: 'webhook', webhook: { methods: ['POST', 'PUT'] } }),
      'on each POST/PUT request',
    );
  });
});
