/**
 * The script language of the scripted Anthropic server: what a reply or a fault looks like, helpers to
 * write them, and how a reply becomes the SSE events (or the JSON Message) the real API would send.
 */

export interface ScriptedUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_read_input_tokens?: number;
  cache_creation_input_tokens?: number;
}

export type ScriptedBlock =
  | { type: 'text'; text: string }
  /** `rawJson` streams that exact text as the input (e.g. JSON cut short by max_tokens). */
  | { type: 'tool_use'; id?: string; name: string; input: unknown; rawJson?: string }
  | { type: 'thinking'; thinking: string }
  | { type: 'redacted_thinking'; data: string };

/** A normal answer. Streamed as real SSE when the request says `stream: true`, JSON otherwise. */
export interface ReplySpec {
  content: ScriptedBlock[];
  /** Default: `tool_use` when a tool_use block is present, else `end_turn`. */
  stop_reason?: string;
  usage?: ScriptedUsage;
  model?: string;
  /** Characters per text_delta / input_json_delta (default 16). */
  chunkSize?: number;
  /** Delay before each content delta, in ms (slow tokens). */
  delayMs?: number;
  /** Send a `ping` event after message_start (default true). */
  ping?: boolean;
}

export type ScriptStep =
  | ({ kind: 'reply' } & ReplySpec)
  /** An HTTP error reply with Anthropic's error body, e.g. 429 rate_limit_error with retry-after. */
  | {
      kind: 'error';
      status: number;
      type?: string;
      message?: string;
      retryAfter?: number | string;
      headers?: Record<string, string>;
    }
  /** Close the socket without answering. */
  | { kind: 'drop' }
  /** Stream `afterEvents` SSE events of `reply`, then destroy the socket (or end the body cleanly). */
  | { kind: 'cut'; reply: ReplySpec; afterEvents: number; clean?: boolean }
  /** Stream `afterEvents` events of `reply`, then a line that is not valid JSON. */
  | { kind: 'malformed'; reply?: ReplySpec; afterEvents?: number }
  /** Stream `afterEvents` events, then an SSE `event: error` (what the API sends when it overloads mid-stream). */
  | { kind: 'stream_error'; reply?: ReplySpec; afterEvents?: number; type?: string; message?: string }
  /** Accept the request and never answer (until the client goes away). */
  | { kind: 'hang' };

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

export function errorTypeFor(status: number): string {
  return ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error');
}

/** Shorthands for scripts. */
export const reply = {
  text(text: string, opts: Omit<ReplySpec, 'content'> = {}): ScriptStep {
    return { kind: 'reply', content: [{ type: 'text', text }], ...opts };
  },
  toolUse(
    name: string,
    input: unknown,
    opts: Omit<ReplySpec, 'content'> & { id?: string; text?: string } = {},
  ): ScriptStep {
    const { id, text, ...rest } = opts;
    const content: ScriptedBlock[] = [];
    if (text) content.push({ type: 'text', text });
    content.push({ type: 'tool_use', id, name, input });
    return { kind: 'reply', content, ...rest };
  },
  blocks(content: ScriptedBlock[], opts: Omit<ReplySpec, 'content'> = {}): ScriptStep {
    return { kind: 'reply', content, ...opts };
  },
};

export const fault = {
  rateLimited(retryAfter?: number | string): ScriptStep {
    return {
      kind: 'error',
      status: 429,
      retryAfter,
      message: 'Number of requests has exceeded your rate limit',
    };
  },
  overloaded(): ScriptStep {
    return { kind: 'error', status: 529, message: 'Overloaded' };
  },
  serverError(status = 500): ScriptStep {
    return { kind: 'error', status, message: 'Internal server error' };
  },
  status(status: number, message = `scripted ${status}`, type?: string): ScriptStep {
    return { kind: 'error', status, message, type };
  },
  drop(): ScriptStep {
    return { kind: 'drop' };
  },
  cut(replySpec: ScriptStep | ReplySpec, afterEvents: number, clean = false): ScriptStep {
    return { kind: 'cut', reply: asSpec(replySpec), afterEvents, clean };
  },
  malformed(replySpec?: ScriptStep | ReplySpec, afterEvents = 1): ScriptStep {
    return { kind: 'malformed', reply: replySpec ? asSpec(replySpec) : undefined, afterEvents };
  },
  streamError(type = 'overloaded_error', replySpec?: ScriptStep | ReplySpec, afterEvents = 1): ScriptStep {
    return { kind: 'stream_error', type, reply: replySpec ? asSpec(replySpec) : undefined, afterEvents };
  },
  hang(): ScriptStep {
    return { kind: 'hang' };
  },
};

