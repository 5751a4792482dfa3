import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { type FolderJail, readJailedFile } from './folder-jail';
import { isBinary, SKIPPED_DIRS } from './read-tools';
import { defineTool, type Tool, toolError } from './tool';

export interface SearchLimits {
  /** Files above this size are not searched (default 5 MB). */
  maxFileBytes?: number;
  /** Wall-clock budget of one search (default 15 s); a partial result says so. */
  timeBudgetMs?: number;
  now?: () => number;
}

const MAX_RESULTS = 1000;
const SHOWN_LINE_CHARS = 300;
/** Only this much of a line is matched: bounds the cost of a pathological regex on minified files. */
const MATCHED_LINE_CHARS = 10_000;

export function createSearchTool(jail: FolderJail, limits: SearchLimits = {}): Tool {
  const maxFileBytes = limits.maxFileBytes ?? 5 * 1024 * 1024;
  const budget = limits.timeBudgetMs ?? 15_000;
  const now = limits.now ?? Date.now;
  return defineTool({
    name: 'search_files',
    description:
      `Search files inside the ${jail.label}. \`pattern\` is a JavaScript regular expression matched line by ` +
      'line (results "path:line: text"); `include` is a glob filtering file paths (e.g. "*.ts", "src/**/*.md"; ' +
      'without a "/" it matches file names anywhere). Give include alone to list matching files. node_modules, .git, binary ' +
      'files and symlinks are skipped.',
    category: 'read',
    schema: z.object({
      pattern: z.string().min(1).optional().describe('Regular expression to find in file contents'),
      include: z.string().optional().describe('Only files whose path matches this glob'),
      path: z.string().default('.').describe(`Folder to search, relative to the ${jail.label}`),
      case_insensitive: z.boolean().default(false),
      max_results: z.number().int().min(1).max(MAX_RESULTS).default(100),
    }),
    async run({ pattern, include, path: p, case_insensitive, max_results }) {
      const glob = include || undefined;
      if (!pattern && !glob) return toolError('Give a pattern, an include glob, or both');
      let re: RegExp | undefined;
      if (pattern) {
        try {
          re = new RegExp(pattern, case_insensitive ? 'i' : '');
        } catch (err) {
          return toolError(`Invalid regular expression: ${(err as Error).message}`);
        }
      }
      const globRe = glob ? globToRegExp(glob) : undefined;
      const matchName = glob !== undefined && !glob.includes('/');
      const start = await jail.resolveExisting(p);
      const base = (await lstat(start)).isDirectory() ? start : path.dirname(start);
      const deadline = now() + budget;
      const results: string[] = [];
      let stop: string | undefined;

      const visit = async (file: string): Promise<void> => {
        const rel = path.relative(base, file).split(path.sep).join('/');
        if (globRe && !globRe.test(matchName ? path.basename(file) : rel)) return;
        const shown = await jail.display(file);
        if (!re) {
          results.push(shown);
          return;
        }
        const info = await lstat(file);
        if (info.size > maxFileBytes) return;
        const buf = await readJailedFile(file);
        if (isBinary(buf)) return;
        const lines = buf.toString('utf8').split('\n');
        for (let i = 0; i < lines.length; i++) {
          const line = lines[i] ?? '';
          if (!re.test(line.length > MATCHED_LINE_CHARS ? line.slice(0, MATCHED_LINE_CHARS) : line)) continue;
          const text = line.length > SHOWN_LINE_CHARS ? `${line.slice(0, SHOWN_LINE_CHARS)} …` : line;
          results.push(`${shown}:${i + 1}: ${text.replace(/\r$/, '')}`);
          if (results.length >= max_results) return;
        }
      };
      const walk = async (dir: string): Promise<void> => {
        const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
          a.name < b.name ? -1 : 1,
        );
        for (const e of entries) {
          if (results.length >= max_results) {
            stop = `results capped at ${max_results}`;
            return;
          }
          if (now() > deadline) {
            stop = `search stopped after ${Math.round(budget / 1000)} s`;
            return;
          }
          const full = path.join(dir, e.name);
          if (e.isDirectory()) {
            if (!SKIPPED_DIRS.has(e.name)) await walk(full);
          } else if (e.isFile()) await visit(full);
        }
      };
      if (base === start) await walk(base);
      else await visit(start);
      if (results.length >= max_results) stop ??= `results capped at ${max_results}`;
      const notice = stop ? `\n[${stop}; narrow the search for more]` : '';
      if (results.length === 0) return `No matches.${notice}`;
      return `${results.join('\n')}${notice}`;
    },
  });
}

/** A glob as a RegExp over `/`-separated paths: `**` spans folders, `*` and `?` do not; `{a,b}` alternates. */
export function globToRegExp(glob: string): RegExp {
  let out = '';
  let depth = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i++;
        if (glob[i + 1] === '/') {
          i++;
          out += '(?:.*/)?';
        } else out += '.*';
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      depth++;
      out += '(?:';
    } else if (c === '}' && depth > 0) {
      depth--;
      out += ')';
    } else if (c === ',' && depth > 0) out += '|';
    else if (c === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = glob
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\');
        out += `[${body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^$()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${out}${')'.repeat(depth)}$`);
}
