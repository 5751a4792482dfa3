import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { TriggerFire } from '../../../src/runtime/triggers/injection';
import { TriggerManager } from '../../../src/runtime/triggers/trigger-manager';
import { signBody } from '../../../src/runtime/triggers/webhook-auth';
import {
  type WebhookRequestInfo,
  type WebhookRouteSpec,
  WebhookServer,
} from '../../../src/runtime/triggers/webhook-server';
import { FakeClock, settle } from '../../support/fake-clock';
import { httpRequest } from '../../support/http-client';

const SECRET = 'test-secret-0123456789abcdef';

describe('triggers/webhookServer (real loopback HTTP)', () => {
  let server: WebhookServer;
  let port: number;
  let clock: FakeClock;
  let received: { id: string; info: WebhookRequestInfo }[];

  const route = (id: string, p: string, extra: Partial<WebhookRouteSpec> = {}): WebhookRouteSpec => ({
    id,
    path: p,
    methods: ['POST'],
    secret: SECRET,
    onRequest: (info) => {
      received.push({ id, info });
      return { accepted: true };
    },
    ...extra,
  });
  const post = (p: string, body: string, headers: Record<string, string> = {}) =>
    httpRequest(port, { path: p, body, headers: { 'Content-Type': 'application/json', ...headers } });

  beforeEach(async () => {
    clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
    received = [];
    server = new WebhookServer({ port: 0, now: clock.now });
    server.addRoute(route('gh', '/hooks/gh'));
    port = await server.start();
  });
  afterEach(async () => {
    await server.close();
  });

  it('listens on 127.0.0.1 only and accepts a request carrying the secret with 202', async () => {
    assert.ok(port > 0);
    assert.equal(server.url('/x'), `http://127.0.0.1:${port}/x`);
    const r = await post('/hooks/gh?ref=main&n=1', '{"action": "opened"}', {
      'X-Hive-Secret': SECRET,
      Authorization: 'Bearer abc',
      Cookie: 'a=b',
      'X-Gitlab-Token': 'tok',
      'X-Request-Id': 'r1',
    });
    assert.equal(r.status, 202);
    assert.deepEqual(r.json, { status: 'accepted' });
    assert.equal(received.length, 1);
    const info = received[0]!.info;
    assert.deepEqual(
      [info.path, info.method, info.payload, info.query_params],
      ['/hooks/gh', 'POST', { action: 'opened' }, { ref: 'main', n: '1' }],
    );
    assert.equal(info.headers['x-request-id'], 'r1');
    for (const h of ['x-hive-secret', 'authorization', 'cookie', 'x-gitlab-token'])
      assert.equal(h in info.headers, false, h);
  });

  it('answers 401 without a secret or with a wrong one, and the request goes nowhere', async () => {
    const none = await post('/hooks/gh', '{}');
    assert.equal(none.status, 401);
    assert.match((none.json as { error: string }).error, /X-Hive-Secret/);
    const wrong = await post('/hooks/gh', '{}', { 'X-Hive-Secret': `${SECRET}x` });
    assert.equal(wrong.status, 401);
    const badSig = await post('/hooks/gh', '{"a":1}', {
      'X-Hive-Signature-256': signBody('{"a":2}', SECRET),
    });
    assert.equal(badSig.status, 401);
    const junkSig = await post('/hooks/gh', '{}', { 'X-Hive-Signature-256': 'sha256=zz' });
    assert.equal(junkSig.status, 401);
    assert.equal(received.length, 0);
  });

  it('accepts an HMAC-SHA256 signature of the raw body (ours and GitHub’s header)', async () => {
    const body = '{"zen": "Keep it logically awesome."}';
    assert.equal(
      (await post('/hooks/gh', body, { 'X-Hive-Signature-256': signBody(body, SECRET) })).status,
      202,
    );
    assert.equal(
      (await post('/hooks/gh', body, { 'X-Hub-Signature-256': signBody(body, SECRET) })).status,
      202,
    );
    assert.equal(received.length, 2);
  });

  it('answers 404 for unknown paths and 405 with Allow for wrong methods', async () => {
    server.addRoute(route('status', '/hooks/gh', { methods: ['GET'] }));
    const missing = await post('/nope', '{}', { 'X-Hive-Secret': SECRET });
    assert.equal(missing.status, 404);
    const put = await httpRequest(port, {
      method: 'PUT',
      path: '/hooks/gh',
      headers: { 'X-Hive-Secret': SECRET },
    });
    assert.equal(put.status, 405);
    assert.equal(put.headers.allow, 'POST, GET');
    const get = await httpRequest(port, {
      method: 'GET',
      path: '/hooks/gh',
      headers: { 'X-Hive-Secret': SECRET },
    });
    assert.equal(get.status, 202);
    assert.equal(received.at(-1)!.id, 'status');
    assert.throws(
      () => server.addRoute(route('clash', '/hooks/gh', { methods: ['get'] })),
      /already served by trigger "status"/,
    );
  });

  it('passes malformed JSON as {raw_body} and an empty body as {}', async () => {
    await post('/hooks/gh', 'name=value&x=1', { 'X-Hive-Secret': SECRET });
    await post('/hooks/gh', '', { 'X-Hive-Secret': SECRET });
    assert.deepEqual(
      received.map((r) => r.info.payload),
      [{ raw_body: 'name=value&x=1' }, {}],
    );
  });

  it('answers 413 to a declared body over 1 MiB without reading it', async () => {
    const r = await post('/hooks/gh', 'x'.repeat(1024 * 1024 + 1), { 'X-Hive-Secret': SECRET });
    assert.equal(r.status, 413);
    assert.equal(received.length, 0);
    const exact = await post('/hooks/gh', JSON.stringify({ a: 'x'.repeat(1024 * 1024 - 10) }), {
      'X-Hive-Secret': SECRET,
    });
    assert.equal(exact.status, 202);
  });

  it('stops reading a streamed (chunked) body once it passes 1 MiB and answers 413', async () => {
    const total = 16 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const result = await new Promise<{ status: number; written: number }>((resolve, reject) => {
      let written = 0;
      let done = false;
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/hooks/gh',
          headers: { 'X-Hive-Secret': SECRET },
          agent: false,
        },
        (res) => {
          done = true;
          res.resume();
          resolve({ status: res.statusCode ?? 0, written });
        },
      );
      req.on('error', (err) => {
        if (!done) reject(err);
      });
      const pump = () => {
        while (!done && written < total) {
          written += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        if (!done) req.end();
      };
      pump();
    });
    assert.equal(result.status, 413);
    assert.ok(
      result.written < total,
      `the client was stopped early (${result.written} of ${total} bytes sent)`,
    );
    assert.equal(received.length, 0);
  });

  it('rate-limits per trigger with 429 and Retry-After while other triggers stay fast', async () => {
    server.addRoute(route('other', '/hooks/other'));
    const flood = await Promise.all(
      Array.from({ length: 40 }, () => post('/hooks/gh', '{}', { 'X-Hive-Secret': SECRET })),
    );
    const legit = await post('/hooks/other', '{}', { 'X-Hive-Secret': SECRET });
    const codes = flood.map((r) => r.status);
    assert.equal(codes.filter((c) => c === 202).length, 10, 'burst of 10');
    assert.equal(codes.filter((c) => c === 429).length, 30);
    const limited = flood.find((r) => r.status === 429)!;
    assert.equal(limited.headers['retry-after'], '2');
    assert.equal((limited.json as { retry_after: number }).retry_after, 2);
    assert.equal(legit.status, 202);
    assert.ok(legit.ms < 2000, `other trigger answered in ${legit.ms.toFixed(0)} ms`);
    // Tokens come back at 30/min: one every two seconds.
    await clock.advance(2000);
    assert.equal((await post('/hooks/gh', '{}', { 'X-Hive-Secret': SECRET })).status, 202);
    assert.equal((await post('/hooks/gh', '{}', { 'X-Hive-Secret': SECRET })).status, 429);
  });

  it('does not let unauthenticated requests use up the rate limit', async () => {
    await Promise.all(
      Array.from({ length: 50 }, () => post('/hooks/gh', '{}', { 'X-Hive-Secret': 'wrong-secret-000000' })),
    );
    assert.equal((await post('/hooks/gh', '{}', { 'X-Hive-Secret': SECRET })).status, 202);
  });

  it('serves routes added after start and drops removed ones', async () => {
    assert.equal((await post('/late', '{}', { 'X-Hive-Secret': SECRET })).status, 404);
    server.addRoute(route('late', '/late'));
    assert.equal((await post('/late', '{}', { 'X-Hive-Secret': SECRET })).status, 202);
    server.removeRoute('late');
    assert.equal((await post('/late', '{}', { 'X-Hive-Secret': SECRET })).status, 404);
  });

  it('passes the route’s refusal on (e.g. 503 with Retry-After)', async () => {
    server.addRoute(
      route('full', '/full', {
        onRequest: () => ({ accepted: false, status: 503, error: 'busy', retryAfterSeconds: 30 }),
      }),
    );
    const r = await post('/full', '{}', { 'X-Hive-Secret': SECRET });
    assert.deepEqual([r.status, r.headers['retry-after'], r.json], [503, '30', { error: 'busy' }]);
  });

  it('closes promptly, open keep-alive connections included', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const r = await httpRequest(port, {
      path: '/hooks/gh',
      body: '{}',
      headers: { 'X-Hive-Secret': SECRET },
      agent,
    });
    assert.equal(r.status, 202);
    const started = performance.now();
    await server.close();
    assert.ok(performance.now() - started < 1000);
    await assert.rejects(httpRequest(port, { path: '/hooks/gh', body: '{}' }), /ECONNREFUSED/);
    agent.destroy();
  });
});

