// "Filter Sessions…" and "Clear Filter" in the Sessions view's title: the history search's input box,
// and the view's description and message that say which filter is active and how many sessions match.
import * as vscode from 'vscode';
import type { SessionNode } from './nodes';
import type { SessionsTreeProvider } from './sessions-tree';

export function registerSessionsFilter(
  tree: SessionsTreeProvider,
  view: vscode.TreeView<SessionNode>,
): vscode.Disposable[] {
  const show = () => {
    const text = tree.filter;
    void vscode.commands.executeCommand('setContext', 'hive.sessionsFiltered', text !== '');
    if (!text) {
      view.description = undefined;
      view.message = undefined;
      return;
    }
    const n = tree.matchCount();
    view.description = `Filter: ${text}`;
    view.message =
      n === 0
        ? `No session matches “${text}”. Clear the filter to see all sessions.`
        : `${n} session${n === 1 ? '' : 's'} matching “${text}”`;
  };
  return [
    tree.onDidChangeFilter(show),
    vscode.commands.registerCommand('hive.filterSessions', async (text?: unknown) => {
      const value =
        typeof text === 'string'
          ? text
          : await vscode.window.showInputBox({
              title: 'Hive: Filter Sessions',
              prompt:
                'Words to find in what was asked, the replies, the queen or colony name, or the session id',
              placeHolder: 'e.g. release notes',
              value: tree.filter,
            });
      if (value === undefined) return tree.filter;
      await tree.setFilter(value);
      return tree.filter;
    }),
    vscode.commands.registerCommand('hive.clearSessionsFilter', async () => {
      await tree.setFilter('');
    }),
  ];
}
