/** Small Python semantics Hive's listing relies on, so our results match its results exactly. */

/** Python truthiness of a JSON value: false for null, false, 0, '', [] and {}. */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

// Characters for which Python's str.isspace() is true.
const PY_SPACE =
  '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_STRIP = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, 'g');

/** Python's str.strip() with no argument. */
export function pyStrip(s: string): string {
  return s.replace(PY_STRIP, '');
}

/** Python's `s[:n]`: counts code points, not UTF-16 units (an emoji is one character). */
export function pyHead(s: string, n: number): string {
  if (s.length <= n) return s; // fewer UTF-16 units than n means fewer code points too
  let units = 0;
  let points = 0;
  while (points < n && units < s.length) {
    const c = s.codePointAt(units)!;
    units += c > 0xffff ? 2 : 1;
    points++;
  }
  return s.slice(0, units);
}
