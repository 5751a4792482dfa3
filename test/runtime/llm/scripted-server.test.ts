import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  fault,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';

async function post(server: ScriptedServer, body: unknown): Promise<Response> {
  return fetch(`${server.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-test': 'yes' },
    body: JSON.stringify(body),
  });
}

function parseSse(text: string): Array<{ event: string; data: Record<string, unknown> }> {
  return text
    .split('\n\n')
    .filter((chunk) => chunk.trim())
    .map((chunk) => {
      const lines = chunk.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice(7);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6));
      return { event, data };
    });
}

describe('scripted Anthropic server', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('streams the Messages API event sequence with text and tool_use blocks', async () => {
    server.enqueue(reply.toolUse('lookup', { q: 'bees' }, { text: 'Let me look.', chunkSize: 5 }));
    const res = await post(server, {
      model: 'm1',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const events = parseSse(await res.text());
    const names = events.map((e) => e.event);
    assert.equal(names[0], 'message_start');
    assert.equal(names[1], 'ping');
    assert.deepEqual(names.slice(-2), ['message_delta', 'message_stop']);
    const text = events
      .filter((e) => (e.data.delta as { type?: string })?.type === 'text_delta')
      .map((e) => (e.data.delta as { text: string }).text);
    assert.deepEqual(text, ['Let m', 'e loo', 'k.']);
    const json = events
      .filter((e) => (e.data.delta as { type?: string })?.type === 'input_json_delta')
      .map((e) => (e.data.delta as { partial_json: string }).partial_json)
      .join('');
    assert.deepEqual(JSON.parse(json), { q: 'bees' });
    const delta = events.find((e) => e.event === 'message_delta')!.data;
    assert.equal((delta.delta as { stop_reason: string }).stop_reason, 'tool_use');
  });

  it('records the headers and body of each request', async () => {
    server.enqueue(reply.text('one'));
    await (
      await post(server, { model: 'm', system: 'sys', messages: [{ role: 'user', content: 'x' }] })
    ).json();
    assert.equal(server.requests.length, 1);
    assert.equal(server.requests[0]!.headers['x-test'], 'yes');
    assert.equal(server.requests[0]!.body.system, 'sys');
  });

  it('answers JSON when not streaming, and an error when the script is exhausted', async () => {
    server.enqueue(reply.text('plain'));
    const ok = (await (await post(server, { model: 'm', messages: [] })).json()) as Record<string, unknown>;
    assert.deepEqual(ok.content, [{ type: 'text', text: 'plain' }]);
    const res = await post(server, { model: 'm', messages: [] });
    assert.equal(res.status, 400);
    assert.match(JSON.stringify(await res.json()), /script exhausted/);
  });

  it('sends error replies with Anthropic error bodies and retry-after', async () => {
    server.enqueue(fault.rateLimited(7), fault.overloaded());
    const r1 = await post(server, { model: 'm', messages: [] });
    assert.equal(r1.status, 429);
    assert.equal(r1.headers.get('retry-after'), '7');
    assert.equal(((await r1.json()) as { error: { type: string } }).error.type, 'rate_limit_error');
    const r2 = await post(server, { model: 'm', messages: [] });
    assert.equal(r2.status, 529);
    assert.equal(((await r2.json()) as { error: { type: string } }).error.type, 'overloaded_error');
  });

  it('uses the responder when the queue is empty', async () => {
    server.setResponder((req) => reply.text(`model was ${req.body.model}`));
    const body = (await (await post(server, { model: 'zz', messages: [] })).json()) as {
      content: Array<{ text: string }>;
    };
    assert.equal(body.content[0]!.text, 'model was zz');
  });

  it('runs standalone with a script file and prints its url', async function () {
    this.timeout(20000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'scripted-'));
    const script = path.join(dir, 'script.json');
    writeFileSync(
      script,
      JSON.stringify([{ kind: 'reply', content: [{ type: 'text', text: 'from file' }] }]),
    );
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(__dirname, '../../support/scripted-anthropic-server.ts'),
        '--script',
        script,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const line = out.split('\n')[0];
          if (out.includes('\n') && line) resolve((JSON.parse(line) as { url: string }).url);
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const first = (await (
        await fetch(`${url}/v1/messages`, {
          method: 'POST',
          body: JSON.stringify({ model: 'm', messages: [] }),
        })
      ).json()) as { content: Array<{ text: string }> };
      assert.equal(first.content[0]!.text, 'from file');
      const second = (await (
        await fetch(`${url}/v1/messages`, {
          method: 'POST',
          body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'ping' }] }),
        })
      ).json()) as { content: Array<{ text: string }> };
      assert.equal(second.content[0]!.text, 'Echo: ping');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
