// The Colonies view: the colonies of HIVE_HOME/colonies and of the workspace folders, each with its
// worker goal, triggers (next fire) and whether a live session runs it. It follows the disk (a watch
// on the colony folders) and the live sessions by itself.
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import * as vscode from 'vscode';
import type { ColonyOverview, ColonyTriggerOverview } from '../../runtime/colony/colony-overview';
import { colonyDisplayName } from '../../shared/display-names';
import { sessionsModule, watchModule } from '../bundles';
import type { RuntimeHost } from '../runtime-host';
import { timeUntil } from '../tree/relative-time';

export interface ColonyNode {
  kind: 'colony';
  overview: ColonyOverview;
}
export interface ColonyTriggerNode {
  kind: 'colonyTrigger';
  colony: ColonyOverview;
  trigger: ColonyTriggerOverview;
}
export type ColoniesNode = ColonyNode | ColonyTriggerNode;

/** Countdowns are redrawn this often while the view shows a timer. */
const TICK_MS = 30_000;

export class ColoniesTreeProvider implements vscode.TreeDataProvider<ColoniesNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ColoniesNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private rows: ColonyOverview[] | undefined;
  private loading: Promise<ColonyOverview[]> | undefined;
  private watcher: FSWatcher | undefined;
  private watchedHome: string | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private readonly tick: NodeJS.Timeout;
  private readonly subs: vscode.Disposable[] = [];
  private offManager: (() => void) | undefined;

  constructor(
    private readonly runtime: RuntimeHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs.push(
      runtime.onDidChangeLive(() => {
        this.followManager();
        this.refresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
    );
    this.tick = setInterval(() => {
      if (this.rows?.some((r) => r.triggers.some((t) => t.nextFireAt !== null))) this.changed.fire(undefined);
    }, TICK_MS);
  }

  /** Re-reads everything (debounced: a create_colony writes several files at once). */
  refresh(): void {
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => {
      this.rows = undefined;
      this.changed.fire(undefined);
    }, 150);
  }

  /** The colonies as listed now (the extension-host tests read this). */
  async colonies(): Promise<ColonyOverview[]> {
    if (this.rows) return this.rows;
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  async getChildren(node?: ColoniesNode): Promise<ColoniesNode[]> {
    if (node?.kind === 'colonyTrigger') return [];
    if (node)
      return node.overview.triggers.map((trigger) => ({
        kind: 'colonyTrigger',
        colony: node.overview,
        trigger,
      }));
    return (await this.colonies()).map((overview) => ({ kind: 'colony', overview }));
  }

  getTreeItem(node: ColoniesNode): vscode.TreeItem {
    return node.kind === 'colony' ? colonyItem(node.overview) : triggerItem(node.trigger);
  }

  dispose(): void {
    clearTimeout(this.debounce);
    clearInterval(this.tick);
    this.offManager?.();
    void this.watcher?.close();
    for (const d of this.subs) d.dispose();
    this.changed.dispose();
  }

  private async load(): Promise<ColonyOverview[]> {
    const home = this.runtime.hiveHome;
    this.watch(home);
    this.followManager();
    const manager = this.runtime.peekManager();
    const live = (manager?.list() ?? []).flatMap((s) => {
      const session = manager?.get(s.session_id);
      // A worker-only session runs one worker, not the colony's triggers.
      return session?.colony && !session.workerName && !session.stopped
        ? [{ sessionId: session.id, folder: session.colony.path, triggers: session.triggers.list() }]
        : [];
    });
    const workspaceFolders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => f.uri.fsPath);
    try {
      this.rows = await sessionsModule().colonyOverviews({
        hiveHome: home,
        workspaceFolders,
        live,
        now: Date.now(),
      });
    } catch (err) {
      this.log.warn(`Colonies view: ${err instanceof Error ? err.message : String(err)}`);
      this.rows = [];
    }
    return this.rows;
  }

  /** Trigger on/off and colony loads of a running session change the rows too. */
  private followManager(): void {
    if (this.offManager) return;
    const manager = this.runtime.peekManager();
    if (manager) this.offManager = manager.onDidChange(() => this.refresh());
  }

  private watch(home: string): void {
    const folders = (vscode.workspace.workspaceFolders ?? [])
      .filter((f) => f.uri.scheme === 'file')
      .map((f) => path.join(f.uri.fsPath, '.hive'));
    const key = [home, ...folders].join('\n');
    if (this.watchedHome === key) return;
    this.watchedHome = key;
    void this.watcher?.close();
    try {
      this.watcher = watchModule().watch([path.join(home, 'colonies'), ...folders], {
        ignoreInitial: true,
        depth: 2,
        // The colony's own runtime files (trigger state, the DB) change while it runs: not a new row.
        ignored: (p: string) => /(progress\.db|trigger-state\.json|trigger-secrets\.json)/.test(p),
      });
      this.watcher.on('all', () => this.refresh());
      this.watcher.on('error', (err) => this.log.warn(`Colonies view watch: ${String(err)}`));
    } catch (err) {
      this.log.warn(`Colonies view watch: ${String(err)}`);
    }
  }
}

function colonyItem(c: ColonyOverview): vscode.TreeItem {
  // One display name everywhere (the chat, the Sessions view); the id is in the tooltip.
  const shown = colonyDisplayName(c.name);
  const item = new vscode.TreeItem(
    shown,
    c.triggers.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
  );
  item.id = `colony:${c.folder}`;
  const state = c.sessionId ? 'running' : 'not running';
  item.description = c.error ? `cannot be read` : `${state} · ${c.goal || 'no goal'}`;
  item.iconPath = new vscode.ThemeIcon(
    c.error ? 'warning' : c.sessionId ? 'debug-start' : 'organization',
    c.sessionId ? new vscode.ThemeColor('testing.iconPassed') : undefined,
  );
  const md = new vscode.MarkdownString(undefined, true);
  md.appendText(`${shown} (${c.name}), ${state}\n\n`);
  if (c.goal) md.appendText(`Worker goal: ${c.goal}\n\n`);
  md.appendText(`${c.source === 'home' ? 'Hive home colony' : 'Workspace colony'}: ${c.folder}`);
  if (c.error) md.appendText(`\n\n${c.error}`);
  item.tooltip = md;
  item.contextValue = c.sessionId ? 'colony.running' : 'colony.idle';
  item.command = {
    command: 'hive.openColony',
    title: 'Open Colony',
    arguments: [{ kind: 'colony', overview: c }],
  };
  return item;
}

function triggerItem(t: ColonyTriggerOverview): vscode.TreeItem {
  const item = new vscode.TreeItem(t.id, vscode.TreeItemCollapsibleState.None);
  const next = t.nextFireAt === null ? '' : ` · next ${timeUntil(t.nextFireAt)}`;
  item.description = `${t.schedule}${next}${t.active ? ' · on' : ''}`;
  item.tooltip = `${t.type} trigger ${t.id}: ${t.schedule}\nTask: ${t.task}${
    t.nextFireAt === null ? '' : `\nNext fire: ${new Date(t.nextFireAt).toISOString()}`
  }`;
  item.iconPath = new vscode.ThemeIcon(t.type === 'webhook' ? 'globe' : 'clock');
  item.contextValue = 'colonyTrigger';
  return item;
}
