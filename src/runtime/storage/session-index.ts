import path from 'node:path';
import {
  type ColdSessionEntry,
  type ColdSessionInfo,
  type ListOptions,
  type ListScope,
  page,
  selectAndSort,
  toEntry,
  toInfo,
} from './cold-sessions';
import {
  fingerprintPaths,
  fingerprintSession,
  isRacy,
  type StatsAhead,
  sameFingerprint,
} from './fingerprint';
import { validateId } from './ids';
import { defaultCacheFile, type IndexEntry, loadIndexCache, saveIndexCache } from './index-cache';
import { type IndexFs, nodeIndexFs } from './index-fs';
import { ParallelStat } from './parallel-stat';
import { findSessionDirs, type SessionLocation, sessionOwnerOf } from './paths';
import { type RawNamedSession, scanSessions } from './session-scan';
import { readSessionSummary, type SessionSummary } from './session-summary';

export interface SessionIndexOptions {
  home: string;
  fs?: IndexFs;
  /** Clock in ms (for the racy-timestamp window). */
  now?: () => number;
  /** Entries whose timestamps are younger than this are re-read on the next refresh. Default 2000. */
  racyWindowMs?: number;
  /** Where the index is persisted; null keeps it in memory only. Default `<home>/.hive-vscode/session-index.json`. */
  cacheFile?: string | null;
  /** Delay before a changed index is written out (writes coalesce). Default 500 ms. */
  persistDelayMs?: number;
  /** Sessions handled between two yields to the event loop during a full refresh. Default 250. */
  batchSize?: number;
  /**
   * A full refresh stats half of the sessions on a worker thread (parallel-stat.ts), for a long-lived
   * process (the extension host); a one-shot listing would pay more to start it than it saves.
   * Only with node:fs (an injected `fs` is always called on this thread). Default false.
   */
  statWorker?: boolean;
  log?: (message: string) => void;
}

/** Sessions whose stats are taken together (ahead of their comparison) in a full refresh with the stat worker. */
const STAT_AHEAD = 500;

export interface RefreshStats {
  mode: 'full' | 'targeted';
  /** Sessions whose fingerprint was checked. */
  checked: number;
  /** Sessions whose files were read again. */
  reread: number;
  /** Paths stat'ed on the stat worker (statWorker option) rather than on this thread. */
  workerStats: number;
  added: number;
  removed: number;
  changed: boolean;
  ms: number;
  /** Folders the scan could not list (skipped). */
  problems: string[];
}

interface Target {
  location: SessionLocation;
  force: boolean;
}

/**
 * Cold-session index: one summary per session dir, kept up to date incrementally. A refresh
 * stats each session (see fingerprint.ts) and re-reads only those whose files changed; with
 * the changed paths from a file watcher it only looks at those sessions. The index is a cache:
 * it is persisted atomically and can always be rebuilt from the session files, which it
 * never writes.
 */
export class SessionIndex {
  readonly home: string;
  private readonly homePrefix: string;
  private readonly fs: IndexFs;
  private readonly now: () => number;
  private readonly racyWindowMs: number;
  private readonly cacheFile: string | null;
  private readonly persistDelayMs: number;
  private readonly batchSize: number;
  private readonly log: (message: string) => void;
  private readonly parallel: ParallelStat | undefined;

  private entries = new Map<string, IndexEntry>();
  /** Session folders whose names are not UTF-8, from the last full scan (listed flagged; never cached). */
  private rawNamed = new Map<string, { summary: SessionSummary; rawDir: Buffer }>();
  private loaded = false;
  private scanned = false;
  private pending = new Map<string, Target>();
  private pendingFull = false;
  private sorted = new Map<string, SessionSummary[]>();
  private chain: Promise<unknown> = Promise.resolve();
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private saving: Promise<void> | undefined;
  /** Set by close(): from then on nothing is scheduled, and once the last write is done nothing is written. */
  private closing: Promise<void> | undefined;
  private closed = false;

  constructor(options: SessionIndexOptions) {
    this.home = options.home;
    this.homePrefix = path.join(this.home, 'x').slice(0, -1); // what path.join(home, key) puts before the key
    this.fs = options.fs ?? nodeIndexFs;
    this.now = options.now ?? Date.now;
    this.racyWindowMs = options.racyWindowMs ?? 2000;
    this.cacheFile = options.cacheFile === undefined ? defaultCacheFile(this.home) : options.cacheFile;
    this.persistDelayMs = options.persistDelayMs ?? 500;
    this.batchSize = Math.max(1, options.batchSize ?? 250);
    this.log = options.log ?? (() => {});
    this.parallel = options.statWorker && this.fs === nodeIndexFs ? new ParallelStat() : undefined;
  }

