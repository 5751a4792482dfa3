// Set / Clear API Key: SecretStorage only.
import * as vscode from 'vscode';
import { validateApiKey } from '../api-key';
import { automationAllowed, type HiveServices, info, reportError } from '../services';

export function registerKeyCommands(s: HiveServices): vscode.Disposable[] {
  const { keys, log } = s;
  return [
    // The argument is for our own tests only; otherwise the key is typed into a password box.
    vscode.commands.registerCommand('hive.setApiKey', async (given?: unknown) => {
      try {
        if (given !== undefined && typeof given === 'string' && !automationAllowed(s.context))
          log.warn('Set API Key: a key passed by another extension was ignored; asking the user');
        let key = typeof given === 'string' && automationAllowed(s.context) ? given : undefined;
        if (key === undefined) {
          key = await vscode.window.showInputBox({
            title: 'Hive: Set API Key',
            prompt: "Your Anthropic API key. It is kept in VS Code's secret storage, never in settings.",
            placeHolder: 'sk-ant-…',
            password: true,
            ignoreFocusOut: true,
            validateInput: validateApiKey,
          });
        }
        if (key === undefined) return false;
        const problem = validateApiKey(key);
        if (problem) {
          void vscode.window.showErrorMessage(`Hive: ${problem}`);
          return false;
        }
        await keys.set(key);
        await s.updateKeyContext();
        log.info('API key stored in secret storage');
        info("Hive: API key saved in VS Code's secret storage.");
        return true;
      } catch (err) {
        reportError(log, 'Set API Key', err);
        return false;
      }
    }),
    vscode.commands.registerCommand('hive.clearApiKey', async () => {
      try {
        await keys.clear();
        await s.updateKeyContext();
        log.info('API key removed from secret storage');
        const fallback = process.env.ANTHROPIC_API_KEY
          ? ' ANTHROPIC_API_KEY from the environment is used now.'
          : '';
        info(`Hive: API key removed from secret storage.${fallback}`);
        return true;
      } catch (err) {
        reportError(log, 'Clear API Key', err);
        return false;
      }
    }),
  ];
}
