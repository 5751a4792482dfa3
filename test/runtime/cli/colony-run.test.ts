import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from '../../../src/cli/run';
import { colonyStateDir } from '../../../src/runtime/triggers/colony-state';
import { cliNode } from '../../support/cli-node';
import { httpRequest } from '../../support/http-client';
import {
  echoResponder,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { removeDir, tempDir } from '../session/helpers';

const MAIN = path.resolve(__dirname, '../../../src/cli/main.ts');

/** Collects a stream's text and resolves waits for a pattern in it. */
function watch(stream: NodeJS.ReadableStream) {
  let text = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    text += chunk;
    for (const w of [...waiters]) {
      const m = text.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  });
  return {
    get text() {
      return text;
    },
    waitFor(re: RegExp, timeoutMs = 20_000): Promise<RegExpMatchArray> {
      const m = text.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`timed out waiting for ${re} in:\n${text}`)),
          timeoutMs,
        );
        waiters.push({
          re,
          resolve: (x) => {
            clearTimeout(timer);
            resolve(x);
          },
        });
      });
    },
  };
}

function writeColony(folder: string): string {
  const dir = path.join(folder, '.hive');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'worker.json'),
    JSON.stringify({
      name: 'worker',
      system_prompt: 'You triage GitHub events.',
      goal: { description: 'Triage' },
    }),
  );
  writeFileSync(
    path.join(dir, 'triggers.json'),
    JSON.stringify(
      [
        {
          id: 'gh',
          name: 'GitHub',
          trigger_type: 'webhook',
          trigger_config: { path: '/hooks/gh', port: 0 },
          task: 'Triage the event',
        },
        {
          id: 'hourly',
          name: 'Hourly',
          trigger_type: 'timer',
          trigger_config: { interval_minutes: 60 },
          task: 'Check the queue',
        },
      ],
      null,
      2,
    ),
  );
  return dir;
}

