// Small text formatters for the panel: relative times, countdowns, token counts, cost, tool input.
// Pure: no DOM, unit-tested under mocha. Times are epoch milliseconds; `now` is passed in.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "just now", "42 s ago", "2 min ago", "3 h ago", "5 d ago", then the date. */
export function formatRelative(thenMs: number, nowMs: number): string {
  const diff = nowMs - thenMs;
  if (diff < 10 * SECOND) return 'just now';
  if (diff < MINUTE) return `${Math.floor(diff / SECOND)} s ago`;
  if (diff < HOUR) return `${Math.floor(diff / MINUTE)} min ago`;
  if (diff < DAY) return `${Math.floor(diff / HOUR)} h ago`;
  if (diff < 7 * DAY) return `${Math.floor(diff / DAY)} d ago`;
  const d = new Date(thenMs);
  return `on ${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Time left until `targetMs`: "in 42s", "in 4m 05s", "in 2h 03m", "in 3d 04h"; "due now" once reached. */
export function formatCountdown(targetMs: number, nowMs: number): string {
  const left = targetMs - nowMs;
  if (left <= 0) return 'due now';
  // Round up so the countdown reads "in 1s" until the moment it is due.
  const s = Math.ceil(left / SECOND);
  if (s < 60) return `in ${s}s`;
  if (s < 3600) return `in ${Math.floor(s / 60)}m ${pad(s % 60)}s`;
  if (s < 86400) return `in ${Math.floor(s / 3600)}h ${pad(Math.floor((s % 3600) / 60))}m`;
  return `in ${Math.floor(s / 86400)}d ${pad(Math.floor((s % 86400) / 3600))}h`;
}

/** "fired 3×, last 2 min ago" / "never fired". */
export function formatFireStats(fireCount: number, lastFiredAt: number | null, nowMs: number): string {
  if (fireCount === 0 && lastFiredAt === null) return 'never fired';
  const last = lastFiredAt === null ? '' : `, last ${formatRelative(lastFiredAt, nowMs)}`;
  return `fired ${fireCount}×${last}`;
}

/** 950 → "950", 12_345 → "12.3k", 1_234_567 → "1.23M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 1_000_000) return `${trim((n / 1000).toFixed(n < 10_000 ? 2 : 1))}k`;
  return `${trim((n / 1_000_000).toFixed(2))}M`;
}

/** null → "" (cost unknown), 0.004 → "<$0.01", 1.5 → "$1.50", 123.4 → "$123". */
export function formatCost(usd: number | null): string {
  if (usd === null) return '';
  if (usd === 0) return '$0.00';
  if (usd < 0.01) return '<$0.01';
  if (usd < 100) return `$${usd.toFixed(2)}`;
  return `$${Math.round(usd)}`;
}

const SUMMARY_KEYS = [
  'path',
  'file_path',
  'file',
  'command',
  'cmd',
  'query',
  'url',
  'pattern',
  'name',
  'task',
];

/** One short line for a tool card's header: the most telling string field of the input. */
export function summarizeToolInput(input: unknown, max = 80): string {
  if (typeof input === 'string') return clip(oneLine(input), max);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return '';
  const obj = input as Record<string, unknown>;
  for (const key of SUMMARY_KEYS) {
    const v = obj[key];
    if (typeof v === 'string' && v.trim()) return clip(oneLine(v), max);
  }
  for (const v of Object.values(obj)) {
    if (typeof v === 'string' && v.trim()) return clip(oneLine(v), max);
  }
  return '';
}

/** Pretty JSON for a tool input, clipped so a huge input cannot freeze the panel. */
export function formatToolInput(input: unknown, maxChars = 20_000): string {
  if (input === undefined) return '';
  let out: string;
  if (typeof input === 'string') out = input;
  else {
    try {
      out = JSON.stringify(input, null, 2) ?? String(input);
    } catch {
      out = String(input);
    }
  }
  return clipLong(out, maxChars);
}

/** Clips long text (tool results) and says how much was left out. */
export function clipLong(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return `${text.slice(0, maxChars)}\n… (${text.length - maxChars} more characters)`;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function trim(num: string): string {
  return num.includes('.') ? num.replace(/\.?0+$/, '') : num;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
