// The Sessions tree's cold rows grouped by queen (and colony), newest activity first, rebuilt from the
// SessionIndex. Kept free of the vscode API so the listing benchmark runs exactly this code.
import type { ColdSessionEntry } from '../../runtime/storage/cold-sessions';
import type { RefreshStats, SessionIndex } from '../../runtime/storage/session-index';
import type { GroupNode } from './nodes';
import { matchesFilter } from './session-filter';

export class SessionGroups {
  /** Group nodes by key, kept across rebuilds so a group can be refreshed by itself. */
  groups = new Map<string, GroupNode>();
  order: GroupNode[] = [];
  coldById = new Map<string, ColdSessionEntry>();
  /** Why the last listing failed, if it did (shown as a notice row). */
  loadError: string | undefined;
  /** Every row of the last listing, matched or not (a new filter regroups them without a refresh). */
  allRows: ColdSessionEntry[] = [];
  /** The history search's words; none shows every session. */
  filterWords: string[] = [];

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
      if (stats.problems.length) log.debug(`session scan: ${stats.problems.join('; ')}`);
      log.trace(
        `session index ${stats.mode} refresh: ${stats.checked} checked, ${stats.reread} read, ${stats.removed} removed (${stats.ms} ms)`,
      );
      this.loadError = undefined;
      if (!stats.changed && !hadError && this.coldById.size > 0) return false;
    } catch (err) {
      this.loadError = err instanceof Error ? err.message : String(err);
      log.error(`listing sessions of ${index.home} failed: ${this.loadError}`);
    }
    this.regroup(index.list());
    return true;
  }

  clear(): void {
    this.groups = new Map();
    this.order = [];
    this.coldById = new Map();
    this.allRows = [];
    this.loadError = undefined;
  }

  /** Applies a history search to the rows already listed. */
  setFilter(words: string[]): void {
    this.filterWords = words;
    this.regroup(this.allRows);
  }

  private regroup(all: ColdSessionEntry[]): void {
    this.allRows = all;
    const words = this.filterWords;
    const rows = words.length ? all.filter((r) => matchesFilter(r, words)) : all;
    const groups = new Map<string, GroupNode>();
    const order: GroupNode[] = [];
    const byId = new Map<string, ColdSessionEntry>();
    for (const row of rows) {
      if (!byId.has(row.session_id)) byId.set(row.session_id, row);
      const queenId = row.queen_id ?? 'unknown';
      const key = row.colony_id ? `colony:${row.colony_id}/${queenId}` : `queen:${queenId}`;
      let g = groups.get(key);
      if (!g) {
        g = this.groups.get(key) ?? {
          kind: 'group',
          key,
          queenId,
          colonyId: row.colony_id,
          rows: [],
          expanded: false,
        };
        g.rows = [];
        g.filtered = words.length > 0;
        groups.set(key, g);
        order.push(g);
      }
      g.rows.push(row);
    }
    // The group with the newest session opens by itself.
    if (order[0] && this.groups.size === 0) order[0].expanded = true;
    this.groups = groups;
    this.order = order;
    // Rows the filter hides stay known by id (a live session or a click may still need them).
    for (const row of all) if (!byId.has(row.session_id)) byId.set(row.session_id, row);
    this.coldById = byId;
  }
}
