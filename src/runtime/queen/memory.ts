import { lstat, mkdir, open, readdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HiveError } from '../errors';
import { writeFileAtomically } from '../storage/atomic';
import { validateId } from '../storage/ids';
import { type Clock, errorMessage, firstIssue, isNotFound } from './types';

/**
 * Memory files (docs/hive-format.md §2.8, Hive's queen_memory_v2): one `.md` per memory with a small
 * frontmatter (name, description, type) and a body, ≤4096 bytes each, ≤200 per folder, flat names.
 */

export const MEMORY_TYPES = ['profile', 'preference', 'environment', 'feedback'] as const;
export type MemoryType = (typeof MEMORY_TYPES)[number];
export const MAX_MEMORY_FILE_BYTES = 4096;
export const MAX_MEMORY_FILES = 200;
export const REFLECTION_ERROR_FILE = '.reflection_error.txt';
// Files written by others may be bigger than our limit; reading stops here.
const MAX_READ_BYTES = 64 * 1024;

export class MemoryError extends HiveError {
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super('MEMORY_INVALID', message);
    this.name = 'MemoryError';
  }
}

/** The memory folders under MEMORIES_DIR; every name is validated before it becomes a path. */
export interface MemoryLayout {
  global: string;
  queen(queenId: string): string;
  colony(colonyName: string): string;
  worker(workerName: string): string;
}

export function memoryLayout(memoriesDir: string): MemoryLayout {
  return {
    global: path.join(memoriesDir, 'global'),
    queen: (id) => path.join(memoriesDir, 'agents', 'queens', validateId('queen', id)),
    colony: (name) => path.join(memoriesDir, 'colonies', validateId('colony', name)),
    worker: (name) => {
      // `agents/queens` holds the queens' folders; a worker of that name would mix with them.
      if (validateId('worker', name) === 'queens')
        throw new MemoryError('A worker may not be named "queens"');
      return path.join(memoriesDir, 'agents', name);
    },
  };
}

const singleLine = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    // A newline would let a value forge other frontmatter keys.
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must be a single line without control characters');

export const MemoryDraftSchema = z.object({
  name: singleLine(120),
  description: singleLine(300),
  type: z.enum(MEMORY_TYPES, { error: `must be one of ${MEMORY_TYPES.join(', ')}` }),
  body: z.string().trim().min(1, 'must not be empty'),
});
export type MemoryDraft = z.input<typeof MemoryDraftSchema>;

export interface MemoryFile {
  filename: string;
  path: string;
  /** Frontmatter values; null when missing (files written by others are read leniently). */
  name: string | null;
  description: string | null;
  type: MemoryType | null;
  body: string;
  content: string;
  mtimeMs: number;
}

// Flat names only: no separators, no "..", no leading dot, `.md` at the end.
const FILENAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,123}\.md$/;

export function validateMemoryFilename(filename: unknown): string {
  if (typeof filename !== 'string' || !FILENAME.test(filename) || filename.includes('..'))
    throw new MemoryError(
      `Invalid memory file name ${JSON.stringify(String(filename).slice(0, 80))}: use a flat name like "user-prefers-dark-mode.md"`,
      'file',
    );
  return filename;
}

/** The file a memory of this name lives in: a kebab-case slug (Hive's slugify_memory_name). */
export function memoryFilename(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 100)
    .replace(/-+$/, '');
  return `${slug || 'memory'}.md`;
}

export function renderMemory(draft: MemoryDraft): string {
  const d = parseDraft(draft);
  return `---\nname: ${d.name}\ndescription: ${d.description}\ntype: ${d.type}\n---\n\n${d.body}\n`;
}

/** Lenient frontmatter parse, as Hive does: `key: value` lines between `---` fences. */
export function parseMemory(content: string): { frontmatter: Record<string, string>; body: string } {
  const match = /^---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(content);
  if (!match) return { frontmatter: {}, body: content.trim() };
  const frontmatter: Record<string, string> = {};
  for (const line of match[1]!.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 1 || line.trimStart().startsWith('#')) continue;
    const value = line.slice(colon + 1).trim();
    if (value) frontmatter[line.slice(0, colon).trim().toLowerCase()] = value;
  }
  return { frontmatter, body: content.slice(match[0].length).trim() };
}

export async function listMemories(dir: string): Promise<MemoryFile[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true }))
      .filter((e) => e.isFile() && FILENAME.test(e.name) && !e.name.includes('..'))
      .map((e) => e.name);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  const files = await Promise.all(names.map((n) => readMemoryFile(dir, n).catch(() => null)));
  return files
    .filter((f): f is MemoryFile => f !== null)
    .sort((a, b) => b.mtimeMs - a.mtimeMs || a.filename.localeCompare(b.filename))
    .slice(0, MAX_MEMORY_FILES);
}

