import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { ColoniesNode } from '../../src/extension/colonies/colonies-tree';
import { contributes, hiveApi, waitFor } from './support';

const NAME = 'ext_view_colony';

function writeHomeColony(home: string): string {
  const folder = path.join(home, 'colonies', NAME);
  fs.mkdirSync(folder, { recursive: true });
  const json = (f: string, v: unknown) => fs.writeFileSync(path.join(folder, f), JSON.stringify(v, null, 2));
  json('metadata.json', { colony_name: NAME, queen_name: 'queen_operations' });
  json('triggers.json', [
    {
      id: 'hourly',
      trigger_type: 'timer',
      trigger_config: { interval_minutes: 60 },
      task: 'Check the inbox',
    },
    {
      id: 'hook',
      trigger_type: 'webhook',
      trigger_config: { path: '/hooks/mail', port: 0 },
      task: 'New mail',
    },
  ]);
  // worker.json last: the colony counts as one from then on.
  json('worker.json', {
    name: 'worker',
    system_prompt: 'You triage mail.',
    goal: { description: 'Triage the inbox' },
  });
  return folder;
}

describe('Colonies view', function () {
  this.timeout(60_000);

  it('is contributed to the Hive container', () => {
    const views = contributes().views?.hive ?? [];
    assert.ok(views.some((v) => v.id === 'hive.colonies' && v.name === 'Colonies'));
  });

  it('lists HIVE_HOME and workspace colonies with goal and triggers, follows the disk, shows running', async () => {
    const api = await hiveApi();
    const view = api.coloniesTree;
    const home = api.hiveHome();
    const ws = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    const before = Date.now();
    const folder = writeHomeColony(home);
    try {
      // Written after the view first listed: the watch brings it in without a refresh command.
      await view.getChildren();
      const row = (await waitFor('the new colony in the view', async () =>
        (await view.colonies()).find((c) => c.name === NAME),
      ))!;
      assert.equal(row.source, 'home');
      assert.equal(row.goal, 'Triage the inbox');
      assert.equal(row.sessionId, null);
      const hourly = row.triggers.find((t) => t.id === 'hourly')!;
      assert.equal(hourly.schedule, 'every 1 h');
      assert.ok(hourly.nextFireAt! >= before + 3_600_000 && hourly.nextFireAt! <= Date.now() + 3_600_000);
      assert.equal(row.triggers.find((t) => t.id === 'hook')?.schedule, 'POST /hooks/mail');
      const sample = (await view.colonies()).find((c) => c.folder === ws);
      assert.equal(sample?.source, 'workspace', 'the sample workspace colony is listed');

      const node = (await view.getChildren()).find((n) => n.kind === 'colony' && n.overview.name === NAME)!;
      const item = view.getTreeItem(node);
      assert.equal(item.contextValue, 'colony.idle');
      // Its display name, as everywhere else; the id in the tooltip.
      assert.equal(item.label, 'Ext View Colony');
      assert.match(
        (item.tooltip as vscode.MarkdownString).value.replace(/&nbsp;/g, ' ').replace(/\\/g, ''),
        /Ext View Colony \(ext_view_colony\)/,
      );
      assert.match(String(item.description), /not running · Triage the inbox/);
      const kids = (await view.getChildren(node)) as ColoniesNode[];
      assert.match(String(view.getTreeItem(kids[0]!).description), /every 1 h · next in (59 min|1 h)/);

      // Restricted Mode: starting the colony is refused, nothing starts.
      const manager = await api.getManager();
      const live = manager.list().length;
      assert.equal(await vscode.commands.executeCommand('hive.startColonyTriggers', NAME), undefined);
      assert.equal(manager.list().length, live);

      // A session running it (through the runtime): the view says running, triggers on.
      const session = await manager.openColony(folder);
      try {
        const running = (await waitFor('the colony shown running', async () =>
          (await view.colonies()).find((c) => c.name === NAME && c.sessionId === session.id),
        ))!;
        assert.ok(running.triggers.every((t) => t.active));
        const runningNode = (await view.getChildren()).find(
          (n) => n.kind === 'colony' && n.overview.name === NAME,
        )!;
        assert.equal(view.getTreeItem(runningNode).contextValue, 'colony.running');

        assert.equal(await vscode.commands.executeCommand('hive.stopColonyTriggers', NAME), 2);
        await waitFor('the triggers shown off', async () =>
          (await view.colonies()).find((c) => c.name === NAME && c.triggers.every((t) => !t.active)),
        );
      } finally {
        await manager.stopSession(session.id);
      }
      await waitFor('the colony shown not running', async () =>
        (await view.colonies()).find((c) => c.name === NAME && c.sessionId === null),
      );
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
    await waitFor('the removed colony gone from the view', async () =>
      (await view.colonies()).every((c) => c.name !== NAME),
    );
  });
});
