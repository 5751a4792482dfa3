/**
 * JSON text exactly as Python's `json.dumps(value)` writes it with default options: `", "` and `": "`
 * separators and `ensure_ascii` (every character outside printable ASCII becomes `\uXXXX`).
 * Hive builds the `[TRIGGER: …]` message with `json.dumps(payload, default=str)`, so the queen's
 * transcript stays byte-identical to one written by Hive.
 */
export function pythonJsonDumps(value: unknown): string {
  return dump(value, new Set());
}

function dump(value: unknown, seen: Set<object>): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (Number.isNaN(value)) return 'NaN';
      if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
      return JSON.stringify(value);
    case 'bigint':
      return value.toString();
    case 'object':
      break;
    default:
      // `default=str` in Hive: anything else is written as its string form.
      return quote(String(value));
  }
  const obj = value as object;
  if (seen.has(obj)) throw new TypeError('Circular reference in trigger payload');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return `[${obj.map((v) => dump(v, seen)).join(', ')}]`;
    if (obj instanceof Date) return quote(obj.toISOString());
    const entries = Object.entries(obj).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${quote(k)}: ${dump(v, seen)}`).join(', ')}}`;
  } finally {
    seen.delete(obj);
  }
}

const SHORT_ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

function quote(s: string): string {
  // Python's ESCAPE_ASCII: everything outside ' '..'~' plus `"` and `\` is escaped, per UTF-16 unit.
  return `"${s.replace(/[^ -~]|["\\]/g, (ch) => SHORT_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)}"`;
}
