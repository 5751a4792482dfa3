/**
 * What this process wrote lately to each file, by content hash: a file watcher (the extension's colony
 * watch) tells our own writes (trigger toggles, state files) from the user's edits by asking whether a
 * file holds exactly something we wrote. A few versions per file, because the watcher may read the file
 * between two quick writes (a trigger switched off and on). Bounded: the oldest files go first.
 */
import path from 'node:path';

const LIMIT = 500;
const VERSIONS = 8;
const written = new Map<string, string[]>();

// node:crypto is required on first use: a listing, which writes nothing, never pays for loading it.
const hash = (data: string | Buffer) =>
  (require('node:crypto') as typeof import('node:crypto')).createHash('sha1').update(data).digest('hex');

export function recordOwnWrite(file: string, data: string | Buffer): void {
  const key = path.resolve(file);
  const versions = written.get(key) ?? [];
  written.delete(key);
  written.set(key, [hash(data), ...versions].slice(0, VERSIONS));
  if (written.size > LIMIT) written.delete(written.keys().next().value as string);
}

/** True when `data` is one of the last versions this process wrote to `file`. */
export function isOwnWrite(file: string, data: string | Buffer): boolean {
  return written.get(path.resolve(file))?.includes(hash(data)) ?? false;
}
