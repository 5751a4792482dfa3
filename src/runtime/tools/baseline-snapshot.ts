/**
 * The first snapshot of a folder in one pass: `git add -A` would write one loose object file per file
 * (10,000 files: seconds of file-system work), so the folder's files go through one `git fast-import`
 * stream into a single pack instead. The file list is git's own (`ls-files --others --exclude-standard`:
 * .gitignore and info/exclude honoured); files above `maxFileBytes` and non-regular files are left out.
 * The tree is then read into the folder's index, so later snapshots are incremental `git add -A` runs.
 */
import { spawn } from 'node:child_process';
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';

export type GitRunner = (args: string[], stdin?: AsyncIterable<Buffer>) => Promise<string>;

export async function baselineSnapshot(
  root: string,
  git: GitRunner,
  maxFileBytes: number,
): Promise<string | null> {
  const listed = (await git(['ls-files', '-z', '--others', '--exclude-standard']))
    .split('\0')
    .filter(Boolean);
  const files: Array<{ rel: string; mode: string }> = [];
  for (const rel of listed) {
    // fast-import would need C-style quoting for these; git add picks them up at the next snapshot.
    if (rel.includes('\n') || rel.startsWith('"')) continue;
    const info = await lstat(path.join(root, rel)).catch(() => undefined);
    if (!info?.isFile() || info.size > maxFileBytes) continue;
    files.push({ rel, mode: info.mode & 0o111 ? '100755' : '100644' });
  }
  const ref = 'refs/hive/baseline';
  async function* stream(): AsyncIterable<Buffer> {
    const kept: typeof files = [];
    for (const [i, f] of files.entries()) {
      const bytes = await readFile(path.join(root, f.rel)).catch(() => undefined);
      if (!bytes) continue;
      kept.push(f);
      yield Buffer.from(`blob\nmark :${i + 1}\ndata ${bytes.length}\n`);
      yield bytes;
      yield Buffer.from('\n');
      (f as { mark?: number }).mark = i + 1;
    }
    let commit = `commit ${ref}\ncommitter hive <hive@localhost> 0 +0000\ndata 0\ndeleteall\n`;
    for (const f of kept) commit += `M ${f.mode} :${(f as { mark?: number }).mark} ${f.rel}\n`;
    yield Buffer.from(`${commit}\ndone\n`);
  }
  await git(['fast-import', '--quiet', '--done', '--force'], stream());
  const tree = (await git(['rev-parse', `${ref}^{tree}`])).trim();
  await git(['read-tree', tree]);
  // Stat data for the index, so the next `git add -A` re-reads only what changed (no object is written).
  await git(['update-index', '-q', '--refresh']).catch(() => undefined);
  return tree || null;
}

/** Runs `git` with `env`, feeding `stdin` when given; rejects with stderr on a non-zero exit. */
export function gitProcess(
  git: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string },
  stdin?: AsyncIterable<Buffer>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(git, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`git ${args[0]} failed (${code}): ${err.trim()}`)),
    );
    child.stdin.on('error', () => undefined);
    if (!stdin) {
      child.stdin.end();
      return;
    }
    (async () => {
      for await (const chunk of stdin)
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      child.stdin.end();
    })().catch((e: unknown) => {
      child.kill();
      reject(e);
    });
  });
}