function asSpec(step: ScriptStep | ReplySpec): ReplySpec {
  if ('kind' in step) {
    if (step.kind !== 'reply') throw new Error(`expected a reply step, got ${step.kind}`);
    const { kind: _kind, ...spec } = step;
    return spec;
  }
  return step;
}

export interface SseEvent {
  event: string;
  data: Record<string, unknown>;
  /** Content deltas are the "tokens" that `delayMs` slows down. */
  isDelta?: boolean;
}

let idCounter = 0;
function nextId(prefix: string): string {
  idCounter += 1;
  return `${prefix}_scripted${String(idCounter).padStart(6, '0')}`;
}

function chunks(text: string, size: number): string[] {
  if (text.length === 0) return [''];
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function defaultStopReason(spec: ReplySpec): string {
  return spec.stop_reason ?? (spec.content.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn');
}

function usageOf(spec: ReplySpec, model: { outputChars: number }) {
  const u = spec.usage ?? {};
  return {
    input_tokens: u.input_tokens ?? 10,
    output_tokens: u.output_tokens ?? Math.max(1, Math.ceil(model.outputChars / 4)),
    cache_creation_input_tokens: u.cache_creation_input_tokens ?? 0,
    cache_read_input_tokens: u.cache_read_input_tokens ?? 0,
  };
}

/** Assigns ids to tool_use blocks once, so SSE and JSON forms of the same reply agree. */
export function materialize(spec: ReplySpec, requestModel: string): ReplySpec & { model: string } {
  return {
    ...spec,
    model: spec.model ?? requestModel,
    content: spec.content.map((b) => (b.type === 'tool_use' ? { ...b, id: b.id ?? nextId('toolu') } : b)),
  };
}

function outputChars(spec: ReplySpec): number {
  let n = 0;
  for (const b of spec.content) {
    if (b.type === 'text') n += b.text.length;
    else if (b.type === 'thinking') n += b.thinking.length;
    else if (b.type === 'redacted_thinking') n += b.data.length;
    else n += JSON.stringify(b.input ?? {}).length;
  }
  return n;
}

/** The JSON body of a non-streaming reply. */
export function messageJson(spec: ReplySpec & { model: string }): Record<string, unknown> {
  return {
    id: nextId('msg'),
    type: 'message',
    role: 'assistant',
    model: spec.model,
    content: spec.content.map((b) =>
      b.type === 'tool_use'
        ? { type: 'tool_use', id: b.id, name: b.name, input: b.input ?? {} }
        : b.type === 'thinking'
          ? { ...b, signature: thinkingSignature(b.thinking) }
          : b,
    ),
    stop_reason: defaultStopReason(spec),
    stop_sequence: null,
    usage: usageOf(spec, { outputChars: outputChars(spec) }),
  };
}

/** The SSE events of a streamed reply, in the order the Messages API sends them. */
export function sseEvents(spec: ReplySpec & { model: string }): SseEvent[] {
  const size = Math.max(1, spec.chunkSize ?? 16);
  const usage = usageOf(spec, { outputChars: outputChars(spec) });
  const events: SseEvent[] = [];
  events.push({
    event: 'message_start',
    data: {
      type: 'message_start',
      message: {
        id: nextId('msg'),
        type: 'message',
        role: 'assistant',
        model: spec.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { ...usage, output_tokens: 1 },
      },
    },
  });
  if (spec.ping !== false) events.push({ event: 'ping', data: { type: 'ping' } });
  spec.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(start(index, { type: 'text', text: '' }));
      for (const c of chunks(block.text, size)) events.push(delta(index, { type: 'text_delta', text: c }));
    } else if (block.type === 'thinking') {
      events.push(start(index, { type: 'thinking', thinking: '', signature: '' }));
      for (const c of chunks(block.thinking, size))
        events.push(delta(index, { type: 'thinking_delta', thinking: c }));
      events.push(delta(index, { type: 'signature_delta', signature: thinkingSignature(block.thinking) }));
    } else if (block.type === 'redacted_thinking') {
      events.push(start(index, { type: 'redacted_thinking', data: block.data }));
    } else {
      events.push(start(index, { type: 'tool_use', id: block.id, name: block.name, input: {} }));
      const json = block.rawJson ?? JSON.stringify(block.input ?? {});
      // The API opens with an empty partial_json, then streams the rest.
      events.push(delta(index, { type: 'input_json_delta', partial_json: '' }));
      for (const c of chunks(json, size))
        events.push(delta(index, { type: 'input_json_delta', partial_json: c }));
    }
    events.push({ event: 'content_block_stop', data: { type: 'content_block_stop', index } });
  });
  events.push({
    event: 'message_delta',
    data: {
      type: 'message_delta',
      delta: { stop_reason: defaultStopReason(spec), stop_sequence: null },
      usage,
    },
  });
  events.push({ event: 'message_stop', data: { type: 'message_stop' } });
  return events;
}

