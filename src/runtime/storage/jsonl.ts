import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { readTextSafe } from './safe-read';

/**
 * Append-only JSON-lines writer. Lines are buffered in memory and written in batches
 * (on the next tick, or at once when the buffer is large) so a busy event stream costs
 * one write() per batch rather than one per event. `flush()` forces them out.
 */
export class JsonlAppender {
  private fd: number | undefined;
  // One growing string: V8 concatenates into a rope, cheaper per event than an array joined later.
  private pending = '';
  private scheduled = false;

  /**
   * `onError` hears about writes that failed in the background flush (disk full, folder removed):
   * the lines stay buffered and are retried on the next flush, so nothing is lost and the error
   * never escapes as an uncaught exception.
   */
  constructor(
    readonly file: string,
    private readonly maxBufferBytes = 256 * 1024,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  append(record: unknown): void {
    this.pending += `${JSON.stringify(record)}\n`;
    if (this.pending.length >= this.maxBufferBytes) this.backgroundFlush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.backgroundFlush());
    }
  }

  /** Writes every buffered line now; throws if the write fails (the lines stay buffered). */
  flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0) return;
    if (this.fd === undefined) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.fd = openSync(this.file, 'a');
    }
    const chunk = this.pending;
    this.pending = '';
    try {
      writeSync(this.fd, chunk);
    } catch (err) {
      this.pending = chunk + this.pending;
      throw err;
    }
  }

  close(): void {
    this.flush();
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private backgroundFlush(): void {
    try {
      this.flush();
    } catch (err) {
      this.onError(err as Error);
    }
  }
}

export interface JsonlReadResult<T> {
  records: T[];
  /** Lines that did not parse (a torn last line after a crash, or damage). They are skipped. */
  skipped: number;
}

/** Parses JSON-lines text; unparseable lines (typically a torn last line) are skipped and counted. */
export function parseJsonl<T = unknown>(text: string): JsonlReadResult<T> {
  const records: T[] = [];
  let skipped = 0;
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line) as T);
    } catch {
      skipped++;
    }
  }
  return { records, skipped };
}

/** Reads a JSON-lines file; a missing file reads as empty. */
export async function readJsonl<T = unknown>(file: string): Promise<JsonlReadResult<T>> {
  let text: string;
  try {
    text = await readTextSafe(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0 };
    throw err;
  }
  return parseJsonl<T>(text);
}
