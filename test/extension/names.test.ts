import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import type { GroupNode, SessionNode } from '../../src/extension/tree/nodes';
import { hiveApi, treeSnapshot } from './support';

function item(node: SessionNode, api: Awaited<ReturnType<typeof hiveApi>>): vscode.TreeItem {
  return api.sessionsTree.getTreeItem(node) as vscode.TreeItem;
}

function text(v: string | vscode.TreeItemLabel | vscode.MarkdownString | undefined | boolean): string {
  if (typeof v === 'string') return v;
  if (!v || typeof v === 'boolean') return '';
  return 'value' in v ? v.value : v.label;
}

describe('names in the Sessions tree', () => {
  it('queens by display name (id in the tooltip), sessions by their first message, counts as shown', async () => {
    const api = await hiveApi();
    const { root } = await treeSnapshot(api);
    const groups = root.filter((n): n is GroupNode => n.kind === 'group');
    const tech = groups.find((g) => g.queenId === 'queen_technology');
    assert.ok(tech, 'no queen_technology group');
    const techItem = item(tech, api);
    assert.equal(text(techItem.label), 'Alexandra · Head of Technology');
    assert.match(text(techItem.tooltip), /\(queen_technology\)/);
    for (const g of groups) {
      const shown = ((await api.sessionsTree.getChildren(g)) ?? []).filter((n) => n.kind === 'cold');
      const said = Number(/^(\d+) sessions?$/.exec(text(item(g, api).description))?.[1]);
      if (shown.length < 200) assert.equal(said, shown.length, `${g.key}: the count matches the rows`);
      for (const row of shown) {
        if (row.kind !== 'cold' || !row.entry.first_message) continue;
        const label = text(item(row, api).label);
        assert.ok(
          row.entry.first_message.replace(/\s+/g, ' ').startsWith(label.slice(0, 20)),
          `${row.entry.session_id} is titled "${label}", not by its first message`,
        );
      }
    }
    const titled = groups.flatMap((g) => g.rows).filter((r) => r.first_message);
    assert.ok(titled.length > 0, 'no session of the fixture home has a first message');
  });
});
