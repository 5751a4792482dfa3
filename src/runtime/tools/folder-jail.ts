import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readlink, realpath, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { HiveError } from '../errors';

/** A path a tool may not touch; the message is what the model sees. */
export class PathEscapeError extends HiveError {
  constructor(message: string) {
    super('PATH_ESCAPE', message);
    this.name = 'PathEscapeError';
  }
}

/**
 * Confines file tools to one folder. A path is refused when it has a `..` segment, is absolute outside
 * the folder, or resolves (through a symlink anywhere in its chain, existing file or parent) outside
 * the folder's real path. Checks run on real paths, and tools then use the real path they were given.
 * (A process racing to swap a checked folder for a symlink is out of scope: the command tool, which is
 * approval-gated, is not confined anyway.)
 */
export class FolderJail {
  private real: Promise<string> | undefined;
  readonly root: string;

  /** `label` names the folder in messages ("working folder", "colony folder"). */
  constructor(
    root: string,
    readonly label = 'working folder',
  ) {
    this.root = path.resolve(root);
  }

  /** The folder's real path (symlinks in the folder's own path resolved). */
  realRoot(): Promise<string> {
    this.real ??= (async () => {
      const info = await stat(this.root).catch(() => undefined);
      if (!info?.isDirectory()) throw new PathEscapeError(`The ${this.label} ${this.root} does not exist`);
      return realpath(this.root);
    })();
    return this.real;
  }

  /** Real path of an existing file or folder inside the jail. */
  async resolveExisting(input: string): Promise<string> {
    const abs = await this.lexical(input);
    try {
      await lstat(abs);
    } catch {
      throw new PathEscapeError(`No such file or folder: ${input}`);
    }
    return this.checkReal(input, abs);
  }

  /**
   * Real path to write `input` to: the file may not exist yet, nor its parents; the deepest existing
   * ancestor (or the file itself, when it exists) must resolve inside the jail.
   */
  async resolveForWrite(input: string): Promise<string> {
    const abs = await this.lexical(input);
    const missing: string[] = [];
    let cur = abs;
    for (;;) {
      try {
        await lstat(cur);
        break;
      } catch {
        missing.unshift(path.basename(cur));
        cur = path.dirname(cur);
      }
    }
    const real = await this.checkReal(input, cur);
    if (missing.length === 0 && (await stat(real)).isDirectory())
      throw new PathEscapeError(`${input} is a folder, not a file`);
    return path.join(real, ...missing);
  }

  /**
   * Writes `data` to `real` (from resolveForWrite) without a window for a symlink swapped in after the
   * check: a temp file with a random name is created exclusively and without following links in the
   * target's folder, checked through its open handle to lie inside the jail, written and synced through
   * that handle, then renamed over the target. rename() replaces a symlink at the target rather than
   * following it, and a folder swapped for a link meanwhile makes the rename miss the temp file (ENOENT)
   * instead of writing elsewhere.
   */
  async writeFile(real: string, data: string | Buffer): Promise<void> {
    const dir = path.dirname(real);
    await mkdir(dir, { recursive: true });
    const temp = path.join(dir, `.${path.basename(real)}.${randomBytes(8).toString('hex')}.tmp`);
    const fh = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o644,
    );
    let renamed = false;
    // Where the handle really is (Linux): a folder swapped before the open shows here. The temp file is
    // removed by that path, since `temp` may resolve elsewhere by the time it is removed (a swap back
    // would otherwise leave an empty temp file outside the jail).
    let where: string | undefined;
    try {
      where = await readlink(`/proc/self/fd/${fh.fd}`).catch(() => undefined);
      if (where !== undefined && !inside(await this.realRoot(), where))
        throw new PathEscapeError(
          `Refused ${real}: its folder was swapped for a link outside the ${this.label}`,
        );
      await fh.writeFile(data);
      await fh.sync();
      await fh.close();
      const mode = await stat(real)
        .then((s) => s.mode & 0o777)
        .catch(() => undefined);
      await rename(temp, real);
      renamed = true;
      if (mode !== undefined)
        await open(real, constants.O_RDONLY | constants.O_NOFOLLOW)
          .then(async (h) => {
            await h.chmod(mode).catch(() => undefined);
            await h.close();
          })
          .catch(() => undefined);
    } finally {
      await fh.close().catch(() => undefined);
      if (!renamed) await unlink(where ?? temp).catch(() => undefined);
    }
  }

  /**
   * A file with more than one hard link may be the same file as one outside the jail (a link made from
   * outside): reads of it are refused.
   */
  static checkSingleLink(file: string, info: { nlink: number; isFile(): boolean }): void {
    if (info.isFile() && info.nlink > 1)
      throw new PathEscapeError(
        `Refused ${file}: it has ${info.nlink} hard links (one may lie outside the folder)`,
      );
  }

  /** Display form: relative to the jail, `/` separators, `.` for the root. */
  async display(realPath: string): Promise<string> {
    const rel = path.relative(await this.realRoot(), realPath);
    return rel === '' ? '.' : rel.split(path.sep).join('/');
  }

  async isInside(realPath: string): Promise<boolean> {
    return inside(await this.realRoot(), realPath);
  }

  private async lexical(input: string): Promise<string> {
    if (typeof input !== 'string' || input.trim() === '') throw new PathEscapeError('A path is required');
    if (input.includes('\0')) throw new PathEscapeError('The path contains a NUL character');
    if (input.split(/[\\/]+/).includes('..'))
      throw new PathEscapeError(
        `Refused ${JSON.stringify(input)}: ".." is not allowed; use a path inside the ${this.label}`,
      );
    const realRoot = await this.realRoot();
    if (!path.isAbsolute(input)) return path.resolve(realRoot, input);
    const abs = path.resolve(input);
    // An absolute path may name the folder by its given path or by its real path.
    if (inside(this.root, abs)) return path.join(realRoot, path.relative(this.root, abs));
    if (inside(realRoot, abs)) return abs;
    throw new PathEscapeError(`Refused ${input}: it is outside the ${this.label}`);
  }

  private async checkReal(input: string, abs: string): Promise<string> {
    let real: string;
    try {
      real = await realpath(abs);
    } catch {
      throw new PathEscapeError(`Refused ${input}: it is a symlink to a missing target`);
    }
    if (!inside(await this.realRoot(), real))
      throw new PathEscapeError(
        `Refused ${input}: it resolves (through a symlink) outside the ${this.label}`,
      );
    return real;
  }
}

function inside(root: string, p: string): boolean {
  if (p === root) return true;
  const prefix = root.endsWith(path.sep) ? root : root + path.sep;
  return p.startsWith(prefix);
}

/** Reads a file the jail resolved: opened non-blocking (a FIFO never hangs) and checked on the handle, since a hard-linked file may be one outside the folder. */
export async function readJailedFile(file: string, maxBytes?: number): Promise<Buffer> {
  const fh = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await fh.stat();
    FolderJail.checkSingleLink(file, info);
    if (maxBytes === undefined) return await fh.readFile();
    if (!info.isFile()) throw new PathEscapeError(`${file} is not a regular file`);
    // Only the first maxBytes (a caller that caps what it shows need not read a huge file whole).
    const buf = Buffer.alloc(Math.min(maxBytes, info.size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}
