import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { writeJsonAtomically } from '../storage/atomic';
import { kindOf, readTextSafe, UnsafeFileError } from '../storage/safe-read';

/**
 * Iteration offset of a resumed session: max(data.iteration) over events.jsonl + 1, or 0 when no line has one
 * (Hive's `_start_queen`). The bus adds it to every new event's iteration so a replay never reuses an id.
 *
 * Why not just read the tail backwards until the first line with an iteration: the maximum is NOT necessarily
 * near the end. One session bus carries the queen and its workers, and a worker starts again at iteration 0
 * (+offset) while the queen is far ahead, so a late line can hold a smaller iteration than an earlier one.
 * Instead we keep, beside the file, how far we scanned and the maximum up to there (a checkpoint fingerprinted
 * by the bytes at its start and end, since events.jsonl is append-only), and on the next start read only what
 * was appended since. A file with no valid checkpoint (written by Hive, replaced, truncated) is scanned once.
 */

/** The checkpoint's default name, in the session folder beside events.jsonl (Hive ignores unknown files). */
export const OFFSET_CHECKPOINT_NAME = '.events-offset.json';

/** Random-access reads, injectable so tests can count the bytes touched. */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** Opens `file`, or resolves undefined when it does not exist. */
export type OpenByteSource = (file: string) => Promise<ByteSource | undefined>;

export const openFileSource: OpenByteSource = async (file) => {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // Non-blocking, then checked on the handle: a FIFO put in its place must not hang the session.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const st = await handle.stat();
  if (!st.isFile()) {
    await handle.close();
    throw new UnsafeFileError(file, 'ENOTREG', `not a regular file (${kindOf(st)})`);
  }
  const { size } = st;
  return {
    size,
    async read(position, length) {
      const buffer = Buffer.allocUnsafe(length);
      const { bytesRead } = await handle.read(buffer, 0, length, position);
      return buffer.subarray(0, bytesRead);
    },
    close: () => handle.close(),
  };
};

export interface IterationOffsetOptions {
  open?: OpenByteSource;
  /** Checkpoint path; `null` disables it (always a full scan). Default: OFFSET_CHECKPOINT_NAME beside the file. */
  checkpointFile?: string | null;
  /** Read size; 1 MiB by default. */
  chunkBytes?: number;
}

export interface IterationOffsetResult {
  offset: number;
  /** Highest integer `data.iteration` in the file, or null. */
  maxIteration: number | null;
  /** Bytes read from events.jsonl (fingerprint checks included). */
  bytesRead: number;
  /** Where the scan started: 0 for a full scan, the checkpoint's end otherwise. */
  scannedFrom: number;
  checkpointUsed: boolean;
}

interface Checkpoint {
  version: 1;
  /** Bytes covered: always the end of a complete line. */
  size: number;
  maxIteration: number | null;
  head: string;
  tail: string;
}

const FINGERPRINT_BYTES = 256;

export async function readIterationOffset(
  file: string,
  options: IterationOffsetOptions = {},
): Promise<number> {
  return (await findIterationOffset(file, options)).offset;
}

export async function findIterationOffset(
  file: string,
  options: IterationOffsetOptions = {},
): Promise<IterationOffsetResult> {
  const checkpointFile =
    options.checkpointFile === undefined
      ? path.join(path.dirname(file), OFFSET_CHECKPOINT_NAME)
      : options.checkpointFile;
  const opened = await (options.open ?? openFileSource)(file);
  if (!opened) return { offset: 0, maxIteration: null, bytesRead: 0, scannedFrom: 0, checkpointUsed: false };
  const source = countingSource(opened);
  try {
    const saved = checkpointFile ? await loadCheckpoint(checkpointFile) : undefined;
    const valid = saved !== undefined && (await matchesFile(source, saved));
    const from = valid ? saved.size : 0;
    const scan = await scanIterations(source, from, options.chunkBytes ?? 1024 * 1024);
    const maxIteration = maxOf(valid ? saved.maxIteration : null, scan.maxIteration);
    if (checkpointFile && !(valid && scan.completeEnd === saved.size)) {
      const completeMax = maxOf(valid ? saved.maxIteration : null, scan.completeMax);
      await saveCheckpoint(checkpointFile, source, scan.completeEnd, completeMax);
    }
    return {
      offset: maxIteration !== null && maxIteration >= 0 ? maxIteration + 1 : 0,
      maxIteration,
      bytesRead: source.bytesRead,
      scannedFrom: from,
      checkpointUsed: valid,
    };
  } finally {
    await source.close();
  }
}

const maxOf = (a: number | null, b: number | null): number | null =>
  a === null ? b : b === null ? a : Math.max(a, b);

