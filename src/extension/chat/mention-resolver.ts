// The host side of `@` mentions: the menu's rows (workspace files and folders by a fuzzy match, the
// editor's selection, Problems) and the context each chosen mention adds to the message, in Cline's
// format (src/shared/mentions.ts). Paths come from the untrusted webview: each is resolved through the
// folder jail, so nothing outside the workspace is read (symlinks included).
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';
import { FolderJail, readJailedFile } from '../../runtime/tools/folder-jail';
import {
  type MentionItem,
  type MentionRef,
  mentionBlock,
  type ResolvedMention,
  withMentions,
} from '../../shared/mentions';
import { fuzzyScore } from './fuzzy-match';

/** Files listed for the menu (VS Code's findFiles cap), and rows shown per query. */
const MAX_FILES = 10_000;
const MAX_ROWS = 50;
/** A listing is reused this long while the user types. */
const LISTING_TTL_MS = 5_000;
/** A mentioned file's text is cut here (characters), a folder listing and Problems at so many entries. */
export const MAX_FILE_CHARS = 50_000;
const MAX_READ_BYTES = 1_000_000;
const MAX_FOLDER_ENTRIES = 200;
const MAX_PROBLEMS = 200;
const EXCLUDE = '{**/node_modules/**,**/.git/**}';

