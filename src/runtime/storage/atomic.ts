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

/** A temp file written and fsynced, waiting to be renamed into place (or discarded). */
export interface StagedFile {
  readonly file: string;
  readonly temp: string;
  /** Renames the temp file to `file`: from now on readers see the complete content. */
  commit(): Promise<void>;
  discard(): Promise<void>;
}

/**
 * First half of an atomic create: the content goes to a temp file next to `file` and is fsynced, so
 * once `commit()` renames it no crash, not even a power loss, can leave a torn `file`. Splitting the two
 * lets several files be fsynced in parallel and still appear in a chosen order. For new files such as
 * conversation parts, with the fewest system calls: no folder creation (the caller makes the folder
 * once), no realpath/stat/chown/chmod to carry an old file's owner and mode over. The temp name starts
 * with `<name>.` and does not end in `.json`, so part readers never pick it up.
 */
export async function stageFile(file: string, data: string): Promise<StagedFile> {
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  const discard = () => unlink(temp).catch(() => {});
  const fh = await open(temp, 'wx');
  try {
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch (err) {
    await discard();
    throw err;
  }
  return {
    file,
    temp,
    discard,
    commit: async () => {
      try {
        await rename(temp, file);
      } catch (err) {
        await discard();
        throw err;
      }
    },
  };
}

/** stageFile + commit: temp, fsync, rename. */
export async function createFileAtomically(file: string, data: string): Promise<void> {
  await (await stageFile(file, data)).commit();
}
