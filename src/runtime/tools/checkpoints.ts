/**
 * The session's checkpoints: every file the queen or a worker changes has its prior state recorded
 * before the change, in a shadow git repository in the session's folder (never the workspace's .git),
 * as Hive's undo_changes does (Hive: tools/coder_tools_server.py, `_take_snapshot`) and Cline's
 * checkpoints do. A journal (`journal.jsonl`) says which change came from which turn and who made it;
 * the blobs live in the repository's object store.
 *
 * - write_file / edit_file record the one file they change (in-process, no git call).
 * - run_command can change anything: the folder is snapshotted (`git add -A` into a per-folder index,
 *   which honours .gitignore) before and after it, and the difference is journaled. The first snapshot
 *   of a large folder is started in the background when the tools are built, so a turn waits for it
 *   only when it runs a command before it finished.
 * - Restoring puts back the state before the first selected change of each file. A file whose content
 *   is not what the agent last wrote (the user changed it since) is a conflict, left alone unless forced.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, lstat, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { writeFileAtomically } from '../storage/atomic';
import { FolderJail } from './folder-jail';
import { blobSha, GitObjects } from './git-objects';
import { gitProcess } from './git-process';
import type { Emit } from './tool';

const run = promisify(execFile);

export interface ChangeMeta {
  toolUseId?: string;
  requester?: string;
  turnId?: number;
  emit?: Emit;
}

/** What the file tools need: record a file's prior state, then the content about to be written. */
export interface FileChangeRecorder {
  recordChange(absPath: string, after: string, meta: ChangeMeta): Promise<void>;
}

export interface RestoreResult {
  /** Paths relative to their folder (the working folder for the queen's changes). */
  restored: string[];
  /** Files the user changed after the agent last wrote them: not overwritten. */
  conflicts: string[];
}

export interface JournalEntry {
  root: string;
  path: string;
  /** Blob SHA of the content before / after; null = the file did not exist. */
  before: string | null;
  after: string | null;
  turn_id: number | null;
  tool_use_id: string | null;
  requester: string;
  kind: 'change' | 'restore';
}

export interface CheckpointsOptions {
  /** The shadow repository's folder, inside the session's folder. */
  dir: string;
  /** The `git` executable; null: no whole-folder snapshots (single-file checkpoints still work). */
  git?: string | null;
}

/** Folders never snapshotted, besides what .gitignore says. */
const EXCLUDED = ['node_modules/', '.git/'];

export class Checkpoints {
  readonly objects: GitObjects;
  private journal: JournalEntry[] | undefined;
  private loading: Promise<JournalEntry[]> | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  private ready: Promise<void> | undefined;
  private readonly snapshots = new Map<string, Promise<string | null>>();
  private readonly git: string | null;

  constructor(private readonly opts: CheckpointsOptions) {
    this.git = opts.git === undefined ? 'git' : opts.git;
    this.objects = new GitObjects(opts.dir, this.git);
  }

  /** The recorder the tools of one folder use (the working folder, a colony folder). */
  forRoot(root: string): RootCheckpoints {
    return new RootCheckpoints(this, path.resolve(root));
  }

  async entries(): Promise<JournalEntry[]> {
    if (this.journal) return this.journal;
    this.loading ??= readFile(path.join(this.opts.dir, 'journal.jsonl'), 'utf8').then(
      (text) =>
        text
          .split('\n')
          .filter((l) => l.trim())
          .flatMap((l) => {
            try {
              return [JSON.parse(l) as JournalEntry];
            } catch {
              return []; // a torn last line
            }
          }),
      () => [],
    );
    this.journal = await this.loading;
    return this.journal;
  }

  /** Appends entries in order, one writer at a time. */
  async append(entries: JournalEntry[], emit?: Emit): Promise<void> {
    if (entries.length === 0) return;
    const journal = await this.entries();
    journal.push(...entries);
    const text = entries.map((e) => `${JSON.stringify(e)}\n`).join('');
    const done = this.tail.then(async () => {
      await mkdir(this.opts.dir, { recursive: true });
      await appendFile(path.join(this.opts.dir, 'journal.jsonl'), text);
    });
    this.tail = done.catch(() => undefined);
    await done;
    for (const e of entries)
      if (e.kind === 'change')
        emit?.('checkpoint_recorded', {
          turn_id: e.turn_id,
          path: e.path,
          tool_use_id: e.tool_use_id,
          requester: e.requester,
        });
  }

