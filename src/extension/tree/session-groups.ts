// The Sessions tree's cold rows grouped by queen (and colony), newest activity first, rebuilt from the
// SessionIndex. Kept free of the vscode API so the listing benchmark runs exactly this code.
import type { ColdSessionEntry } from '../../runtime/storage/cold-sessions';
import type { RefreshStats, SessionIndex } from '../../runtime/storage/session-index';
import type { GroupNode } from './nodes';
import { matchesFilter } from './session-filter';

/** Rows grouped between two yields to the event loop. */
const BATCH = 1000;

export class SessionGroups {
  /** Group nodes by key, kept across rebuilds so a group can be refreshed by itself. */
  groups = new Map<string, GroupNode>();
  order: GroupNode[] = [];
  coldById = new Map<string, ColdSessionEntry>();
  /** Why the last listing failed, if it did (shown as a notice row). */
  loadError: string | undefined;
  /** What the index's last refresh did (for the log and the extension-host tests). */
  lastRefresh: RefreshStats | undefined;
  /** Every row of the latest listing, matched or not (a new filter regroups them without a refresh). */
  private allRows: ColdSessionEntry[] = [];
  /** The history search's words; none shows every session. */
  filterWords: string[] = [];
  /** Counts regroupings: one that a later one overtook while it yielded is dropped. */
  private generation = 0;

  /**
   * Refreshes the index (full, or only `paths`) and regroups; false when nothing changed (then the
   * 10,000 rows are neither copied out of the index nor regrouped).
   */
  async rebuild(
    index: SessionIndex,
    paths: string[] | undefined,
    log: { debug(m: string): void; trace(m: string): void; error(m: string): void },
  ): Promise<boolean> {
    const hadError = this.loadError !== undefined;
    try {
      const stats: RefreshStats = await index.refresh(paths);
      this.lastRefresh = stats;
      if (stats.problems.length) log.debug(`session scan: ${stats.problems.join('; ')}`);
      log.trace(
        `session index ${stats.mode} refresh: ${stats.checked} checked, ${stats.reread} read, ${stats.removed} removed, ${stats.workerStats} paths stat'ed on the worker (${stats.ms} ms)`,
      );
      this.loadError = undefined;
      if (!stats.changed && !hadError && this.coldById.size > 0) return false;
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err);
      log.error(`listing sessions of ${index.home} failed: ${this.loadError}`);
    }
    return this.regroup(await index.listInBatches());
  }

  clear(): void {
    this.generation++;
    this.groups = new Map();
    this.order = [];
    this.coldById = new Map();
    this.allRows = [];
    this.loadError = undefined;
  }

  /** Applies a history search to the rows already listed. */
  async setFilter(words: string[]): Promise<void> {
    this.filterWords = words;
    await this.regroup(this.allRows);
  }

  /**
   * Groups the rows, yielding between batches so 10,000 rows never hold the extension host for long. False
   * when a later regrouping (or clear) started meanwhile: its result stands, this one is dropped.
   */
  private async regroup(all: ColdSessionEntry[]): Promise<boolean> {
    const generation = ++this.generation;
    // The newest listing, even before it is on show: a filter set meanwhile regroups these rows.
    this.allRows = all;
    const words = this.filterWords;
    // Collected aside: the groups on show are not touched until the end (the tree may draw meanwhile).
    const rowsByKey = new Map<string, ColdSessionEntry[]>();
    const byId = new Map<string, ColdSessionEntry>();
    for (let i = 0; i < all.length; i++) {
      if (i > 0 && i % BATCH === 0) {
        await new Promise((r) => setImmediate(r));
        if (generation !== this.generation) return false;
      }
      const row = all[i]!;
      if (words.length && !matchesFilter(row, words)) continue;
      if (!byId.has(row.session_id)) byId.set(row.session_id, row);
      const key = groupKey(row);
      const rows = rowsByKey.get(key);
      if (rows) rows.push(row);
      else rowsByKey.set(key, [row]);
    }
    if (generation !== this.generation) return false;
    const groups = new Map<string, GroupNode>();
    const order: GroupNode[] = [];
    for (const [key, rows] of rowsByKey) {
      const first = rows[0]!; // the group's newest session
      const g: GroupNode = this.groups.get(key) ?? {
        kind: 'group',
        key,
        queenId: first.queen_id ?? 'unknown',
        colonyId: first.colony_id,
        rows: [],
        expanded: false,
      };
      g.rows = rows;
      g.filtered = words.length > 0;
      groups.set(key, g);
      order.push(g);
    }
    // The group with the newest session opens by itself.
    if (order[0] && this.groups.size === 0) order[0].expanded = true;
    this.groups = groups;
    this.order = order;
    // Rows the filter hides stay known by id (a live session or a click may still need them).
    for (const row of all) if (!byId.has(row.session_id)) byId.set(row.session_id, row);
    this.coldById = byId;
    return true;
  }
}

function groupKey(row: ColdSessionEntry): string {
  const queenId = row.queen_id ?? 'unknown';
  return row.colony_id ? `colony:${row.colony_id}/${queenId}` : `queen:${queenId}`;
}
