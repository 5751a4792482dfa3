import { lstat, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically, writeJsonAtomically } from '../storage/atomic';
import { readTextSafe } from '../storage/safe-read';

/**
 * `trigger-state.json` next to triggers.json: per-trigger fire statistics that Hive keeps in memory
 * only. Kept out of triggers.json so a one-minute cron does not rewrite the (possibly version-
 * controlled) definitions file every minute. Survives restarts, so the panel's "fired N×, last 2 min
 * ago" badge does too, and missed fires can be counted on the next load.
 */

export const STATE_FILE = 'trigger-state.json';

export interface PendingMissed {
  count: number;
  /** True when `count` is a lower bound (very tight schedule over a long absence). */
  capped: boolean;
  /** First missed fire times (epoch ms), at most 100. */
  ticks: number[];
}

export interface TriggerStats {
  fire_count: number;
  /** Epoch ms of the last delivered fire. */
  last_fired_at: number | null;
  /** Epoch ms of the last activation: interval anchor and lower bound for missed fires. */
  activated_at?: number;
  /** Missed fires reported to the user and not yet run or skipped. */
  pending_missed?: PendingMissed;
}

interface StateFileShape {
  version: 1;
  saved_at: number;
  triggers: Record<string, TriggerStats>;
}

export interface StateLogger {
  warn(message: string): void;
}

export class TriggerStateStore {
  private stats = new Map<string, TriggerStats>();
  private saving: Promise<void> | undefined;
  private dirty = false;

  constructor(
    readonly file: string,
    private readonly now: () => number,
    private readonly logger: StateLogger = console,
  ) {}

  static beside(colonyDir: string, now: () => number, logger?: StateLogger): TriggerStateStore {
    return new TriggerStateStore(path.join(colonyDir, STATE_FILE), now, logger);
  }

  /** Loads the file. A damaged file is moved aside (never lost) and counting starts afresh. */
  async load(): Promise<void> {
    let text: string;
    try {
      text = await readTextSafe(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const data = JSON.parse(text) as Partial<StateFileShape>;
      if (
        typeof data !== 'object' ||
        data === null ||
        typeof data.triggers !== 'object' ||
        data.triggers === null
      ) {
        throw new Error('missing "triggers" object');
      }
      for (const [id, raw] of Object.entries(data.triggers)) {
        const s = sanitize(raw);
        if (s) this.stats.set(id, s);
      }
    } catch (err) {
      const aside = `${this.file}.corrupt-${this.now()}`;
      this.logger.warn(`${this.file}: unreadable (${(err as Error).message}); moved to ${aside}`);
      await rename(this.file, aside).catch(() => undefined);
    }
  }

  get(id: string): TriggerStats {
    return this.stats.get(id) ?? { fire_count: 0, last_fired_at: null };
  }

  has(id: string): boolean {
    return this.stats.has(id);
  }

  update(id: string, patch: Partial<TriggerStats>): TriggerStats {
    const next: TriggerStats = { ...this.get(id), ...patch };
    for (const [k, v] of Object.entries(patch))
      if (v === undefined) delete (next as unknown as Record<string, unknown>)[k];
    this.stats.set(id, next);
    this.requestSave();
    return next;
  }

  delete(id: string): void {
    if (this.stats.delete(id)) this.requestSave();
  }

  /** Writes in the background; bursts of updates collapse into one write. */
  requestSave(): void {
    this.dirty = true;
    if (!this.saving) this.saving = this.writeLoop();
  }

  /** Resolves once everything updated so far is on disk. */
  async flush(): Promise<void> {
    while (this.saving) await this.saving;
  }

  private async writeLoop(): Promise<void> {
    try {
      while (this.dirty) {
        this.dirty = false;
        const body: StateFileShape = {
          version: 1,
          saved_at: this.now(),
          triggers: Object.fromEntries(this.stats),
        };
        await writeJsonAtomically(this.file, body, 2);
      }
    } catch (err) {
      this.logger.warn(`${this.file}: could not save trigger state (${(err as Error).message})`);
    } finally {
      this.saving = undefined;
    }
  }
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function sanitize(raw: unknown): TriggerStats | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const out: TriggerStats = {
    fire_count: Math.max(0, Math.floor(num(r.fire_count) ?? 0)),
    last_fired_at: num(r.last_fired_at) ?? null,
  };
  const activated = num(r.activated_at);
  if (activated !== undefined) out.activated_at = activated;
  const pm = r.pending_missed as Record<string, unknown> | undefined;
  if (pm && typeof pm === 'object' && (num(pm.count) ?? 0) > 0) {
    out.pending_missed = {
      count: num(pm.count)!,
      capped: pm.capped === true,
      ticks: Array.isArray(pm.ticks)
        ? pm.ticks.filter((t): t is number => num(t) !== undefined).slice(0, 100)
        : [],
    };
  }
  return out;
}

/**
 * Moves an older version's `trigger-state.json` from the colony folder to `stateDir`, once (kept
 * there when the new one exists already). Returns a notice, or undefined when nothing was there.
 */
export async function moveStateFile(colonyDir: string, stateDir: string): Promise<string | undefined> {
  const old = path.join(colonyDir, STATE_FILE);
  const info = await lstat(old).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const target = path.join(stateDir, STATE_FILE);
  if (!(await lstat(target).catch(() => undefined)))
    await writeFileAtomically(target, await readTextSafe(old));
  await unlink(old);
  return `Moved trigger statistics out of the colony folder: ${old} → ${target}`;
}