describe('triggers/manager: webhook triggers', () => {
  let dir: string;
  let manager: TriggerManager;
  let injected: { text: string; fires: TriggerFire[] }[];
  let events: { type: string; data: Record<string, unknown>; stream?: string }[];

  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'hive-webhook-'));
    injected = [];
    events = [];
  });
  afterEach(async () => {
    await manager?.close();
    await rm(dir, { recursive: true, force: true });
  });

  const open = () => {
    manager = new TriggerManager({
      colonyDir: dir,
      inject: (text, fires) => {
        injected.push({ text, fires });
      },
      emit: (type, data, stream) => {
        events.push({ type, data, stream });
      },
    });
    return manager;
  };

  it('generates and stores a secret, serves the route, and delivers the request to the queen', async () => {
    await writeFile(
      path.join(dir, 'triggers.json'),
      JSON.stringify([
        {
          id: 'gh',
          name: 'GitHub',
          trigger_type: 'webhook',
          trigger_config: { path: '/hooks/gh', port: 0 },
          task: 'Triage',
        },
      ]),
    );
    const m = open();
    const loaded = await m.load();
    assert.deepEqual(loaded.active, ['gh']);
    const info = await m.webhookInfo('gh');
    assert.equal(info.url, `http://127.0.0.1:${m.webhookPort}/hooks/gh`);
    assert.match(info.secret, /^whsec_/);
    assert.match(info.curl, new RegExp(`X-Hive-Secret: ${info.secret}`));
    const stored = JSON.parse(await readFile(path.join(dir, 'trigger-secrets.json'), 'utf8'));
    assert.equal(stored.gh, info.secret);
    if (process.platform !== 'win32') assert.equal((await stat(info.secret_location)).mode & 0o777, 0o600);
    assert.equal(JSON.stringify(events).includes(info.secret), false, 'the secret is in no event');
    assert.equal((await readFile(path.join(dir, 'triggers.json'), 'utf8')).includes(info.secret), false);

    const port = m.webhookPort!;
    const r = await httpRequest(port, {
      path: '/hooks/gh?x=1',
      body: '{"n": 1}',
      headers: { 'X-Hive-Secret': info.secret, 'Content-Type': 'application/json' },
    });
    assert.equal(r.status, 202);
    await m.idle();
    assert.equal(injected.length, 1);
    const payload = injected[0]!.fires[0]!.payload as Record<string, unknown>;
    assert.deepEqual(
      [payload.task, payload.path, payload.method, payload.payload, payload.query_params],
      ['Triage', '/hooks/gh', 'POST', { n: 1 }, { x: '1' }],
    );
    assert.match(
      injected[0]!.text,
      /^\[TRIGGER: webhook\/gh\]\nTask: Triage\n\{"task": "Triage", "path": "\/hooks\/gh"/,
    );
    const received = events.find((e) => e.type === 'webhook_received')!;
    assert.equal(received.stream, 'gh');
    assert.deepEqual(received.data.payload, { n: 1 });
    assert.equal(events.filter((e) => e.type === 'trigger_fired').length, 1);

    // Same secret after a restart.
    await m.close();
    const again = open();
    await again.load();
    assert.equal((await again.webhookInfo('gh')).secret, info.secret);
  });

  it('honours a secret written in triggers.json without ever emitting it, and caps the waiting queue (503)', async () => {
    const inline = 'inline-secret-0123456789';
    await writeFile(
      path.join(dir, 'triggers.json'),
      JSON.stringify([
        {
          id: 'own',
          trigger_type: 'webhook',
          trigger_config: { path: '/own', port: 0, secret: inline },
          task: 'T',
        },
      ]),
    );
    let busy = true;
    manager = new TriggerManager({
      colonyDir: dir,
      isBusy: () => busy,
      webhook: { maxQueuedPerTrigger: 2 },
      inject: (text, fires) => {
        injected.push({ text, fires });
      },
      emit: (type, data, stream) => {
        events.push({ type, data, stream });
      },
    });
    await manager.load();
    const info = await manager.webhookInfo('own');
    assert.equal(info.secret, inline);
    assert.match(info.secret_location, /triggers\.json \(trigger_config\.secret\)/);
    const send = () =>
      httpRequest(manager.webhookPort!, { path: '/own', body: '{}', headers: { 'X-Hive-Secret': inline } });
    assert.deepEqual([(await send()).status, (await send()).status], [202, 202]);
    const full = await send();
    assert.deepEqual([full.status, full.headers['retry-after']], [503, '30']);
    await manager.runNow('own');
    busy = false;
    manager.notifyIdle();
    await manager.idle();
    assert.equal(injected.length, 1);
    assert.equal(injected[0]!.fires.length, 3);
    assert.deepEqual(injected[0]!.fires[2]!.payload, {
      task: 'T',
      trigger_config: { path: '/own', port: 0 },
      forced: true,
    });
    assert.equal(JSON.stringify({ events, injected }).includes(inline), false);
  });

  it('adds a webhook trigger after the server started, and answers 404 once it is deactivated', async () => {
    await writeFile(
      path.join(dir, 'triggers.json'),
      JSON.stringify([
        { id: 'first', trigger_type: 'webhook', trigger_config: { path: '/first', port: 0 }, task: 'A' },
      ]),
    );
    const m = open();
    await m.load();
    await m.add({
      id: 'second',
      trigger_type: 'webhook',
      trigger_config: { path: '/second', methods: ['PUT'] },
      task: 'B',
    });
    const info = await m.webhookInfo('second');
    assert.equal(info.port, m.webhookPort, 'served by the running server');
    const put = await httpRequest(m.webhookPort!, {
      method: 'PUT',
      path: '/second',
      body: '[]',
      headers: { 'X-Hive-Secret': info.secret },
    });
    assert.equal(put.status, 202);
    await m.deactivate('second');
    const after = await httpRequest(m.webhookPort!, {
      method: 'PUT',
      path: '/second',
      body: '[]',
      headers: { 'X-Hive-Secret': info.secret },
    });
    assert.equal(after.status, 404);
    await m.idle();
    assert.equal(injected.length, 1);
    await settle();
  });
});
