import assert from 'node:assert/strict';
import {
  clipLong,
  formatCost,
  formatCountdown,
  formatFireStats,
  formatRelative,
  formatTokens,
  formatToolInput,
  summarizeToolInput,
} from '../../../webview/format';

const NOW = Date.UTC(2026, 3, 21, 12, 0, 0);
const s = 1000;
const min = 60 * s;
const h = 60 * min;

describe('formatRelative', () => {
  it('reads naturally from seconds to days, then shows the date', () => {
    assert.equal(formatRelative(NOW - 3 * s, NOW), 'just now');
    assert.equal(formatRelative(NOW + 5 * s, NOW), 'just now');
    assert.equal(formatRelative(NOW - 42 * s, NOW), '42 s ago');
    assert.equal(formatRelative(NOW - 2 * min - 10 * s, NOW), '2 min ago');
    assert.equal(formatRelative(NOW - 3 * h, NOW), '3 h ago');
    assert.equal(formatRelative(NOW - 5 * 24 * h, NOW), '5 d ago');
    const old = new Date(2025, 0, 7, 10, 0).getTime();
    assert.equal(formatRelative(old, NOW), 'on 2025-01-07');
  });
});

describe('formatCountdown', () => {
  it('counts down with growing units and pads the smaller one', () => {
    assert.equal(formatCountdown(NOW + 42 * s, NOW), 'in 42s');
    assert.equal(formatCountdown(NOW + 4 * min + 5 * s, NOW), 'in 4m 05s');
    assert.equal(formatCountdown(NOW + 2 * h + 3 * min, NOW), 'in 2h 03m');
    assert.equal(formatCountdown(NOW + 3 * 24 * h + 4 * h, NOW), 'in 3d 04h');
  });

  it('rounds partial seconds up and says "due now" once reached', () => {
    assert.equal(formatCountdown(NOW + 1, NOW), 'in 1s');
    assert.equal(formatCountdown(NOW + 59_001, NOW), 'in 1m 00s');
    assert.equal(formatCountdown(NOW, NOW), 'due now');
    assert.equal(formatCountdown(NOW - 5000, NOW), 'due now');
  });

  it('ticks one second at a time', () => {
    const target = NOW + 61 * s;
    const seen = [0, 1, 2].map((i) => formatCountdown(target, NOW + i * s));
    assert.deepEqual(seen, ['in 1m 01s', 'in 1m 00s', 'in 59s']);
  });
});

describe('formatFireStats', () => {
  it('says how often and when a trigger last fired', () => {
    assert.equal(formatFireStats(0, null, NOW), 'never fired');
    assert.equal(formatFireStats(3, NOW - 2 * min, NOW), 'fired 3×, last 2 min ago');
    assert.equal(formatFireStats(1, null, NOW), 'fired 1×');
  });
});

describe('formatTokens / formatCost', () => {
  it('abbreviates token counts', () => {
    assert.equal(formatTokens(0), '0');
    assert.equal(formatTokens(950), '950');
    assert.equal(formatTokens(1000), '1k');
    assert.equal(formatTokens(1234), '1.23k');
    assert.equal(formatTokens(12_345), '12.3k');
    assert.equal(formatTokens(1_234_567), '1.23M');
  });

  it('formats cost, leaving it blank when unknown', () => {
    assert.equal(formatCost(null), '');
    assert.equal(formatCost(0), '$0.00');
    assert.equal(formatCost(0.004), '<$0.01');
    assert.equal(formatCost(1.5), '$1.50');
    assert.equal(formatCost(123.4), '$123');
  });
});

describe('tool input formatting', () => {
  it('summarises the most telling field on one line', () => {
    assert.equal(summarizeToolInput({ content: 'x', path: 'src/a.ts' }), 'src/a.ts');
    assert.equal(summarizeToolInput({ command: 'npm   test\n--watch' }), 'npm test --watch');
    assert.equal(summarizeToolInput({ other: 'value' }), 'value');
    assert.equal(summarizeToolInput({ n: 1 }), '');
    assert.equal(summarizeToolInput(null), '');
    assert.equal(summarizeToolInput({ path: 'a'.repeat(200) }, 10), `${'a'.repeat(9)}…`);
  });

  it('pretty-prints input and clips huge values', () => {
    assert.equal(formatToolInput({ a: 1 }), '{\n  "a": 1\n}');
    assert.equal(formatToolInput('raw'), 'raw');
    assert.equal(formatToolInput(undefined), '');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(formatToolInput(cyclic), '[object Object]');
    const big = formatToolInput({ s: 'x'.repeat(50_000) }, 100);
    assert.ok(big.startsWith('{\n  "s": "xxx'));
    assert.match(big, /… \(49\d{3} more characters\)$/);
    assert.equal(clipLong('short', 10), 'short');
  });
});