  /**
   * Records paths reported changed by a file watcher; cheap and synchronous. They are
   * handled by the next refresh(). Paths outside session folders are ignored; a path at
   * or above a `sessions/` folder asks for a full (fingerprint-only) rescan.
   */
  markChanged(paths: Iterable<string>): void {
    for (const p of paths) {
      const owner = sessionOwnerOf(this.home, p);
      if (!owner) continue;
      if (!('location' in owner)) {
        this.pendingFull = true;
        continue;
      }
      const force = affectsSummary(owner.rest);
      const prev = this.pending.get(owner.location.key);
      this.pending.set(owner.location.key, { location: owner.location, force: force || !!prev?.force });
    }
  }

  /**
   * Brings the index up to date. Without arguments: full rescan (directory listings and a few
   * stats per session; only changed sessions are read). With paths (possibly empty): only the
   * sessions those paths, and earlier markChanged() calls, point at. Calls are serialized.
   */
  refresh(changedPaths?: Iterable<string>): Promise<RefreshStats> {
    if (changedPaths) this.markChanged(changedPaths);
    const full = changedPaths === undefined;
    const run = this.chain.then(() => this.refreshNow(full));
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** docs/hive-format.md §3 Rule 19 listing, newest activity first. Refreshes first unless `refresh: false` (after a first scan). */
  async listColdSessions(options: ListOptions & { refresh?: boolean } = {}): Promise<ColdSessionEntry[]> {
    if (options.refresh !== false || !this.scanned) await this.refresh();
    return this.list(options);
  }

  /** Synchronous view of the index as it stands (no file access). */
  list(options: ListOptions = {}): ColdSessionEntry[] {
    return page(this.sortedFor(options.scope), options.offset, options.limit).map((s) => this.rowOf(s));
  }

  /** list(), with the event loop free between batches of rows (the Sessions tree's 10,000). */
  async listInBatches(options: ListOptions = {}): Promise<ColdSessionEntry[]> {
    const sorted = page(this.sortedFor(options.scope), options.offset, options.limit);
    const rows: ColdSessionEntry[] = [];
    for (let i = 0; i < sorted.length; i++) {
      rows.push(this.rowOf(sorted[i]!));
      if ((i + 1) % this.batchSize === 0) await yieldToLoop();
    }
    return rows;
  }

  private rowOf(s: SessionSummary): ColdSessionEntry {
    const entry = toEntry(s, this.dirOf(s));
    const raw = this.rawNamed.get(s.key);
    if (raw?.summary === s) entry.rawDir = raw.rawDir;
    return entry;
  }

  count(scope?: ListScope): number {
    return this.sortedFor(scope).length;
  }

  /**
   * Hive's get_cold_session_info for the first folder holding the id (current layout, then
   * colonies, then seed-era): null when unknown or without a conversations folder. Refreshes
   * just that session. Throws InvalidIdError for an id that is not a safe path segment.
   */
  async getColdSessionInfo(sessionId: string): Promise<ColdSessionInfo | null> {
    const entry = await this.entryFor(sessionId);
    return entry ? toInfo(entry.summary, this.dirOf(entry.summary)) : null;
  }

  /** The up-to-date listing row of one session (first folder holding it), or null if absent. */
  async getColdSession(sessionId: string): Promise<ColdSessionEntry | null> {
    const entry = await this.entryFor(sessionId);
    return entry ? toEntry(entry.summary, this.dirOf(entry.summary)) : null;
  }

  /** Writes the index out now if it changed since the last write. */
  async flush(): Promise<void> {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    await this.saving;
    if (this.dirty) await this.save();
  }

  /**
   * The index's last write: waits for the refresh in progress, writes the cache if it changed, and
   * never writes again (a home the user switched away from may be deleted right after). Reads keep
   * working from memory.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.saveTimer) clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      await this.chain;
      await this.parallel?.close();
      await this.flush();
      this.closed = true;
    })();
    return this.closing;
  }

  private async entryFor(sessionId: string): Promise<IndexEntry | undefined> {
    validateId('session', sessionId);
    const run = this.chain.then(async () => {
      await this.ensureLoaded();
      const location = findSessionDirs(this.home, sessionId, this.fs)[0];
      if (!location) {
        for (const [key, e] of this.entries)
          if (e.summary.session_id === sessionId && !this.isDir(e.summary)) {
            this.remove(key);
            this.scheduleSave();
          }
        return undefined;
      }
      const pending = this.pending.get(location.key);
      this.pending.delete(location.key);
      if (this.update(location, !!pending?.force) !== 'same') this.scheduleSave();
      return this.entries.get(location.key);
    });
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async refreshNow(full: boolean): Promise<RefreshStats> {
    const started = this.now();
    await this.ensureLoaded();
    const stats: RefreshStats = {
      mode: 'targeted',
      checked: 0,
      reread: 0,
      workerStats: 0,
      added: 0,
      removed: 0,
      changed: false,
      ms: 0,
      problems: [],
    };
    const targets = this.pending;
    this.pending = new Map();
    const offloadedBefore = this.parallel?.offloaded ?? 0;
    let rawChanged = false;
    if (full || this.pendingFull || !this.scanned) {
      this.pendingFull = false;
      stats.mode = 'full';
      if (this.entries.size >= STAT_AHEAD) this.parallel?.warmUp(); // boots during the scan
      const scan = await scanSessions(this.fs, this.home, yieldToLoop);
      stats.problems = scan.problems;
      rawChanged = this.takeRawNamed(scan.rawNamed);
      const seen = new Set<string>();
      const locations = scan.locations;
      let ahead: { values: Float64Array; starts: number[]; from: number } | undefined;
      for (let i = 0; i < locations.length; i++) {
        if (this.parallel && i % STAT_AHEAD === 0) ahead = await this.statAhead(this.parallel, locations, i);
        const loc = locations[i]!;
        seen.add(loc.key);
        const at = ahead ? { values: ahead.values, at: ahead.starts[i - ahead.from]! } : undefined;
        this.tally(stats, this.update(loc, !!targets.get(loc.key)?.force, at));
        if ((i + 1) % this.batchSize === 0) await yieldToLoop();
      }
      for (const key of [...this.entries.keys()])
        if (!seen.has(key)) {
          this.remove(key);
          stats.removed++;
        }
      this.scanned = true;
    } else {
      for (const { location, force } of targets.values()) {
        if (!this.isDir(location)) {
          if (this.entries.has(location.key)) {
            this.remove(location.key);
            stats.removed++;
          }
          continue;
        }
        this.tally(stats, this.update(location, force));
      }
    }
    stats.workerStats = (this.parallel?.offloaded ?? 0) - offloadedBefore;
    stats.changed = stats.reread > 0 || stats.removed > 0 || rawChanged;
    if (stats.changed) this.scheduleSave();
    stats.ms = this.now() - started;
    return stats;
  }

  /** Replaces the raw-named rows; true when their set changed. */
  private takeRawNamed(found: RawNamedSession[]): boolean {
    const next = new Map<string, { summary: SessionSummary; rawDir: Buffer }>();
    for (const r of found) {
      const summary = rawNamedSummary(this.home, r);
      next.set(summary.key, {
        summary,
        rawDir: Buffer.concat([Buffer.from(`${r.parent}${path.sep}`), r.raw]),
      });
    }
    const same = next.size === this.rawNamed.size && [...next.keys()].every((k) => this.rawNamed.has(k));
    if (same) return false;
    this.rawNamed = next;
    this.sorted.clear();
    return true;
  }

  private tally(stats: RefreshStats, outcome: 'same' | 'reread' | 'added'): void {
    stats.checked++;
    if (outcome === 'reread') stats.reread++;
    if (outcome === 'added') {
      stats.added++;
      stats.reread++;
    }
  }

  /**
   * Stats the next STAT_AHEAD sessions' fingerprint paths at once (half on the worker). Their entries
   * cannot change before update() reads these stats: refreshes and lookups run one at a time.
   */
  private async statAhead(parallel: ParallelStat, locations: readonly SessionLocation[], from: number) {
    const paths: string[] = [];
    const starts: number[] = [];
    for (let i = from; i < Math.min(from + STAT_AHEAD, locations.length); i++) {
      const loc = locations[i]!;
      const old = this.entries.get(loc.key);
      starts.push(paths.length);
      fingerprintPaths(loc.dir, old?.nodeDirs ?? [], old ? old.watchFolder : true, paths);
    }
    return { values: await parallel.statMany(this.fs, paths), starts, from };
  }

  /** Re-fingerprints one session (from stats taken ahead, if given) and re-reads it if needed. */
  private update(loc: SessionLocation, force: boolean, ahead?: StatsAhead): 'same' | 'reread' | 'added' {
    const old = this.entries.get(loc.key);
    const withFolder = old ? old.watchFolder : true;
    // Fingerprint first, then read: a change racing with the read shows up as a new fingerprint next time.
    const fp = fingerprintSession(this.fs, loc.dir, old?.nodeDirs ?? [], withFolder, ahead);
    if (old && !force && !old.racy && sameFingerprint(old.fingerprint, fp.value)) return 'same';
    // A watcher-reported change may be a part rewritten in place, which summary.json's mtime rule cannot see.
    const { summary, nodeDirs, createdFromFolder } = readSessionSummary(this.fs, loc, { rescanParts: force });
    let racy = isRacy(fp, this.now(), this.racyWindowMs);
    // What the fingerprint above covered no longer matches what this session needs: re-check next time.
    if (!sameList(nodeDirs, old?.nodeDirs ?? []) || (createdFromFolder && !withFolder)) racy = true;
    const fingerprint = createdFromFolder ? fp.value : fp.value.slice(0, fp.withoutFolderLength);
    this.entries.set(loc.key, { fingerprint, racy, nodeDirs, watchFolder: createdFromFolder, summary });
    this.sorted.clear();
    this.dirty = true;
    return old ? 'reread' : 'added';
  }

  private remove(key: string): void {
    this.entries.delete(key);
    this.sorted.clear();
    this.dirty = true;
  }

  private sortedFor(scope: ListScope = 'all'): SessionSummary[] {
    const k = typeof scope === 'string' ? scope : `colony:${scope.colony}`;
    let rows = this.sorted.get(k);
    if (!rows) {
      rows = selectAndSort(
        [...this.entries.values()]
          .map((e) => e.summary)
          .concat([...this.rawNamed.values()].map((r) => r.summary)),
        scope,
      );
      this.sorted.set(k, rows);
    }
    return rows;
  }

  private dirOf(s: { key: string }): string {
    // A key is a normalized relative path with '/' (index-cache.ts checks it): no path.join needed.
    return `${this.homePrefix}${path.sep === '/' ? s.key : s.key.replaceAll('/', path.sep)}`;
  }

  private isDir(x: SessionLocation | SessionSummary): boolean {
    return this.isDirPath('dir' in x ? x.dir : this.dirOf(x));
  }

  private isDirPath(p: string): boolean {
    try {
      return this.fs.stat(p)?.isDirectory() ?? false;
    } catch {
      return false;
    }
  }

  private async ensureLoaded(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    if (!this.cacheFile) return;
    const result = await loadIndexCache(this.fs, this.cacheFile, this.home, yieldToLoop);
    if ('entries' in result) {
      this.entries = result.entries;
      if (result.outdated) {
        this.dirty = true;
        this.scheduleSave();
      }
    } else if (result.discarded !== 'no cache yet') {
      this.log(`session index cache discarded (${result.discarded}); rebuilding from the session files`);
      this.dirty = true;
    }
  }

  private scheduleSave(): void {
    if (!this.cacheFile || this.saveTimer || this.closing) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      void this.save();
    }, this.persistDelayMs);
    this.saveTimer.unref?.();
  }

  private async save(): Promise<void> {
    if (!this.cacheFile || this.closed) return;
    while (this.saving) await this.saving;
    if (!this.isDirPath(this.home)) return; // never create HIVE_HOME just to hold our cache
    this.dirty = false;
    const snapshot = [...this.entries.values()];
    this.saving = saveIndexCache(this.cacheFile, this.home, snapshot, yieldToLoop).catch((err: unknown) => {
      this.dirty = true;
      this.log(`could not write the session index cache: ${(err as Error).message}`);
    });
    await this.saving;
    this.saving = undefined;
  }
}

