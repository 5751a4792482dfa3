// Colony commands: Load Workspace Folder as Colony, Unload Colony, New Colony in Folder.
// Loading is refused in Restricted Mode (a colony runs workers, tools and commands from its files).
import path from 'node:path';
import * as vscode from 'vscode';
import { runtimeModule } from '../bundles';
import type { LoadedColonyWatch } from '../colonies/workspace-colonies';
import { pickFolder, pickLiveSession } from '../pickers';
import { type HiveServices, info, reportError } from '../services';
import { sessionIdOf } from '../tree/nodes';

export interface LoadResult {
  loaded: boolean;
  reason?: 'untrusted' | 'no-folder' | 'no-colony' | 'failed';
  message?: string;
  sessionId?: string;
  folder?: string;
}

export const UNTRUSTED_COLONY_MESSAGE =
  'Hive: colonies cannot be loaded in Restricted Mode. A colony runs workers, tools and commands from the ' +
  "folder's files, so VS Code must trust this workspace first.";

/** A folder given as a Uri, a WorkspaceFolder or a path. */
function folderOf(arg: unknown): string | undefined {
  if (typeof arg === 'string' && arg) return path.resolve(arg);
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  const uri = (arg as { uri?: unknown } | undefined)?.uri;
  if (uri instanceof vscode.Uri && uri.scheme === 'file') return uri.fsPath;
  return undefined;
}

export function registerColonyCommands(s: HiveServices): vscode.Disposable[] {
  const { runtime, log, colonies } = s;

  const load = async (folderArg?: unknown, sessionArg?: unknown): Promise<LoadResult> => {
    // From a session's context menu the row comes first: it names the session, not the folder.
    if (typeof folderArg === 'object' && folderArg !== null && 'kind' in folderArg) {
      sessionArg = folderArg;
      folderArg = undefined;
    }
    if (!vscode.workspace.isTrusted) {
      log.warn('colony load refused: the workspace is not trusted (Restricted Mode)');
      void vscode.window.showWarningMessage(UNTRUSTED_COLONY_MESSAGE, 'Manage Workspace Trust').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.trust.manage');
      });
      return { loaded: false, reason: 'untrusted', message: UNTRUSTED_COLONY_MESSAGE };
    }
    try {
      let folder = folderOf(folderArg);
      if (!folder) {
        const uri = await pickFolder(await colonies.folders(), 'Hive: Load Folder as Colony', {
          browseLabel: 'Choose another folder…',
        });
        folder = uri?.scheme === 'file' ? uri.fsPath : undefined;
      }
      if (!folder) return { loaded: false, reason: 'no-folder' };
      const location = await colonies.locate(folder);
      if (!location) {
        const message = `Hive: "${path.basename(folder)}" has no colony definition (metadata.json or worker.json, in .hive/ or at its root).`;
        void vscode.window.showWarningMessage(message, 'New Colony in Folder').then((c) => {
          if (c) void vscode.commands.executeCommand('hive.newColony', vscode.Uri.file(folder!));
        });
        return { loaded: false, reason: 'no-colony', message, folder };
      }
      // The runtime's one colony-open path, as `hive colony run` (docs/hive-format.md §3 rules 1, 5, 7, 22):
      // a session's menu names the session; otherwise the colony's own session, else the chat in front.
      const manager = await runtime.getManager();
      const active = s.activeSessionId();
      const session = await manager.openColony(folder, {
        into: sessionIdOf(sessionArg),
        fallback: active && manager.isLive(active) ? active : undefined,
      });
      if (session.id !== active) await s.chat.open(session.id);
      await colonies.watch({ sessionId: session.id, folder, dir: location.dir });
      log.info(`colony ${folder} loaded into session ${session.id}`);
      info(`Hive: colony "${path.basename(folder)}" loaded.`);
      return { loaded: true, sessionId: session.id, folder };
    } catch (err) {
      reportError(log, 'Load Colony', err);
      return { loaded: false, reason: 'failed', message: err instanceof Error ? err.message : String(err) };
    }
  };

  const reload = async (w: LoadedColonyWatch): Promise<void> => {
    const session = runtime.liveSession(w.sessionId);
    if (!session) {
      colonies.unwatch(w.sessionId);
      return;
    }
    try {
      await session.unloadColony();
      await session.loadColony(w.folder);
      log.info(`colony ${w.folder} reloaded in session ${w.sessionId}`);
    } catch (err) {
      reportError(log, 'Reload Colony', err);
    }
  };
  colonies.setReload(reload);

  return [
    vscode.commands.registerCommand('hive.loadWorkspaceColony', load),

    vscode.commands.registerCommand('hive.unloadColony', async (sessionArg?: unknown) => {
      try {
        const manager = runtime.peekManager();
        const live = manager?.list() ?? [];
        let id = sessionIdOf(sessionArg) ?? s.activeSessionId();
        if (!id || !manager?.isLive(id)) id = await pickLiveSession(live, 'Hive: Unload Colony');
        const session = id ? manager?.get(id) : undefined;
        if (!session) return false;
        await session.unloadColony();
        colonies.unwatch(session.id);
        log.info(`colony unloaded from session ${session.id}`);
        info('Hive: colony unloaded; the queen stays in the session.');
        return true;
      } catch (err) {
        reportError(log, 'Unload Colony', err);
        return false;
      }
    }),

    vscode.commands.registerCommand(
      'hive.newColony',
      async (folderArg?: unknown, opts?: { goal?: string; name?: string }) => {
        try {
          let folder = folderOf(folderArg);
          if (!folder) {
            const choices = (await colonies.folders()).filter((f) => !f.colonyDir);
            const uri = await pickFolder(choices, 'Hive: New Colony in Folder', {
              browseLabel: 'Choose a folder…',
            });
            folder = uri?.scheme === 'file' ? uri.fsPath : undefined;
          }
          if (!folder) return undefined;
          const goal =
            typeof opts?.goal === 'string'
              ? opts.goal
              : await vscode.window.showInputBox({
                  title: `Hive: New Colony in "${path.basename(folder)}"`,
                  prompt: "The worker's goal: what should this colony keep doing in this folder?",
                  placeHolder: 'e.g. Keep NOTES.md in sync with the TODOs in src/',
                  ignoreFocusOut: true,
                  validateInput: (v) => (v.trim() ? undefined : 'Describe the goal in a sentence.'),
                });
          if (!goal?.trim()) return undefined;
          const { scaffoldColony } = runtimeModule();
          const result = await scaffoldColony(folder, { goal, name: opts?.name });
          log.info(`colony ${result.name} created in ${result.dir}`);
          const target = folder;
          void vscode.window
            .showInformationMessage(
              `Hive: colony "${result.name}" created in ${result.dir}.`,
              'Load Colony',
              'Open worker.json',
            )
            .then((c) => {
              if (c === 'Load Colony')
                void vscode.commands.executeCommand('hive.loadWorkspaceColony', target);
              if (c === 'Open worker.json')
                void vscode.window.showTextDocument(vscode.Uri.file(path.join(result.dir, 'worker.json')));
            });
          return result;
        } catch (err) {
          reportError(log, 'New Colony', err);
          return undefined;
        }
      },
    ),
  ];
}
