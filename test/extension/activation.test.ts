import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { contributes, hiveApi, hiveExtension, idsOf, treeSnapshot, waitFor } from './support';

// Read when this file loads, before any test touches a Hive command or view.
const activeAtLoad = vscode.extensions.getExtension('hive-vscode.hive-vscode')?.isActive;

describe('activation', () => {
  it('runs the extension under test from this checkout (the development path)', () => {
    // This file is bundled to <checkout>/out/test/extension/activation.test.js.
    const checkout = path.resolve(__dirname, '..', '..', '..');
    const ext = hiveExtension();
    assert.equal(ext.extensionPath, checkout);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('is lazy: nothing activates it at startup', () => {
    const events: string[] = hiveExtension().packageJSON.activationEvents ?? [];
    assert.ok(!events.includes('*'), 'activationEvents must not contain "*"');
    assert.ok(!events.includes('onStartupFinished'), 'activationEvents must not contain onStartupFinished');
    assert.equal(activeAtLoad, false, 'the extension was already active before any Hive command or view');
  });

  it('activates when its Sessions view is opened', async () => {
    await vscode.commands.executeCommand('hive.sessions.focus');
    await waitFor('the extension to activate', () => hiveExtension().isActive);
  });

  it('leaves the session runtime and the model SDK unloaded until a session starts', async () => {
    const api = await hiveApi();
    await api.sessionsTree.getChildren(); // the tree lists cold sessions without the runtime bundle
    await api.keySource();
    const loaded = Object.keys(require.cache).filter((f) => /[\\/]dist[\\/]runtime\.js$/.test(f));
    assert.deepEqual(loaded, [], 'dist/runtime.js was loaded at activation');
  });

  it('loads the chat panel code (dist/chat.js) only when a chat opens, not to show the tree', async () => {
    const api = await hiveApi();
    await api.sessionsTree.getChildren();
    const loaded = () => Object.keys(require.cache).filter((f) => /[\\/]dist[\\/]chat\.js$/.test(f));
    assert.deepEqual(loaded(), [], 'dist/chat.js was loaded at activation');
    await vscode.commands.executeCommand('hive.openChat');
    await waitFor('dist/chat.js to load', () => loaded().length === 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('runs in the fixture workspace, untrusted (Restricted Mode), like a folder just opened', () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'no workspace folder is open');
    assert.equal(folder.uri.scheme, 'file');
    assert.equal(vscode.workspace.isTrusted, false);
  });

  it('receives the test environment (fixture HIVE_HOME, loopback model URL)', () => {
    const home = process.env.HIVE_HOME;
    assert.ok(home, 'HIVE_HOME is not set in the extension host');
    assert.notEqual(home, `${process.env.HOME}/.hive`, 'tests must never use the real ~/.hive');
    assert.match(process.env.ANTHROPIC_BASE_URL ?? '', /^http:\/\/127\.0\.0\.1:\d+/);
  });
});

describe('contributions', () => {
  it('registers every contributed command', async () => {
    await hiveExtension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = (contributes().commands ?? []).map((c) => c.command);
    assert.ok(declared.length > 0, 'the manifest contributes no command');
    const missing = declared.filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], `declared but not registered: ${missing.join(', ')}`);
  });

  it('puts every palette command in the Hive category', () => {
    for (const c of contributes().commands ?? []) assert.equal(c.category, 'Hive', c.command);
  });

  it('contributes the Hive view container with its Sessions view', async () => {
    const containers = contributes().viewsContainers?.activitybar ?? [];
    assert.ok(containers.some((c) => c.id === 'hive' && c.title === 'Hive'));
    const views = contributes().views?.hive ?? [];
    assert.ok(views.some((v) => v.id === 'hive.sessions'));
    // The workbench generates an "open view container" command for each container it knows.
    const registered = new Set(await vscode.commands.getCommands(true));
    assert.ok(registered.has('workbench.view.extension.hive'), 'the Hive view container is not registered');
  });

  it('runs hive.refreshSessions: the Sessions tree is rebuilt from the home', async () => {
    const api = await hiveApi();
    await vscode.commands.executeCommand('workbench.view.extension.hive');
    const before = idsOf((await treeSnapshot(api)).all);
    assert.ok(before.length > 0, 'the fixture home lists sessions');
    let rebuilds = 0;
    const sub = api.sessionsTree.onDidRebuild(() => rebuilds++);
    try {
      assert.equal(await vscode.commands.executeCommand('hive.refreshSessions'), true);
      assert.ok(rebuilds >= 1, 'the refresh rebuilt the tree');
    } finally {
      sub.dispose();
    }
    assert.deepEqual(idsOf((await treeSnapshot(api)).all).sort(), [...before].sort());
  });
});
