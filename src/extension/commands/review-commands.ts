// Review commands: Approve / Deny in a proposal's diff editor title, and "Undo Agent Changes…".
import * as vscode from 'vscode';
import { type HiveServices, reportError } from '../services';

export function registerReviewCommands(s: HiveServices): vscode.Disposable[] {
  const { log, chat } = s;
  const reg = vscode.commands.registerCommand;
  // Editor-title commands get the editor's resource (the diff's right side); the palette gets nothing.
  const uriOf = (arg: unknown) =>
    arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
  return [
    reg('hive.approveProposal', (arg?: unknown) => chat.answerProposal(uriOf(arg), true)),
    reg('hive.denyProposal', (arg?: unknown) => chat.answerProposal(uriOf(arg), false)),
    reg('hive.undoAgentChanges', async () => {
      try {
        await chat.undoAgentChanges();
      } catch (err) {
        reportError(log, 'Undo Agent Changes', err);
      }
    }),
  ];
}