  /**
   * Restores every change from the queen's turn `turnId` on (workers' changes after it included). With a
   * worker's id as `requester`, `turnId` counts in that worker's conversation, and only that worker's
   * changes from that turn on go back: other workers run beside it, and their work is their own.
   */
  async restoreFilesBeforeTurn(
    turnId: number,
    opts: { force?: boolean; requester?: string } = {},
  ): Promise<RestoreResult> {
    const requester = opts.requester ?? 'queen';
    const journal = await this.entries();
    const from = journal.findIndex(
      (e) => e.kind === 'change' && e.requester === requester && e.turn_id !== null && e.turn_id >= turnId,
    );
    if (from < 0) return { restored: [], conflicts: [] };
    // Only the agent's changes: a restore the user made since is not a change to take back (its
    // "before" is the agent's content, which is not stored).
    const later = journal
      .slice(from)
      .filter((e) => e.kind === 'change' && (requester === 'queen' || e.requester === requester));
    return this.restore(later, opts.force === true);
  }

  /** Restores the given changes: each file to its state before the first of them. */
  async restore(selected: JournalEntry[], force: boolean): Promise<RestoreResult> {
    const journal = await this.entries();
    const first = new Map<string, JournalEntry>();
    for (const e of selected) {
      const key = `${e.root}\0${e.path}`;
      if (!first.has(key)) first.set(key, e);
    }
    const restored: string[] = [];
    const conflicts: string[] = [];
    const written: JournalEntry[] = [];
    for (const [key, e] of first) {
      const last = journal.findLast((j) => `${j.root}\0${j.path}` === key)!;
      const jail = new FolderJail(e.root);
      const abs = await jail.resolveForWrite(e.path);
      const now = await currentSha(abs);
      if (now === e.before) continue;
      if (now !== last.after && !force) {
        conflicts.push(e.path);
        continue;
      }
      if (e.before === null) await rm(abs, { force: true });
      else {
        await mkdir(path.dirname(abs), { recursive: true });
        await writeFileAtomically(abs, await this.objects.readBlob(e.before));
      }
      restored.push(e.path);
      written.push({ ...e, before: now, after: e.before, kind: 'restore', tool_use_id: null });
    }
    await this.append(written);
    return { restored, conflicts };
  }

  /** Waits for the snapshots in progress (a stopping session must not write into its folder later). */
  async settle(): Promise<void> {
    await Promise.all([...this.snapshots.values(), this.tail].map((p) => p.catch(() => undefined)));
  }

  /** `git` with the shadow repository and `root` as its work tree (a per-folder index). */
  async gitIn(root: string, args: string[], stdin?: AsyncIterable<Buffer>): Promise<string> {
    if (!this.git) throw new Error('git is not available');
    await this.init();
    const env: NodeJS.ProcessEnv = {};
    // The user's GIT_* variables (a hook's GIT_INDEX_FILE…) must not redirect the shadow repository.
    for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('GIT_')) env[k] = v;
    // git allocates and frees zlib state per object; glibc's default trim threshold hands that memory
    // back with a brk call each time (10,000 files: 40,000 brk calls, seconds of system time where
    // system calls are slow, as under gVisor). Keeping freed memory makes a first snapshot ~20x cheaper
    // there. Ignored by non-glibc systems; a value the user set wins.
    env.MALLOC_TRIM_THRESHOLD_ ??= String(256 * 1024 * 1024);
    env.MALLOC_TOP_PAD_ ??= String(16 * 1024 * 1024);
    Object.assign(env, {
      GIT_DIR: this.opts.dir,
      GIT_WORK_TREE: root,
      GIT_INDEX_FILE: path.join(
        this.opts.dir,
        `index-${createHash('sha1').update(root).digest('hex').slice(0, 12)}`,
      ),
    });
    return gitProcess(
      this.git,
      ['-c', 'core.autocrlf=false', '-c', 'core.quotepath=false', '-c', 'gc.auto=0', ...args],
      { env, cwd: root },
      stdin,
    );
  }

  private indexFile(root: string): string {
    return path.join(this.opts.dir, `index-${createHash('sha1').update(root).digest('hex').slice(0, 12)}`);
  }

  /**
   * A tree of the whole folder now (null without git). Snapshots of one folder run one after another;
   * after the first, `git add` only re-reads files whose stat changed.
   */
  snapshot(root: string): Promise<string | null> {
    const prev = this.snapshots.get(root) ?? Promise.resolve(null);
    const next = prev
      .catch(() => null)
      .then(async () => {
        if (!this.git) return null;
        await this.init();
        // The first snapshot adds every file: with a big-file threshold of one byte, `git add` streams
        // them all into one pack (bulk check-in) instead of one loose object file each; git walks,
        // reads and hashes natively, as Cline's checkpoints do, so the extension host does no work.
        // Later snapshots add only what changed, as loose objects.
        const first = !(await lstat(this.indexFile(root)).catch(() => undefined));
        const bulk = first ? ['-c', 'core.bigFileThreshold=1'] : [];
        await this.gitIn(root, [...bulk, 'add', '-A', '--ignore-errors', '.']).catch(() => undefined);
        return (await this.gitIn(root, ['write-tree'])).trim() || null;
      });
    this.snapshots.set(
      root,
      next.catch(() => null),
    );
    return next;
  }

  private init(): Promise<void> {
    this.ready ??= (async () => {
      await mkdir(path.join(this.opts.dir, 'info'), { recursive: true });
      const head = await lstat(path.join(this.opts.dir, 'HEAD')).catch(() => undefined);
      if (!head && this.git) await run(this.git, ['init', '--bare', '--quiet', this.opts.dir]);
      await writeFile(path.join(this.opts.dir, 'info', 'exclude'), `${EXCLUDED.join('\n')}\n`);
    })();
    return this.ready;
  }
}

