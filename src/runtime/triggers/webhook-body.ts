/**
 * A webhook body as the queen sees it, parsed by its Content-Type:
 * - JSON (`application/json`, `…+json`): the value;
 * - form-encoded (`application/x-www-form-urlencoded`): GitHub's form deliveries put the JSON in a
 *   `payload` field, which is parsed; other forms become `{field: value}`;
 * - anything else (text, none): JSON when it parses, else `{raw_body: text}`, Hive's fallback
 *   (Hive: core/framework/triggers/webhook_server.py);
 * - empty: `{}`.
 * The charset parameter is honoured when the runtime knows it (UTF-8 otherwise).
 */
export function parsePayload(body: Buffer, contentType?: string): unknown {
  if (body.length === 0) return {};
  const { mime, charset } = parseContentType(contentType);
  const text = decode(body, charset);
  if (mime === 'application/x-www-form-urlencoded') return parseForm(text);
  try {
    return JSON.parse(text);
  } catch {
    return { raw_body: text };
  }
}

function parseForm(text: string): unknown {
  const params = new URLSearchParams(text);
  const payload = params.get('payload');
  if (payload !== null && [...params.keys()].length === 1) {
    try {
      return JSON.parse(payload);
    } catch {
      // Not JSON after all: shown as a field like the others.
    }
  }
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of params) {
    const had = out[k];
    out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
  }
  return out;
}

export function parseContentType(header: string | undefined): { mime: string; charset: string } {
  const [mime = '', ...params] = (header ?? '').split(';').map((s) => s.trim());
  let charset = 'utf-8';
  for (const p of params) {
    const m = /^charset=("?)([^"]+)\1$/i.exec(p);
    if (m) charset = m[2]!.toLowerCase();
  }
  return { mime: mime.toLowerCase(), charset };
}

function decode(body: Buffer, charset: string): string {
  try {
    return new TextDecoder(charset).decode(body);
  } catch {
    return body.toString('utf8');
  }
}