export class MentionResolver implements vscode.Disposable {
  private listing: { at: number; files: Promise<string[]> } | undefined;
  private lastEditor: vscode.TextEditor | undefined;
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly root: () => string | undefined) {
    // The chat has the focus when a mention is chosen: remember the text editor the user came from.
    this.lastEditor = vscode.window.activeTextEditor;
    this.subs.push(
      vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e) this.lastEditor = e;
      }),
    );
  }

  /** The menu's rows for what follows the `@`. */
  async suggest(query: string): Promise<MentionItem[]> {
    const q = query.trim().toLowerCase();
    const items: MentionItem[] = [];
    const sel = this.selection();
    const special: [string, MentionItem][] = [
      [
        'selection',
        {
          ref: { kind: 'selection' },
          label: 'Selection',
          description: sel ? `${sel.path}:${sel.lines}` : 'no text selected in an editor',
        },
      ],
      [
        'problems',
        {
          ref: { kind: 'problems' },
          label: 'Problems',
          description: `${this.problemCount()} in the workspace`,
        },
      ],
    ];
    for (const [word, item] of special) if (!q || word.startsWith(q)) items.push(item);
    const root = this.root();
    if (!root) return items;
    const files = await this.files(root);
    const folders = new Set<string>();
    for (const f of files)
      for (let d = path.posix.dirname(f); d !== '.'; d = path.posix.dirname(d)) folders.add(d);
    const scored: { item: MentionItem; score: number }[] = [];
    const consider = (p: string, kind: 'file' | 'folder') => {
      const score = q ? fuzzyScore(p, q) : 0;
      if (score === null) return;
      const dir = path.posix.dirname(p);
      scored.push({
        item: {
          ref: { kind, path: p },
          label: `${path.posix.basename(p)}${kind === 'folder' ? '/' : ''}`,
          description: dir === '.' ? '' : dir,
        },
        // Folders after files of the same score; shorter paths first.
        score: score - (kind === 'folder' ? 0.5 : 0) - p.length / 1000,
      });
    };
    for (const f of files) consider(f, 'file');
    for (const d of folders) consider(d, 'folder');
    scored.sort((a, b) => b.score - a.score);
    items.push(...scored.slice(0, MAX_ROWS - items.length).map((s) => s.item));
    return items;
  }

  /** The message the queen gets: each mention's token replaced and its context appended. */
  async resolve(text: string, refs: MentionRef[]): Promise<string> {
    const seen = new Set<string>();
    const resolved: ResolvedMention[] = [];
    for (const ref of refs) {
      const key = JSON.stringify(ref);
      if (seen.has(key)) continue;
      seen.add(key);
      resolved.push(await this.resolveOne(ref));
    }
    return withMentions(text, resolved);
  }

  private async resolveOne(ref: MentionRef): Promise<ResolvedMention> {
    switch (ref.kind) {
      case 'file': {
        const body = await this.fileText(ref.path).catch(
          (err: unknown) => `Error fetching content: ${message(err)}`,
        );
        return {
          ref,
          inline: `'${ref.path}' (see below for file content)`,
          block: mentionBlock('file_content', body, { path: ref.path }),
        };
      }
      case 'folder': {
        const p = ref.path.replace(/\/$/, '');
        const body = await this.folderListing(p).catch(
          (err: unknown) => `Error fetching content: ${message(err)}`,
        );
        return {
          ref,
          inline: `'${p}/' (see below for folder content)`,
          block: mentionBlock('folder_content', body, { path: `${p}/` }),
        };
      }
      case 'selection': {
        const sel = this.selection();
        if (!sel)
          return {
            ref,
            inline: 'the selection (see below)',
            block: mentionBlock('selection', 'No text was selected in an editor.'),
          };
        return {
          ref,
          inline: `'${sel.path}:${sel.lines}' (see below for the selection)`,
          block: mentionBlock('selection', capped(sel.text), { path: sel.path, lines: sel.lines }),
        };
      }
      case 'problems':
        return {
          ref,
          inline: 'Workspace Problems (see below for diagnostics)',
          block: mentionBlock('workspace_diagnostics', this.problemsText()),
        };
    }
  }

  private jail(): FolderJail {
    const root = this.root();
    if (!root) throw new Error('no workspace folder is open');
    return new FolderJail(root, 'workspace');
  }

  private async fileText(rel: string): Promise<string> {
    const real = await this.jail().resolveExisting(rel);
    const data = await readJailedFile(real, MAX_READ_BYTES);
    if (data.subarray(0, 8000).includes(0)) return '(binary file, not included)';
    return capped(data.toString('utf8'), data.length >= MAX_READ_BYTES);
  }

  private async folderListing(rel: string): Promise<string> {
    const real = await this.jail().resolveExisting(rel);
    const entries = await readdir(real, { withFileTypes: true });
    const names = entries
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort((a, b) => Number(b.endsWith('/')) - Number(a.endsWith('/')) || a.localeCompare(b));
    if (names.length === 0) return '(empty folder)';
    const shown = names.slice(0, MAX_FOLDER_ENTRIES);
    const lines = shown.map(
      (n, i) => `${i === shown.length - 1 && shown.length === names.length ? '└──' : '├──'} ${n}`,
    );
    if (names.length > shown.length) lines.push(`└── … ${names.length - shown.length} more`);
    return lines.join('\n');
  }

  private selection(): { path: string; lines: string; text: string } | undefined {
    const e = this.lastEditor;
    const root = this.root();
    if (!e || !root || e.document.isClosed || e.selection.isEmpty) return undefined;
    const rel = this.relative(e.document.uri, root);
    if (!rel) return undefined;
    const { start, end } = e.selection;
    const lines = start.line === end.line ? `${start.line + 1}` : `${start.line + 1}-${end.line + 1}`;
    return { path: rel, lines, text: e.document.getText(e.selection) };
  }

  private problems(): [string, vscode.Diagnostic][] {
    const root = this.root();
    if (!root) return [];
    const out: [string, vscode.Diagnostic][] = [];
    for (const [uri, diags] of vscode.languages.getDiagnostics()) {
      const rel = this.relative(uri, root);
      if (!rel) continue;
      for (const d of diags)
        if (
          d.severity === vscode.DiagnosticSeverity.Error ||
          d.severity === vscode.DiagnosticSeverity.Warning
        )
          out.push([rel, d]);
    }
    return out;
  }

  private problemCount(): number {
    return this.problems().length;
  }

  /** Cline's diagnosticsToProblemsString: the file, then "- [source Error] Line n: message". */
  private problemsText(): string {
    const all = this.problems();
    if (all.length === 0) return 'No errors or warnings detected.';
    const byFile = new Map<string, string[]>();
    for (const [rel, d] of all.slice(0, MAX_PROBLEMS)) {
      const label = d.severity === vscode.DiagnosticSeverity.Error ? 'Error' : 'Warning';
      const source = d.source ? `${d.source} ` : '';
      const lines = byFile.get(rel) ?? [];
      lines.push(`- [${source}${label}] Line ${d.range.start.line + 1}: ${d.message.replace(/\s+/g, ' ')}`);
      byFile.set(rel, lines);
    }
    const text = [...byFile].map(([rel, lines]) => `${rel}\n${lines.join('\n')}`).join('\n\n');
    return all.length > MAX_PROBLEMS ? `${text}\n\n(… ${all.length - MAX_PROBLEMS} more not shown)` : text;
  }

  /** A workspace-relative '/' path, or undefined for anything outside the workspace folder. */
  private relative(uri: vscode.Uri, root: string): string | undefined {
    if (uri.scheme !== 'file') return undefined;
    const rel = path.relative(root, uri.fsPath);
    if (!rel || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    return rel.split(path.sep).join('/');
  }

  private files(root: string): Promise<string[]> {
    const now = Date.now();
    if (!this.listing || now - this.listing.at > LISTING_TTL_MS) {
      const base = vscode.Uri.file(root);
      this.listing = {
        at: now,
        files: Promise.resolve(
          vscode.workspace.findFiles(new vscode.RelativePattern(base, '**/*'), EXCLUDE, MAX_FILES),
        ).then((uris) =>
          uris
            .map((u) => this.relative(u, root))
            .filter((p): p is string => p !== undefined)
            .sort(),
        ),
      };
    }
    return this.listing.files;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

function capped(text: string, truncatedRead = false): string {
  if (text.length <= MAX_FILE_CHARS && !truncatedRead) return text;
  return `${text.slice(0, MAX_FILE_CHARS)}\n\n(… cut: only the first ${MAX_FILE_CHARS.toLocaleString('en-US')} characters are included)`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
