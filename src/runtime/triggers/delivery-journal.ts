import { randomUUID } from 'node:crypto';
import { mkdir, open } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../storage/atomic';
import { parseJsonl } from '../storage/jsonl';
import { readTextSafe } from '../storage/safe-read';

/**
 * Accepted webhook deliveries, durable: a 202 is sent only once the delivery is on disk here
 * (appended and fsynced), and it is marked done once the queen has it. On the next start the
 * deliveries not marked done are handed over again, so a stop or a crash (even SIGKILL) between the
 * 202 and the queen loses nothing. Hive's webhook server kept them in memory only
 * (Hive: core/framework/triggers/webhook_server.py).
 *
 * The same file remembers the senders' delivery ids (GitHub's X-GitHub-Delivery, an Idempotency-Key)
 * for a day and at least the last 10,000, so a redelivery is answered 202 and not fired again.
 *
 * JSON lines: {"op":"accepted",id,trigger_id,payload,at,key?} · {"op":"done",id} · {"op":"seen",key,at}.
 * Rewritten (atomically) at load with only what is still pending or remembered.
 */

export const JOURNAL_FILE = 'webhook-deliveries.jsonl';
const KEEP_KEYS_MS = 24 * 60 * 60 * 1000;
const KEEP_KEYS_MIN = 10_000;
const KEEP_KEYS_MAX = 100_000;
/** A journal is small once compacted; a huge one is not ours. */
const MAX_JOURNAL_BYTES = 256 * 1024 * 1024;

export interface JournalDelivery {
  id: string;
  trigger_id: string;
  payload: Record<string, unknown>;
  /** Epoch ms accepted. */
  at: number;
  /** The sender's delivery id, when it gave one. */
  key?: string;
}

type Line =
  | ({ op: 'accepted' } & JournalDelivery)
  | { op: 'done'; id: string }
  | { op: 'seen'; key: string; at: number };

export class DeliveryJournal {
  private readonly keys = new Map<string, number>();
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    readonly file: string,
    private readonly now: () => number,
  ) {}

  static in(stateDir: string, now: () => number): DeliveryJournal {
    return new DeliveryJournal(path.join(stateDir, JOURNAL_FILE), now);
  }

  static newId(): string {
    return randomUUID();
  }

  /** The deliveries accepted and never marked done, oldest first; compacts the file. */
  async load(): Promise<JournalDelivery[]> {
    return this.serial(async () => {
      let text = '';
      try {
        text = await readTextSafe(this.file, { maxBytes: MAX_JOURNAL_BYTES });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
      const pending = new Map<string, JournalDelivery>();
      for (const line of parseJsonl<Line>(text).records) {
        if (!line || typeof line !== 'object') continue;
        if (line.op === 'accepted' && typeof line.id === 'string' && typeof line.trigger_id === 'string') {
          const { op: _op, ...d } = line;
          pending.set(d.id, d);
          if (typeof d.key === 'string') this.keys.set(d.key, d.at);
        } else if (line.op === 'done' && typeof line.id === 'string') pending.delete(line.id);
        else if (line.op === 'seen' && typeof line.key === 'string' && typeof line.at === 'number')
          this.keys.set(line.key, line.at);
      }
      this.trimKeys();
      const out = [...pending.values()];
      const lines: Line[] = [
        ...[...this.keys].map(([key, at]): Line => ({ op: 'seen', key, at })),
        ...out.map((d): Line => ({ op: 'accepted', ...d })),
      ];
      if (text !== '' || lines.length)
        await writeFileAtomically(this.file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
      return out;
    });
  }

  /** Whether a sender's delivery id was already accepted (within the remembered window). */
  seen(key: string): boolean {
    return this.keys.has(key);
  }

  /** Persists an accepted delivery (fsynced); resolves only once it is durable. */
  accept(d: JournalDelivery): Promise<void> {
    if (d.key !== undefined) this.keys.set(d.key, d.at);
    if (this.keys.size > KEEP_KEYS_MAX) this.trimKeys();
    return this.append([{ op: 'accepted', ...d }], true).catch((err: unknown) => {
      if (d.key !== undefined) this.keys.delete(d.key);
      throw err;
    });
  }

  /** Marks deliveries handed to the queen. */
  done(ids: string[]): Promise<void> {
    if (!ids.length) return Promise.resolve();
    return this.append(
      ids.map((id) => ({ op: 'done', id })),
      true,
    );
  }

  private append(lines: Line[], sync: boolean): Promise<void> {
    return this.serial(async () => {
      await mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const fh = await open(this.file, 'a', 0o600);
      try {
        await fh.write(lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
        if (sync) await fh.datasync();
      } finally {
        await fh.close();
      }
    });
  }

  private trimKeys(): void {
    const cutoff = this.now() - KEEP_KEYS_MS;
    const sorted = [...this.keys].sort((a, b) => b[1] - a[1]);
    this.keys.clear();
    sorted.forEach(([key, at], i) => {
      if (i < KEEP_KEYS_MIN || (at >= cutoff && i < KEEP_KEYS_MAX)) this.keys.set(key, at);
    });
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
}
