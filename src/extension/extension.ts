import * as vscode from 'vscode';

// Activation stays light: nothing heavy is imported at the top level of this file.
export function activate(context: vscode.ExtensionContext): void {
  const output = vscode.window.createOutputChannel('Hive', { log: true });
  context.subscriptions.push(output);
  context.subscriptions.push(
    vscode.commands.registerCommand('hive.refreshSessions', () => {
      output.info('Refresh requested');
    }),
  );
}

export function deactivate(): void {}
