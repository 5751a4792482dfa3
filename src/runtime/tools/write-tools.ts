import { lstat, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomically } from '../storage/atomic';
import type { FolderJail } from './folder-jail';
import { isBinary } from './read-tools';
import { defineTool, type Tool, toolError } from './tool';

export interface WriteToolLimits {
  /** Largest file written or edited (default 10 MB). */
  maxFileBytes?: number;
}

/** write_file and edit_file: confined to the jail, written atomically (temp file + rename). */
export function createWriteTools(jail: FolderJail, limits: WriteToolLimits = {}): Tool[] {
  const maxBytes = limits.maxFileBytes ?? 10 * 1024 * 1024;
  const writeFile = defineTool({
    name: 'write_file',
    description:
      'Create or replace a file inside the colony folder with the given content (missing folders are created). ' +
      'To change part of an existing file, prefer edit_file.',
    category: 'write',
    schema: z.object({
      path: z.string().describe('File path, relative to the colony folder'),
      content: z.string().describe('The whole new content of the file'),
    }),
    async run({ path: p, content }) {
      const bytes = Buffer.byteLength(content);
      if (bytes > maxBytes) return toolError(`content is ${bytes} bytes, above the ${maxBytes}-byte limit`);
      const file = await jail.resolveForWrite(p);
      const existed = await lstat(file).then(
        () => true,
        () => false,
      );
      await writeFileAtomically(file, content);
      return `${existed ? 'Replaced' : 'Created'} ${await jail.display(file)} (${bytes} bytes).`;
    },
  });

  const editFile = defineTool({
    name: 'edit_file',
    description:
      'Replace exact text in a file inside the colony folder. old_string must match the file exactly ' +
      '(whitespace included) and only once, unless replace_all is true. Read the file first.',
    category: 'write',
    schema: z.object({
      path: z.string().describe('File path, relative to the colony folder'),
      old_string: z.string().min(1, 'must not be empty').describe('Exact text to replace'),
      new_string: z.string().describe('Replacement text'),
      replace_all: z.boolean().default(false).describe('Replace every occurrence'),
    }),
    async run({ path: p, old_string, new_string, replace_all }) {
      if (old_string === new_string)
        return toolError('old_string and new_string are the same; nothing to do');
      const file = await jail.resolveExisting(p);
      const info = await lstat(file);
      if (!info.isFile()) return toolError(`${p} is not a regular file`);
      if (info.size > maxBytes) return toolError(`${p} is above the ${maxBytes}-byte edit limit`);
      const buf = await readFile(file);
      if (isBinary(buf)) return toolError(`${p} is a binary file`);
      const text = buf.toString('utf8');
      const count = occurrences(text, old_string);
      if (count === 0)
        return toolError(
          `old_string was not found in ${p}; check whitespace and line breaks, or read the file again`,
        );
      if (count > 1 && !replace_all)
        return toolError(
          `old_string occurs ${count} times in ${p}; include more surrounding text to make it unique, or set replace_all`,
        );
      // split/join: no `$&`-style replacement patterns, every occurrence literal.
      const next = replace_all
        ? text.split(old_string).join(new_string)
        : replaceOnce(text, old_string, new_string);
      if (Buffer.byteLength(next) > maxBytes)
        return toolError(`the edited file would exceed ${maxBytes} bytes`);
      await writeFileAtomically(file, next);
      return `Replaced ${count === 1 ? '1 occurrence' : `${count} occurrences`} in ${await jail.display(file)}.`;
    },
  });
  return [writeFile, editFile];
}

function occurrences(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function replaceOnce(text: string, from: string, to: string): string {
  const i = text.indexOf(from);
  return text.slice(0, i) + to + text.slice(i + from.length);
}
