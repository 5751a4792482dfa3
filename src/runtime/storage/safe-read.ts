import { closeSync, constants, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { HiveError } from '../errors';

/**
 * Reads of files under HIVE_HOME or a colony, which another program (or another user of a shared home)
 * may have replaced by something hostile: a FIFO (a plain open would block forever), a link to a device
 * such as /dev/zero (endless content), or a huge file (unbounded memory). Every such read goes through
 * here: the file is opened non-blocking (so a FIFO opens at once), checked on the open handle (regular
 * file, size under the cap), and read through that handle up to the cap; a file that grows while read
 * is cut off, not followed. Errors carry a code (`ENOTREG`, `EFBIG`) and a message that says why.
 */

/** Default cap: metadata is kilobytes and a part (one message, tool results spilled) a few MB at most. */
export const DEFAULT_MAX_READ_BYTES = 32 * 1024 * 1024;

export interface SafeReadOptions {
  /** Files larger than this are refused (EFBIG). */
  maxBytes?: number;
}

export class UnsafeFileError extends HiveError {
  declare readonly code: 'ENOTREG' | 'EISDIR' | 'EFBIG';
  constructor(
    readonly file: string,
    code: 'ENOTREG' | 'EISDIR' | 'EFBIG',
    /** Why, without the path (for lists that show the path already). */
    readonly reason: string,
  ) {
    super(code, `${file}: ${reason}`);
    this.name = 'UnsafeFileError';
  }
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

function check(file: string, st: Stats, max: number): void {
  if (st.isDirectory()) throw new UnsafeFileError(file, 'EISDIR', 'is a directory');
  if (!st.isFile()) throw new UnsafeFileError(file, 'ENOTREG', `not a regular file (${kindOf(st)})`);
  if (st.size > max) throw new UnsafeFileError(file, 'EFBIG', `too large (${st.size} bytes, limit ${max})`);
}

export function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isSymbolicLink()) return 'a symbolic link';
  return 'a regular file';
}

/** The file's bytes; throws ENOENT etc. like fs, or UnsafeFileError. */
export async function readBytesSafe(file: string, opts: SafeReadOptions = {}): Promise<Buffer> {
  const max = opts.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  // Checked before opening too: opening some devices has effects of its own.
  check(file, await stat(file), max);
  const fh = await open(file, OPEN_FLAGS);
  try {
    const st = await fh.stat();
    check(file, st, max);
    const buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
    let n = 0;
    while (n < buf.length) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > max) throw new UnsafeFileError(file, 'EFBIG', `grew past ${max} bytes while read`);
    return buf.subarray(0, n);
  } finally {
    await fh.close();
  }
}

export async function readTextSafe(file: string, opts: SafeReadOptions = {}): Promise<string> {
  return (await readBytesSafe(file, opts)).toString('utf8');
}

/** Synchronous twin, for the session index (which reads synchronously between yields). */
export function readBytesSafeSync(file: string, opts: SafeReadOptions = {}): Buffer {
  const max = opts.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  check(file, statSync(file), max);
  const fd = openSync(file, OPEN_FLAGS);
  try {
    const st = fstatSync(fd);
    check(file, st, max);
    const buf = Buffer.allocUnsafe(Math.min(st.size, max) + 1);
    let n = 0;
    while (n < buf.length) {
      const bytesRead = readSync(fd, buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > max) throw new UnsafeFileError(file, 'EFBIG', `grew past ${max} bytes while read`);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

export function readTextSafeSync(file: string, opts: SafeReadOptions = {}): string {
  return readBytesSafeSync(file, opts).toString('utf8');
}

/**
 * The file's UTF-8 text a chunk at a time (a character split between two chunks is carried over), with
 * the checks of readBytesSafeSync; each chunk is read synchronously when asked for. A caller that yields
 * between chunks never decodes megabytes in one go.
 */
export function* readTextChunksSafeSync(
  file: string,
  opts: SafeReadOptions & { chunkBytes?: number } = {},
): Generator<string> {
  const max = opts.maxBytes ?? DEFAULT_MAX_READ_BYTES;
  check(file, statSync(file), max);
  const fd = openSync(file, OPEN_FLAGS);
  try {
    check(file, fstatSync(fd), max);
    const buf = Buffer.allocUnsafe(opts.chunkBytes ?? 1024 * 1024);
    const decoder = new StringDecoder('utf8');
    let total = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, total);
      if (n === 0) break;
      total += n;
      if (total > max) throw new UnsafeFileError(file, 'EFBIG', `grew past ${max} bytes while read`);
      yield decoder.write(buf.subarray(0, n));
    }
    const end = decoder.end();
    if (end) yield end;
  } finally {
    closeSync(fd);
  }
}
