/**
 * Git blob objects written and read in-process (loose objects: zlib of `blob <size>\0<bytes>`, named by
 * their SHA-1), so recording one file's prior state costs a hash and a small write, not a `git`
 * process. The folder is a real git object store: `git cat-file` reads what is written here, and the
 * whole-folder snapshots `git add` makes land in the same store.
 */
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { deflateSync, inflateSync } from 'node:zlib';

const run = promisify(execFile);

export function blobSha(bytes: Buffer): string {
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

export class GitObjects {
  constructor(
    /** The repository's git dir (holds `objects/`). */
    readonly gitDir: string,
    private readonly git: string | null = 'git',
  ) {}

  private file(sha: string): string {
    return path.join(this.gitDir, 'objects', sha.slice(0, 2), sha.slice(2));
  }

  async writeBlob(bytes: Buffer): Promise<string> {
    const sha = blobSha(bytes);
    const file = this.file(sha);
    if (
      await stat(file).then(
        () => true,
        () => false,
      )
    )
      return sha;
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, deflateSync(Buffer.concat([Buffer.from(`blob ${bytes.length}\0`), bytes])));
    await rename(tmp, file);
    return sha;
  }

  async readBlob(sha: string): Promise<Buffer> {
    const raw = await readFile(this.file(sha)).catch(() => undefined);
    if (raw) {
      const data = inflateSync(raw);
      return data.subarray(data.indexOf(0) + 1);
    }
    // Not loose (a `git gc` packed it): ask git.
    if (!this.git) throw new Error(`checkpoint object ${sha} is missing`);
    const { stdout } = await run(this.git, ['--git-dir', this.gitDir, 'cat-file', 'blob', sha], {
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout as unknown as Buffer;
  }
}
