// Assistant Markdown → sanitised HTML (marked + DOMPurify), plus code-block copy buttons, syntax
// highlighting (highlight.ts) and GFM task lists (read-only checkboxes).
// Model output is untrusted: every HTML string goes through DOMPurify before it touches the DOM.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { button } from './components';
import { h } from './dom';
import { highlightCode } from './highlight';

const marked = new Marked({ gfm: true, breaks: false, async: false });
marked.use({
  renderer: {
    code({ text, lang }) {
      const lit = highlightCode(text, lang?.match(/^\S*/)?.[0]);
      // false: marked's own renderer (plain, escaped) for unknown languages.
      if (lit === null) return false;
      return `<pre><code class="hljs language-${lit.language}">${lit.html}</code></pre>\n`;
    },
  },
});

const purify = DOMPurify(window);
purify.setConfig({
  USE_PROFILES: { html: true },
  // `input` stays allowed for GFM task lists only: the hook below removes every other kind.
  FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'option', 'iframe', 'object', 'embed'],
  FORBID_ATTR: ['style', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
});
purify.addHook('afterSanitizeAttributes', (node) => {
  if (node.tagName === 'INPUT') {
    // A task list item's box: shown, never editable (the text is the model's, not a form).
    if (node.getAttribute('type') !== 'checkbox') {
      node.remove();
      return;
    }
    for (const a of Array.from(node.attributes)) {
      if (a.name !== 'type' && a.name !== 'checked') node.removeAttribute(a.name);
    }
    node.setAttribute('disabled', '');
    node.setAttribute('class', 'task-box');
    return;
  }
  if (node.tagName === 'A') {
    // Links never navigate the webview: clicks go to the host (openLink), which checks the scheme.
    node.setAttribute('rel', 'noreferrer noopener');
    node.removeAttribute('target');
  }
  if (node.tagName === 'IMG') {
    // Only inline images can load under our CSP; show the alt text for anything remote.
    const src = node.getAttribute('src') ?? '';
    if (!src.startsWith('data:image/')) {
      node.replaceWith(document.createTextNode(node.getAttribute('alt') || '[image]'));
    }
  }
});

// Parsed HTML per message revision: scrolling back over a long history does not re-parse.
const CACHE_LIMIT = 400;
const cache = new Map<string, string>();

/** Sanitised HTML for `src`; `key` (row id + revision) enables caching. */
export function markdownToHtml(src: string, key?: string): string {
  if (key !== undefined) {
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
  }
  let html: string;
  try {
    html = purify.sanitize(marked.parse(src) as string);
  } catch {
    // A renderer bug must not hide the text: fall back to it, escaped.
    const div = document.createElement('div');
    div.textContent = src;
    html = `<p>${div.innerHTML}</p>`;
  }
  if (key !== undefined) {
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
    cache.set(key, html);
  }
  return html;
}

/** Fills `el` with the rendered Markdown and puts a copy button on every code block. */
export function renderMarkdownInto(el: HTMLElement, src: string, key?: string): void {
  el.innerHTML = markdownToHtml(src, key);
  for (const box of Array.from(el.querySelectorAll<HTMLInputElement>('input.task-box'))) {
    // A screen reader names the box by its item's text and reads its state.
    const item = box.closest('li');
    item?.classList.add('task-item');
    box.setAttribute('aria-label', (item?.textContent ?? '').trim().slice(0, 200) || 'task');
  }
  for (const pre of Array.from(el.querySelectorAll('pre'))) {
    const code = pre.querySelector('code');
    const lang = /language-([\w+-]+)/.exec(code?.className ?? '')?.[1] ?? '';
    const bar = h(
      'div',
      { class: 'code-bar' },
      h('span', { class: 'code-lang' }, lang),
      button('Copy', {
        action: 'copy-code',
        ariaLabel: lang ? `Copy ${lang} code` : 'Copy code',
        className: 'copy',
      }),
    );
    const wrap = h('div', { class: 'code-block' });
    // A wide block scrolls sideways: focusable, so the keyboard can scroll it (axe: scrollable-region-focusable).
    pre.setAttribute('tabindex', '0');
    pre.setAttribute('aria-label', lang ? `${lang} code` : 'Code');
    pre.replaceWith(wrap);
    wrap.append(bar, pre);
  }
}
