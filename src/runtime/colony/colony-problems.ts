/**
 * Problems of a colony's JSON files with their position, for an editor's problem list: syntax errors,
 * fields the loader refuses (colony-schemas.ts) and triggers.json entries the trigger loader skips
 * (triggers/definitions.ts: the colony loads without them). Messages are the loaders' own.
 */
import { lstat, readFile } from 'node:fs/promises';
import path from 'node:path';
// The ES module build: the package's main (UMD) loads its parts with a require() esbuild cannot follow.
import {
  findNodeAtLocation,
  type Node,
  type ParseError,
  parseTree,
  printParseErrorCode,
} from 'jsonc-parser/lib/esm/main.js';
import type { z } from 'zod';
import { parseTriggerList, TriggerFileError } from '../triggers/definitions';
import { fieldPath } from './colony-errors';
import { colonyMetadataSchema, toolsConfigSchema, workerConfigSchema } from './colony-schemas';

export interface Position {
  /** 0-based, like VS Code's. */
  line: number;
  character: number;
}

export interface ColonyFileProblem {
  file: string;
  start: Position;
  end: Position;
  message: string;
  /** Errors stop the file (or the entry) from loading; warnings are kept going. */
  severity: 'error' | 'warning';
}

/** The files checked, by name, with the schema their loader applies (triggers: the trigger loader). */
const FILES: Record<string, z.ZodType | 'triggers'> = {
  'metadata.json': colonyMetadataSchema,
  'worker.json': workerConfigSchema,
  'tools.json': toolsConfigSchema,
  'triggers.json': 'triggers',
};

/** Bigger files are reported, not parsed (the loaders refuse them too). */
const MAX_BYTES = 2 * 1024 * 1024;

export function isCheckedColonyFile(file: string): boolean {
  return Object.hasOwn(FILES, path.basename(file));
}

/** Problems of every colony JSON file in `colonyDir` (missing files have none). */
export async function checkColonyFiles(colonyDir: string): Promise<Map<string, ColonyFileProblem[]>> {
  const out = new Map<string, ColonyFileProblem[]>();
  for (const name of Object.keys(FILES)) {
    const file = path.join(colonyDir, name);
    const info = await lstat(file).catch(() => undefined);
    if (!info?.isFile()) {
      out.set(file, []);
    } else if (info.size > MAX_BYTES) {
      const end = { line: 0, character: 1 };
      const message = `${name}: too large to load (${info.size} bytes)`;
      out.set(file, [{ file, start: { line: 0, character: 0 }, end, message, severity: 'error' }]);
    } else {
      const text = await readFile(file, 'utf8').catch(() => undefined);
      out.set(file, text === undefined ? [] : checkColonyFileText(file, text));
    }
  }
  return out;
}

/** Problems of one file's text; `file`'s base name says which rules apply. */
export function checkColonyFileText(file: string, text: string): ColonyFileProblem[] {
  const kind = FILES[path.basename(file)];
  if (!kind) return [];
  const at = positions(text);
  const problem = (
    offset: number,
    length: number,
    message: string,
    severity: 'error' | 'warning' = 'error',
  ) => ({
    file,
    start: at(offset),
    end: at(offset + Math.max(length, 1)),
    message,
    severity,
  });
  const body = text.replace(/^\uFEFF/, '');
  const shift = text.length - body.length;
  const errors: ParseError[] = [];
  const tree = parseTree(body, errors, { disallowComments: true, allowTrailingComma: false });
  if (errors.length > 0 || tree === undefined) {
    // Like the loaders (JSON.parse), the first syntax error makes the whole file unreadable.
    const e = errors[0];
    const message = e ? describeSyntaxError(printParseErrorCode(e.error)) : 'the file is empty';
    return [
      problem(
        shift + (e?.offset ?? 0),
        e?.length ?? 0,
        `${path.basename(file)}: not valid JSON (${message})`,
      ),
    ];
  }
  const value = JSON.parse(body) as unknown;
  const nodeRange = (segments: (string | number)[]) => {
    const node = nearestNode(tree, segments);
    return { offset: shift + node.offset, length: node.length };
  };
  if (kind === 'triggers') {
    try {
      const { problems } = parseTriggerList(body, file);
      return problems.map((p) => {
        const segments = [p.index, ...p.field.split('.').filter((s) => s !== '(entry)')];
        const r = nodeRange(segments);
        const what = p.id ? `trigger "${p.id}"` : `trigger entry [${p.index}]`;
        return problem(r.offset, r.length, `invalid: ${what} is not loaded: ${p.field}: ${p.message}`);
      });
    } catch (err) {
      if (err instanceof TriggerFileError)
        return [
          problem(shift + tree.offset, tree.length, err.message.replace(`${file}: `, 'triggers.json: ')),
        ];
      throw err;
    }
  }
  const result = kind.safeParse(value);
  if (result.success) return [];
  return result.error.issues.slice(0, 50).map((iss) => {
    const segments = iss.path.filter((s): s is string | number => typeof s !== 'symbol');
    const r = nodeRange(segments);
    const field = fieldPath(segments);
    return problem(r.offset, r.length, `${path.basename(file)}: ${field ? `${field} ` : ''}${iss.message}`);
  });
}

/** The node at `segments`, else its nearest existing ancestor (a missing key is shown on its object). */
function nearestNode(tree: Node, segments: (string | number)[]): Node {
  for (let n = segments.length; n >= 0; n--) {
    const node = findNodeAtLocation(tree, segments.slice(0, n));
    if (node) {
      // A property's value node: show the key and value together ("cron": "bad").
      return node.parent?.type === 'property' ? node.parent : node;
    }
  }
  return tree;
}

function describeSyntaxError(code: string): string {
  return code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

/** Offset → line/character, by a binary search over the line starts. */
function positions(text: string): (offset: number) => Position {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return (offset) => {
    const o = Math.max(0, Math.min(offset, text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - starts[lo]! };
  };
}
