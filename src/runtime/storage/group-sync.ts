import { closeSync, fsync, openSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const fsyncFd = promisify(fsync);

/** Closing a descriptor or opening a folder does no disk work: done in place, not as a thread pool job. */
function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // Nothing left to release.
  }
}

export interface GroupSyncOptions {
  /** How long the first file queued waits for others to share its pass. */
  delayMs: number;
  /** A file (or its folder) could not be synced: it is written, but a power loss may take it. */
  onError: (err: Error, file: string) => void;
  /** The fsync of one file's descriptor; tests pass one that fails. */
  fsync?: (fd: number, file: string) => Promise<void>;
}

interface Pending {
  /** Undefined when the descriptor was closed at once (too many open): the pass opens the file again. */
  fd: number | undefined;
  file: string;
}

/**
 * Descriptors kept open for the next pass at most. A burst of appends (a worker's copy of a long queen
 * conversation) runs without yielding to the timer; past this many, files are closed at once and opened
 * again for their fsync, so a burst cannot run the process out of descriptors.
 */
const MAX_OPEN = 64;

/**
 * Group commit for files already complete and renamed into place (atomic.ts createFileUnsyncedSync): they
 * are fsynced behind the writer's back, in batches, as a database syncs its log once for several
 * transactions. A pass starts `delayMs` after the first file queued (at once after the previous pass when
 * more came meanwhile), fsyncs and closes its files one after the other in queue order (after the first the
 * journal usually holds the rest, and one thread pool slot stays busy, not four), then fsyncs their folders
 * so the renames are durable too. Only the fsyncs go to the thread pool: on a busy machine each job there
 * costs the event loop a thread wake-up.
 */
export class GroupSync {
  private queue: Pending[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pass: Promise<void> | undefined;
  private failure: Error | undefined;
  private unsyncedCount = 0;
  /** Descriptors held in the queue or by the running pass. */
  private openCount = 0;
  private readonly fsync: (fd: number, file: string) => Promise<void>;

  constructor(private readonly opts: GroupSyncOptions) {
    this.fsync = opts.fsync ?? ((fd) => fsyncFd(fd));
  }

  /** Files queued or in a pass, not yet synced. */
  get unsynced(): number {
    return this.unsyncedCount;
  }

  /** Takes over `fd` (open on `file`): it is closed once synced. */
  add(fd: number, file: string): void {
    if (this.openCount >= MAX_OPEN) {
      closeQuietly(fd);
      this.queue.push({ fd: undefined, file });
    } else {
      this.openCount++;
      this.queue.push({ fd, file });
    }
    this.unsyncedCount++;
    // A running pass takes the file when its batch is done.
    if (this.pass || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startPass();
    }, this.opts.delayMs);
  }

  /**
   * Resolves once every file added before the call is synced (a waiting pass starts at once). Rejects with
   * the first failure since the last settle(), which onError has already seen.
   */
  async settle(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startPass();
    }
    while (this.pass) await this.pass;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw failure;
  }

  private startPass(): void {
    if (this.pass || this.queue.length === 0) return;
    this.pass = (async () => {
      try {
        while (this.queue.length > 0) {
          const batch = this.queue;
          this.queue = [];
          await this.syncBatch(batch);
        }
      } finally {
        // In the same microtask as the empty-queue check: an add() after it schedules a new pass.
        this.pass = undefined;
      }
    })();
  }

  private async syncBatch(batch: Pending[]): Promise<void> {
    const folders = new Set<string>();
    for (const pending of batch) {
      const { file } = pending;
      folders.add(path.dirname(file));
      let fd = pending.fd;
      if (fd === undefined) {
        try {
          fd = openSync(file, 'r');
        } catch (err) {
          // Deleted meanwhile (the session was removed): nothing left to keep.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(err, file);
          continue;
        }
      } else this.openCount--;
      try {
        await this.fsync(fd, file);
      } catch (err) {
        this.fail(err, file);
      } finally {
        closeQuietly(fd);
      }
    }
    for (const folder of folders) {
      let fd: number;
      try {
        fd = openSync(folder, 'r');
      } catch (err) {
        // A folder deleted meanwhile (the session was removed) has nothing left to keep.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.fail(err, folder);
        continue;
      }
      try {
        await fsyncFd(fd);
      } catch (err) {
        this.fail(err, folder);
      } finally {
        closeQuietly(fd);
      }
    }
    this.unsyncedCount -= batch.length;
  }

  private fail(err: unknown, file: string): void {
    const error = err instanceof Error ? err : new Error(String(err));
    this.failure ??= error;
    try {
      this.opts.onError(error, file);
    } catch {
      // A broken reporter must not stop the other syncs.
    }
  }
}
