import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { acquireSessionLock, SESSION_LOCK_FILE } from '../../../src/runtime/storage/session-lock';
import { cliNode } from '../../support/cli-node';
import {
  fault,
  type RecordedRequest,
  reply,
  type ScriptedServer,
  type ScriptStep,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { removeTree, tempHome } from '../storage/fixtures';

const MAIN = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** The real CLI in a child process: `node -r tsx/cjs src/cli/main.ts …`. */
function hive(argv: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(cliNode(), ['-r', require.resolve('tsx/cjs'), MAIN, ...argv], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const systemOf = (r: RecordedRequest) => JSON.stringify(r.body.system ?? '');
const isReflection = (r: RecordedRequest) => systemOf(r).includes('You maintain long-term memory');
const isSelector = (r: RecordedRequest) => systemOf(r).includes('You route a request');
const queenRequests = (s: ScriptedServer) => s.requests.filter((r) => !isReflection(r) && !isSelector(r));

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise((r) => srv.close(r));
  return port;
}

function partsOf(dir: string): Array<Record<string, unknown>> {
  const partsDir = path.join(dir, 'conversations', 'parts');
  return readdirSync(partsDir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(path.join(partsDir, f), 'utf8')));
}

describe('hive chat CLI', function () {
  this.timeout(60_000);
  let server: ScriptedServer;
  let home: string;
  /** What the queen answers when nothing is queued; reflection and selector calls get their own. */
  let queenStep: () => ScriptStep;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    queenStep = () => reply.text('Default answer.');
    server = await startScriptedServer({
      responder: (req) => {
        if (isReflection(req)) return reply.text('{"ops": []}');
        if (isSelector(req)) return reply.text('{"queen_id": "queen_growth", "reason": "growth question"}');
        return queenStep();
      },
    });
    home = tempHome();
    env = { HIVE_HOME: home, ANTHROPIC_API_KEY: 'test', HIVE_RETRY_BASE_MS: '1' };
  });
  afterEach(async () => {
    await server.close();
    removeTree(home);
  });

  const sessionIdIn = (err: string) => {
    const m = /^session (session_\d{8}_\d{6}_[0-9a-f]+)$/m.exec(err);
    assert.ok(m, `no session id on stderr: ${err}`);
    return m[1]!;
  };

  it('streams the answer, writes Hive parts, and --session continues the same folder with history', async () => {
    queenStep = () => reply.text('Hello from the queen, streamed in pieces.', { chunkSize: 5 });
    const first = await hive(
      ['chat', '--base-url', server.url, '--queen', 'queen_operations', 'hi there'],
      env,
    );
    assert.equal(first.code, 0, first.err);
    assert.equal(first.out, 'Hello from the queen, streamed in pieces.\n');
    const id = sessionIdIn(first.err);
    assert.equal(first.err.trim().split('\n').length, 1, first.err);
    const dir = path.join(home, 'queens', 'queen_operations', 'sessions', id);
    const parts = partsOf(dir);
    assert.deepEqual(
      parts.map((p) => [p.seq, p.role, p.content]),
      [
        [0, 'user', 'hi there'],
        [1, 'assistant', 'Hello from the queen, streamed in pieces.'],
      ],
    );
    assert.equal(parts[0]!.is_client_input, true);
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    assert.equal(meta.queen_id, 'queen_operations');
    assert.ok(existsSync(path.join(dir, 'events.jsonl')));
    // The stop reflection ran before the process ended.
    assert.ok(server.requests.some(isReflection));

    queenStep = () => reply.text('Second answer.');
    const second = await hive(['chat', '--base-url', server.url, '--session', id, 'and again'], env);
    assert.equal(second.code, 0, second.err);
    assert.equal(second.out, 'Second answer.\n');
    assert.equal(sessionIdIn(second.err), id);
    assert.deepEqual(
      partsOf(dir).map((p) => [p.seq, p.role, p.content]),
      [
        [0, 'user', 'hi there'],
        [1, 'assistant', 'Hello from the queen, streamed in pieces.'],
        [2, 'user', 'and again'],
        [3, 'assistant', 'Second answer.'],
      ],
    );
    const last = queenRequests(server).at(-1)!;
    assert.deepEqual(
      last.body.messages.map((m: { role: string }) => m.role),
      ['user', 'assistant', 'user'],
    );
    assert.match(JSON.stringify(last.body.messages[0]), /hi there/);
    assert.equal(readdirSync(path.join(home, 'queens', 'queen_operations', 'sessions')).length, 1);
  });

  it('lets the first message pick the queen of a new session', async () => {
    const run = await hive(['chat', '--base-url', server.url, 'grow my user base'], env);
    assert.equal(run.code, 0, run.err);
    const id = sessionIdIn(run.err);
    assert.ok(server.requests.some(isSelector));
    assert.ok(existsSync(path.join(home, 'queens', 'queen_growth', 'sessions', id)));
  });

  it('--json prints every event as one parseable JSON line', async () => {
    queenStep = () => reply.text('json mode answer', { chunkSize: 4 });
    const run = await hive(
      ['chat', '--json', '--base-url', server.url, '--queen', 'queen_operations', 'hello'],
      env,
    );
    assert.equal(run.code, 0, run.err);
    const events = run.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; stream_id: string; data: Record<string, unknown> });
    const types = events.map((e) => e.type);
    assert.equal(types[0], 'client_input_received');
    assert.ok(types.includes('llm_turn_complete'));
    const deltas = events.filter((e) => e.type === 'client_output_delta');
    assert.ok(deltas.length >= 2);
    assert.equal(deltas.map((e) => e.data.content).join(''), 'json mode answer');
    assert.equal(events.at(-1)!.type, 'custom');
    assert.equal(events.at(-1)!.data.kind, 'usage_totals');
    sessionIdIn(run.err);
  });

  it('retries a 529 and still answers', async () => {
    server.enqueue(fault.overloaded(), reply.text('After the overload.'));
    const run = await hive(['chat', '--base-url', server.url, '--queen', 'queen_operations', 'hi'], env);
    assert.equal(run.code, 0, run.err);
    assert.equal(run.out, 'After the overload.\n');
    assert.ok(queenRequests(server).length >= 2);
  });

  it('a model that stays overloaded: exit 1 and one line naming the session', async () => {
    queenStep = () => fault.overloaded();
    const run = await hive(
      ['chat', '--retries', '2', '--base-url', server.url, '--queen', 'queen_operations', 'hi'],
      env,
    );
    assert.equal(run.code, 1);
    assert.equal(run.out, '');
    const lines = run.err.trim().split('\n');
    assert.equal(lines.length, 1, run.err);
    assert.match(lines[0]!, /^hive: model call failed \(overloaded, after 3 tries\): .*--session session_/);
    assert.equal(queenRequests(server).length, 3);
  });

  it('an unreachable base URL: exit 1 and one line, after the retries', async () => {
    const port = await closedPort();
    const run = await hive(
      ['chat', '--base-url', `http://127.0.0.1:${port}`, '--queen', 'queen_operations', 'hi'],
      env,
    );
    assert.equal(run.code, 1);
    const lines = run.err.trim().split('\n');
    assert.equal(lines.length, 1, run.err);
    assert.match(lines[0]!, /^hive: model call failed \(network, after 5 tries\)/);
  });

  it('Ctrl-C stops the turn and the session cleanly: exit 130, the partial answer kept as truncated', async () => {
    queenStep = () => reply.text('one two three four five six seven eight', { chunkSize: 4, delayMs: 150 });
    const child = spawn(
      cliNode(),
      [
        '-r',
        require.resolve('tsx/cjs'),
        MAIN,
        'chat',
        '--base-url',
        server.url,
        '--queen',
        'queen_operations',
        'hi',
      ],
      { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const closed = new Promise<number | null>((r) => child.on('close', r));
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d) => {
        out += d;
        if (out.length >= 8) resolve();
      }),
    );
    child.kill('SIGINT');
    assert.equal(await closed, 130, err);
    assert.ok(out.length < 'one two three four five six seven eight'.length, out);
    const m = /^session (\S+) \(stopped\)$/m.exec(err);
    assert.ok(m, err);
    const parts = partsOf(path.join(home, 'queens', 'queen_operations', 'sessions', m[1]!));
    assert.equal(parts[1]!.role, 'assistant');
    assert.equal(parts[1]!.truncated, true);
    assert.ok('one two three four five six seven eight'.startsWith(String(parts[1]!.content)));
  });

  it('an unreachable model while picking the queen: exit 1, one line, no session folder', async () => {
    const port = await closedPort();
    const run = await hive(['chat', '--retries', '1', '--base-url', `http://127.0.0.1:${port}`, 'hi'], env);
    assert.equal(run.code, 1);
    const lines = run.err.trim().split('\n');
    assert.equal(lines.length, 1, run.err);
    assert.match(lines[0]!, /^hive: model call failed \(network, after 2 tries\)/);
    assert.doesNotMatch(lines[0]!, /--session/);
    const sessions = path.join(home, 'queens');
    const folders = existsSync(sessions)
      ? readdirSync(sessions).flatMap((q) =>
          existsSync(path.join(sessions, q, 'sessions'))
            ? readdirSync(path.join(sessions, q, 'sessions'))
            : [],
        )
      : [];
    assert.deepEqual(folders, []);
  });

  it('no API key: exit 1 and one line, nothing written', async () => {
    const run = await hive(['chat', '--base-url', server.url, 'hi'], { HIVE_HOME: home });
    assert.equal(run.code, 1);
    assert.equal(run.err.trim().split('\n').length, 1);
    assert.match(run.err, /^hive: no API key: set ANTHROPIC_API_KEY/);
    assert.equal(server.requests.length, 0);
    assert.equal(existsSync(path.join(home, 'queens')), false);
  });

  it('the key may come from the variable configuration.json names', async () => {
    mkdirSync(home, { recursive: true });
    writeFileSync(
      path.join(home, 'configuration.json'),
      JSON.stringify({ llm: { provider: 'anthropic', api_key_env_var: 'MY_KEY' } }),
    );
    const run = await hive(['chat', '--base-url', server.url, '--queen', 'queen_operations', 'hi'], {
      HIVE_HOME: home,
      MY_KEY: 'from-config-var',
    });
    assert.equal(run.code, 0, run.err);
    const headers = queenRequests(server)[0]!.headers;
    assert.match(`${headers.authorization} ${headers['x-api-key']}`, /from-config-var/);
  });

  it('a session live in another process: exit 3 and one line with its code, its transcript untouched; free again after', async () => {
    const first = await hive(['chat', '--base-url', server.url, '--queen', 'queen_operations', 'hi'], env);
    assert.equal(first.code, 0, first.err);
    const id = sessionIdIn(first.err);
    const dir = path.join(home, 'queens', 'queen_operations', 'sessions', id);
    const before = partsOf(dir).length;
    // This test process plays the other one (VS Code with the session open).
    const lock = await acquireSessionLock(dir, id);
    const refused = await hive(['chat', '--base-url', server.url, '--session', id, 'second writer'], env);
    assert.equal(refused.code, 3);
    assert.equal(refused.err.trim().split('\n').length, 1, refused.err);
    assert.match(refused.err, /^hive: SESSION_LOCKED: /);
    assert.ok(refused.err.includes(`pid ${process.pid}`), refused.err);
    assert.equal(partsOf(dir).length, before, 'nothing was appended');
    await lock.release();
    const again = await hive(['chat', '--base-url', server.url, '--session', id, 'now alone'], env);
    assert.equal(again.code, 0, again.err);
    assert.equal(partsOf(dir).length, before + 2);
    assert.ok(!existsSync(path.join(dir, SESSION_LOCK_FILE)), 'the CLI released its lock on exit');
  });

  it('an unknown --session: exit 2 (as sessions show) and one line', async () => {
    const run = await hive(
      ['chat', '--base-url', server.url, '--session', 'session_20990101_000000_deadbeef', 'hi'],
      env,
    );
    assert.equal(run.code, 2);
    assert.equal(run.err.trim().split('\n').length, 1);
    assert.match(run.err, /^hive: unknown session session_20990101_000000_deadbeef/);
    assert.equal(server.requests.length, 0);
  });
});
