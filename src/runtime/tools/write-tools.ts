/**
 * write_file(path, content) and edit_file(path, old_text, new_text, replace_all), with Hive's names and
 * arguments (Hive: tools/src/aden_tools/file_ops.py). Each computes its proposal (before/after) in
 * `preview`, so the user reviews the exact change; the approved text (the user may have edited it) is
 * what gets written, after the file's prior state went into the session's checkpoints.
 */
import { lstat, readFile } from 'node:fs/promises';
import { z } from 'zod';
import { writeFileAtomically } from '../storage/atomic';
import type { FileChangeRecorder } from './checkpoints';
import type { FolderJail } from './folder-jail';
import { isBinary } from './read-tools';
import {
  defineTool,
  type FileProposal,
  type Tool,
  type ToolContext,
  type ToolResult,
  toolError,
} from './tool';
import { userEditNote } from './user-edit';

export interface WriteToolLimits {
  /** Largest file written or edited (default 10 MB). */
  maxFileBytes?: number;
}

export interface WriteToolOptions extends WriteToolLimits {
  /** Records each file's prior state before it changes (the session's checkpoints). */
  checkpoints?: FileChangeRecorder;
}

export function createWriteTools(jail: FolderJail, options: WriteToolOptions = {}): Tool[] {
  const maxBytes = options.maxFileBytes ?? 10 * 1024 * 1024;
  const where = jail.label;

  /** The file's text now: null when it does not exist; an error result when it cannot be a text file. */
  const current = async (abs: string, p: string): Promise<string | null | ToolResult> => {
    const info = await lstat(abs).catch(() => undefined);
    if (!info) return null;
    if (!info.isFile()) return toolError(`${p} is not a regular file`);
    if (info.size > maxBytes) return toolError(`${p} is above the ${maxBytes}-byte limit`);
    const buf = await readFile(abs);
    if (isBinary(buf)) return toolError(`${p} is a binary file; it is not changed by text tools`);
    return buf.toString('utf8');
  };

  const proposalFor = async (
    p: string,
    next: (before: string | null) => string | ToolResult,
  ): Promise<{ proposal: FileProposal } | ToolResult> => {
    const abs = await jail.resolveForWrite(p);
    const before = await current(abs, p);
    if (before !== null && typeof before !== 'string') return before;
    const after = next(before);
    if (typeof after !== 'string') return after;
    if (Buffer.byteLength(after) > maxBytes)
      return toolError(`the new content of ${p} is above the ${maxBytes}-byte limit`);
    return { proposal: { path: await jail.display(abs), abs_path: abs, before, after } };
  };

  /** Writes what was approved, checkpointing first; refuses when the file moved on since the proposal. */
  const apply = async (
    planned: { proposal: FileProposal } | ToolResult,
    ctx: ToolContext,
    done: (p: FileProposal) => string,
  ): Promise<ToolResult | string> => {
    if ('content' in planned) return planned;
    const fresh = planned.proposal;
    const proposal = ctx.approved?.proposal ?? fresh;
    if (proposal.abs_path !== fresh.abs_path || proposal.before !== fresh.before)
      return toolError(
        `${fresh.path} changed while your change waited for approval; nothing was written. Read it again.`,
      );
    const content = ctx.approved?.content ?? proposal.after;
    await options.checkpoints?.recordChange(proposal.abs_path, content, {
      toolUseId: ctx.toolUseId,
      requester: ctx.requester,
      turnId: ctx.turnId,
      emit: ctx.emit,
    });
    await writeFileAtomically(proposal.abs_path, content);
    const edited =
      content !== proposal.after ? `\n${userEditNote(proposal.path, proposal.after, content)}` : '';
    return done(proposal) + edited;
  };

  const writeSchema = z.object({
    path: z.string().describe(`File path, relative to the ${where}`),
    content: z.string().describe('The whole new content of the file'),
  });
  const planWrite = (input: z.output<typeof writeSchema>) => proposalFor(input.path, () => input.content);
  const writeFile = defineTool({
    name: 'write_file',
    description:
      `Create or overwrite a file inside the ${where} with the given content (missing folders are created). ` +
      'To change part of an existing file, prefer edit_file. The user may review and edit the change first.',
    category: 'write',
    schema: writeSchema,
    preview: planWrite,
    async run(input, ctx) {
      return apply(await planWrite(input), ctx, (p) =>
        p.before === null
          ? `Created ${p.path} (${Buffer.byteLength(ctx.approved?.content ?? p.after)} bytes).`
          : `Replaced ${p.path} (${Buffer.byteLength(ctx.approved?.content ?? p.after)} bytes).`,
      );
    },
  });

  const editSchema = z.object({
    path: z.string().describe(`File path, relative to the ${where}`),
    old_text: z.string().min(1, 'must not be empty').describe('Exact text to replace'),
    new_text: z.string().describe('Replacement text'),
    replace_all: z.boolean().default(false).describe('Replace every occurrence'),
  });
  const planEdit = (input: z.output<typeof editSchema>) =>
    proposalFor(input.path, (before) => {
      const { path: p, old_text, new_text, replace_all } = input;
      if (before === null) return toolError(`No such file: ${p}; use write_file to create it`);
      if (old_text === new_text) return toolError('old_text and new_text are the same; nothing to do');
      const count = occurrences(before, old_text);
      if (count === 0)
        return toolError(
          `old_text was not found in ${p}; check whitespace and line breaks, or read the file again`,
        );
      if (count > 1 && !replace_all)
        return toolError(
          `old_text occurs ${count} times in ${p}; include more surrounding text to make it unique, or set replace_all`,
        );
      // split/join: no `$&`-style replacement patterns, every occurrence literal.
      return replace_all ? before.split(old_text).join(new_text) : replaceOnce(before, old_text, new_text);
    });
  const editFile = defineTool({
    name: 'edit_file',
    description:
      `Replace exact text in a file inside the ${where}. old_text must match the file exactly ` +
      '(whitespace included) and only once, unless replace_all is true. Read the file first. The user may ' +
      'review and edit the change first.',
    category: 'write',
    schema: editSchema,
    preview: planEdit,
    async run(input, ctx) {
      return apply(await planEdit(input), ctx, (p) => {
        const n = input.replace_all ? occurrences(p.before ?? '', input.old_text) : 1;
        return `Replaced ${n === 1 ? '1 occurrence' : `${n} occurrences`} in ${p.path}.`;
      });
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
