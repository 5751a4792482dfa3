// The Sessions tree: live sessions first, then the cold sessions of HIVE_HOME grouped by queen (and
// colony), newest activity first. Built from the SessionIndex (incremental); groups page their rows
// so a home with 10,000 sessions stays fast. A damaged session is a row like any other.
import * as vscode from 'vscode';
import type { ColdSessionEntry } from '../../runtime/storage/cold-sessions';
import type { RefreshStats } from '../../runtime/storage/session-index';
import { watchModule } from '../bundles';
import type { RuntimeHost } from '../runtime-host';
import type { HomeWatcher } from './home-watcher';
import { type LiveNode, type MoreNode, type SessionNode, treeItemOf } from './nodes';
import { filterWords, matchesFilter } from './session-filter';
import { SessionGroups } from './session-groups';

export const PAGE_SIZE = 200;
/** Most recent cold sessions whose messages are watched (besides the live ones). */
const HOT_RECENT = 30;
/** How long after the first listing the HIVE_HOME watcher starts (so the rows are drawn first). */
const WATCH_DELAY_MS = 200;

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<SessionNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  /** Fires after each full refresh, and each targeted one that changed rows (tests wait on it). */
  private readonly rebuilt = new vscode.EventEmitter<void>();
  readonly onDidRebuild = this.rebuilt.event;

  private readonly cold = new SessionGroups();
  /** What the session index's last refresh did (the extension-host tests read it). */
  get lastRefresh(): RefreshStats | undefined {
    return this.cold.lastRefresh;
  }
  private readonly shown = new Map<string, number>();
  private firstLoad: Promise<void> | undefined;
  private watcher: HomeWatcher | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private knownLive = new Map<string, string>();
  /** The history search ("Filter Sessions…"); empty shows every session. */
  private filterText = '';
  private readonly filterChanged = new vscode.EventEmitter<void>();
  /** Fires when the filter or the rows it matched change (the view's description and message follow). */
  readonly onDidChangeFilter = this.filterChanged.event;

  constructor(
    private readonly runtime: RuntimeHost,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subs.push(
      runtime.onDidChangeLive(() => this.onLiveChanged()),
      runtime.onDidChangeHome(() => this.restart()),
    );
  }

  getTreeItem(node: SessionNode): vscode.TreeItem {
    return treeItemOf(node);
  }

  async getChildren(node?: SessionNode): Promise<SessionNode[]> {
    if (!node) {
      await this.ensureLoaded();
      const live = this.liveNodes();
      // Live sessions are listed above: a group counts (and shows) only its other rows.
      const liveIds = this.liveIds();
      for (const g of this.cold.order)
        g.liveCount = liveIds.size ? g.rows.filter((r) => liveIds.has(r.session_id)).length : 0;
      const groups = this.cold.order.filter((g) => g.rows.length > (g.liveCount ?? 0));
      const out: SessionNode[] = [...live, ...groups];
      if (this.cold.loadError)
        out.push({ kind: 'notice', message: 'Could not list sessions', detail: this.cold.loadError });
      return out;
    }
    if (node.kind !== 'group') return [];
    const liveIds = this.liveIds();
    const rows = liveIds.size ? node.rows.filter((r) => !liveIds.has(r.session_id)) : node.rows;
    const limit = this.shown.get(node.key) ?? PAGE_SIZE;
    const out: SessionNode[] = rows.slice(0, limit).map((entry) => ({ kind: 'cold', entry }));
    if (rows.length > limit) out.push({ kind: 'more', group: node, shown: limit } satisfies MoreNode);
    return out;
  }

  /** The next page of a group ("Show more…"). */
  showMore(node: MoreNode): void {
    const group = this.cold.groups.get(node.group.key);
    if (!group) return;
    this.shown.set(group.key, (this.shown.get(group.key) ?? PAGE_SIZE) + PAGE_SIZE);
    this.changed.fire(group);
  }

  /** Full rescan of HIVE_HOME (fingerprints; only changed sessions are read again). */
  async refresh(): Promise<void> {
    await this.ensureLoaded();
    await this.update(undefined);
  }

  /** The index row of a cold session, if listed. */
  coldEntry(sessionId: string): ColdSessionEntry | undefined {
    return this.cold.coldById.get(sessionId);
  }

  /** Re-reads the given paths (session folders) and redraws. */
  async refreshPaths(paths: string[]): Promise<void> {
    await this.update(paths);
  }

  private ensureLoaded(): Promise<void> {
    if (!this.firstLoad) {
      const loading: Promise<void> = Promise.resolve().then(() => this.load(loading));
      this.firstLoad = loading;
    }
    return this.firstLoad;
  }

  private async load(loading: Promise<void>): Promise<void> {
    await vscode.window.withProgress({ location: { viewId: 'hive.sessions' } }, () =>
      this.rebuild(undefined),
    );
    if (this.firstLoad !== loading) return; // the home moved meanwhile
    // The watcher (chokidar, dist/watch.js) starts a moment after the rows are listed: loading it and
    // its first scan of the home would delay them. Once it is ready, one more (incremental) scan
    // catches what changed meanwhile.
    this.watchTimer = setTimeout(() => this.startWatching(), WATCH_DELAY_MS);
  }

  private startWatching(): void {
    const home = this.runtime.hiveHome;
    const { HomeWatcher } = watchModule();
    const watcher: HomeWatcher = new HomeWatcher({
      home,
      onChange: (paths) => void this.update(paths),
      onError: (m) => this.log.warn(`watching ${home}: ${m}`),
    });
    this.watcher = watcher;
    this.updateHot();
    void watcher.start().then(
      () => {
        this.log.debug(`watching ${home} for session changes`);
        if (this.watcher === watcher) void this.update(undefined);
      },
      (err: unknown) => this.log.warn(`cannot watch ${home}: ${String(err)}`),
    );
  }

  private async update(paths: string[] | undefined): Promise<void> {
    if (!this.firstLoad) return; // nothing shown yet: the first getChildren loads everything
    await this.firstLoad;
    if (await this.rebuild(paths)) this.changed.fire(undefined);
  }

  /** Refreshes the index (full, or only `paths`) and regroups; false when nothing changed. */
  private async rebuild(paths: string[] | undefined): Promise<boolean> {
    const index = this.runtime.index;
    const changed = await this.cold.rebuild(index, paths, this.log);
    if (index !== this.runtime.index) return false; // home moved meanwhile
    if (changed) this.updateHot();
    // A full refresh (the Refresh command) counts as a rebuild even when no row changed.
    if (changed || paths === undefined) this.rebuilt.fire();
    if (changed && this.filterText) this.filterChanged.fire();
    return changed;
  }

  /** Live sessions and the most recent ones get their messages watched. */
  private updateHot(): void {
    if (!this.watcher) return;
    const dirs =
      this.runtime
        .peekManager()
        ?.list()
        .map((s) => s.dir) ?? [];
    let n = 0;
    for (const g of this.cold.order) {
      for (const r of g.rows.slice(0, HOT_RECENT)) dirs.push(r.dir);
      if (++n >= 5) break;
    }
    this.watcher.setHot(dirs);
  }

  private liveNodes(): LiveNode[] {
    const m = this.runtime.peekManager();
    if (!m) return [];
    const words = filterWords(this.filterText);
    return m
      .list()
      .map(
        (session): LiveNode => ({ kind: 'live', session, cold: this.cold.coldById.get(session.session_id) }),
      )
      .filter(
        (n) =>
          words.length === 0 ||
          matchesFilter(
            {
              ...n.cold,
              session_id: n.session.session_id,
              queen_id: n.session.queen_id,
              colony_id: n.session.colony_name ?? n.cold?.colony_id,
            },
            words,
          ),
      );
  }

  /** The active history search text ('' when none). */
  get filter(): string {
    return this.filterText;
  }

  /** Sets the history search and redraws; '' clears it. */
  async setFilter(text: string): Promise<void> {
    this.filterText = text.trim();
    await this.ensureLoaded();
    await this.cold.setFilter(filterWords(this.filterText));
    this.changed.fire(undefined);
    this.filterChanged.fire();
  }

  /** How many sessions the filter matches (live and past, each once). */
  matchCount(): number {
    const ids = new Set(this.liveNodes().map((n) => n.session.session_id));
    for (const g of this.cold.order) for (const r of g.rows) ids.add(r.session_id);
    return ids.size;
  }

  private liveIds(): Set<string> {
    return new Set(
      this.runtime
        .peekManager()
        ?.list()
        .map((s) => s.session_id) ?? [],
    );
  }

  private onLiveChanged(): void {
    const now = new Map(
      this.runtime
        .peekManager()
        ?.list()
        .map((s) => [s.session_id, s.dir]) ?? [],
    );
    // A session that just stopped (or started) changed its folder: read it again.
    const touched = [...this.knownLive].filter(([id]) => !now.has(id)).map(([, dir]) => dir);
    for (const [id, dir] of now) if (!this.knownLive.has(id)) touched.push(dir);
    this.knownLive = now;
    if (touched.length) this.updateHot();
    if (touched.length && this.firstLoad) void this.update(touched);
    this.changed.fire(undefined);
  }

  /** HIVE_HOME moved: forget everything synchronously (the next getChildren loads the new home). */
  private restart(): void {
    clearTimeout(this.watchTimer);
    void this.watcher?.close();
    this.watcher = undefined;
    this.cold.clear();
    this.shown.clear();
    this.firstLoad = undefined;
    this.changed.fire(undefined);
  }

  dispose(): void {
    clearTimeout(this.watchTimer);
    void this.watcher?.close();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
    this.rebuilt.dispose();
    this.filterChanged.dispose();
  }
}
