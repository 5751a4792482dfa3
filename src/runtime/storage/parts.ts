import { closeSync, existsSync, mkdirSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { createFileUnsyncedSync, writeJsonAtomically } from './atomic';
import { withFileLock } from './file-lock';
import { GroupSync } from './group-sync';
import { readTextSafe, UnsafeFileError } from './safe-read';
import { SUMMARY_FILE, SummaryTracker } from './summary-file';

/** OpenAI-format tool call, as Hive stores it in assistant parts. */
export interface HiveToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** One conversation part (docs/hive-format.md §2.3, Hive's Message.to_storage_dict). */
export interface ConversationPart {
  seq: number;
  role: 'user' | 'assistant' | 'tool';
  /** Always a string, as Hive's Message declares it: its NodeConversation calls len() on it (an assistant tool-call part has ""). */
  content: string;
  tool_use_id?: string;
  tool_calls?: HiveToolCall[];
  is_error?: boolean;
  phase_id?: string;
  is_transition_marker?: boolean;
  is_client_input?: boolean;
  image_content?: unknown;
  run_id?: string;
  is_system_nudge?: boolean;
  truncated?: boolean;
  inherited_from?: string;
  is_trigger?: boolean;
  /**
   * An assistant turn's extended-thinking blocks, verbatim with their signatures, as Hive stores them
   * (Hive: core/framework/agent_loop/conversation.py, Message.thinking_blocks) and echoes back to the API.
   */
  thinking_blocks?: Array<Record<string, unknown>>;
}

export interface SkippedPart {
  file: string;
  reason: string;
}

export interface PartsReadResult {
  parts: ConversationPart[];
  /** Part files that could not be used (bad JSON, wrong shape, unreadable); they are left untouched. */
  skipped: SkippedPart[];
}

const OPTIONAL_KEYS = [
  'tool_use_id',
  'tool_calls',
  'is_error',
  'phase_id',
  'is_transition_marker',
  'is_client_input',
  'image_content',
  'run_id',
  'is_system_nudge',
  'truncated',
  'inherited_from',
  'is_trigger',
  'thinking_blocks',
] as const;

/** Hive's file name for a part: the seq zero-padded to 10 digits. */
export function partFileName(seq: number): string {
  return `${String(seq).padStart(10, '0')}.json`;
}

/** Python's `Path.suffix == ".json"`: a bare `.json` has no suffix; temp files (`x.json.123`) do not match. */
export function isPartFileName(name: string): boolean {
  return name.endsWith('.json') && name !== '.json';
}

/**
 * Hive's to_storage_dict: seq, role, content always; optional keys omitted when false/null/undefined.
 * Every value has the type Hive's Message declares (agent_loop/conversation.py), so Hive's own classes
 * load and run a conversation we wrote: content a string, flags booleans, ids strings, lists lists.
 */
export function toStorageDict(part: ConversationPart): Record<string, unknown> {
  const out: Record<string, unknown> = { seq: part.seq, role: part.role, content: part.content ?? '' };
  for (const key of OPTIONAL_KEYS) {
    const value = hiveTyped(key, part[key]);
    if (value === undefined || value === null || value === false) continue;
    out[key] = value;
  }
  return out;
}

const BOOLEAN_KEYS = new Set<string>([
  'is_error',
  'is_transition_marker',
  'is_client_input',
  'is_system_nudge',
  'truncated',
  'is_trigger',
]);
const STRING_KEYS = new Set<string>(['tool_use_id', 'phase_id', 'run_id', 'inherited_from']);

/** A value of the type Hive's Message has for `key`, or undefined (the key is then left out). */
function hiveTyped(key: (typeof OPTIONAL_KEYS)[number], value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (BOOLEAN_KEYS.has(key)) return value === true ? true : undefined;
  if (STRING_KEYS.has(key)) return typeof value === 'string' ? value : String(value);
  if (key === 'tool_calls') return Array.isArray(value) ? value.map(hiveToolCall) : undefined;
  if (key === 'image_content') return Array.isArray(value) ? value.filter(isObject) : undefined;
  if (key === 'thinking_blocks') {
    const blocks = Array.isArray(value) ? value.filter(isObject) : [];
    return blocks.length > 0 ? blocks : undefined;
  }
  return value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * An OpenAI-format tool call as Hive reads it: `function.arguments` a JSON string (estimate_tokens takes
 * its len(), _compact_tool_calls parses it), id/type/name strings.
 */
function hiveToolCall(call: unknown): HiveToolCall {
  const c = isObject(call) ? call : {};
  const fn = isObject(c.function) ? c.function : {};
  const args = fn.arguments;
  return {
    id: typeof c.id === 'string' ? c.id : '',
    type: 'function',
    function: {
      name: typeof fn.name === 'string' ? fn.name : '',
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    },
  };
}

/**
 * Validates a parsed part file. Returns the part or a reason. Content given as Anthropic-style
 * blocks is flattened to its text, as Hive's listing does.
 */
export function normalizePart(raw: unknown, fallbackSeq: number | undefined): ConversationPart | string {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return 'not a JSON object';
  const r = raw as Record<string, unknown>;
  if (r.role !== 'user' && r.role !== 'assistant' && r.role !== 'tool')
    return 'role is not user|assistant|tool';
  let seq: number | undefined;
  if (Number.isSafeInteger(r.seq) && (r.seq as number) >= 0) seq = r.seq as number;
  else if (r.seq === undefined) seq = fallbackSeq;
  if (seq === undefined) return 'seq is not a non-negative integer';
  // A null content (older files of ours) reads as "", the value Hive writes for a tool-call part.
  let content: string;
  if (typeof r.content === 'string' || r.content === null || r.content === undefined)
    content = r.content ?? '';
  else if (Array.isArray(r.content)) content = textOfBlocks(r.content);
  else return 'content is not a string';
  if (r.tool_calls !== undefined && r.tool_calls !== null && !Array.isArray(r.tool_calls))
    return 'tool_calls is not a list';
  const part: ConversationPart = { seq, role: r.role, content };
  for (const key of OPTIONAL_KEYS) {
    const value = r[key];
    if (value === undefined || value === null || value === false) continue;
    (part as unknown as Record<string, unknown>)[key] = value;
  }
  return part;
}

/** `" ".join(b.text for text blocks)`, like Hive's preview of list content. */
export function textOfBlocks(blocks: unknown[]): string {
  return blocks
    .filter(
      (b): b is { type: 'text'; text?: unknown } =>
        !!b && typeof b === 'object' && (b as { type?: unknown }).type === 'text',
    )
    .map((b) => (typeof b.text === 'string' ? b.text : ''))
    .join(' ');
}

/**
 * How long cursor.json lags behind the parts at most (plus its own write): at most one cursor write per
 * window, shared by the appends made in it; flush() writes it at once.
 */
const CURSOR_DELAY_MS = 100;

/** How long a renamed part waits, at most, for others to share its fsync pass (the power-loss window). */
const SYNC_DELAY_MS = 5;

export interface PartStoreOptions {
  /** A part file could not be fsynced (the part is written, but may not survive a power loss). */
  onSyncError?: (err: Error, file: string) => void;
  /** Overrides SYNC_DELAY_MS. */
  syncDelayMs?: number;
  /** The fsync of a part file's descriptor; tests pass one that fails. */
  fsync?: (fd: number, file: string) => Promise<void>;
  /**
   * `conversations/meta.json` written before the first part when the file is missing. Hive's
   * NodeConversation.restore returns nothing without it (agent_loop/conversation.py), so a conversation
   * of ours would resume empty in Hive.
   */
  conversationMeta?: () => Record<string, unknown>;
  /** The session folder whose `summary.json` (Hive's listing cache) follows every part written. */
  summaryDir?: string;
  /** Epoch ms for summary.json's last_active_at (tests pin it). */
  clock?: () => number;
}

function seqFromFileName(name: string): number | undefined {
  const stem = name.slice(0, -'.json'.length);
  return /^\d+$/.test(stem) ? Number(stem) : undefined;
}

/**
 * One conversation = one `conversations/` folder. Parts live in `parts/<seq:010d>.json` and
 * are written atomically; the legacy node-based layout `conversations/<node_id>/parts/*.json`
 * is read too but never written. After each append, `cursor.json`'s `next_seq` is advanced
 * (read-merge-write) so Hive resuming this conversation never reuses a seq.
 *
 * Durability, like SQLite's WAL with synchronous=NORMAL: append() resolves once the complete part is
 * renamed into place, so a process crash (even SIGKILL) loses no acknowledged part and leaves no torn one.
 * The fsyncs follow within a few ms, batched (group-sync.ts), and flush() waits for them. A power loss before
 * that can lose the last parts, possibly not in seq order (a later one kept, an earlier one missing or empty,
 * which readers skip); once flush() resolved, nothing. (Hive itself writes parts without any fsync.)
 *
 * One PartStore instance is the only writer of its conversation, so after the first read it keeps the
 * parts in memory: an agent turn must not re-read (and re-parse) the whole transcript from disk.
 */
export class PartStore {
  readonly partsDir: string;
  readonly cursorFile: string;
  private cachedNext: number | undefined;
  private cachedRead: PartsReadResult | undefined;
  private cursorTarget = 0;
  /** The highest next_seq a cursor write was made for (done or given up). */
  private cursorWritten = 0;
  private cursorWrite: Promise<void> | undefined;
  private cursorTimer: NodeJS.Timeout | undefined;
  /** The last append (they run one after the other, so files appear in seq order); never rejects. */
  private appends: Promise<unknown> = Promise.resolve();
  /** parts/ is known to exist (made once, not on every append). */
  private partsDirReady = false;
  private metaChecked = false;
  private readonly syncs: GroupSync;
  private readonly conversationMeta: (() => Record<string, unknown>) | undefined;
  private readonly summary: SummaryTracker | undefined;
  private readonly clock: () => number;

  constructor(
    readonly conversationsDir: string,
    options: PartStoreOptions = {},
  ) {
    this.partsDir = path.join(conversationsDir, 'parts');
    this.cursorFile = path.join(conversationsDir, 'cursor.json');
    this.conversationMeta = options.conversationMeta;
    this.summary = options.summaryDir ? new SummaryTracker(options.summaryDir) : undefined;
    this.clock = options.clock ?? Date.now;
    this.syncs = new GroupSync({
      delayMs: options.syncDelayMs ?? SYNC_DELAY_MS,
      onError:
        options.onSyncError ??
        ((err, file) => console.error(`conversation part not synced to disk (${file}): ${err.message}`)),
      fsync: options.fsync,
    });
  }

  /** Part files renamed into place whose fsync has not completed yet. */
  get unsyncedParts(): number {
    return this.syncs.unsynced;
  }

  /** All parts sorted by seq (flat layout first on equal seq); corrupt files are skipped. */
  async readAll(): Promise<ConversationPart[]> {
    return (await this.read()).parts;
  }

  /** Like readAll, with the list of skipped files and why. */
  async read(): Promise<PartsReadResult> {
    if (!this.cachedRead) {
      const result: PartsReadResult = { parts: [], skipped: [] };
      await this.readDir(this.partsDir, result);
      for (const node of await this.legacyNodeDirs()) await this.readDir(path.join(node, 'parts'), result);
      result.parts.sort((a, b) => a.seq - b.seq);
      this.cachedRead = result;
    }
    // Copies, so callers can't change the cache (parts are plain data and never mutated in place).
    return { parts: [...this.cachedRead.parts], skipped: [...this.cachedRead.skipped] };
  }

  /**
   * The newest `count` parts and whether older part files exist: enough to show the end of a long
   * transcript without reading all of it (5,000 part files take ~0.5 s). Parts already read come from
   * memory; a conversation in the legacy node-based layout is read whole.
   */
  async readTail(count: number): Promise<{ parts: ConversationPart[]; earlier: boolean }> {
    if (!this.cachedRead && (await this.legacyNodeDirs()).length > 0) await this.read();
    if (this.cachedRead) {
      const all = this.cachedRead.parts;
      return { parts: all.slice(Math.max(0, all.length - count)), earlier: all.length > count };
    }
    const names = (await listNames(this.partsDir)).filter(isPartFileName).sort();
    const tail = names.slice(Math.max(0, names.length - count));
    const result: PartsReadResult = { parts: [], skipped: [] };
    await this.readNames(this.partsDir, tail, result);
    result.parts.sort((a, b) => a.seq - b.seq);
    return { parts: result.parts, earlier: names.length > tail.length };
  }

  /** The seq the next append will get: past every part on disk and past cursor.json's next_seq. */
  async nextSeq(): Promise<number> {
    if (this.cachedNext !== undefined) return this.cachedNext;
    let next = 0;
    const { parts } = await this.read();
    for (const p of parts) next = Math.max(next, p.seq + 1);
    for (const name of await listNames(this.partsDir)) {
      const s = isPartFileName(name) ? seqFromFileName(name) : undefined;
      if (s !== undefined) next = Math.max(next, s + 1); // even a corrupt file holds its seq
    }
    const cursor = await readJsonObject(this.cursorFile);
    if (cursor.ok && Number.isSafeInteger(cursor.value?.next_seq))
      next = Math.max(next, cursor.value!.next_seq as number);
    this.cachedNext = next;
    return next;
  }

  /**
   * Assigns the next seq and writes the part atomically; resolves once the part file is in place (its
   * fsync follows, see the class comment). Seqs are given and files appear in call order, so a process
   * crash leaves a prefix of the conversation: never a torn part, never a later part without an earlier one.
   * A part that fails to be written leaves a gap, never a reused seq.
   */
  append(part: Omit<ConversationPart, 'seq'>): Promise<ConversationPart> {
    const done = this.appends.then(() => this.writePart(part));
    this.appends = done.catch(() => undefined);
    return done;
  }

  private async writePart(part: Omit<ConversationPart, 'seq'>): Promise<ConversationPart> {
    const seq = await this.nextSeq();
    this.cachedNext = seq + 1;
    const stored = toStorageDict({ ...part, seq } as ConversationPart);
    const file = path.join(this.partsDir, partFileName(seq));
    if (!this.metaChecked) this.writeConversationMeta();
    this.summary?.load();
    this.syncs.add(this.createPartFile(file, JSON.stringify(stored)), file);
    if (this.summary) {
      const fd = this.summary.add(stored, this.clock() / 1000);
      if (fd !== undefined) this.syncs.add(fd, path.join(this.summary.sessionDir, SUMMARY_FILE));
    }
    const normalized = normalizePart(stored, seq) as ConversationPart;
    this.cachedRead?.parts.push(normalized);
    this.scheduleCursor(seq + 1);
    return { ...normalized };
  }

  /** Once per store: Hive's lazily persisted conversation meta, if nobody wrote it yet. */
  private writeConversationMeta(): void {
    this.metaChecked = true;
    if (!this.conversationMeta) return;
    const file = path.join(this.conversationsDir, 'meta.json');
    if (existsSync(file)) return;
    mkdirSync(this.conversationsDir, { recursive: true });
    try {
      closeSync(createFileUnsyncedSync(file, JSON.stringify(this.conversationMeta())));
    } catch {
      // Best effort, like the cursor: our own reader does not need it.
    }
  }

  private createPartFile(file: string, json: string): number {
    if (!this.partsDirReady) {
      mkdirSync(this.partsDir, { recursive: true });
      this.partsDirReady = true;
    }
    try {
      return createFileUnsyncedSync(file, json);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      // The folder went away under us (a test's cleanup, a user's rm): make it again, once.
      mkdirSync(this.partsDir, { recursive: true });
      return createFileUnsyncedSync(file, json);
    }
  }

  /**
   * Resolves once every append so far is fsynced and cursor.json reflects it (call on stop, before handing
   * the folder to Hive). Rejects when a part could not be synced (already reported to onSyncError).
   */
  async flush(): Promise<void> {
    await this.appends;
    const target = this.cursorTarget;
    try {
      await this.syncs.settle();
    } finally {
      while (this.cursorWritten < target) {
        if (this.cursorTimer) {
          clearTimeout(this.cursorTimer);
          this.cursorTimer = undefined;
        }
        this.startCursorWrite();
        await this.cursorWrite;
      }
    }
  }

  /**
   * cursor.json is written behind the parts, at most one write per CURSOR_DELAY_MS (appends meanwhile wait
   * for the next one), so a turn pays no cursor write at all and a busy conversation does not keep one
   * going all the time. It is only a hint for Hive: nextSeq() also scans the part files.
   */
  private scheduleCursor(next: number): void {
    this.cursorTarget = Math.max(this.cursorTarget, next);
    if (this.cursorWrite || this.cursorTimer || this.cursorWritten >= this.cursorTarget) return;
    this.cursorTimer = setTimeout(() => {
      this.cursorTimer = undefined;
      this.startCursorWrite();
    }, CURSOR_DELAY_MS);
  }

  private startCursorWrite(): void {
    if (this.cursorWrite) return;
    const target = this.cursorTarget;
    this.cursorWrite = (async () => {
      try {
        await this.advanceCursor(target);
      } catch {
        // A cursor that can't be written is left as it is; the parts on disk stay authoritative.
      } finally {
        this.cursorWritten = Math.max(this.cursorWritten, target);
        this.cursorWrite = undefined;
        // Appends that came during the write get the next one, a full delay later.
        this.scheduleCursor(this.cursorTarget);
      }
    })();
  }

  private async advanceCursor(next: number): Promise<void> {
    await withFileLock(this.cursorFile, async () => {
      const cursor = await readJsonObject(this.cursorFile);
      if (!cursor.ok) return; // a damaged cursor.json is left as it is; nextSeq() does not need it
      const value = cursor.value ?? {};
      if (Number.isSafeInteger(value.next_seq) && (value.next_seq as number) >= next) return;
      await writeJsonAtomically(this.cursorFile, { ...value, next_seq: next });
    });
  }

  private async legacyNodeDirs(): Promise<string[]> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(this.conversationsDir, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries
      .filter((e) => e.isDirectory() && e.name !== 'parts' && e.name !== 'partials')
      .map((e) => path.join(this.conversationsDir, e.name))
      .sort();
  }

  private async readDir(dir: string, into: PartsReadResult): Promise<void> {
    await this.readNames(dir, (await listNames(dir)).filter(isPartFileName).sort(), into);
  }

  private async readNames(dir: string, names: string[], into: PartsReadResult): Promise<void> {
    // Reads go out in bounded batches: one at a time, a 5,000-part session took ~1 s to open.
    for (let i = 0; i < names.length; i += READ_BATCH) {
      const batch = names.slice(i, i + READ_BATCH);
      const texts = await Promise.all(
        batch.map((name) =>
          readTextSafe(path.join(dir, name)).then(
            (text) => ({ text }),
            (err: unknown) => ({ err }),
          ),
        ),
      );
      batch.forEach((name, j) => {
        const file = path.join(dir, name);
        const read = texts[j]!;
        let raw: unknown;
        try {
          if ('err' in read) throw read.err;
          raw = JSON.parse(read.text);
        } catch (err) {
          into.skipped.push({ file, reason: describeError(err) });
          return;
        }
        const part = normalizePart(raw, seqFromFileName(name));
        if (typeof part === 'string') into.skipped.push({ file, reason: part });
        else into.parts.push(part);
      });
    }
  }
}

/** Part files read at once when a transcript is loaded (bounded: file descriptors are finite). */
const READ_BATCH = 64;

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch {
    return [];
  }
}

type JsonObjectRead =
  | { ok: true; value: Record<string, unknown> | undefined }
  | { ok: false; reason: string };

async function readJsonObject(file: string): Promise<JsonObjectRead> {
  let text: string;
  try {
    text = await readTextSafe(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: undefined };
    return { ok: false, reason: describeError(err) };
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { ok: false, reason: 'not a JSON object' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (err) {
    return { ok: false, reason: describeError(err) };
  }
}

export function describeError(err: unknown): string {
  if (err instanceof UnsafeFileError) return err.reason;
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  if (e?.code === 'ENOTDIR') return 'not a directory';
  if (err instanceof SyntaxError) return `invalid JSON (${err.message})`;
  return e?.message ?? String(err);
}
