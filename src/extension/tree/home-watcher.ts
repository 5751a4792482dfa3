// Watches HIVE_HOME for session folders that appear, change or go away (chokidar), and reports the
// changed paths in debounced batches for SessionIndex.markChanged/refresh.
//
// Only directories are watched: chokidar puts an fs watcher on every file it tracks, which with 10,000
// sessions would mean tens of thousands of handles. A directory's watcher still reports its files'
// changes as chokidar `raw` events, which we use. Two tiers keep it bounded:
//  - the structure, down to the `sessions/` folders: sessions added, removed or renamed;
//  - "hot" sessions (live ones and the most recent few, see setHot): their folder, conversations/ and
//    parts/, so meta.json edits and new messages update their row. An older cold session that another
//    program writes to is seen again on the next full refresh (Refresh Sessions).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { sessionOwnerOf } from '../../runtime/storage/paths';

export interface HomeWatcherOptions {
  home: string;
  onChange: (paths: string[]) => void;
  onError?: (message: string) => void;
  debounceMs?: number;
}

/** Directories inside a session folder worth watching: the folder, conversations/ and part folders. */
const WATCHED_SESSION_DIR = /^(conversations(\/(?!partials$)[^/.]+(\/parts)?)?)?$/;
/** Paths inside a session folder whose change can alter its listing row. */
const LISTING_PATH = /^(|meta\.json|conversations(\/(?!partials(\/|$)|cursor\.json$|meta\.json$).*)?)$/;

export class HomeWatcher {
  private watcher: FSWatcher | undefined;
  private hotWatcher: FSWatcher | undefined;
  private hot = new Set<string>();
  private watchFn: typeof import('chokidar').watch | undefined;
  private parentWatcher: FSWatcher | undefined;
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readyPromise: Promise<void> | undefined;

  constructor(private readonly opts: HomeWatcherOptions) {}

  /** Starts watching; resolves when the initial scan is done. */
  start(): Promise<void> {
    this.readyPromise ??= this.startNow();
    return this.readyPromise;
  }

  private async startNow(): Promise<void> {
    const { watch } = await import('chokidar');
    this.watchFn = watch;
    if (this.closed) return;
    const home = this.opts.home;
    if (!existsSync(home)) {
      // Wait for HIVE_HOME to be created (the first session does it), then watch it.
      const parent = path.dirname(home);
      const pw = watch(parent, { depth: 0, ignoreInitial: true, ignored: (p) => p !== parent && p !== home });
      this.parentWatcher = pw;
      let appeared = false;
      const onAppear = () => {
        if (appeared || this.closed) return;
        appeared = true;
        void pw.close();
        this.parentWatcher = undefined;
        this.queue(home);
        void this.watchHome(watch);
      };
      pw.on('addDir', (p) => {
        if (path.resolve(p) === home) onAppear();
      });
      pw.on('error', (e) => this.opts.onError?.(String(e)));
      await new Promise<void>((resolve) => pw.once('ready', () => resolve()));
      // Created while the watcher was starting: no event will come for it.
      if (existsSync(home)) onAppear();
      return;
    }
    await this.watchHome(watch);
  }

  private watchHome(watch: typeof import('chokidar').watch): Promise<void> {
    if (this.closed) return Promise.resolve();
    const home = this.opts.home;
    const w = watch(home, {
      ignoreInitial: true,
      // colonies/<c>/queens/<q>/sessions is the deepest folder of the structure.
      depth: 6,
      ignored: (p) => !structureDir(home, p),
    });
    this.watcher = w;
    this.listen(w);
    const hot = [...this.hot];
    if (hot.length) this.watchHot(hot);
    return new Promise((resolve) => w.once('ready', () => resolve()));
  }

  /**
   * The session folders whose messages are watched too (live sessions, the most recent ones). Call
   * it again when the set changes; folders that left it are unwatched.
   */
  setHot(dirs: Iterable<string>): void {
    const next = new Set([...dirs].map((d) => path.resolve(d)));
    const added = [...next].filter((d) => !this.hot.has(d));
    const removed = [...this.hot].filter((d) => !next.has(d));
    this.hot = next;
    if (!this.watcher || this.closed) return; // applied when the home watcher starts
    if (removed.length) void this.hotWatcher?.unwatch(removed);
    if (added.length) this.watchHot(added);
  }

  private watchHot(dirs: string[]): void {
    if (this.hotWatcher) {
      this.hotWatcher.add(dirs);
      return;
    }
    const home = this.opts.home;
    this.hotWatcher = this.watchFn!(dirs, {
      ignoreInitial: true,
      depth: 3,
      ignored: (p) => !hotDir(home, p),
    });
    this.listen(this.hotWatcher);
  }

  private listen(w: FSWatcher): void {
    const home = this.opts.home;
    w.on('addDir', (p) => this.queue(p));
    w.on('unlinkDir', (p) => this.queue(p));
    w.on('raw', (_event, evPath, details) => {
      const dir = (details as { watchedPath?: string }).watchedPath;
      if (!dir) return;
      const full = evPath ? path.join(dir, String(evPath)) : dir;
      if (listingPath(home, full)) this.queue(full);
    });
    w.on('error', (e) => this.opts.onError?.(String(e)));
  }

  private queue(p: string): void {
    if (this.closed) return;
    this.pending.add(p);
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.flush(), this.opts.debounceMs ?? 300);
  }

  private flush(): void {
    this.timer = undefined;
    const paths = [...this.pending];
    this.pending.clear();
    if (paths.length > 0 && !this.closed) this.opts.onChange(paths);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([this.watcher?.close(), this.hotWatcher?.close(), this.parentWatcher?.close()]);
  }
}

/** The structure down to the `sessions/` folders (whose raw events report sessions added or removed). */
function structureDir(home: string, p: string): boolean {
  const owner = sessionOwnerOf(home, p);
  return !!owner && !('location' in owner);
}

/** Inside a hot session: the folders the listing reads. */
function hotDir(home: string, p: string): boolean {
  const owner = sessionOwnerOf(home, p);
  return !!owner && 'location' in owner && WATCHED_SESSION_DIR.test(owner.rest);
}

function listingPath(home: string, p: string): boolean {
  const owner = sessionOwnerOf(home, p);
  if (!owner) return false;
  if (!('location' in owner)) return true;
  return LISTING_PATH.test(owner.rest);
}