/**
 * The signature the server gives a thinking block: derived from its text, so a block sent back altered or
 * unsigned is caught (the real API's signatures are opaque, and it refuses a tampered one the same way).
 */
export function thinkingSignature(thinking: string): string {
  let h = 2166136261;
  for (let i = 0; i < thinking.length; i++) h = Math.imul(h ^ thinking.charCodeAt(i), 16777619);
  return Buffer.from(`scripted-signature:${(h >>> 0).toString(16)}:${thinking.length}`).toString('base64');
}

/**
 * The API's rule for extended thinking in a tool loop: when thinking is on and the request continues an
 * assistant turn that used tools, that assistant message must start with its thinking block, signature
 * intact. Returns the API's error message, or undefined when the request is acceptable.
 */
export function thinkingViolation(body: unknown): string | undefined {
  const b = body as {
    thinking?: { type?: string; budget_tokens?: number };
    max_tokens?: number;
    messages?: unknown;
  };
  if (!b?.thinking || b.thinking.type !== 'enabled') return undefined;
  const budget = b.thinking.budget_tokens ?? 0;
  if (budget < 1024) return 'thinking.enabled.budget_tokens: Input should be greater than or equal to 1024';
  if ((b.max_tokens ?? 0) <= budget) return '`max_tokens` must be greater than `thinking.budget_tokens`';
  const messages = Array.isArray(b.messages) ? (b.messages as Array<{ role: string; content: unknown }>) : [];
  for (const m of messages) {
    if (m.role !== 'assistant' || !Array.isArray(m.content)) continue;
    for (const block of m.content as Array<Record<string, unknown>>)
      if (block.type === 'thinking' && block.signature !== thinkingSignature(String(block.thinking ?? '')))
        return 'messages: Invalid `signature` in `thinking` block';
  }
  const last = messages.at(-1);
  const prev = messages.at(-2);
  const continuesTools =
    last?.role === 'user' &&
    Array.isArray(last.content) &&
    (last.content as Array<{ type?: string }>).some((c) => c.type === 'tool_result');
  if (continuesTools && prev?.role === 'assistant') {
    const first = Array.isArray(prev.content) ? (prev.content as Array<{ type?: string }>)[0] : undefined;
    if (first?.type !== 'thinking' && first?.type !== 'redacted_thinking')
      return 'messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`. When `thinking` is enabled, a final `assistant` message must start with a thinking block.';
  }
  return undefined;
}

function start(index: number, content_block: Record<string, unknown>): SseEvent {
  return { event: 'content_block_start', data: { type: 'content_block_start', index, content_block } };
}

function delta(index: number, d: Record<string, unknown>): SseEvent {
  return {
    event: 'content_block_delta',
    data: { type: 'content_block_delta', index, delta: d },
    isDelta: true,
  };
}

export function formatSse(e: SseEvent): string {
  return `event: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}
