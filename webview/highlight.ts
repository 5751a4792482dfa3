// Syntax highlighting of fenced code blocks with highlight.js (core plus the languages agents write
// most; each further language costs 3-14 kB of the webview bundle), coloured from VS Code's theme variables (highlight.css). Only blocks that name a known
// language are highlighted: guessing the language costs time on every streamed frame and guesses wrong.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import diff from 'highlight.js/lib/languages/diff';
import dockerfile from 'highlight.js/lib/languages/dockerfile';
import go from 'highlight.js/lib/languages/go';
import ini from 'highlight.js/lib/languages/ini';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import shell from 'highlight.js/lib/languages/shell';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import './highlight.css';

const languages = {
  bash,
  c,
  cpp,
  diff,
  dockerfile,
  go,
  ini,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  shell,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, lang] of Object.entries(languages)) hljs.registerLanguage(name, lang);

/** Bigger blocks stay plain: highlighting them would stall the panel while a reply streams. */
const MAX_HIGHLIGHT_CHARS = 50_000;

/** The canonical name of a fence's language (`ts` → `typescript`), or null when we don't know it. */
export function knownLanguage(lang: string | undefined): string | null {
  if (!lang || !/^[\w+#.-]{1,40}$/.test(lang)) return null;
  const found = hljs.getLanguage(lang);
  if (!found) return null;
  const name = Object.keys(languages).find((n) => hljs.getLanguage(n) === found);
  return name ?? null;
}

/**
 * Highlighted HTML of `code` (text escaped by highlight.js, tokens in `<span class="hljs-…">`), or
 * null to render the block plain. The caller still sanitises the result.
 */
export function highlightCode(
  code: string,
  lang: string | undefined,
): { html: string; language: string } | null {
  const language = knownLanguage(lang);
  if (language === null || code.length > MAX_HIGHLIGHT_CHARS) return null;
  try {
    return { html: hljs.highlight(code, { language, ignoreIllegals: true }).value, language };
  } catch {
    return null;
  }
}
