import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TriggerFire } from '../../../src/runtime/triggers/injection';
import { MemorySecretStore } from '../../../src/runtime/triggers/secrets';
import { TriggerManager } from '../../../src/runtime/triggers/trigger-manager';
import { signBody } from '../../../src/runtime/triggers/webhook-auth';
import { httpRequest } from '../../support/http-client';
import { webhookColony } from '../../support/webhook-colony';
import { removeTree } from '../storage/fixtures';

const SECRET = 'whsec_senders_test_secret';

/** A realistic GitHub push delivery (trimmed). */
const PUSH = {
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  repository: { full_name: 'octo/hello', private: false },
  pusher: { name: 'octocat', email: 'octo@example.com' },
  commits: [{ id: 'b'.repeat(40), message: 'Fix the thing & add 100% more "tests"', added: ['a b.txt'] }],
};

describe('fault suite: real webhook senders (GitHub form deliveries, redeliveries, query tokens)', () => {
  let dir: string;
  let manager: TriggerManager;
  let fires: TriggerFire[];
  let events: { type: string; data: Record<string, unknown> }[];
  const open = async () => {
    manager = new TriggerManager({
      colonyDir: dir,
      secrets: new MemorySecretStore(),
      inject: (_t, f) => {
        fires.push(...f);
      },
      emit: (type, data) => events.push({ type, data }),
    });
    await manager.load();
    return manager.webhookPort!;
  };
  beforeEach(() => {
    dir = webhookColony('hive-senders-', { path: '/gh', port: 0, secret: SECRET }, 'triage', 'gh');
    fires = [];
    events = [];
  });
  afterEach(async () => {
    await manager?.close();
    removeTree(dir);
  });

  const send = (port: number, body: string, headers: Record<string, string>, query = '') =>
    httpRequest(port, {
      path: `/gh${query}`,
      body,
      headers: { 'X-Hub-Signature-256': signBody(body, SECRET), 'X-GitHub-Event': 'push', ...headers },
    });

  it('a form-encoded GitHub delivery reaches the queen as the parsed JSON payload', async () => {
    const port = await open();
    const body = `payload=${encodeURIComponent(JSON.stringify(PUSH))}`;
    const r = await send(port, body, { 'Content-Type': 'application/x-www-form-urlencoded' });
    assert.equal(r.status, 202);
    await manager.idle();
    assert.deepEqual((fires[0]!.payload as { payload: unknown }).payload, PUSH);
    // Text and other forms: as text / as fields.
    await send(port, 'plain words', { 'Content-Type': 'text/plain' });
    await send(port, 'a=1&b=two', { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' });
    await manager.idle();
    assert.deepEqual(
      fires.slice(1).map((f) => (f.payload as { payload: unknown }).payload),
      [{ raw_body: 'plain words' }, { a: '1', b: 'two' }],
    );
  });

  it('a redelivery (same X-GitHub-Delivery or Idempotency-Key) is answered 202 and fired once, across a restart too', async () => {
    let port = await open();
    const body = JSON.stringify(PUSH);
    const json = { 'Content-Type': 'application/json' };
    const replies = [];
    for (const id of ['d-1', 'd-1', 'd-2', 'd-2'])
      replies.push(await send(port, body, { ...json, 'X-GitHub-Delivery': id }));
    replies.push(await send(port, body, { ...json, 'Idempotency-Key': 'k-1' }));
    replies.push(await send(port, body, { ...json, 'Idempotency-Key': 'k-1' }));
    assert.deepEqual(
      replies.map((r) => r.status),
      [202, 202, 202, 202, 202, 202],
    );
    assert.deepEqual(replies[1]!.json, { status: 'accepted', duplicate: true });
    await manager.idle();
    await manager.close();
    port = await open();
    const again = await send(port, body, { ...json, 'X-GitHub-Delivery': 'd-1' });
    assert.equal(again.status, 202);
    await manager.idle();
    console.log(`      redeliveries: 7 requests for 3 distinct deliveries, fired ${fires.length}`);
    assert.equal(fires.length, 3);
  });

  it('credential-like query parameters are neither given to the queen nor stored in events', async () => {
    const port = await open();
    const r = await send(
      port,
      '{}',
      { 'Content-Type': 'application/json' },
      '?token=s3cr3t&sig=abc&ref=main',
    );
    assert.equal(r.status, 202);
    await manager.idle();
    assert.deepEqual((fires[0]!.payload as { query_params: unknown }).query_params, { ref: 'main' });
    const text =
      JSON.stringify(events) +
      JSON.stringify(fires) +
      readFileSync(path.join(dir, 'webhook-deliveries.jsonl'), 'utf8');
    assert.equal(text.includes('s3cr3t'), false);
  });
});