function countingSource(inner: ByteSource): ByteSource & { bytesRead: number } {
  const counted = {
    size: inner.size,
    bytesRead: 0,
    async read(position: number, length: number) {
      const buffer = await inner.read(position, length);
      counted.bytesRead += buffer.length;
      return buffer;
    },
    close: () => inner.close(),
  };
  return counted;
}

const NEEDLE = Buffer.from('"iteration"');
const NEWLINE = 0x0a;

interface ScanResult {
  /** Max over every parseable line, including a final line without its newline. */
  maxIteration: number | null;
  /** Max over complete lines only (what a checkpoint may claim). */
  completeMax: number | null;
  /** Position just after the last newline seen (or `from`). */
  completeEnd: number;
}

/**
 * Forward scan from `from`, in chunks. Only lines containing `"iteration"` are parsed, which skips most of a
 * file; lines that do not parse (a torn tail, damage) are ignored, as Hive ignores them.
 */
async function scanIterations(source: ByteSource, from: number, chunkBytes: number): Promise<ScanResult> {
  let max: number | null = null;
  let completeEnd = from;
  // The unfinished line carried between chunks, kept as pieces so a huge line is joined once, not per chunk.
  let carry: Buffer[] = [];
  for (let position = from; position < source.size; ) {
    const chunk = await source.read(position, Math.min(chunkBytes, source.size - position));
    if (chunk.length === 0) break; // the file shrank under us: use what we have
    position += chunk.length;
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carry.push(chunk);
      continue;
    }
    const carried = carry.reduce((n, b) => n + b.length, 0);
    const lines = carry.length ? Buffer.concat([...carry, chunk.subarray(0, lastNewline + 1)]) : chunk;
    const linesEnd = carried + lastNewline + 1;
    max = maxOf(max, maxInLines(lines, linesEnd));
    completeEnd = position - chunk.length + lastNewline + 1;
    carry = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
  }
  const completeMax = max;
  if (carry.length) {
    const tail = Buffer.concat(carry);
    max = maxOf(max, maxInLines(tail, tail.length));
  }
  return { maxIteration: max, completeMax, completeEnd };
}

/** Highest `data.iteration` among the lines of `buf[0, end)` that mention it. */
function maxInLines(buf: Buffer, end: number): number | null {
  let max: number | null = null;
  let from = 0;
  for (;;) {
    const hit = buf.indexOf(NEEDLE, from);
    if (hit === -1 || hit >= end) return max;
    const start = hit === 0 ? 0 : buf.lastIndexOf(NEWLINE, hit - 1) + 1;
    let stop = buf.indexOf(NEWLINE, hit);
    if (stop === -1 || stop > end) stop = end;
    max = maxOf(max, iterationOf(buf.toString('utf8', start, stop)));
    from = stop + 1;
  }
}

function iterationOf(line: string): number | null {
  try {
    const event = JSON.parse(line) as { data?: { iteration?: unknown } } | null;
    const it = event?.data?.iteration;
    return Number.isInteger(it) ? (it as number) : null;
  } catch {
    return null;
  }
}

async function loadCheckpoint(file: string): Promise<Checkpoint | undefined> {
  try {
    const c = JSON.parse(await readTextSafe(file)) as Partial<Checkpoint>;
    const ok =
      c.version === 1 &&
      Number.isInteger(c.size) &&
      (c.size as number) >= 0 &&
      (c.maxIteration === null || Number.isInteger(c.maxIteration)) &&
      typeof c.head === 'string' &&
      typeof c.tail === 'string';
    return ok ? (c as Checkpoint) : undefined;
  } catch {
    return undefined; // missing or damaged: it is only a cache, so fall back to a full scan
  }
}

async function fingerprint(source: ByteSource, size: number): Promise<{ head: string; tail: string }> {
  const headLength = Math.min(FINGERPRINT_BYTES, size);
  const tailStart = Math.max(0, size - FINGERPRINT_BYTES);
  const head = headLength ? await source.read(0, headLength) : Buffer.alloc(0);
  const tail = size ? await source.read(tailStart, size - tailStart) : Buffer.alloc(0);
  return { head: head.toString('base64'), tail: tail.toString('base64') };
}

/** The file still starts with the same bytes and still has the checkpoint's last bytes at the same place. */
async function matchesFile(source: ByteSource, saved: Checkpoint): Promise<boolean> {
  if (saved.size > source.size) return false;
  const now = await fingerprint(source, saved.size);
  return now.head === saved.head && now.tail === saved.tail;
}

async function saveCheckpoint(
  file: string,
  source: ByteSource,
  size: number,
  maxIteration: number | null,
): Promise<void> {
  const checkpoint: Checkpoint = { version: 1, size, maxIteration, ...(await fingerprint(source, size)) };
  try {
    await writeJsonAtomically(file, checkpoint);
  } catch {
    // A read-only folder only costs a full scan next time.
  }
}
