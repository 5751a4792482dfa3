import { z } from 'zod';
import {
  deleteMemory,
  listMemories,
  type MEMORY_TYPES,
  MemoryDraftSchema,
  MemoryError,
  memoryFilename,
  memoryLayout,
  validateMemoryFilename,
  writeMemory,
} from './memory';
import { errorMessage, firstIssue, parseJsonReply } from './types';

/**
 * The reflection's tool-less protocol: the model answers with JSON memory operations, which are
 * validated strictly here (scope from a fixed set, flat file names, Hive's limits) and applied.
 */

export type MemoryScopeName = 'global' | 'queen' | 'colony';

/** Folder per scope; `queen`/`colony` only when the session has one. */
export interface ReflectionDirs {
  global: string;
  queen?: string;
  queenId?: string;
  colony?: string;
  colonyName?: string;
}

/** The scopes of a queen session: global, the queen's own, and the loaded colony's if any. */
export function sessionMemoryDirs(
  memoriesDir: string,
  queenId: string,
  colonyName?: string | null,
): ReflectionDirs {
  const layout = memoryLayout(memoriesDir);
  const dirs: ReflectionDirs = { global: layout.global, queen: layout.queen(queenId), queenId };
  if (colonyName) Object.assign(dirs, { colony: layout.colony(colonyName), colonyName });
  return dirs;
}

export type MemoryOp =
  | {
      op: 'write';
      scope: MemoryScopeName;
      name: string;
      description: string;
      type: (typeof MEMORY_TYPES)[number];
      body: string;
      file?: string;
    }
  | { op: 'delete'; scope: MemoryScopeName; file: string };

export const MAX_OPS_PER_REFLECTION = 20;

const Scope = z.enum(['global', 'queen', 'colony']);
const WriteOp = MemoryDraftSchema.extend({
  op: z.literal('write'),
  scope: Scope,
  file: z.string().optional(),
});
const DeleteOp = z
  .object({ op: z.literal('delete'), scope: Scope, file: z.string().optional(), name: z.string().optional() })
  .refine((o) => o.file !== undefined || o.name !== undefined, {
    message: 'a delete needs "file" or "name"',
  });
const Reply = z.union([
  z.object({ ops: z.array(z.unknown()).default([]), reason: z.string().optional() }),
  z.array(z.unknown()).transform((ops) => ({ ops, reason: undefined })),
]);

export interface ParsedOps {
  ops: MemoryOp[];
  /** One line per rejected operation. */
  rejected: string[];
  reason?: string;
}

export function scopeDir(dirs: ReflectionDirs, scope: MemoryScopeName): string | undefined {
  return scope === 'global' ? dirs.global : dirs[scope];
}

/** Throws when the reply is not JSON at all; individual bad operations are rejected, not fatal. */
export function parseMemoryOps(raw: string, dirs: ReflectionDirs): ParsedOps {
  const reply = Reply.safeParse(parseJsonReply(raw));
  if (!reply.success)
    throw new MemoryError('reflection reply must be {"ops": [...]} or a list of operations');
  const { ops: items, reason } = reply.data;
  const ops: MemoryOp[] = [];
  const rejected: string[] = [];
  items.forEach((item, index) => {
    const where = `op #${index + 1}`;
    if (index >= MAX_OPS_PER_REFLECTION) {
      rejected.push(`${where}: more than ${MAX_OPS_PER_REFLECTION} operations in one reflection`);
      return;
    }
    try {
      ops.push(validateOp(item, dirs));
    } catch (err) {
      rejected.push(`${where}: ${errorMessage(err)}`);
    }
  });
  return { ops, rejected, reason };
}

function validateOp(item: unknown, dirs: ReflectionDirs): MemoryOp {
  const kind = (item as { op?: unknown } | null)?.op;
  const parsed = (kind === 'delete' ? DeleteOp : kind === 'write' ? WriteOp : null)?.safeParse(item);
  if (!parsed) throw new MemoryError(`"op" must be "write" or "delete", got ${JSON.stringify(kind)}`);
  if (!parsed.success) {
    const { field, message } = firstIssue(parsed.error);
    throw new MemoryError(`${field ?? 'operation'}: ${message}`, field);
  }
  const op = parsed.data;
  if (!scopeDir(dirs, op.scope))
    throw new MemoryError(`scope "${op.scope}" is not available in this session`);
  if (op.file !== undefined) validateMemoryFilename(op.file);
  if (op.op === 'write') return op;
  return { op: 'delete', scope: op.scope, file: op.file ?? memoryFilename(op.name!) };
}

export interface AppliedOps {
  /** `scope:file` of each memory written or deleted. */
  changed: string[];
  failed: string[];
}

export async function applyMemoryOps(ops: readonly MemoryOp[], dirs: ReflectionDirs): Promise<AppliedOps> {
  const changed: string[] = [];
  const failed: string[] = [];
  for (const op of ops) {
    const dir = scopeDir(dirs, op.scope)!;
    try {
      if (op.op === 'write') {
        const { filename } = await writeMemory(dir, op, { file: op.file });
        changed.push(`${op.scope}:${filename}`);
      } else {
        await deleteMemory(dir, op.file);
        changed.push(`${op.scope}:${op.file}`);
      }
    } catch (err) {
      failed.push(
        `${op.op} ${op.scope}:${op.file ?? (op.op === 'write' ? op.name : '')}: ${errorMessage(err)}`,
      );
    }
  }
  return { changed, failed };
}

/**
 * What the model sees of the existing memories: whole files while `budget` characters last, then
 * one header line per file (so it can still update or delete them by file name).
 */
export async function describeMemories(
  dirs: ReflectionDirs,
  budget: number,
): Promise<{ text: string; count: number }> {
  let left = budget;
  let count = 0;
  const blocks: string[] = [];
  for (const scope of Scope.options) {
    const dir = scopeDir(dirs, scope);
    if (!dir) continue;
    const files = await listMemories(dir);
    count += files.length;
    const lines = files.map((f) => {
      const header = `[${f.type ?? 'unknown'}] ${f.filename}: ${f.name ?? '(no name)'} — ${f.description ?? '(no description)'}`;
      if (f.body.length + header.length > left) return header;
      left -= f.body.length + header.length;
      return `${header}\n${f.body}`;
    });
    blocks.push(`## Scope: ${scopeLabel(scope, dirs)}\n\n${lines.join('\n\n') || '(no memories yet)'}`);
  }
  return { text: blocks.join('\n\n'), count };
}

export function scopeLabel(scope: MemoryScopeName, dirs: ReflectionDirs): string {
  if (scope === 'queen' && dirs.queenId) return `queen (${dirs.queenId})`;
  if (scope === 'colony' && dirs.colonyName) return `colony (${dirs.colonyName})`;
  return scope;
}
