// Assistant Markdown → sanitised HTML (marked + DOMPurify), plus code-block copy buttons.
// Model output is untrusted: every HTML string goes through DOMPurify before it touches the DOM.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';
import { button } from './components';
import { h } from './dom';

const marked = new Marked({ gfm: true, breaks: false, async: false });

const purify = DOMPurify(window);
purify.setConfig({
  USE_PROFILES: { html: true },
  FORBID_TAGS: [
    'style',
    'form',
    'input',
    'button',
    'textarea',
    'select',
    'option',
    'iframe',
    'object',
    'embed',
  ],
  FORBID_ATTR: ['style', 'id', 'name'],
  ALLOW_DATA_ATTR: false,
});
purify.addHook('afterSanitizeAttributes', (node) => {
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
    pre.replaceWith(wrap);
    wrap.append(bar, pre);
  }
}
