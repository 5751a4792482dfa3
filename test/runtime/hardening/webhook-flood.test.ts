import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { httpRequest } from '../../support/http-client';
import { startColonyChild, webhookColony } from '../../support/webhook-colony';
import { removeTree } from '../storage/fixtures';

const SECRET = 'whsec_flood_test_secret';
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

/** A client that never finishes: headers dripped, or a signed request whose body never comes. */
function slowClient(port: number, kind: 'headers' | 'body', sockets: net.Socket[]): void {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  sockets.push(s);
  s.on('connect', () => {
    if (kind === 'headers') s.write('POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    else
      s.write(
        `POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 900000\r\n` +
          `X-Hub-Signature-256: sha256=${'0'.repeat(64)}\r\n\r\n{"a":"`,
      );
  });
}

describe('fault suite: webhook server under slow unauthenticated connections', () => {
  let dir: string;
  let colony: { child: ChildProcess; port: number } | undefined;
  const sockets: net.Socket[] = [];
  before(async function () {
    this.timeout(60_000);
    dir = webhookColony('hive-flood-', { path: '/hook', port: 0, secret: SECRET });
    colony = await startColonyChild(dir);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    colony?.child.kill('SIGKILL');
    removeTree(dir);
  });

  it('600 slow connections add < 50 MB and a real sender still gets its 202 within a second', async function () {
    this.timeout(60_000);
    const { child, port } = colony!;
    // Warm up (first request compiles the paths), then measure the baseline.
    const warm = await httpRequest(port, { path: '/hook', headers: { 'X-Hive-Secret': SECRET }, body: '{}' });
    assert.equal(warm.status, 202);
    const before = rssOf(child.pid!);
    for (let i = 0; i < 600; i++) slowClient(port, i % 2 ? 'headers' : 'body', sockets);
    await new Promise((r) => setTimeout(r, 2000));
    const during = rssOf(child.pid!);
    const reply = await httpRequest(port, {
      path: '/hook',
      headers: { 'X-Hive-Secret': SECRET, 'Content-Type': 'application/json' },
      body: '{"real":true}',
    });
    const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
    console.log(
      `      600 slow connections: RSS +${((during - before) / MB).toFixed(1)} MB, still open ${open}, real request ${reply.status} in ${reply.ms.toFixed(0)} ms`,
    );
    assert.equal(reply.status, 202);
    assert.ok(during - before < 50 * MB, `grew ${during - before} bytes`);
    assert.ok(reply.ms < 2000, `202 took ${reply.ms} ms`);
  });
});
