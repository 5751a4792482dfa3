// Long messages (a pasted log, a 100 KB reply) start folded to a few screen lines, with a button to
// show them whole and to fold them again. The open state lives in RowContext.toolOpen (keyed by row
// id), so a row that scrolls out and back keeps it.
import { h } from './dom';
import './long-message.css';

/** Messages longer than this many characters can be folded, and start folded. */
export const LONG_MESSAGE_CHARS = 6_000;

export function isLong(text: string): boolean {
  return text.length > LONG_MESSAGE_CHARS;
}

/**
 * Folds `body` unless `open`, and returns the toggle button to place after it (null for short text).
 */
export function foldLongBody(body: HTMLElement, rowId: string, text: string, open: boolean | undefined) {
  if (!isLong(text)) return null;
  const expanded = open === true;
  body.classList.toggle('folded', !expanded);
  const size = text.length.toLocaleString('en-US');
  return h(
    'button',
    {
      class: 'fold-toggle',
      type: 'button',
      'data-action': 'toggle-long',
      'data-id': rowId,
      'aria-expanded': String(expanded),
      'aria-label': expanded ? `Fold this message (${size} characters)` : `Show all ${size} characters`,
    },
    expanded ? 'Show less' : `Show all (${size} characters)`,
  );
}
