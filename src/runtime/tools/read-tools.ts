import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type FolderJail, readJailedFile } from './folder-jail';
import { defineTool, type Tool, toolError } from './tool';

export interface ReadToolLimits {
  /** Files above this size are not read whole (default 10 MB). */
  maxFileBytes?: number;
  /** Cap on any tool's text output (default 60 000 characters). */
  maxOutputChars?: number;
  /** Entries listed by list_directory (default 1000). */
  maxEntries?: number;
}

const MAX_LINES = 2000;
const MAX_LINE_CHARS = 2000;
/** Folders never descended into when listing recursively or searching. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git']);

export function createReadTools(jail: FolderJail, limits: ReadToolLimits = {}): Tool[] {
  return [readFileTool(jail, limits), listDirectoryTool(jail, limits)];
}

function readFileTool(jail: FolderJail, limits: ReadToolLimits): Tool {
  const maxBytes = limits.maxFileBytes ?? 10 * 1024 * 1024;
  const maxChars = limits.maxOutputChars ?? 60_000;
  return defineTool({
    name: 'read_file',
    description:
      `Read a text file inside the ${jail.label}. Lines come numbered ("    12\\tline"); the numbers are not ` +
      `part of the file. Reads at most ${MAX_LINES} lines per call: pass offset (first line, 1-based) and limit ` +
      '(number of lines) for the rest of a long file.',
    category: 'read',
    schema: z.object({
      path: z.string().describe(`File path, relative to the ${jail.label}`),
      offset: z.number().int().min(1).default(1).describe('First line to read (1-based)'),
      limit: z.number().int().min(0).default(0).describe(`Lines to read (0: up to ${MAX_LINES})`),
    }),
    async run({ path: p, offset, limit }) {
      const start_line = offset;
      const end_line = limit > 0 ? offset + limit - 1 : undefined;
      const file = await jail.resolveExisting(p);
      const info = await lstat(file);
      if (info.isDirectory()) return toolError(`${p} is a folder; use list_directory`);
      if (!info.isFile()) return toolError(`${p} is not a regular file`);
      if (info.size > maxBytes)
        return toolError(
          `${p} is ${mb(info.size)}, above the ${mb(maxBytes)} read limit; use search_files, or run_command with head/tail`,
        );
      const buf = await readJailedFile(file);
      if (buf.length === 0) return `${p} is empty.`;
      if (isBinary(buf)) return `${p} is a binary file (${info.size} bytes); not shown.`;
      const lines = buf.toString('utf8').split('\n');
      if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
      const total = lines.length;
      const from = start_line;
      if (from > Math.max(total, 1))
        return toolError(`${p} has ${total} lines; offset ${from} is past the end`);
      const to = Math.min(total, end_line ?? from + MAX_LINES - 1, from + MAX_LINES - 1);
      const width = String(to).length;
      let out = '';
      let last = from - 1;
      for (let n = from; n <= to; n++) {
        let line = lines[n - 1] ?? '';
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line.length > MAX_LINE_CHARS)
          line = `${line.slice(0, MAX_LINE_CHARS)} … [line cut at ${MAX_LINE_CHARS} chars]`;
        const next = `${String(n).padStart(Math.max(width, 6))}\t${line}\n`;
        if (out.length + next.length > maxChars) break;
        out += next;
        last = n;
      }
      const header = `${p} (lines ${from}-${last} of ${total})\n`;
      const more = last < total ? `[… ${total - last} more lines; read on with offset=${last + 1}]\n` : '';
      return header + out + more;
    },
  });
}

function listDirectoryTool(jail: FolderJail, limits: ReadToolLimits): Tool {
  const maxEntries = limits.maxEntries ?? 1000;
  return defineTool({
    name: 'list_directory',
    description:
      `List a folder inside the ${jail.label}: sub-folders end with "/", files show their size, symlinks their ` +
      'target. recursive=true walks sub-folders (node_modules and .git are listed but not entered).',
    category: 'read',
    schema: z.object({
      path: z.string().default('.').describe(`Folder path, relative to the ${jail.label}`),
      recursive: z.boolean().default(false),
    }),
    async run({ path: p, recursive }) {
      const dir = await jail.resolveExisting(p);
      if (!(await lstat(dir)).isDirectory()) return toolError(`${p} is not a folder`);
      const lines: string[] = [];
      let capped = false;
      const walk = async (abs: string, prefix: string): Promise<void> => {
        const entries = (await readdir(abs, { withFileTypes: true })).sort((a, b) =>
          a.name < b.name ? -1 : 1,
        );
        for (const e of entries) {
          if (lines.length >= maxEntries) {
            capped = true;
            return;
          }
          const full = path.join(abs, e.name);
          const rel = prefix + e.name;
          if (e.isSymbolicLink()) lines.push(`${rel} -> ${await readlink(full).catch(() => '?')}`);
          else if (e.isDirectory()) {
            const skipped = SKIPPED_DIRS.has(e.name);
            lines.push(`${rel}/${recursive && skipped ? ' (not entered)' : ''}`);
            if (recursive && !skipped) await walk(full, `${rel}/`);
          } else if (e.isFile()) lines.push(`${rel} (${(await lstat(full)).size} bytes)`);
          else lines.push(`${rel} (special file)`);
        }
      };
      await walk(dir, '');
      const head = `${await jail.display(dir)}/ — ${lines.length} entr${lines.length === 1 ? 'y' : 'ies'}`;
      const notice = capped ? `\n[listing stopped at ${maxEntries} entries]` : '';
      return `${head}\n${lines.join('\n')}${notice}`;
    },
  });
}

/** A NUL byte in the first 8 KB: treated as binary, as git does. */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).includes(0);
}

function mb(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.ceil(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
