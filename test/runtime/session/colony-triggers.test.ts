import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { panelTriggerView } from '../../../src/extension/chat/trigger-panel-view';
import type { LiveSession } from '../../../src/runtime/session';
import {
  type RecordedRequest,
  reply,
  type ScriptedServer,
  startScriptedServer,
} from '../../support/scripted-anthropic-server';
import { textOf, waitFor, workspaceColony } from './colony-helpers';
import { managerFor, removeDir, tempDir } from './helpers';

// The wiring of a session's triggers to its colony (docs/hive-format.md §3 rules 10, 12, 18): attached on load, listed to
// the queen, a fire reaches her live loop, detached on unload and stop.
const TRIGGERS = [
  {
    id: 'nightly',
    trigger_type: 'timer',
    trigger_config: { interval_minutes: 60 },
    task: 'Tidy',
    enabled: false,
  },
  {
    id: 'push',
    trigger_type: 'webhook',
    trigger_config: { path: '/hooks/push', methods: ['POST'], port: 0 },
    task: 'Review the push',
  },
];

function offered(req: RecordedRequest): string[] {
  return ((req.body.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
}

async function post(url: string, secret: string | undefined): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (secret) headers['x-hive-secret'] = secret;
  const res = await fetch(url, { method: 'POST', headers, body: '{"ref":"main"}' });
  await res.text();
  return res.status;
}

describe('colony triggers in a live session', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  let session: LiveSession | undefined;
  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir();
    work = tempDir('hive-work-');
  });
  afterEach(async () => {
    await session?.stop();
    await server.close();
    removeDir(home);
    removeDir(work);
  });

  async function colonyWithTriggers(): Promise<string> {
    const folder = await workspaceColony(work);
    writeFileSync(path.join(folder, '.hive', 'triggers.json'), JSON.stringify(TRIGGERS));
    return folder;
  }

  it('starts the enabled triggers on load, tells the queen, and a webhook fire reaches her', async () => {
    server.setResponder(() => reply.text('Noted.'));
    const mgr = managerFor(home, server);
    session = await mgr.createSession({
      queenId: 'queen_technology',
      colonyFolder: await colonyWithTriggers(),
    });
    const s = session;

    const views = s.triggers.list().map(panelTriggerView);
    assert.deepEqual(views.map((v) => [v.id, v.enabled]).sort(), [
      ['nightly', false],
      ['push', true],
    ]);
    const hook = views.find((v) => v.id === 'push')?.webhook;
    assert.ok(hook, 'the webhook trigger has a URL');
    assert.match(hook.url, /^http:\/\/127\.0\.0\.1:\d+\/hooks\/push$/);

    await s.send('hello');
    const first = server.requests[0]!;
    assert.match(textOf(first), /Active triggers[\s\S]*push \(webhook/);
    assert.match(textOf(first), /Available triggers \(inactive[\s\S]*nightly \(timer/);
    // docs/hive-format.md §3 Rule 10: the trigger tools belong to REVIEWING (a new colony session starts WORKING).
    assert.ok(!offered(first).includes('set_trigger'));
    await s.setPhase('reviewing');
    await s.send('what runs?');
    for (const name of ['set_trigger', 'remove_trigger', 'list_triggers'])
      assert.ok(offered(server.requests.at(-1)!).includes(name), `the queen is offered ${name}`);

    assert.equal(await post(hook.url, undefined), 401, 'no secret: refused');
    const before = server.requests.length;
    assert.equal(await post(hook.url, await s.triggers.webhookSecret('push')), 202);
    await waitFor(() => server.requests.length > before && !s.busy, 'the queen to run on the fire');
    const fired = server.requests.at(-1)!;
    assert.match(textOf(fired), /\[TRIGGER: webhook\/push\]/);
    assert.match(textOf(fired), /Review the push/);
  });

  it('unload and stop close the webhook server and clear the list', async () => {
    server.setResponder(() => reply.text('Noted.'));
    const mgr = managerFor(home, server);
    session = await mgr.createSession({
      queenId: 'queen_technology',
      colonyFolder: await colonyWithTriggers(),
    });
    const url = session.triggers
      .list()
      .map(panelTriggerView)
      .find((v) => v.id === 'push')?.webhook?.url;
    assert.ok(url);
    assert.equal(await session.unloadColony(), true);
    assert.deepEqual(session.triggers.list(), []);
    await assert.rejects(post(url, 'x'), 'the webhook port is closed after unload');

    await session.loadColony(path.join(work, 'proj'));
    const again = session.triggers
      .list()
      .map(panelTriggerView)
      .find((v) => v.id === 'push')?.webhook?.url;
    assert.ok(again);
    await session.stop();
    await assert.rejects(post(again, 'x'), 'the webhook port is closed after stop');
  });
});
