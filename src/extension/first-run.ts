// First run: the Getting Started walkthrough's command and the `hive.hasReply` context key that
// completes its "Chat with a queen" step (package.json contributes.walkthroughs).
import * as vscode from 'vscode';
import type { RuntimeHost } from './runtime-host';

const WALKTHROUGH = 'hive.gettingStarted';

export function registerFirstRun(
  context: vscode.ExtensionContext,
  runtime: RuntimeHost,
): vscode.Disposable[] {
  // A turn ended (a live session went from busy to idle): the user has had a first reply.
  const busy = new Set<string>();
  let replied = false;
  const watch = runtime.onDidChangeLive(() => {
    if (replied) return;
    for (const s of runtime.peekManager()?.list() ?? []) {
      if (s.busy) busy.add(s.session_id);
      else if (busy.has(s.session_id)) {
        replied = true;
        void vscode.commands.executeCommand('setContext', 'hive.hasReply', true);
        return;
      }
    }
  });
  const open = vscode.commands.registerCommand('hive.gettingStarted', () =>
    vscode.commands.executeCommand(
      'workbench.action.openWalkthrough',
      `${context.extension.id}#${WALKTHROUGH}`,
      false,
    ),
  );
  return [watch, open];
}
