// History search in the Sessions view: "Filter Sessions…" keeps the rows whose first message, replies,
// queen or colony name, or id match, opens their groups, and says so in the view; Clear Filter undoes it.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GroupNode } from '../../src/extension/tree/nodes';
import { hiveApi, idsOf, treeSnapshot } from './support';

const RELEASE = 'session_20260421_141200_0f1e2d3c'; // "Draft release notes from the last ten commits."
const SLOW = 'session_20260420_093015_a1b2c3d4'; // "Which tests are slowest in this repo?"

describe('Sessions view filter (history search)', () => {
  afterEach(async () => {
    await vscode.commands.executeCommand('hive.clearSessionsFilter');
  });

  it('is offered in the view title and the palette', async () => {
    await hiveApi();
    const pkg = vscode.extensions.all.find((e) => e.id.endsWith('hive-vscode'));
    const menus = pkg?.packageJSON.contributes.menus['view/title'] as { command: string; when: string }[];
    assert.ok(menus.some((m) => m.command === 'hive.filterSessions' && m.when.includes('hive.sessions')));
    assert.ok(
      menus.some((m) => m.command === 'hive.clearSessionsFilter' && m.when.includes('hive.sessionsFiltered')),
    );
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('hive.filterSessions') && all.includes('hive.clearSessionsFilter'));
  });

  it('matches what was asked, every word, case-insensitively, and counts only the rows shown', async () => {
    const api = await hiveApi();
    const before = idsOf((await treeSnapshot(api)).all);
    assert.ok(before.includes(RELEASE) && before.includes(SLOW), before.join());

    assert.equal(
      await vscode.commands.executeCommand('hive.filterSessions', 'RELEASE notes'),
      'RELEASE notes',
    );
    const { root, all } = await treeSnapshot(api);
    assert.deepEqual(idsOf(all), [RELEASE]);
    const groups = root.filter((n): n is GroupNode => n.kind === 'group');
    assert.equal(groups.length, 1);
    const g = api.sessionsTree.getTreeItem(groups[0]!);
    assert.equal(g.description, '1 session');
    assert.equal(g.collapsibleState, vscode.TreeItemCollapsibleState.Expanded);
    assert.equal(api.sessionsTree.matchCount(), 1);

    // Words need not be adjacent, but all must appear.
    await vscode.commands.executeCommand('hive.filterSessions', 'commits draft');
    assert.deepEqual(idsOf((await treeSnapshot(api)).all), [RELEASE]);
    await vscode.commands.executeCommand('hive.filterSessions', 'draft slowest');
    assert.deepEqual(idsOf((await treeSnapshot(api)).all), []);
    assert.equal(api.sessionsTree.matchCount(), 0);
  });

  it('matches the queen by her display name and the session by its id; Clear Filter shows all again', async () => {
    const api = await hiveApi();
    const before = idsOf((await treeSnapshot(api)).all).sort();
    // queen_operations' display name (her id is not typed).
    await vscode.commands.executeCommand('hive.filterSessions', 'Head of Operations');
    const byQueen = idsOf((await treeSnapshot(api)).all);
    assert.ok(byQueen.includes(RELEASE) && !byQueen.includes(SLOW), byQueen.join());
    await vscode.commands.executeCommand('hive.filterSessions', 'a1b2c3d4');
    assert.deepEqual(idsOf((await treeSnapshot(api)).all), [SLOW]);
    assert.equal(api.sessionsTree.filter, 'a1b2c3d4');

    await vscode.commands.executeCommand('hive.clearSessionsFilter');
    assert.equal(api.sessionsTree.filter, '');
    assert.deepEqual(idsOf((await treeSnapshot(api)).all).sort(), before);
  });
});