/** The checkpoints of one folder: what its tools record through. */
export class RootCheckpoints implements FileChangeRecorder {
  constructor(
    readonly set: Checkpoints,
    readonly root: string,
  ) {}

  /** Starts the first whole-folder snapshot in the background (off the turn's critical path). */
  warmUp(): Promise<string | null> {
    const p = this.set.snapshot(this.root);
    p.catch(() => undefined);
    return p;
  }

  async recordChange(absPath: string, after: string, meta: ChangeMeta): Promise<void> {
    const rel = path.relative(this.root, absPath).split(path.sep).join('/');
    const bytes = await readIfFile(absPath);
    const before = bytes ? await this.set.objects.writeBlob(bytes) : null;
    const afterSha = blobSha(Buffer.from(after, 'utf8'));
    await this.set.append([this.entry(rel, before, afterSha, meta)], meta.emit);
  }

  /** Runs `work` (a command) between two snapshots and journals what it changed in the folder. */
  async around<T>(meta: ChangeMeta, work: () => Promise<T>): Promise<T> {
    const before = await this.set.snapshot(this.root).catch(() => null);
    try {
      return await work();
    } finally {
      if (before) {
        const after = await this.set.snapshot(this.root).catch(() => null);
        if (after && after !== before) await this.journalDiff(before, after, meta);
      }
    }
  }

  /** undo_changes: one file (relative path) or every change in this folder. */
  async undo(rel: string | undefined, opts: { force?: boolean } = {}): Promise<RestoreResult> {
    const mine = (await this.set.entries()).filter(
      (e) => e.root === this.root && e.kind === 'change' && (rel === undefined || e.path === rel),
    );
    return this.set.restore(mine, opts.force === true);
  }

  private async journalDiff(a: string, b: string, meta: ChangeMeta): Promise<void> {
    const out = await this.set.gitIn(this.root, ['diff-tree', '-r', '--no-renames', '-z', a, b]);
    // -z raw format: ":<mode> <mode> <sha> <sha> <status>\0<path>\0"
    const fields = out.split('\0');
    const entries: JournalEntry[] = [];
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const m = /^:\d+ \d+ ([0-9a-f]+) ([0-9a-f]+) \w/.exec(fields[i] ?? '');
      const p = fields[i + 1];
      if (!m || !p) continue;
      entries.push(this.entry(p, zeroToNull(m[1]!), zeroToNull(m[2]!), meta));
    }
    await this.set.append(entries, meta.emit);
  }

  private entry(rel: string, before: string | null, after: string | null, meta: ChangeMeta): JournalEntry {
    return {
      root: this.root,
      path: rel,
      before,
      after,
      turn_id: meta.turnId ?? null,
      tool_use_id: meta.toolUseId ?? null,
      requester: meta.requester ?? 'queen',
      kind: 'change',
    };
  }
}

function zeroToNull(sha: string): string | null {
  return /^0+$/.test(sha) ? null : sha;
}

async function readIfFile(abs: string): Promise<Buffer | null> {
  const info = await lstat(abs).catch(() => undefined);
  if (!info?.isFile()) return null;
  return readFile(abs);
}

async function currentSha(abs: string): Promise<string | null> {
  const bytes = await readIfFile(abs);
  return bytes ? blobSha(bytes) : null;
}
