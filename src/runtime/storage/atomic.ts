import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import writeFileAtomic from 'write-file-atomic';

/**
 * Writes a file atomically: temp file in the same folder, fsync, rename.
 * A reader (or a crash) sees either the old content or the new one, never a mix.
 */
export async function writeFileAtomically(file: string, data: string | Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFileAtomic(file, data, { fsync: true });
}

/** JSON, atomically. `indent` follows Hive: compact for meta/parts, 2 for triggers.json. */
export async function writeJsonAtomically(file: string, value: unknown, indent?: number): Promise<void> {
  await writeFileAtomically(file, `${JSON.stringify(value, null, indent)}${indent ? '\n' : ''}`);
}
