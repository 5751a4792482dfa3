/**
 * A scripted Anthropic-compatible Messages API on 127.0.0.1 for tests and UI runs: the real SDK talks to it
 * over HTTP and gets real SSE. Replies and faults come from a queue (`enqueue`) or, when the queue is empty,
 * from a responder function. Every request is recorded so tests can assert what was sent.
 *
 * Standalone: `npx tsx test/support/scripted-anthropic-server.ts [--port N] [--script file.json]
 *   [--responder echo|module.ts] [--delay-ms N]` prints `{"url":"http://127.0.0.1:N"}` and serves until killed.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import {
  errorTypeFor,
  formatSse,
  materialize,
  messageJson,
  type ReplySpec,
  type ScriptStep,
  type SseEvent,
  sseEvents,
} from './scripted-anthropic-script';

export * from './scripted-anthropic-script';

import { thinkingViolation } from './scripted-anthropic-script';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  // biome-ignore lint/suspicious/noExplicitAny: the body is whatever the client sent; tests inspect it freely
  body: any;
  receivedAt: number;
}

export type Responder = (req: RecordedRequest) => ScriptStep | Promise<ScriptStep>;

export interface ScriptedServerOptions {
  port?: number;
  steps?: ScriptStep[];
  responder?: Responder;
}

export interface ScriptedServer {
  /** Base URL for the SDK, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly port: number;
  /** Requests received on POST /v1/messages, oldest first. */
  readonly requests: RecordedRequest[];
  enqueue(...steps: ScriptStep[]): void;
  /** Steps still queued. */
  pending(): number;
  setResponder(responder: Responder | undefined): void;
  /** Resolves once at least `n` requests were received. */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  close(): Promise<void>;
}

export async function startScriptedServer(opts: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  const queue: ScriptStep[] = [...(opts.steps ?? [])];
  const requests: RecordedRequest[] = [];
  const waiters: Array<() => void> = [];
  const sockets = new Set<Socket>();
  let responder = opts.responder;
  let reqCounter = 0;

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) sendError(res, 500, 'api_error', `scripted server failure: ${String(err)}`);
      else res.destroy();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'POST' || url.pathname !== '/v1/messages') {
      sendError(res, 404, 'not_found_error', `scripted server: no route ${req.method} ${url.pathname}`);
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      sendError(res, 400, 'invalid_request_error', 'scripted server: request body is not JSON');
      return;
    }
    const record: RecordedRequest = {
      method: req.method,
      path: url.pathname,
      headers: flattenHeaders(req.headers),
      body,
      receivedAt: Date.now(),
    };
    requests.push(record);
    for (const w of waiters.splice(0)) w();
    const refused = thinkingViolation(body);
    if (refused) {
      sendError(res, 400, 'invalid_request_error', refused);
      return;
    }
    const step =
      queue.shift() ??
      (responder
        ? await responder(record)
        : ({ kind: 'error', status: 400, message: 'scripted server: script exhausted' } as ScriptStep));
    reqCounter += 1;
    const requestId = `req_scripted${reqCounter}`;
    const stream = (body as { stream?: unknown }).stream === true;
    const model = String((body as { model?: unknown }).model ?? 'scripted-model');
    await run(step, req, res, { stream, model, requestId });
  }

  const handle_ = {
    get url() {
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    },
    get port() {
      return (server.address() as AddressInfo).port;
    },
    requests,
    enqueue: (...steps: ScriptStep[]) => {
      queue.push(...steps);
    },
    pending: () => queue.length,
    setResponder: (r: Responder | undefined) => {
      responder = r;
    },
    waitForRequests(n: number, timeoutMs = 5000): Promise<RecordedRequest[]> {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`expected ${n} requests, got ${requests.length}`)),
          timeoutMs,
        );
        const check = () => {
          if (requests.length >= n) {
            clearTimeout(timer);
            resolve(requests);
          } else waiters.push(check);
        };
        check();
      });
    },
    close(): Promise<void> {
      return new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      });
    },
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  return handle_;
}

interface RunContext {
  stream: boolean;
  model: string;
  requestId: string;
}

