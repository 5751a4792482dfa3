/**
 * What this process wrote last to each file, by content hash: a file watcher (the extension's colony
 * watch) tells our own writes (trigger toggles, state files) from the user's edits by asking whether a
 * file still holds exactly what we wrote. Bounded: the oldest entries go first.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';

const LIMIT = 500;
const written = new Map<string, string>();

const hash = (data: string | Buffer) => createHash('sha1').update(data).digest('hex');

export function recordOwnWrite(file: string, data: string | Buffer): void {
  const key = path.resolve(file);
  written.delete(key);
  written.set(key, hash(data));
  if (written.size > LIMIT) written.delete(written.keys().next().value as string);
}

/** True when `data` is what this process last wrote to `file`. */
export function isOwnWrite(file: string, data: string | Buffer): boolean {
  return written.get(path.resolve(file)) === hash(data);
}
