import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../../src/cli/run';
import { pendingShutdownReflections } from '../../../src/runtime/queen';
import { type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';
import { COLONY_ARGS, scriptedQueen, VERDICT_READY } from '../session/colony-create-helpers';
import { removeDir, tempDir } from '../session/helpers';

/** create_colony through `hive chat`, then the colony run by name with `hive colony run`. */
describe('hive chat creates a colony; hive colony run runs it by name', function () {
  this.timeout(60_000);
  let server: ScriptedServer;
  let home: string;
  let work: string;
  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-cc-home-');
    work = tempDir('hive-cc-work-');
    // Port 0: the test must not depend on 8090 being free.
    scriptedQueen(server, VERDICT_READY, {
      ...COLONY_ARGS,
      triggers: [
        {
          id: 'daily',
          trigger_type: 'timer',
          trigger_config: { cron: '0 9 * * *' },
          task: 'Write the digest',
        },
        {
          id: 'push',
          trigger_type: 'webhook',
          trigger_config: { path: '/hooks/push', port: 0 },
          task: 'Refresh the digest',
        },
      ],
    });
  });
  afterEach(async () => {
    await pendingShutdownReflections();
    await server.close();
    removeDir(home);
    removeDir(work);
  });

  async function cli(argv: string[], untilStopped?: (out: () => string) => Promise<string>) {
    let out = '';
    let err = '';
    const code = await runCli(argv, {
      out: (s) => (out += s),
      err: (s) => (err += s),
      env: { HIVE_HOME: home, ANTHROPIC_API_KEY: 'test', ANTHROPIC_BASE_URL: server.url },
      untilStopped: untilStopped ? () => untilStopped(() => out) : undefined,
    });
    return { code, out, err };
  }

  async function until(out: () => string, re: RegExp): Promise<string> {
    const end = Date.now() + 20_000;
    while (!re.test(out())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re} in:\n${out()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return 'test stop';
  }

  it('creates, refuses the locked DM (exit 3), runs the triggers by name and the worker alone', async () => {
    const created = await cli([
      'chat',
      '--queen',
      'queen_technology',
      '--workspace',
      work,
      'make it a colony',
    ]);
    assert.equal(created.code, 0, created.err);
    const sid = created.err.match(/session (session_\w+)/)![1]!;
    const folder = path.join(home, 'colonies', 'morning_digest');
    const metadata = JSON.parse(readFileSync(path.join(folder, 'metadata.json'), 'utf8'));
    assert.equal(metadata.source_session_id, sid);
    assert.equal(metadata.workspace_folder, work);

    const refused = await cli(['chat', '--session', sid, 'and one more thing']);
    assert.equal(refused.code, 3);
    assert.match(refused.err, /locked: it created the colony 'morning_digest'/);
    assert.match(refused.err, /hive colony run morning_digest/);

    const run = await cli(['colony', 'run', 'morning_digest', '--no-reflection'], (out) =>
      until(out, /Running; Ctrl\+C to stop\./),
    );
    assert.equal(run.code, 0, run.err);
    // The colony opens its own session: the fork named in metadata.json.
    assert.match(run.out, new RegExp(`Session ${metadata.queen_session_id} `));
    assert.match(run.out, /Colony morning_digest /);
    assert.match(run.out, /Timer daily: next fire \d{4}-\d\d-\d\dT09:00:00\.000Z/);
    assert.match(run.out, /Webhook push: POST http:\/\/127\.0\.0\.1:\d+\/hooks\/push/);

    const worker = await cli(['colony', 'run', 'morning_digest', '--worker', '--no-reflection']);
    assert.equal(worker.code, 0, worker.err);
    assert.match(worker.err, /Worker-only session (session_\w+) \(worker worker of colony morning_digest\)/);
    assert.match(worker.out, /All set\./);
    const wid = worker.err.match(/Worker-only session (session_\w+)/)![1]!;
    // The worker's own prompt (worker.json system_prompt), and its task from worker.json as the message.
    const workerReq = server.requests.find((r) =>
      JSON.stringify(r.body.system).includes('You are a focused worker agent spawned by the queen'),
    );
    assert.ok(workerReq, 'a model call with the worker prompt');
    assert.equal(JSON.stringify(workerReq.body.messages).includes(COLONY_ARGS.task), true);
    const wmeta = JSON.parse(
      readFileSync(path.join(home, 'queens', 'queen_technology', 'sessions', wid, 'meta.json'), 'utf8'),
    );
    assert.equal(wmeta.worker_name, 'worker');

    const unknown = await cli(['colony', 'run', 'no_such_colony']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /no colony of that name under/);
  });
});
