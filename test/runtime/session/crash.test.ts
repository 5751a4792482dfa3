import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fault, reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, useSessionTestEnv } from './helpers';

describe('resume after a crash', function () {
  this.timeout(60_000);
  let server: ScriptedServer;
  let home: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  });

  it('a session whose process was killed mid-turn resumes with full history and continued iterations', async () => {
    const sid = 'session_20260301_101010_c0ffee00';
    server.enqueue(reply.text('answer one'), fault.hang());
    const child = spawn(
      process.execPath,
      ['-r', require.resolve('tsx/cjs'), path.join(__dirname, 'crash-child.ts'), home, server.url, sid],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('exit', (_c, sig) => resolve(sig)),
    );
    await server.waitForRequests(2, 30_000);
    child.kill('SIGKILL');
    assert.equal(await exited, 'SIGKILL');

    const dir = path.join(home, 'queens', 'queen_operations', 'sessions', sid);
    const iterationsIn = () =>
      readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.trim())
        .flatMap((l) => {
          try {
            const it = JSON.parse(l).data?.iteration;
            return typeof it === 'number' ? [it] : [];
          } catch {
            return [];
          }
        });
    const before = iterationsIn();
    const maxBefore = Math.max(...before);
    assert.ok(maxBefore >= 0);

    const mgr = managerFor(home, server);
    const s = await mgr.resumeSession(sid);
    assert.deepEqual(
      (await s.history()).map((p) => [p.role, p.content]),
      [
        ['user', 'first'],
        ['assistant', 'answer one'],
        ['user', 'second'],
      ],
    );
    server.enqueue(reply.text('answer two and three'));
    await s.send('third');
    await mgr.stopAll();
    const after = iterationsIn().slice(before.length);
    assert.ok(after.length > 0);
    assert.ok(Math.min(...after) > maxBefore, `new iterations ${after} continue after ${maxBefore}`);
    // The model saw the unanswered message from before the crash.
    const msgs = JSON.stringify(server.requests.at(-1)?.body.messages);
    assert.match(msgs, /second/);
    assert.match(msgs, /third/);
    assert.equal((await s.history()).at(-1)?.content, 'answer two and three');
  });
});
