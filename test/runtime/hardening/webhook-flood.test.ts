import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { httpRequest } from '../../support/http-client';
import { removeTree } from '../storage/fixtures';

const SECRET = 'whsec_flood_test_secret';
const CHILD = path.join(__dirname, '..', '..', 'support', 'webhook-colony-child.ts');
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m![1]) * 1024;
}

function startColony(dir: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-r', require.resolve('tsx/cjs'), CHILD, dir], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`colony child exited early (${code})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /^port (\d+)$/.exec(line);
      if (m) resolve({ child, port: Number(m[1]) });
    });
  });
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
    dir = mkdtempSync(path.join(os.tmpdir(), 'hive-flood-'));
    writeFileSync(
      path.join(dir, 'triggers.json'),
      JSON.stringify([
        {
          id: 'hook',
          trigger_type: 'webhook',
          trigger_config: { path: '/hook', port: 0, secret: SECRET },
          task: 't',
        },
      ]),
    );
    colony = await startColony(dir);
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
