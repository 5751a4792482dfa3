// Workspace folders as colonies: which folders hold a colony definition (multi-root), a one-time offer
// to load one, and a watch on each loaded colony's files that offers a reload when they change (the
// user's edits only: our own writes and state files never ask) and keeps their Problems up to date.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import * as vscode from 'vscode';
import type { ColonyLocation } from '../../runtime/colony/colony-locate';
import { sessionsModule, watchModule } from '../bundles';
import type { FolderChoice } from '../pickers';
import { ColonyDiagnostics } from './colony-diagnostics';

const OFFERED_KEY = 'hive.colonyOffered';
/**
 * Files the runtime itself writes next to a colony definition, and the temp files of its atomic writes
 * (`<name>.<hex>` from write-file-atomic, `<name>.<pid>.<n>.tmp`): their changes are not the user's edits.
 */
const RUNTIME_FILES =
  /(^|[/\\])(trigger-state\.json|trigger-secrets\.json|progress\.db[^/\\]*|[^/\\]*\.tmp[^/\\]*|[^/\\]+\.json\.[0-9a-f]+|[^/\\]+\.corrupt-\d+)$/;
/** The colony's runtime data folder (progress database, worker files). */
const DATA_DIR = /(^|[/\\])data([/\\]|$)/;

export interface LoadedColonyWatch {
  sessionId: string;
  folder: string;
  dir: string;
}

export class WorkspaceColonies implements vscode.Disposable {
  private readonly watchers = new Map<
    string,
    { watch: LoadedColonyWatch; watcher?: FSWatcher; timer?: NodeJS.Timeout }
  >();
  private prompting = new Set<string>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Workspace folders changed (their colony detection may differ). */
  readonly onDidChange = this.changed.event;
  private readonly subs: vscode.Disposable[] = [];
  readonly problems: ColonyDiagnostics;

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.problems = new ColonyDiagnostics(log);
    this.subs.push(
      this.problems,
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.changed.fire();
        void this.offerOnce();
      }),
    );
  }

  private reload: (w: LoadedColonyWatch) => Promise<void> = async () => {};

  /** What "Reload" does (the colony commands own loading). */
  setReload(reload: (w: LoadedColonyWatch) => Promise<void>): void {
    this.reload = reload;
  }

  /** Every workspace folder, with its colony definition when it has one. */
  async folders(): Promise<FolderChoice[]> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    return Promise.all(
      folders
        .filter((f) => f.uri.scheme === 'file')
        .map(async (f) => ({
          uri: f.uri,
          name: f.name,
          colonyDir: (await this.locate(f.uri.fsPath))?.dir,
        })),
    );
  }

  /** The colony definition of a folder (the colony modules load on first use, not at activation). */
  async locate(folder: string): Promise<ColonyLocation | undefined> {
    return sessionsModule().findColonyDir(folder);
  }

  /**
   * Tells the user, once per folder and workspace, that a folder holds a colony and offers to load it.
   * Silent in Restricted Mode (loading is refused there anyway).
   */
  async offerOnce(): Promise<void> {
    if (!vscode.workspace.isTrusted) return;
    const offered = new Set(this.state.get<string[]>(OFFERED_KEY, []));
    const folders = await this.folders();
    for (const f of folders) if (f.colonyDir) void this.problems.check(f.colonyDir);
    const fresh = folders.filter((f) => f.colonyDir && !offered.has(f.uri.fsPath));
    if (fresh.length === 0) return;
    for (const f of fresh) offered.add(f.uri.fsPath);
    await this.state.update(OFFERED_KEY, [...offered]);
    const first = fresh[0]!;
    const names = fresh.map((f) => f.name).join(', ');
    const message =
      fresh.length === 1
        ? `Hive: the folder "${first.name}" holds a colony. Load it into a session?`
        : `Hive: the folders ${names} hold colonies. Load one into a session?`;
    void vscode.window.showInformationMessage(message, 'Load Colony', 'Not Now').then((choice) => {
      if (choice === 'Load Colony')
        void vscode.commands.executeCommand(
          'hive.loadWorkspaceColony',
          fresh.length === 1 ? first.uri : undefined,
        );
    });
  }

  /** Watches a loaded colony's files; a change offers a reload (one prompt at a time). */
  async watch(w: LoadedColonyWatch): Promise<void> {
    this.unwatch(w.sessionId);
    const entry: { watch: LoadedColonyWatch; watcher?: FSWatcher; timer?: NodeJS.Timeout } = { watch: w };
    this.watchers.set(w.sessionId, entry);
    const { watch } = watchModule();
    // Root layout: the folder itself holds the colony files, so only its top level is watched.
    void this.problems.check(w.dir);
    const watcher = watch(w.dir, {
      ignoreInitial: true,
      depth: w.dir === w.folder ? 0 : 3,
      ignored: (p) =>
        RUNTIME_FILES.test(p) ||
        DATA_DIR.test(path.relative(w.dir, p)) ||
        /(^|[/\\])(node_modules|\.git)([/\\]|$)/.test(p),
    });
    entry.watcher = watcher;
    watcher.on('all', (event, file) => {
      if (w.dir === w.folder && !file.endsWith('.json')) return;
      void this.userChange(event, file).then((byUser) => {
        this.log.debug(`colony file ${event}${byUser ? '' : ' (our own write)'}: ${file}`);
        if (this.problems.covers(file)) void this.problems.check(w.dir);
        if (!byUser || !this.watchers.has(w.sessionId)) return;
        if (entry.timer) clearTimeout(entry.timer);
        entry.timer = setTimeout(() => this.offerReload(entry.watch, file), 500);
      });
    });
    watcher.on('error', (e) => this.log.warn(`watching colony ${w.dir}: ${String(e)}`));
  }

  /** False when the file holds exactly what this extension host last wrote to it (a trigger toggle, …). */
  private async userChange(event: string, file: string): Promise<boolean> {
    if (event !== 'add' && event !== 'change') return true;
    const text = await readFile(file).catch(() => undefined);
    return text === undefined || !sessionsModule().isOwnWrite(file, text);
  }

  unwatch(sessionId: string): void {
    const e = this.watchers.get(sessionId);
    if (!e) return;
    if (e.timer) clearTimeout(e.timer);
    void e.watcher?.close();
    this.watchers.delete(sessionId);
  }

  watched(sessionId: string): LoadedColonyWatch | undefined {
    return this.watchers.get(sessionId)?.watch;
  }

  private offerReload(w: LoadedColonyWatch, file: string): void {
    if (this.prompting.has(w.sessionId)) return;
    this.prompting.add(w.sessionId);
    const name = path.basename(w.folder);
    void vscode.window
      .showInformationMessage(
        `Hive: the colony files of "${name}" changed (${path.relative(w.folder, file) || file}). Reload the colony?`,
        'Reload',
      )
      .then(async (choice) => {
        this.prompting.delete(w.sessionId);
        if (choice === 'Reload' && this.watchers.has(w.sessionId)) await this.reload(w);
      });
  }

  dispose(): void {
    for (const id of [...this.watchers.keys()]) this.unwatch(id);
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }
}
