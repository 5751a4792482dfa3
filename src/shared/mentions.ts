// `@` mentions: the tokens the composer puts in a message and the context blocks the host appends for
// them, in Cline's format (Cline: src/core/mentions/index.ts, parseMentions), so the queen reads them as
// part of the user's message:
//   "see @/src/a.ts"  →  "see 'src/a.ts' (see below for file content)"
//   …followed by      →  <file_content path="src/a.ts">…</file_content>
// Shared by Node and browser code (the webview folds the blocks of a sent message): imports nothing.

export type MentionKind = 'file' | 'folder' | 'selection' | 'problems';

/** What the composer sends for one chosen mention (paths are workspace-relative, with '/'). */
export type MentionRef =
  | { kind: 'file'; path: string }
  | { kind: 'folder'; path: string }
  | { kind: 'selection' }
  | { kind: 'problems' };

/** One row of the `@` menu (the host's answer to a query). */
export interface MentionItem {
  ref: MentionRef;
  /** What the row shows: the file or folder name, "Selection", "Problems". */
  label: string;
  /** The folder it is in, the selection's place, the problem count. */
  description: string;
}

/** The token a chosen mention leaves in the message text (Cline's spelling). */
export function mentionToken(ref: MentionRef): string {
  switch (ref.kind) {
    case 'file':
      return `@/${ref.path}`;
    case 'folder':
      return `@/${ref.path.replace(/\/?$/, '/')}`;
    case 'selection':
      return '@selection';
    case 'problems':
      return '@problems';
  }
}

/** A resolved mention: what replaces its token in the text, and the block appended below. */
export interface ResolvedMention {
  ref: MentionRef;
  inline: string;
  block: string;
}

const BLOCK_TAGS = ['file_content', 'folder_content', 'selection', 'workspace_diagnostics'] as const;
const TAG_IN_BODY = new RegExp(`<(/?(?:${BLOCK_TAGS.join('|')}))`, 'g');

/** Cline's block for a file, a folder listing, a selection or the workspace's problems. */
export function mentionBlock(
  tag: (typeof BLOCK_TAGS)[number],
  body: string,
  attrs: Record<string, string> = {},
): string {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${v.replace(/["<>&]/g, (c) => `&#${c.charCodeAt(0)};`)}"`)
    .join('');
  // A tag of our own inside the body would end the block early or start a false one: break it up.
  const safe = body.replace(TAG_IN_BODY, '<\u200b$1');
  return `<${tag}${a}>\n${safe}\n</${tag}>`;
}

/** The message the queen gets: tokens replaced by their inline text, the blocks appended in order. */
export function withMentions(text: string, resolved: ResolvedMention[]): string {
  let out = text;
  for (const r of resolved) {
    const token = mentionToken(r.ref);
    const at = out.indexOf(token);
    if (at >= 0) out = out.slice(0, at) + r.inline + out.slice(at + token.length);
  }
  if (resolved.length === 0) return out;
  return `${out}\n\n${resolved.map((r) => r.block).join('\n\n')}`;
}

export interface MentionContextBlock {
  tag: string;
  /** The path (file, folder, selection) or "Problems". */
  label: string;
  body: string;
}

const CLOSING = new RegExp(`\\n</(${BLOCK_TAGS.join('|')})>$`);

/**
 * Splits a sent message into what the user typed and the context blocks appended to it (the chat shows
 * the blocks folded). Text without trailing blocks comes back unchanged.
 */
export function splitMentionContext(text: string): { text: string; blocks: MentionContextBlock[] } {
  const blocks: MentionContextBlock[] = [];
  let rest = text;
  for (let close = CLOSING.exec(rest); close; close = CLOSING.exec(rest)) {
    const tag = close[1] ?? '';
    // Bodies never hold our tags (mentionBlock breaks them up), so the last opening is this block's.
    const start = rest.lastIndexOf(`\n\n<${tag}`, close.index);
    const open = start >= 0 ? /^<[a-z_]+((?: [a-z]+="[^"]*")*)>\n/.exec(rest.slice(start + 2)) : null;
    if (!open) break;
    const attrs = open[1] ?? '';
    const body = rest.slice(start + 2 + open[0].length, close.index);
    const path = /path="([^"]*)"/.exec(attrs)?.[1];
    const lines = /lines="([^"]*)"/.exec(attrs)?.[1];
    const label =
      tag === 'workspace_diagnostics' ? 'Problems' : `${decode(path ?? tag)}${lines ? `:${lines}` : ''}`;
    blocks.unshift({ tag, label, body });
    rest = rest.slice(0, start);
  }
  return { text: rest, blocks };
}

function decode(v: string): string {
  return v.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
}
