import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import path from 'node:path';
import { readTextChunksSafeSync, readTextSafeSync } from './safe-read';

/**
 * The few synchronous file operations the session index uses. Injected so tests can count
 * reads (proving only changed sessions are re-read) or simulate failures. Synchronous on
 * purpose: a stat costs a few µs this way versus tens through the libuv thread pool, and
 * the index yields to the event loop between batches of sessions instead.
 */
export interface IndexFs {
  /** Follows symlinks. Undefined when the path does not exist (no costly exception); other errors throw. */
  stat(p: string): Stats | undefined;
  /** Entries with types; throws like fs.readdirSync. */
  readdir(p: string): Dirent[];
  /** UTF-8 text of a regular file under the size cap; throws like fs.readFileSync, or UnsafeFileError. */
  readFile(p: string): string;
  /** readFile's text a chunk at a time, each read when asked for (for the index cache, megabytes). */
  readFileChunks?(p: string): Iterable<string>;
  /** The sub-folders of `p` by their raw names (which may not be UTF-8), with their mtimes; throws like readdir. */
  readdirRaw?(p: string): RawFolder[];
}

export interface RawFolder {
  name: Buffer;
  mtimeMs: number;
}

export const nodeIndexFs: IndexFs = {
  stat: (p) => statSync(p, { throwIfNoEntry: false }),
  readdir: (p) => readdirSync(p, { withFileTypes: true }),
  readFile: (p) => readTextSafeSync(p),
  readFileChunks: (p) => readTextChunksSafeSync(p),
  readdirRaw: (p) => {
    const parent = Buffer.from(`${p}${path.sep}`);
    return readdirSync(p, { encoding: 'buffer', withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => ({ name: e.name, mtimeMs: statSync(Buffer.concat([parent, e.name])).mtimeMs }));
  },
};

/** Python's `is_dir()` on an entry: true for directories and symlinks to directories. */
export function isDirEntry(fs: IndexFs, parent: string, entry: Dirent): boolean {
  if (entry.isDirectory()) return true;
  if (!entry.isSymbolicLink()) return false;
  try {
    return fs.stat(path.join(parent, entry.name))?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'ERROR';
}
