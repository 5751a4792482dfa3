/**
 * Webhook server figures, end to end (HTTP on loopback → auth → rate limit → trigger manager → the
 * queen's inbox), in a temporary colony folder:
 * 1. throughput: N authenticated requests from C concurrent keep-alive clients, rate limit lifted,
 *    against the bare TriggerManager and (1b) through a session's SessionTriggers with every event
 *    persisted to events.jsonl; the queen's inbox must hold each request exactly once;
 * 2. the same load with the default limit (30/min, burst 10): every request is either accepted or
 *    refused with 429, and the inbox holds each accepted request exactly once;
 * 3. a flood of unauthenticated requests while one legitimate client keeps sending, against the
 *    same client's latency on a quiet server.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { EventBus } from '../src/runtime/events/bus';
import { EventLog } from '../src/runtime/events/persistence';
import type { TriggerFire } from '../src/runtime/triggers/injection';
import { MemorySecretStore } from '../src/runtime/triggers/secrets';
import { SessionTriggers } from '../src/runtime/triggers/session-triggers';
import { TriggerManager } from '../src/runtime/triggers/trigger-manager';

export const name = 'webhooks';

const REQUESTS = Number(process.env.BENCH_WEBHOOK_REQUESTS ?? 2000);
const CLIENTS = Number(process.env.BENCH_WEBHOOK_CLIENTS ?? 20);
const FLOOD_SECONDS = Number(process.env.BENCH_WEBHOOK_FLOOD_SECONDS ?? 3);
const FLOODERS = 20;

interface Reply {
  status: number;
  ms: number;
}

function send(
  agent: http.Agent,
  port: number,
  p: string,
  body: string,
  headers: Record<string, string>,
): Promise<Reply> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: p,
        method: 'POST',
        agent,
        headers: { 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};
const ms = (x: number) => `${x.toFixed(2)} ms`;

interface Setup {
  idle(): Promise<void>;
  close(): Promise<void>;
  port: number;
  secrets: { load: string; legit: string };
  inbox: Map<string, number>;
  dir: string;
}

async function writeTriggers(dir: string): Promise<void> {
  await writeFile(
    path.join(dir, 'triggers.json'),
    JSON.stringify([
      { id: 'load', trigger_type: 'webhook', trigger_config: { path: '/hooks/load', port: 0 }, task: 'Load' },
      // The legitimate caller of phase 3 gets its own trigger with a generous limit.
      {
        id: 'legit',
        trigger_type: 'webhook',
        trigger_config: { path: '/hooks/legit', rate_limit_per_minute: 1e9, rate_limit_burst: 1e9 },
        task: 'Legit',
      },
    ]),
  );
}

async function setup(rateLimited: boolean): Promise<Setup> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hive-bench-webhooks-'));
  await writeTriggers(dir);
  const inbox = new Map<string, number>();
  const manager = new TriggerManager({
    colonyDir: dir,
    secrets: new MemorySecretStore(),
    webhook: {
      rateLimit: rateLimited ? undefined : { perMinute: 1e9, burst: 1e9 },
      maxQueuedPerTrigger: 1e9,
    },
    inject: (_text: string, fires: TriggerFire[]) => {
      for (const f of fires) {
        const body = (f.payload as { payload?: { id?: string } }).payload;
        const id = `${f.trigger_id}:${body?.id}`;
        inbox.set(id, (inbox.get(id) ?? 0) + 1);
      }
    },
    emit: () => undefined,
  });
  await manager.load();
  const secrets = {
    load: (await manager.webhookInfo('load')).secret,
    legit: (await manager.webhookInfo('legit')).secret,
  };
  return {
    idle: () => manager.idle(),
    close: () => manager.close(),
    port: manager.webhookPort!,
    secrets,
    inbox,
    dir,
  };
}

/**
 * The same colony through a session's path: SessionTriggers on an EventBus whose events go to
 * events.jsonl (webhook_received + trigger_fired per request, as in a live session); the queen's
 * inbox is what injectToQueen receives, the batch text parsed back into request ids.
 */
async function setupSession(): Promise<Setup> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hive-bench-webhooks-session-'));
  await writeTriggers(dir);
  const inbox = new Map<string, number>();
  const bus = new EventBus();
  const log = EventLog.attach(bus, path.join(dir, 'events.jsonl'));
  const triggers = new SessionTriggers({
    sessionId: 'session_20260101_000000_bench000',
    sessionDir: dir,
    bus,
    injectToQueen: (text) => {
      for (const m of text.matchAll(/\[TRIGGER: webhook\/(\w+)\][^\n]*\n(?:Task: [^\n]*\n)?(\{[^\n]*)/g)) {
        const body = (JSON.parse(m[2]!) as { payload?: { id?: string } }).payload;
        const id = `${m[1]}:${body?.id}`;
        inbox.set(id, (inbox.get(id) ?? 0) + 1);
      }
    },
    isQueenBusy: () => false,
    secrets: () => new MemorySecretStore(),
    webhook: { rateLimit: { perMinute: 1e9, burst: 1e9 }, maxQueuedPerTrigger: 1e9 },
  });
  await triggers.attach(dir);
  const manager = triggers.triggerManager!;
  const secrets = {
    load: (await triggers.webhookSecret('load'))!,
    legit: (await triggers.webhookSecret('legit'))!,
  };
  return {
    idle: () => manager.idle(),
    close: async () => {
      await triggers.detach();
      log.close();
    },
    port: manager.webhookPort!,
    secrets,
    inbox,
    dir,
  };
}

async function teardown(s: Setup): Promise<void> {
  await s.close();
  await rm(s.dir, { recursive: true, force: true });
}