async function run(
  step: ScriptStep,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  ctx: RunContext,
): Promise<void> {
  switch (step.kind) {
    case 'error': {
      const headers: Record<string, string> = { 'request-id': ctx.requestId, ...step.headers };
      if (step.retryAfter !== undefined) headers['retry-after'] = String(step.retryAfter);
      sendError(
        res,
        step.status,
        step.type ?? errorTypeFor(step.status),
        step.message ?? `scripted ${step.status}`,
        headers,
      );
      return;
    }
    case 'drop':
      req.socket.destroy();
      return;
    case 'hang':
      await new Promise<void>((resolve) => res.on('close', () => resolve()));
      return;
    case 'reply':
      if (!ctx.stream) {
        sendJson(res, 200, messageJson(materialize(step, ctx.model)), { 'request-id': ctx.requestId });
        return;
      }
      await streamEvents(res, ctx, step, sseEvents(materialize(step, ctx.model)));
      return;
    case 'cut': {
      if (!ctx.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': ctx.requestId });
        await write(res, JSON.stringify(messageJson(materialize(step.reply, ctx.model))).slice(0, 20));
        if (step.clean) res.end();
        else res.socket?.destroy();
        return;
      }
      const events = sseEvents(materialize(step.reply, ctx.model)).slice(0, step.afterEvents);
      const sent = await streamEvents(res, ctx, step.reply, events, { end: false });
      if (!sent) return;
      if (step.clean) res.end();
      else res.socket?.destroy();
      return;
    }
    case 'malformed': {
      if (!ctx.stream) {
        res.writeHead(200, { 'content-type': 'application/json', 'request-id': ctx.requestId });
        res.end('{"type":"message", not json');
        return;
      }
      const spec = step.reply ?? { content: [{ type: 'text', text: 'partial' }] };
      const events = sseEvents(materialize(spec, ctx.model)).slice(0, step.afterEvents ?? 1);
      if (!(await streamEvents(res, ctx, spec, events, { end: false }))) return;
      await write(
        res,
        'event: content_block_delta\ndata: {"type":"content_block_delta", this is not json\n\n',
      );
      res.end();
      return;
    }
    case 'stream_error': {
      const type = step.type ?? 'overloaded_error';
      const message = step.message ?? 'Overloaded';
      if (!ctx.stream) {
        sendError(res, type === 'overloaded_error' ? 529 : 500, type, message, {
          'request-id': ctx.requestId,
        });
        return;
      }
      const spec = step.reply ?? { content: [{ type: 'text', text: 'partial' }] };
      const events = sseEvents(materialize(spec, ctx.model)).slice(0, step.afterEvents ?? 1);
      if (!(await streamEvents(res, ctx, spec, events, { end: false }))) return;
      await write(res, formatSse({ event: 'error', data: { type: 'error', error: { type, message } } }));
      res.end();
      return;
    }
  }
}

/** Writes the SSE events, honouring `delayMs` before each delta. Returns false if the client went away. */
async function streamEvents(
  res: http.ServerResponse,
  ctx: RunContext,
  spec: ReplySpec,
  events: SseEvent[],
  opts: { end?: boolean } = {},
): Promise<boolean> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': ctx.requestId,
  });
  for (const e of events) {
    if (e.isDelta && spec.delayMs) await sleep(spec.delayMs);
    if (res.destroyed || res.writableEnded) return false;
    await write(res, formatSse(e));
  }
  if (opts.end !== false) res.end();
  return !res.destroyed;
}

function write(res: http.ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    res.write(chunk, () => resolve());
  });
}

function sendJson(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(
  res: http.ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { type: 'error', error: { type, message } }, headers);
}

/** The whole request body as text (also used by the host tests' model server). */
export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => resolve(Buffer.concat(parts).toString('utf8')));
    req.on('error', reject);
  });
}

function flattenHeaders(h: http.IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The standalone default: echo the last user text, so a UI pointed at the server always gets an answer. */
export function echoResponder(delayMs = 0): Responder {
  return (req) => {
    const messages = (req.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
    const last = [...messages].reverse().find((m) => m.role === 'user');
    let text = '';
    if (typeof last?.content === 'string') text = last.content;
    else if (Array.isArray(last?.content))
      text = last.content
        .map((b: { type?: string; text?: string; content?: unknown }) =>
          b.type === 'text'
            ? b.text
            : b.type === 'tool_result'
              ? `[tool result] ${JSON.stringify(b.content)}`
              : '',
        )
        .join(' ');
    return { kind: 'reply', content: [{ type: 'text', text: `Echo: ${text}` }], delayMs, chunkSize: 4 };
  };
}

async function main(argv: string[]): Promise<void> {
  const arg = (name: string) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const port = Number(arg('--port') ?? 0);
  const delayMs = Number(arg('--delay-ms') ?? 0);
  let steps: ScriptStep[] = [];
  const scriptFile = arg('--script');
  if (scriptFile) {
    const parsed = JSON.parse(readFileSync(scriptFile, 'utf8')) as unknown;
    steps = (Array.isArray(parsed) ? parsed : (parsed as { steps?: ScriptStep[] }).steps) ?? [];
  }
  const responderArg = arg('--responder') ?? 'echo';
  let responder: Responder = echoResponder(delayMs);
  if (responderArg !== 'echo') {
    const mod = (await import(path.resolve(responderArg))) as { default?: Responder; responder?: Responder };
    const fn = mod.default ?? mod.responder;
    if (typeof fn !== 'function') throw new Error(`${responderArg} exports no responder function`);
    responder = fn;
  }
  const server = await startScriptedServer({ port, steps, responder });
  process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err) => {
    process.stderr.write(`scripted-anthropic-server: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
