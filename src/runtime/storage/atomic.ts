import { mkdir, open, rename, unlink } from 'node:fs/promises';
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

let tempCounter = 0;

/**
 * The same guarantee as writeFileAtomically (temp file, fsync, rename: never a torn file, even after a
 * power loss) for a file that is new, such as a conversation part, with the fewest system calls: no
 * folder creation (the caller makes the folder once), no realpath/stat/chown/chmod to carry an old
 * file's owner and mode over. Per call: open, write, fsync, close, rename. The temp name starts with
 * `<name>.` and does not end in `.json`, so part readers never pick it up.
 */
export async function createFileAtomically(file: string, data: string): Promise<void> {
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  const fh = await open(temp, 'wx');
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(temp, file);
  } catch (err) {
    await unlink(temp).catch(() => {});
    throw err;
  }
}
