import * as vscode from 'vscode';
import { loadSqlite } from '../runtime/colony/progress/sqlite';
import type { HiveExtensionApi } from './api';
import { ApiKeyStore } from './api-key';
import { Attention } from './attention/attention';
import { ColoniesTreeProvider } from './colonies/colonies-tree';
import { WorkspaceColonies } from './colonies/workspace-colonies';
import { registerColoniesViewCommands } from './commands/colonies-view-commands';
import { registerColonyCommands } from './commands/colony-commands';
import { registerKeyCommands } from './commands/key-commands';
import { registerReviewCommands } from './commands/review-commands';
import { registerSessionCommands } from './commands/session-commands';
import { registerTriggerCommands } from './commands/trigger-commands';
import { registerFirstRun } from './first-run';
import { LazyChat } from './lazy-chat';
import { watchStaleProposalTabs } from './review/stale-proposal-tabs';
import { RuntimeHost } from './runtime-host';
import type { HiveServices } from './services';
import { SessionStatusBar } from './status-bar';
import { registerSessionsFilter } from './tree/sessions-filter-ui';
import { SessionsTreeProvider } from './tree/sessions-tree';

let runtimeHost: RuntimeHost | undefined;

// Activation stays light: the session runtime, the model SDK and chokidar are imported on first use.
export function activate(context: vscode.ExtensionContext): HiveExtensionApi {
  const log = vscode.window.createOutputChannel('Hive', { log: true });
  const keys = new ApiKeyStore(context.secrets);
  const runtime = new RuntimeHost({
    log,
    keys,
    secrets: context.secrets,
    isTrusted: () => vscode.workspace.isTrusted,
    workingDir: () => vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file')?.uri.fsPath,
  });
  runtimeHost = runtime;
  const tree = new SessionsTreeProvider(runtime, log);
  const chat = new LazyChat({
    extensionUri: context.extensionUri,
    log,
    getManager: () => runtime.getManager(),
    peekManager: () => runtime.peekManager(),
    hiveHome: () => runtime.hiveHome,
    isTrusted: () => vscode.workspace.isTrusted,
    trustPending: () => runtime.trustPending,
  });
  const colonies = new WorkspaceColonies(context.workspaceState, log);
  const coloniesView = new ColoniesTreeProvider(runtime, log);
  let activeSession: string | undefined;
  const view = vscode.window.createTreeView('hive.sessions', {
    treeDataProvider: tree,
    showCollapseAll: true,
  });
  const attention = new Attention({ runtime, chat, view, isTrusted: () => vscode.workspace.isTrusted, log });
  const status = new SessionStatusBar(runtime, () => activeSession, attention);
  context.subscriptions.push(
    log,
    keys,
    runtime,
    tree,
    chat,
    colonies,
    view,
    attention,
    status,
    runtime.onDidChangeLive(() => {
      const live = (runtime.peekManager()?.list().length ?? 0) > 0;
      void vscode.commands.executeCommand('setContext', 'hive.hasLiveSession', live);
    }),
    chat.onDidChangeSession((id) => {
      activeSession = id;
      status.update();
    }),
    coloniesView,
    vscode.window.createTreeView('hive.colonies', { treeDataProvider: coloniesView }),
    watchStaleProposalTabs({ isUnderReview: (uri) => chat.isUnderReview(uri), log }),
  );

  const updateKeyContext = async () => {
    const s = await runtime.modelSettings();
    await vscode.commands.executeCommand('setContext', 'hive.hasApiKey', s.apiKey !== null);
  };
  const services: HiveServices = {
    context,
    log,
    runtime,
    keys,
    tree,
    chat,
    colonies,
    activeSessionId: () => activeSession,
    updateKeyContext,
  };
  context.subscriptions.push(
    ...registerSessionCommands(services),
    ...registerColonyCommands(services),
    ...registerColoniesViewCommands(services, coloniesView),
    ...registerKeyCommands(services),
    ...registerTriggerCommands(services),
    ...registerReviewCommands(services),
    ...registerFirstRun(context, runtime),
    ...registerSessionsFilter(tree, view),
    keys.onDidChange(() => void updateKeyContext()),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('hive.home')) void updateKeyContext();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      void vscode.commands.executeCommand('setContext', 'hive.trusted', true);
      void colonies.offerOnce();
    }),
  );
  // Activation only registers; the rest runs right after it (VS Code counts activate() as activation
  // time): context keys, the API key lookup (SecretStorage), and a little later the colony offer.
  let offer: NodeJS.Timeout | undefined;
  const after = setImmediate(() => {
    log.info(
      `Hive activated (HIVE_HOME ${runtime.hiveHome}${vscode.workspace.isTrusted ? '' : ', Restricted Mode'})`,
    );
    // Colonies' task queues (progress.db) need node:sqlite in this host's Node: say at once when it is missing.
    if (!hasNodeSqlite())
      log.warn(
        `this VS Code's Node (${process.version}) has no node:sqlite: colonies run without their task queue (data/progress.db)`,
      );
    void vscode.commands.executeCommand('setContext', 'hive.trusted', vscode.workspace.isTrusted);
    void updateKeyContext().catch((err: unknown) => log.warn(`reading the model settings: ${String(err)}`));
    // Detecting colonies loads the colony modules (dist/runtime.js): not while the tree first loads.
    offer = setTimeout(() => {
      void colonies
        .offerOnce()
        .catch((err: unknown) => log.warn(`looking for workspace colonies: ${String(err)}`));
    }, 2000);
  });
  context.subscriptions.push({
    dispose: () => {
      clearImmediate(after);
      clearTimeout(offer);
    },
  });

  return {
    sessionsTree: tree,
    coloniesTree: coloniesView,
    hiveHome: () => runtime.hiveHome,
    getManager: () => runtime.getManager(),
    keySource: async () => (await runtime.modelSettings()).keySource,
    statusText: () => status.text,
    activeSessionId: () => activeSession,
    attention: () => ({
      pending: attention.count,
      badge: typeof view.badge?.value === 'number' ? view.badge.value : 0,
      notifications: [...attention.shown],
    }),
    workspaceColonies: async () =>
      (await colonies.folders()).map((f) => ({ name: f.name, folder: f.uri.fsPath, colonyDir: f.colonyDir })),
  };
}

/** Live sessions stop cleanly (their shutdown reflection is waited for briefly). */
export async function deactivate(): Promise<void> {
  await runtimeHost?.shutdown();
}

function hasNodeSqlite(): boolean {
  try {
    loadSqlite();
    return true;
  } catch {
    return false;
  }
}
