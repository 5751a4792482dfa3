// Colonies view and "Colony created" card actions: Open, Start / Stop Triggers, Run Worker, Reveal.
// A colony is named by a view row, a folder path, or (from the chat card) a name under HIVE_HOME/colonies.
import { existsSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import type { LiveSession } from '../../runtime/session';
import { isValidId } from '../../runtime/storage/ids';
import { runtimeModule, sessionsModule } from '../bundles';
import type { ColoniesTreeProvider } from '../colonies/colonies-tree';
import { type HiveServices, info, reportError } from '../services';
import { UNTRUSTED_COLONY_MESSAGE } from './colony-commands';

/** The colony folder an action argument names; undefined when it names none. */
export function colonyFolderOf(arg: unknown, hiveHome: string): string | undefined {
  if (typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'colony')
    return (arg as { overview: { folder: string } }).overview.folder;
  if (arg instanceof vscode.Uri) return arg.scheme === 'file' ? arg.fsPath : undefined;
  if (typeof arg !== 'string' || !arg) return undefined;
  if (isValidId('colony', arg) && /^[a-z0-9_]+$/.test(arg)) return path.join(hiveHome, 'colonies', arg);
  return path.isAbsolute(arg) ? arg : undefined;
}

export function registerColoniesViewCommands(
  s: HiveServices,
  view: ColoniesTreeProvider,
): vscode.Disposable[] {
  const { runtime, log, chat } = s;
  const reg = vscode.commands.registerCommand;

  /** A colony to act on: the argument, else a pick among the listed ones. */
  const target = async (arg: unknown, title: string): Promise<string | undefined> => {
    const given = colonyFolderOf(arg, runtime.hiveHome);
    if (given) return given;
    const rows = await view.colonies();
    const pick = await vscode.window.showQuickPick(
      rows.map((r) => ({ label: r.name, description: r.goal, detail: r.folder, folder: r.folder })),
      { title, placeHolder: rows.length ? 'Pick a colony' : 'No colonies yet' },
    );
    return pick?.folder;
  };

  const trusted = (): boolean => {
    if (vscode.workspace.isTrusted) return true;
    void vscode.window.showWarningMessage(UNTRUSTED_COLONY_MESSAGE, 'Manage Workspace Trust').then((c) => {
      if (c) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return false;
  };

  /** The live session running the colony, or a new/resumed one (docs/hive-format.md §3 rule 5: its triggers start on load). */
  const running = async (folder: string): Promise<LiveSession> => {
    const manager = await runtime.getManager();
    const session = await manager.openColony(folder);
    view.refresh();
    return session;
  };

  const act =
    <T>(what: string, title: string, run: (folder: string) => Promise<T>) =>
    async (arg?: unknown): Promise<T | undefined> => {
      try {
        const folder = await target(arg, title);
        if (!folder) return undefined;
        return await run(folder);
      } catch (err) {
        reportError(log, what, err);
        return undefined;
      }
    };

  return [
    reg('hive.refreshColonies', () => view.refresh()),

    reg(
      'hive.openColony',
      act('Open Colony', 'Hive: Open Colony', async (folder) => {
        if (!trusted()) return undefined;
        const session = await running(folder);
        await chat.open(session.id);
        return session.id;
      }),
    ),

    reg(
      'hive.startColonyTriggers',
      act('Start Triggers', 'Hive: Start Colony Triggers', async (folder) => {
        if (!trusted()) return undefined;
        const session = await running(folder);
        for (const t of session.triggers.list()) if (!t.active) await session.triggers.activate(t.trigger_id);
        view.refresh();
        const n = session.triggers.list().filter((t) => t.active).length;
        info(`Hive: ${n} trigger${n === 1 ? '' : 's'} of "${session.colony?.name}" running.`);
        return session.id;
      }),
    ),

    reg(
      'hive.stopColonyTriggers',
      act('Stop Triggers', 'Hive: Stop Colony Triggers', async (folder) => {
        const manager = runtime.peekManager();
        const session = manager
          ?.list()
          .map((l) => manager.get(l.session_id))
          .find((x) => x?.colony && !x.workerName && path.resolve(x.colony.path) === path.resolve(folder));
        if (!session) {
          info('Hive: this colony is not running; its triggers are off.');
          return 0;
        }
        const on = session.triggers.list().filter((t) => t.active);
        for (const t of on) await session.triggers.deactivate(t.trigger_id);
        view.refresh();
        info(`Hive: ${on.length} trigger${on.length === 1 ? '' : 's'} of "${session.colony?.name}" stopped.`);
        return on.length;
      }),
    ),

    reg(
      'hive.runColonyWorker',
      act('Run Worker', 'Hive: Run Colony Worker', async (folder) => {
        if (!trusted()) return undefined;
        const { loadColony } = runtimeModule();
        const colony = await loadColony(folder);
        const workerName = path.basename(colony.worker.file, '.json');
        const goal = colony.worker.config.goal?.description?.trim();
        const manager = await runtime.getManager();
        // A worker-only session: the worker is the chat, given its task at once.
        const session = await manager.openColony(folder, { workerName, initialPrompt: goal || undefined });
        await chat.open(session.id);
        view.refresh();
        return session.id;
      }),
    ),

    reg(
      'hive.revealColony',
      act('Reveal Colony', 'Hive: Reveal Colony Folder', async (folder) => {
        const uri = vscode.Uri.file(folder);
        if (vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName)
          await vscode.commands.executeCommand('revealFileInOS', uri);
        else {
          // No OS file manager behind a browser: open the worker's config and say where the folder is.
          const { findColonyDir } = sessionsModule();
          const dir = (await findColonyDir(folder))?.dir ?? folder;
          const worker = path.join(dir, 'worker.json');
          if (existsSync(worker)) await vscode.window.showTextDocument(vscode.Uri.file(worker));
          info(`Hive: colony folder ${folder}`);
        }
        return folder;
      }),
    ),
  ];
}
