import assert from 'node:assert/strict';
import path from 'node:path';
import * as vscode from 'vscode';
import { hiveApi } from './support';

describe('workspace colonies', () => {
  it('detects the sample workspace folder as a colony (.hive/)', async () => {
    const api = await hiveApi();
    const folders = await api.workspaceColonies();
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const mine = folders.find((f) => f.folder === ws);
    assert.ok(mine, 'the workspace folder is not listed');
    assert.equal(mine.colonyDir, path.join(ws, '.hive'));
  });

  it('refuses to load a colony in an untrusted workspace, and says why', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const api = await hiveApi();
    const manager = await api.getManager();
    const before = manager.list().length;
    const ws = vscode.workspace.workspaceFolders![0]!.uri;
    const r = await vscode.commands.executeCommand<{ loaded: boolean; reason?: string; message?: string }>(
      'hive.loadWorkspaceColony',
      ws,
    );
    assert.equal(r?.loaded, false);
    assert.equal(r?.reason, 'untrusted');
    assert.match(r?.message ?? '', /Restricted Mode/);
    assert.match(r?.message ?? '', /trust/);
    assert.equal(manager.list().length, before, 'a session was started for a refused load');
  });
});
