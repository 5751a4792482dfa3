import * as vscode from 'vscode';
import { ChatPanel } from './chat/chatPanel';

// Activation stays light: nothing heavy is imported at the top level of this file.
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Hive', { log: true });
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand('hive.refreshSessions', () => {
      output.info('Refresh requested');
    }),
  );
  context.subscriptions.push(
    vscode.commands.registerCommand('hive.openChat', () => ChatPanel.show(context.extensionUri, output)),
  );
}

export function deactivate(): void {}
