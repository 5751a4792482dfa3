import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import { contributes, hiveApi, hiveExtension, idsOf, treeSnapshot, waitFor } from './support';

const FIXTURE_COLD = 'session_20260420_093015_a1b2c3d4';
const FIXTURE_DAMAGED = 'session_20260419_080000_deadbeef';

interface Manifest {
  menus?: Record<string, { command: string; when?: string }[]>;
  viewsWelcome?: { view: string; contents: string; when?: string }[];
  configuration?: { properties: Record<string, { markdownDescription?: string; description?: string }> };
}

function manifest(): Manifest {
  return hiveExtension().packageJSON.contributes as Manifest;
}

function chatTabOpen(): boolean {
  return vscode.window.tabGroups.all.some((g) =>
    g.tabs.some((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('hive.chat')),
  );
}

describe('palette commands', () => {
  before(async () => {
    await hiveApi();
  });

  afterEach(async () => {
    const m = await (await hiveApi()).getManager();
    await m.stopAll();
  });

  it('contributes the sixteen Hive commands, each registered, and menus use only those', async () => {
    const declared = (contributes().commands ?? []).map((c) => c.command);
    for (const id of [
      'hive.newSession',
      'hive.openChat',
      'hive.resumeSession',
      'hive.stopSession',
      'hive.loadWorkspaceColony',
      'hive.unloadColony',
      'hive.newColony',
      'hive.setApiKey',
      'hive.clearApiKey',
      'hive.activateTrigger',
      'hive.deactivateTrigger',
      'hive.runTrigger',
      'hive.revealSession',
      'hive.deleteSession',
      'hive.refreshSessions',
      'hive.showLogs',
    ])
      assert.ok(declared.includes(id), `${id} is not contributed`);
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('hive.sessions.showMore'));
    for (const [menu, items] of Object.entries(manifest().menus ?? {}))
      for (const item of items) assert.ok(declared.includes(item.command), `${menu} uses ${item.command}`);
    for (const w of manifest().viewsWelcome ?? [])
      for (const [, cmd] of w.contents.matchAll(/\(command:([\w.]+)\)/g))
        assert.ok(registered.has(cmd!) || cmd === 'workbench.trust.manage', `welcome view links ${cmd}`);
  });

  it('describes every setting', () => {
    const props = manifest().configuration?.properties ?? {};
    for (const key of [
      'hive.model',
      'hive.maxTokens',
      'hive.apiBaseUrl',
      'hive.home',
      'hive.autoApprove',
      'hive.workerConcurrency',
      'hive.models',
      'hive.thinking.budgetTokens',
    ]) {
      assert.ok(props[key], `${key} is not contributed`);
      assert.ok(
        (props[key]!.markdownDescription ?? props[key]!.description ?? '').length > 20,
        `${key} has no description`,
      );
    }
    assert.ok(
      !Object.keys(props).some((k) => /key|secret|token$/i.test(k) && k !== 'hive.maxTokens'),
      'no key setting',
    );
  });

  it('runs Show Logs (the Hive output opens) and Refresh Sessions (the tree is rebuilt)', async () => {
    await vscode.commands.executeCommand('hive.showLogs');
    await waitFor('the Hive output channel to open', () =>
      vscode.workspace.textDocuments.some((d) => d.uri.scheme === 'output' && /Hive/.test(d.uri.path)),
    );
    const api = await hiveApi();
    await treeSnapshot(api);
    let rebuilds = 0;
    const sub = api.sessionsTree.onDidRebuild(() => rebuilds++);
    try {
      assert.equal(await vscode.commands.executeCommand('hive.refreshSessions'), true);
      assert.ok(rebuilds >= 1, 'the refresh rebuilt the tree');
    } finally {
      sub.dispose();
    }
    assert.ok(idsOf((await treeSnapshot(api)).all).includes(FIXTURE_COLD));
  });

  it('keeps the API key in secret storage, never in settings', async () => {
    const api = await hiveApi();
    const key = 'sk-ant-host-test-0123456789';
    assert.equal(await vscode.commands.executeCommand('hive.setApiKey', key), true);
    assert.equal(await api.keySource(), 'secret-storage');
    const hive = vscode.workspace.getConfiguration('hive');
    assert.ok(!JSON.stringify(hive).includes(key), 'the key shows up in the hive settings');
    for (const k of ['model', 'maxTokens', 'apiBaseUrl', 'home', 'autoApprove', 'workerConcurrency']) {
      const i = hive.inspect(k);
      assert.ok(!JSON.stringify(i ?? {}).includes(key), `the key shows up in hive.${k}`);
    }
    assert.ok(
      !JSON.stringify(vscode.workspace.getConfiguration()).includes(key),
      'the key is in some setting',
    );
    // A bad key is refused and the stored one stays.
    assert.equal(await vscode.commands.executeCommand('hive.setApiKey', 'not a key'), false);
    assert.equal(await api.keySource(), 'secret-storage');
    assert.equal(await vscode.commands.executeCommand('hive.clearApiKey'), true);
    assert.equal(await api.keySource(), 'env:ANTHROPIC_API_KEY');
  });

  it('asks for an API key instead of starting a session without one', async () => {
    const api = await hiveApi();
    const manager = await api.getManager();
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      assert.equal(await api.keySource(), 'none');
      const before = manager.list().length;
      assert.equal(await vscode.commands.executeCommand('hive.newSession'), undefined);
      assert.equal(manager.list().length, before, 'a session started without a key');
    } finally {
      process.env.ANTHROPIC_API_KEY = saved;
    }
    assert.equal(await api.keySource(), 'env:ANTHROPIC_API_KEY');
  });

  it('starts a new session, shows it first in the tree and in the status bar, opens its chat', async () => {
    const api = await hiveApi();
    const id = await vscode.commands.executeCommand<string>('hive.newSession', {
      queenId: 'queen_technology',
    });
    assert.match(id ?? '', /^session_\d{8}_\d{6}_[0-9a-f]+$/);
    const manager = await api.getManager();
    assert.ok(manager.isLive(id!));
    await waitFor('the chat panel tab', chatTabOpen);
    assert.equal(api.activeSessionId(), id);
    const queen = manager.get(id!)!.queen.name;
    assert.ok(api.statusText().includes(queen), `status bar: ${api.statusText()}`);
    const { root } = await treeSnapshot(api);
    assert.equal(root[0]?.kind, 'live');
    assert.deepEqual(idsOf(root.slice(0, 1)), [id]);
    const item = api.sessionsTree.getTreeItem(root[0]!) as vscode.TreeItem;
    assert.equal(item.contextValue, 'session.live');

    await vscode.commands.executeCommand('hive.openChat', id);
    assert.equal(await vscode.commands.executeCommand('hive.stopSession', id), true);
    assert.ok(!manager.isLive(id!));
    // Stopped, it is a cold session of its queen.
    await waitFor('the stopped session in the cold list', async () => {
      const { all } = await treeSnapshot(api);
      return all.some((n) => n.kind === 'cold' && n.entry.session_id === id);
    });
    assert.equal(await vscode.commands.executeCommand('hive.stopSession', id), false);
  });

  it('opens a cold session in the chat without resuming it (a click in the Sessions view)', async () => {
    const api = await hiveApi();
    await vscode.commands.executeCommand('hive.openChat', FIXTURE_COLD);
    await waitFor('the chat panel tab', chatTabOpen);
    assert.equal(api.activeSessionId(), FIXTURE_COLD);
    assert.ok(!(await api.getManager()).isLive(FIXTURE_COLD), 'browsing a cold session does not resume it');
  });

  it('resumes a cold session from the fixture home, then stops it', async () => {
    const api = await hiveApi();
    assert.equal(await vscode.commands.executeCommand('hive.resumeSession', FIXTURE_COLD), FIXTURE_COLD);
    const manager = await api.getManager();
    assert.ok(manager.isLive(FIXTURE_COLD));
    const { root, all } = await treeSnapshot(api);
    assert.equal(root[0]?.kind, 'live');
    assert.equal(
      all.filter((n) => idsOf([n]).includes(FIXTURE_COLD)).length,
      1,
      'listed once (live, not cold)',
    );
    assert.equal(await vscode.commands.executeCommand('hive.stopSession', FIXTURE_COLD), true);
  });

  it('resumes a session whose meta.json is torn, keeping the damaged file beside the new one', async () => {
    const api = await hiveApi();
    const manager = await api.getManager();
    // A copy, so the fixture stays damaged for the Sessions view's tests.
    const source = sessionFolder(api.hiveHome(), FIXTURE_DAMAGED);
    assert.ok(source, 'the damaged fixture session is on disk');
    const copyId = 'session_20260419_080001_deadbee1';
    const copy = path.join(path.dirname(source!), copyId);
    fs.cpSync(source!, copy, { recursive: true });
    const r = await vscode.commands.executeCommand<string>('hive.resumeSession', copyId);
    assert.equal(r, copyId);
    assert.ok(manager.isLive(copyId));
    const kept = fs.readdirSync(copy).filter((f) => f.startsWith('meta.json.damaged-'));
    assert.equal(kept.length, 1, 'the torn meta.json is kept aside');
    assert.equal(
      fs.readFileSync(path.join(copy, kept[0]!), 'utf8'),
      fs.readFileSync(path.join(source!, 'meta.json'), 'utf8'),
    );
    assert.doesNotThrow(() => JSON.parse(fs.readFileSync(path.join(copy, 'meta.json'), 'utf8')));
    assert.equal(await vscode.commands.executeCommand('hive.stopSession', copyId), true);
  });

  it('reveals a session folder', async () => {
    const api = await hiveApi();
    const dir = await vscode.commands.executeCommand<string>('hive.revealSession', FIXTURE_COLD);
    assert.ok(dir?.startsWith(api.hiveHome()), dir);
    assert.ok(fs.existsSync(path.join(dir!, 'meta.json')));
  });

  it('deletes a cold session (confirmed) and a live one after stopping it', async () => {
    const api = await hiveApi();
    const manager = await api.getManager();
    const cold = await vscode.commands.executeCommand<string>('hive.newSession', {
      queenId: 'queen_technology',
    });
    const dir = manager.get(cold!)!.dir;
    await vscode.commands.executeCommand('hive.stopSession', cold);
    assert.ok(fs.existsSync(dir));
    assert.equal(await vscode.commands.executeCommand('hive.deleteSession', cold, { confirmed: true }), true);
    assert.ok(!fs.existsSync(dir), 'the folder is still there');
    const { all } = await treeSnapshot(api);
    assert.ok(!idsOf(all).includes(cold!), 'the deleted session is still listed');

    const live = await vscode.commands.executeCommand<string>('hive.newSession', {
      queenId: 'queen_technology',
    });
    const liveDir = manager.get(live!)!.dir;
    assert.equal(await vscode.commands.executeCommand('hive.deleteSession', live, { confirmed: true }), true);
    assert.ok(!manager.isLive(live!));
    assert.ok(!fs.existsSync(liveDir));
  });

  it('creates a colony in a folder', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-new-colony-'));
    try {
      const r = await vscode.commands.executeCommand<{ name: string; dir: string }>(
        'hive.newColony',
        folder,
        {
          goal: 'Keep the README short.',
        },
      );
      assert.equal(r?.dir, path.join(folder, '.hive'));
      const worker = JSON.parse(fs.readFileSync(path.join(folder, '.hive', 'worker.json'), 'utf8'));
      assert.match(JSON.stringify(worker.goal), /Keep the README short/);
      // A second colony in the same folder is refused (reported, not thrown).
      assert.equal(
        await vscode.commands.executeCommand('hive.newColony', folder, { goal: 'again' }),
        undefined,
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs Unload Colony headless, and refuses the trigger commands in Restricted Mode', async () => {
    const id = await vscode.commands.executeCommand<string>('hive.newSession', {
      queenId: 'queen_technology',
    });
    assert.equal(typeof (await vscode.commands.executeCommand('hive.unloadColony', id)), 'boolean');
    for (const c of ['hive.activateTrigger', 'hive.deactivateTrigger', 'hive.runTrigger'])
      assert.equal(await vscode.commands.executeCommand(c, id, 'morning_notes'), false, c);
  });
});

/** The folder of a session in either of Hive's layouts (agents/queens or queens). */
function sessionFolder(home: string, id: string): string | undefined {
  for (const queens of [path.join(home, 'agents', 'queens'), path.join(home, 'queens')]) {
    if (!fs.existsSync(queens)) continue;
    for (const q of fs.readdirSync(queens)) {
      const dir = path.join(queens, q, 'sessions', id);
      if (fs.existsSync(dir)) return dir;
    }
  }
  return undefined;
}
