// An assistant turn's extended thinking: one folded line ("Thinking…" while it streams, "Thought" after)
// that opens to the thinking text. Folded by default, as Cline and Copilot Chat show reasoning; the open
// state lives in RowContext.toolOpen (keyed by row id), so it survives scrolling and redraws.
import type { RowOf } from './chat-model';
import { h } from './dom';
import './thinking-block.css';

/** Shown folded; past this the body is clipped (the whole text stays in the session's parts). */
const THINKING_LIMIT = 40_000;

export function thinkingOpen(row: RowOf<'thinking'>, toolOpen: ReadonlyMap<string, boolean>): boolean {
  return toolOpen.get(row.id) ?? false;
}

export function thinkingBlock(row: RowOf<'thinking'>, toolOpen: ReadonlyMap<string, boolean>): HTMLElement {
  const open = thinkingOpen(row, toolOpen);
  const words = row.text.trim() ? row.text.trim().split(/\s+/).length : 0;
  const label = row.streaming ? 'Thinking…' : 'Thought';
  const size = `${words.toLocaleString('en-US')} word${words === 1 ? '' : 's'}`;
  const head = h(
    'button',
    {
      class: 'thinking-head',
      type: 'button',
      'data-action': 'toggle-tool',
      'data-id': row.id,
      'aria-expanded': String(open),
      'aria-label': `${label} (${size}). ${open ? 'Hide' : 'Show'} the thinking`,
    },
    h('span', { class: 'chevron', 'aria-hidden': 'true' }),
    h('span', { class: `thinking-label${row.streaming ? ' streaming' : ''}` }, label),
    h('span', { class: 'thinking-size' }, size),
  );
  const text = row.text.length > THINKING_LIMIT ? `${row.text.slice(0, THINKING_LIMIT)}\n…` : row.text;
  return h(
    'div',
    { class: `thinking-block${open ? ' open' : ''}` },
    head,
    open ? h('div', { class: 'thinking-body' }, text) : null,
  );
}