/** Lets other work run between batches, so a 10,000-session home never blocks the event loop for long. */
function yieldToLoop(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** Which changes inside a session folder can alter its listing row. events.jsonl, data/, workers/ cannot. */
function affectsSummary(rest: string): boolean {
  if (rest === '' || rest === 'meta.json' || rest === 'conversations') return true;
  if (!rest.startsWith('conversations/')) return false;
  return !/^conversations\/(cursor\.json|meta\.json|partials(\/|$))/.test(rest);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The listing row of a folder whose name is not UTF-8: flagged, dated by the folder, never read. */
function rawNamedSummary(home: string, r: RawNamedSession): SessionSummary {
  const at = r.mtimeMs / 1000;
  return {
    key: path.relative(home, path.join(r.parent, r.shown)).split(path.sep).join('/'),
    session_id: r.shown,
    queen_id: r.queenId,
    colony_id: r.colonyId,
    layout: r.layout,
    created_at: at,
    last_active_at: at,
    agent_name: null,
    agent_path: null,
    last_message: null,
    first_message: null,
    message_count: 0,
    has_messages: false,
    has_part_files: false,
    conversations_exists: false,
    colony_fork: false,
    colony_spawned: false,
    spawned_colony_name: null,
    spawned_colony_id: null,
    damaged: {
      reason: 'the folder name is not valid UTF-8 (shown with \\xNN escapes): it can be deleted, not opened',
    },
  };
}