export async function readMemory(dir: string, filename: string): Promise<MemoryFile> {
  const name = validateMemoryFilename(filename);
  try {
    return await readMemoryFile(dir, name);
  } catch (err) {
    if (isNotFound(err)) throw new MemoryError(`Memory file not found: ${name}`, 'file');
    throw err;
  }
}

export interface WriteMemoryResult {
  filename: string;
  path: string;
  created: boolean;
  bytes: number;
}

/**
 * Creates or replaces a memory (atomically). The file is `file` when given (validated), else
 * derived from the name, so the same memory name updates the same file.
 */
export async function writeMemory(
  dir: string,
  draft: MemoryDraft,
  opts: { file?: string } = {},
): Promise<WriteMemoryResult> {
  const content = renderMemory(draft);
  const filename = opts.file !== undefined ? validateMemoryFilename(opts.file) : memoryFilename(draft.name);
  const bytes = Buffer.byteLength(content, 'utf8');
  if (bytes > MAX_MEMORY_FILE_BYTES)
    throw new MemoryError(
      `Memory "${filename}" is ${bytes} bytes; the limit is ${MAX_MEMORY_FILE_BYTES} bytes per file`,
      'body',
    );
  const file = path.join(dir, filename);
  return withDirLock(dir, async () => {
    const existing = await lstatOrNull(file);
    if (existing && !existing.isFile())
      throw new MemoryError(`Refusing to write ${filename}: it is not a regular file`, 'file');
    if (!existing && (await countMemoryFiles(dir)) >= MAX_MEMORY_FILES)
      throw new MemoryError(
        `Memory folder is full (${MAX_MEMORY_FILES} files); delete or merge a memory before adding ${filename}`,
      );
    await writeFileAtomically(file, content);
    return { filename, path: file, created: !existing, bytes };
  });
}

export async function deleteMemory(dir: string, filename: string): Promise<void> {
  const name = validateMemoryFilename(filename);
  await withDirLock(dir, async () => {
    try {
      await unlink(path.join(dir, name));
    } catch (err) {
      if (isNotFound(err)) throw new MemoryError(`Memory file not found: ${name}`, 'file');
      throw err;
    }
  });
}

/** Best effort, never throws: the last reflection failure, for a human to look at. */
export async function recordReflectionError(
  dir: string,
  context: string,
  error: unknown,
  now: Clock = Date.now,
): Promise<void> {
  const detail = error instanceof Error ? (error.stack ?? error.message) : errorMessage(error);
  const text = `context: ${context}\ntime: ${new Date(now()).toISOString()}\n\n${detail}\n`;
  try {
    await mkdir(dir, { recursive: true });
    await writeFileAtomically(path.join(dir, REFLECTION_ERROR_FILE), text);
  } catch {
    // Nowhere left to report to.
  }
}

async function readMemoryFile(dir: string, filename: string): Promise<MemoryFile> {
  const file = path.join(dir, filename);
  const info = await lstat(file);
  // Symlinks are not followed: a memory folder must not reveal files from elsewhere.
  if (!info.isFile()) throw new MemoryError(`Memory ${filename} is not a regular file`, 'file');
  const handle = await open(file, 'r');
  let content: string;
  try {
    const buffer = Buffer.alloc(Math.min(info.size, MAX_READ_BYTES));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    content = buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
  const { frontmatter, body } = parseMemory(content);
  const type = frontmatter.type?.toLowerCase();
  return {
    filename,
    path: file,
    name: frontmatter.name ?? null,
    description: frontmatter.description ?? null,
    type: (MEMORY_TYPES as readonly string[]).includes(type ?? '') ? (type as MemoryType) : null,
    body,
    content,
    mtimeMs: info.mtimeMs,
  };
}

function parseDraft(draft: MemoryDraft): z.output<typeof MemoryDraftSchema> {
  const result = MemoryDraftSchema.safeParse(draft);
  if (result.success) return result.data;
  const { field, message } = firstIssue(result.error);
  throw new MemoryError(`Invalid memory${field ? ` ${field}` : ''}: ${message}`, field);
}

async function countMemoryFiles(dir: string): Promise<number> {
  try {
    return (await readdir(dir)).filter((n) => n.endsWith('.md') && !n.startsWith('.')).length;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
}

async function lstatOrNull(file: string) {
  try {
    return await lstat(file);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

// Writes and deletes in one folder run one at a time, so the file cap holds within a process.
const dirLocks = new Map<string, Promise<unknown>>();

async function withDirLock<T>(dir: string, fn: () => Promise<T>): Promise<T> {
  const key = path.resolve(dir);
  const previous = dirLocks.get(key) ?? Promise.resolve();
  const run = previous.then(fn, fn);
  const settled = run.catch(() => {});
  dirLocks.set(key, settled);
  try {
    return await run;
  } finally {
    if (dirLocks.get(key) === settled) dirLocks.delete(key);
  }
}