/** N requests spread over C clients, each sending one after another on its own keep-alive socket. */
async function load(
  s: Setup,
  requests = REQUESTS,
  prefix = '',
): Promise<{ replies: Reply[]; seconds: number }> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const replies: Reply[] = [];
  let next = 0;
  const t = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = next++; i < requests; i = next++) {
        const r = await send(agent, s.port, '/hooks/load', JSON.stringify({ id: `${prefix}${i}` }), {
          'X-Hive-Secret': s.secrets.load,
        });
        replies.push(r);
      }
    }),
  );
  const seconds = (performance.now() - t) / 1000;
  agent.destroy();
  return { replies, seconds };
}

function checkInbox(s: Setup, accepted: number): string {
  const ids = [...s.inbox.keys()].filter((k) => k.startsWith('load:') && !k.startsWith('load:warm'));
  const duplicated = [...s.inbox.values()].filter((n) => n > 1).length;
  const ok = ids.length === accepted && duplicated === 0;
  return `inbox ${ids.length}/${accepted} accepted, ${duplicated} duplicated${ok ? ' (ok)' : ' (MISMATCH)'}`;
}

async function legitLatency(s: Setup, seconds: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < end; i++) {
    const r = await send(agent, s.port, '/hooks/legit', JSON.stringify({ id: `l${i}` }), {
      'X-Hive-Secret': s.secrets.legit,
    });
    if (r.status !== 202) throw new Error(`legit request refused: ${r.status}`);
    lat.push(r.ms);
    await new Promise((r) => setTimeout(r, 10));
  }
  agent.destroy();
  return lat;
}

export async function run(): Promise<void> {
  // 1. Throughput without rate limit, after a warm-up round (JIT) that is not counted.
  let s = await setup(false);
  await load(s, 1000, 'warm');
  const fast = await load(s);
  await s.idle();
  const accepted = fast.replies.filter((r) => r.status === 202).length;
  const lat = fast.replies.map((r) => r.ms);
  console.log(
    `authenticated, no rate limit: ${REQUESTS} requests / ${CLIENTS} clients: ${Math.round(accepted / fast.seconds)} accepted req/s, ` +
      `p50 ${ms(pct(lat, 50))}, p99 ${ms(pct(lat, 99))}, max ${ms(Math.max(...lat))}; ${checkInbox(s, accepted)}`,
  );
  await teardown(s);

  // 1b. The same through a session: SessionTriggers, EventBus, events.jsonl.
  s = await setupSession();
  await load(s, 1000, 'warm');
  const viaSession = await load(s);
  await s.idle();
  const acceptedS = viaSession.replies.filter((r) => r.status === 202).length;
  const latS = viaSession.replies.map((r) => r.ms);
  console.log(
    `through a session (SessionTriggers + events.jsonl): ${REQUESTS} requests / ${CLIENTS} clients: ${Math.round(acceptedS / viaSession.seconds)} accepted req/s, ` +
      `p50 ${ms(pct(latS, 50))}, p99 ${ms(pct(latS, 99))}, max ${ms(Math.max(...latS))}; ${checkInbox(s, acceptedS)}`,
  );
  await teardown(s);

  // 2. Default rate limit: accepted or 429, nothing lost or doubled.
  s = await setup(true);
  const limited = await load(s);
  await s.idle();
  const codes: Record<number, number> = {};
  for (const r of limited.replies) codes[r.status] = (codes[r.status] ?? 0) + 1;
  const ok = codes[202] ?? 0;
  const lat2 = limited.replies.map((r) => r.ms);
  console.log(
    `authenticated, default limit (30/min, burst 10): ${JSON.stringify(codes)} in ${limited.seconds.toFixed(2)} s ` +
      `(${Math.round(REQUESTS / limited.seconds)} req/s answered), p50 ${ms(pct(lat2, 50))}, p99 ${ms(pct(lat2, 99))}; ${checkInbox(s, ok)}`,
  );

  // 3. Legit latency, quiet then under an unauthenticated flood.
  const quiet = await legitLatency(s, 1);
  let stop = false;
  let flooded = 0;
  const floodCodes: Record<number, number> = {};
  const floodAgent = new http.Agent({ keepAlive: true, maxSockets: FLOODERS });
  const flood = Promise.all(
    Array.from({ length: FLOODERS }, async (_, k) => {
      while (!stop) {
        // Half wrong secrets, half no credentials at all.
        const headers: Record<string, string> = k % 2 ? { 'X-Hive-Secret': 'wrong-secret-0000000000' } : {};
        const r = await send(floodAgent, s.port, '/hooks/load', '{"spam": true}', headers);
        floodCodes[r.status] = (floodCodes[r.status] ?? 0) + 1;
        flooded++;
      }
    }),
  );
  const t = performance.now();
  const busy = await legitLatency(s, FLOOD_SECONDS);
  stop = true;
  await flood;
  const floodRate = flooded / ((performance.now() - t) / 1000);
  floodAgent.destroy();
  console.log(
    `legit client, quiet: p50 ${ms(pct(quiet, 50))}, p99 ${ms(pct(quiet, 99))} (${quiet.length} requests)`,
  );
  console.log(
    `legit client under a flood of ${Math.round(floodRate)} unauthenticated req/s ${JSON.stringify(floodCodes)}: ` +
      `p50 ${ms(pct(busy, 50))}, p99 ${ms(pct(busy, 99))}, max ${ms(Math.max(...busy))} (${busy.length} requests, all 202)`,
  );
  const reachedQueen = [...s.inbox.keys()].filter((k) => k.startsWith('load:undefined')).length;
  console.log(`flood requests that reached the queen: ${reachedQueen}`);
  await teardown(s);
}
