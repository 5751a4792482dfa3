// The scripted model for the real-host runs: the shared scripted Anthropic server (test/support) on a
// random loopback port, answering from queues that the UI tests fill over a small control server on
// a second port. The control routes live here, beside the server rather than in it, so the Messages
// API the extension sees has no test-only routes.
//
// Streamed requests (queen and worker turns) take the first matching step of the `stream` queue;
// one-shot requests (queen selection, memory reflection) the first of the `oneShot` queue. A step
// may say which requests it is for (`match`: a tool offered, text in the last user message or the
// system prompt), so a queen and her workers calling at the same time each get their own script.
// With no matching step the answer is a slow echo, so every chat gets a visibly streaming reply.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  echoResponder,
  type RecordedRequest,
  readBody,
  type ScriptedServer,
  type ScriptStep,
  startScriptedServer,
} from '../../test/support/scripted-anthropic-server';

/** Delay before each 4-character text delta of the default echo: slow enough to see a reply stream. */
export const ECHO_TOKEN_DELAY_MS = 40;

/** Which requests a step answers; every given field must hold. */
export interface StepMatch {
  /** A tool offered to the model (e.g. `run_parallel_workers` for a queen with a colony). */
  tool?: string;
  /** Text in the last user message (tool results included). */
  lastUser?: string;
  /** Text in the system prompt. */
  system?: string;
}

export type QueuedStep = ScriptStep | { match: StepMatch; step: ScriptStep };

/** The control protocol (HIVE_UI_MODEL_CONTROL): JSON over POST/GET on the control URL. */
export interface ScriptRequest {
  /** Steps for streamed requests (queen and worker turns), in order. */
  stream?: QueuedStep[];
  /** Steps for non-streamed requests (queen selection, reflection), in order. */
  oneShot?: QueuedStep[];
  /** Empties both queues and forgets the recorded requests first. */
  reset?: boolean;
}

export interface RecordedSummary {
  stream: boolean;
  /** The last user message's text (tool results shown as `[tool_result …]`). */
  lastUser: string;
  /** Tool names offered to the model. */
  tools: string[];
  system: string;
  /** The model the request named. */
  model: string;
  /** The extended-thinking budget the request asked for (absent: thinking off). */
  thinkingBudget?: number;
  receivedAt: number;
}

export interface HostModelServer {
  /** Base URL for the extension (ANTHROPIC_BASE_URL). */
  url: string;
  /** Base URL of the control routes: POST /script, GET /requests, GET /pending. */
  controlUrl: string;
  model: ScriptedServer;
  close(): Promise<void>;
}

export async function startHostModelServer(): Promise<HostModelServer> {
  const streamQueue: QueuedStep[] = [];
  const oneShotQueue: QueuedStep[] = [];
  const echo = echoResponder(ECHO_TOKEN_DELAY_MS);
  const model = await startScriptedServer({
    responder: (req) => {
      const queue = req.body?.stream === true ? streamQueue : oneShotQueue;
      const summary = summarize(req);
      const i = queue.findIndex((q) => !('match' in q) || matches(q.match, summary));
      if (i < 0) return echo(req);
      const [q] = queue.splice(i, 1);
      return q && 'match' in q ? q.step : (q as ScriptStep);
    },
  });

  const control = http.createServer((req, res) => {
    void handleControl(req, res).catch((err: unknown) => send(res, 500, { error: String(err) }));
  });
  async function handleControl(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const route = `${req.method} ${new URL(req.url ?? '/', 'http://127.0.0.1').pathname}`;
    if (route === 'POST /script') {
      const body = JSON.parse((await readBody(req)) || '{}') as ScriptRequest;
      if (body.reset) {
        streamQueue.length = 0;
        oneShotQueue.length = 0;
        model.requests.length = 0;
      }
      streamQueue.push(...(body.stream ?? []));
      oneShotQueue.push(...(body.oneShot ?? []));
      send(res, 200, { stream: streamQueue.length, oneShot: oneShotQueue.length });
    } else if (route === 'GET /requests') {
      send(res, 200, model.requests.map(summarize));
    } else if (route === 'GET /pending') {
      send(res, 200, { stream: streamQueue.length, oneShot: oneShotQueue.length });
    } else {
      send(res, 404, { error: `no route ${route}` });
    }
  }
  await new Promise<void>((resolve, reject) => {
    control.once('error', reject);
    control.listen(0, '127.0.0.1', () => resolve());
  });
  const controlUrl = `http://127.0.0.1:${(control.address() as AddressInfo).port}`;
  return {
    url: model.url,
    controlUrl,
    model,
    async close() {
      control.closeAllConnections();
      await new Promise<void>((r) => control.close(() => r()));
      await model.close();
    },
  };
}

function matches(m: StepMatch, r: RecordedSummary): boolean {
  if (m.tool !== undefined && !r.tools.includes(m.tool)) return false;
  if (m.lastUser !== undefined && !r.lastUser.includes(m.lastUser)) return false;
  if (m.system !== undefined && !r.system.includes(m.system)) return false;
  return true;
}

function summarize(r: RecordedRequest): RecordedSummary {
  const messages = (r.body?.messages ?? []) as Array<{ role: string; content: unknown }>;
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const text = (c: unknown): string => {
    if (typeof c === 'string') return c;
    if (!Array.isArray(c)) return '';
    return c
      .map((b: { type?: string; text?: string; content?: unknown; tool_use_id?: string }) =>
        b.type === 'text'
          ? (b.text ?? '')
          : b.type === 'tool_result'
            ? `[tool_result ${b.tool_use_id}] ${text(b.content)}`
            : '',
      )
      .join(' ');
  };
  const system = r.body?.system;
  return {
    stream: r.body?.stream === true,
    lastUser: text(last?.content),
    tools: ((r.body?.tools ?? []) as Array<{ name?: string }>).map((t) => String(t.name)),
    model: String(r.body?.model ?? ''),
    ...(r.body?.thinking?.type === 'enabled'
      ? { thinkingBudget: Number(r.body.thinking.budget_tokens) }
      : {}),
    system: typeof system === 'string' ? system : text(system),
    receivedAt: r.receivedAt,
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