describe('hive colony run', function () {
  this.timeout(60_000);
  let server: ScriptedServer;
  let home: string;
  let folder: string;
  let child: ChildProcess | undefined;
  beforeEach(async () => {
    server = await startScriptedServer({ responder: echoResponder() });
    home = tempDir('hive-colony-run-home-');
    folder = tempDir('hive-colony-run-folder-');
  });
  afterEach(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    child = undefined;
    await server.close();
    removeDir(home);
    removeDir(folder);
  });

  it('runs the triggers headless: a webhook with the secret fires into the queen, SIGTERM stops and saves', async () => {
    const colonyDir = writeColony(folder);
    child = spawn(
      cliNode(),
      [
        '-r',
        require.resolve('tsx/cjs'),
        MAIN,
        'colony',
        'run',
        folder,
        '--home',
        home,
        '--queen',
        'queen_operations',
      ],
      {
        env: { ...process.env, ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: server.url, HIVE_HOME: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child!.on('exit', (code, signal) => resolve({ code, signal })),
    );
    const out = watch(child.stdout!);
    const err = watch(child.stderr!);

    const [, url] = await out.waitFor(/Webhook gh: POST (http:\/\/127\.0\.0\.1:\d+\/hooks\/gh)\n/);
    const [, secretsFile] = await out.waitFor(/Webhook secrets: (\S+) /);
    await out.waitFor(/Running; Ctrl\+C to stop\./);
    // Machine state and secrets live under HIVE_HOME (0600), never in the workspace.
    assert.equal(secretsFile, path.join(colonyStateDir(home, colonyDir), 'trigger-secrets.json'));
    assert.equal(statSync(secretsFile!).mode & 0o777, 0o600);
    assert.equal(existsSync(path.join(colonyDir, 'trigger-secrets.json')), false);
    assert.match(
      out.text,
      /Active triggers[\s\S]*- gh \(webhook: POST \/hooks\/gh\) -> task: "Triage the event"/,
    );
    assert.match(out.text, /- hourly \(timer: every 1 h\)[\s\S]*Timer hourly: next fire \d{4}-/);
    const [, sid] = out.text.match(/Session (session_\w+) \(queen queen_operations\)/)!;
    const secret = JSON.parse(readFileSync(secretsFile!, 'utf8')).gh as string;
    assert.match(secret, /^whsec_/);

    const port = Number(new URL(url!).port);
    const post = (headers: Record<string, string>) =>
      httpRequest(port, {
        path: '/hooks/gh',
        body: '{"action": "opened", "number": 7}',
        headers: { 'Content-Type': 'application/json', ...headers },
      });
    assert.equal((await post({})).status, 401);
    assert.equal((await post({ 'X-Hive-Secret': secret })).status, 202);
    await out.waitFor(/fired webhook\/gh \(#1\)/);
    const [request] = await waitForRequestWith(server, '[TRIGGER: webhook/gh]');
    assert.match(JSON.stringify(request), /Task: Triage the event/);
    // A new colony session (docs/hive-format.md §3 rule 4: working): she can run workers on the fire; every tool offered once.
    const offered = (request!.body.tools as { name: string }[]).map((t) => t.name);
    assert.ok(offered.includes('run_parallel_workers'), offered.join());
    assert.equal(new Set(offered).size, offered.length, `a tool offered twice: ${offered.join()}`);
    assert.match(JSON.stringify(request!.body.messages), /\[SYSTEM\] Colony loaded\./);
    assert.equal(out.text.match(/fired /g)?.length, 1, 'the rejected request never fired');

    child.kill('SIGTERM');
    const { code, signal } = await exited;
    assert.equal(signal, null, err.text);
    assert.equal(code, 0, err.text);
    assert.match(out.text, /SIGTERM: stopping[\s\S]*Stopped; triggers and session saved\./);

    // Everything persisted: fire stats, the session's events, meta and the trigger message.
    const state = JSON.parse(
      readFileSync(path.join(colonyStateDir(home, colonyDir), 'trigger-state.json'), 'utf8'),
    );
    assert.equal(state.triggers.gh.fire_count, 1);
    const sessionDir = path.join(home, 'queens', 'queen_operations', 'sessions', sid!);
    const meta = JSON.parse(readFileSync(path.join(sessionDir, 'meta.json'), 'utf8'));
    assert.equal(meta.agent_path, folder);
    const events = readFileSync(path.join(sessionDir, 'events.jsonl'), 'utf8');
    assert.match(events, /"type":"trigger_fired"/);
    assert.match(events, /"type":"webhook_received"/);
    assert.doesNotMatch(events, new RegExp(secret));
    const partsDir = path.join(sessionDir, 'conversations', 'parts');
    const parts = readdirSync(partsDir).map((f) => readFileSync(path.join(partsDir, f), 'utf8'));
    assert.ok(parts.some((p) => p.includes('[TRIGGER: webhook/gh]')));

    // `hive colony secrets` shows the URL and the secret, by folder and as JSON.
    let listed = '';
    const code2 = await runCli(['colony', 'secrets', folder, '--home', home, '--json'], {
      out: (s) => (listed += s),
      err: () => undefined,
      env: {},
    });
    assert.equal(code2, 0);
    const rows = JSON.parse(listed) as { trigger_id: string; url: string; secret: string }[];
    assert.deepEqual(
      rows.map((r) => [r.trigger_id, r.secret]),
      [['gh', secret]],
    );
    assert.match(rows[0]!.url, /^http:\/\/127\.0\.0\.1:\d+\/hooks\/gh$/);
  });

  it('--missed run fires missed triggers once; --resume continues the same session with nothing missed', async () => {
    const colonyDir = writeColony(folder);
    const now = Date.now();
    writeFileSync(
      path.join(colonyDir, 'trigger-state.json'),
      JSON.stringify({
        version: 1,
        saved_at: now - 60_000,
        triggers: {
          hourly: {
            fire_count: 2,
            last_fired_at: now - 60_000,
            activated_at: now - 60_000,
            pending_missed: { count: 3, capped: false, ticks: [now - 3 * 3_600_000] },
          },
        },
      }),
    );
    const env = { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: server.url };
    let out = '';
    let onOut = () => {};
    const fired = new Promise<void>((resolve) => {
      onOut = () => {
        if (/fired timer\/hourly \(#3/.test(out)) resolve();
      };
    });
    // Stopped once the catch-up fire is counted and the queen was asked about it.
    const firstStop = Promise.all([fired, waitForRequestWith(server, '\\"catch_up\\": true')]).then(
      () => 'test stop',
    );
    const first = await runCli(
      [
        'colony',
        'run',
        folder,
        '--home',
        home,
        '--queen',
        'queen_operations',
        '--missed',
        'run',
        '--no-reflection',
      ],
      {
        out: (s) => {
          out += s;
          onOut();
        },
        err: () => undefined,
        env,
        untilStopped: () => firstStop,
      },
    );
    assert.equal(first, 0);
    assert.match(out, /Missed: hourly missed 3 fire\(s\)/);
    assert.match(out, /Missed fires: running each once/);
    assert.ok(server.requests.some((r) => JSON.stringify(r.body.messages).includes('\\"catch_up\\": true')));
    const [, sid] = out.match(/Session (session_\w+) /)!;
    const state = JSON.parse(
      readFileSync(path.join(colonyStateDir(home, colonyDir), 'trigger-state.json'), 'utf8'),
    );
    assert.equal(state.triggers.hourly.fire_count, 3);
    assert.equal(state.triggers.hourly.pending_missed, undefined);

    let again = '';
    const second = await runCli(
      ['colony', 'run', folder, '--home', home, '--resume', sid!, '--no-reflection'],
      {
        out: (s) => {
          again += s;
        },
        err: () => undefined,
        env,
        untilStopped: async () => 'test stop',
      },
    );
    assert.equal(second, 0);
    assert.match(again, new RegExp(`Session ${sid} \\(queen queen_operations\\)`));
    assert.doesNotMatch(again, /missed/i);
    // docs/hive-format.md §3 Rule 6: the resume re-loads the colony and she reviews (the trigger tools are hers there).
    assert.match(again, /Colony \w+ \([^)]*\.hive\), queen phase reviewing/);
    assert.match(again, /Stopped; triggers and session saved\./);
  });

  it("answers the queen's questions itself when nobody is present, so later fires still get through", async () => {
    const colonyDir = writeColony(folder);
    server.enqueue(
      reply.toolUse('ask_user', { question: 'Which label should I use?' }, { id: 'toolu_ask' }),
      reply.text('Labelled it "bug".'),
    );
    let out = '';
    const stream = new PassThrough();
    const watcher = watch(stream);
    let stop: (v: string) => void = () => {};
    const stopped = new Promise<string>((resolve) => {
      stop = resolve;
    });
    const done = runCli(
      ['colony', 'run', folder, '--home', home, '--queen', 'queen_operations', '--no-reflection'],
      {
        out: (s) => {
          out += s;
          stream.write(s);
        },
        err: () => undefined,
        env: { ANTHROPIC_API_KEY: 'test-key', ANTHROPIC_BASE_URL: server.url },
        untilStopped: () => stopped,
      },
    );
    const [, url] = await watcher.waitFor(/Webhook gh: POST (\S+)\n/);
    const secret = JSON.parse(
      readFileSync(path.join(colonyStateDir(home, colonyDir), 'trigger-secrets.json'), 'utf8'),
    ).gh as string;
    const send = () =>
      httpRequest(Number(new URL(url!).port), {
        path: '/hooks/gh',
        body: '{"n": 1}',
        headers: { 'X-Hive-Secret': secret, 'Content-Type': 'application/json' },
      });
    assert.equal((await send()).status, 202);
    await watcher.waitFor(/queen asked: Which label should I use\? \(answered: nobody present\)/);
    await watcher.waitFor(/fired webhook\/gh \(#1\)/);
    assert.equal((await send()).status, 202);
    await watcher.waitFor(/fired webhook\/gh \(#2\)/);
    stop('test stop');
    assert.equal(await done, 0);
    const answered = server.requests.find((r) => JSON.stringify(r.body.messages).includes('toolu_ask'));
    assert.match(JSON.stringify(answered?.body.messages), /No user is present/);
    assert.match(out, /queen: Labelled it "bug"\./);
    assert.match(out, /Stopped; triggers and session saved\./);
  });

  it('refuses a folder without a colony and a bad --missed value (exit 2)', async () => {
    const io = { out: () => undefined, err: () => undefined, env: { HIVE_HOME: home } };
    assert.equal(await runCli(['colony', 'run', folder], io), 2);
    writeColony(folder);
    assert.equal(await runCli(['colony', 'run', folder, '--missed', 'later'], io), 2);
    assert.equal(await runCli(['colony', 'launch', folder], io), 2);
    const both = [
      'colony',
      'run',
      folder,
      '--queen',
      'queen_operations',
      '--resume',
      'session_20260101_000000_aaaaaaaa',
    ];
    assert.equal(await runCli(both, io), 2);
  });
});

async function waitForRequestWith(server: ScriptedServer, needle: string, timeoutMs = 20_000) {
  const end = Date.now() + timeoutMs;
  for (let n = 1; Date.now() < end; n++) {
    await server.waitForRequests(n, Math.max(1, end - Date.now()));
    const found = server.requests.filter((r) => JSON.stringify(r.body.messages).includes(needle));
    if (found.length) return found;
  }
  throw new Error(`no model request contained ${needle}`);
}
