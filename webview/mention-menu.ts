// The composer's `@` menu: typing `@` (at the start or after a space) asks the host for matching
// files, folders, the selection and Problems, and lists them in a listbox under the box. Up/Down move,
// Enter or Tab choose, Escape closes (without stopping a running turn). A chosen mention leaves its token
// in the text (Cline's `@/path`) and a chip above the box; the chips whose token is still in the text
// are sent with the message, and the host appends their content.
import { type MentionItem, type MentionRef, mentionToken } from '../src/shared/mentions';
import { MAX_MENTIONS } from '../src/shared/protocol';
import { h, replaceChildren } from './dom';
import './mentions.css';

export interface MentionMenuIo {
  /** Ask the host for the rows matching `query` (answered through `results`). */
  query(requestId: number, query: string): void;
  /** The text changed (a token was inserted or removed). */
  changed(): void;
}

export class MentionMenu {
  /** The listbox under the box and the chips above it (the composer places both). */
  readonly list: HTMLElement;
  readonly chips: HTMLElement;
  private items: MentionItem[] = [];
  private active = 0;
  private open = false;
  private requestId = 0;
  /** Where the `@` of the token being typed starts. */
  private anchor = -1;
  private chosen: MentionRef[] = [];

  constructor(
    private readonly input: HTMLTextAreaElement,
    private readonly io: MentionMenuIo,
  ) {
    this.list = h('ul', {
      class: 'mention-menu',
      id: 'mention-menu',
      role: 'listbox',
      'aria-label': 'Mention a file, folder, the selection or Problems',
      hidden: true,
    });
    this.chips = h('ul', {
      class: 'mention-chips',
      'aria-label': 'Context sent with the message',
      hidden: true,
    });
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', 'mention-menu');
    // Capture: the menu's keys must not also send the message or stop the turn.
    input.addEventListener('keydown', (e) => this.onKey(e), { capture: true });
    input.addEventListener('input', () => this.update());
    input.addEventListener('click', () => this.update());
    input.addEventListener('blur', () => this.close());
    // Keep the focus in the box while a row is clicked.
    this.list.addEventListener('mousedown', (e) => e.preventDefault());
    this.list.addEventListener('click', (e) => {
      const li = (e.target as Element | null)?.closest<HTMLElement>('[data-index]');
      if (li) this.choose(Number(li.dataset.index));
    });
    this.chips.addEventListener('click', (e) => {
      const b = (e.target as Element | null)?.closest<HTMLElement>('[data-remove]');
      if (b) this.remove(Number(b.dataset.remove));
    });
  }

  /** The mentions still in the text, to send with it. */
  mentions(text: string): MentionRef[] {
    return this.chosen.filter((ref) => text.includes(mentionToken(ref))).slice(0, MAX_MENTIONS);
  }

  /** The message was sent: start over. */
  reset(): void {
    this.chosen = [];
    this.renderChips();
    this.close();
  }

  /** The host's rows; an answer to an older query is dropped. */
  results(requestId: number, items: MentionItem[]): void {
    if (requestId !== this.requestId || this.anchor < 0) return;
    this.items = items;
    this.active = 0;
    this.open = true;
    this.render();
  }

  /** Looks for an `@token` right before the caret. */
  private update(): void {
    const caret = this.input.selectionStart;
    if (caret !== this.input.selectionEnd) {
      this.close();
      return;
    }
    const before = this.input.value.slice(0, caret);
    const m = /(^|\s)@([^\s@]*)$/.exec(before);
    if (!m) {
      this.close();
      return;
    }
    this.anchor = caret - (m[2]?.length ?? 0) - 1;
    this.io.query(++this.requestId, m[2] ?? '');
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.open || e.isComposing) return;
    const n = this.items.length;
    let handled = true;
    if (e.key === 'ArrowDown' && n) this.move((this.active + 1) % n);
    else if (e.key === 'ArrowUp' && n) this.move((this.active - 1 + n) % n);
    else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && n) this.choose(this.active);
    else if (e.key === 'Escape') this.close();
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }

  private move(index: number): void {
    this.active = index;
    this.render();
    this.list.querySelector(`#mention-opt-${index}`)?.scrollIntoView({ block: 'nearest' });
  }

  private choose(index: number): void {
    const item = this.items[index];
    if (!item || this.anchor < 0) return;
    const token = `${mentionToken(item.ref)} `;
    const { value } = this.input;
    const end = this.input.selectionStart;
    this.input.value = value.slice(0, this.anchor) + token + value.slice(end);
    const caret = this.anchor + token.length;
    this.input.setSelectionRange(caret, caret);
    const key = mentionToken(item.ref);
    if (!this.chosen.some((r) => mentionToken(r) === key)) this.chosen.push(item.ref);
    this.renderChips();
    this.close();
    this.io.changed();
    this.input.focus();
  }

  private remove(index: number): void {
    const ref = this.chosen[index];
    if (!ref) return;
    this.chosen.splice(index, 1);
    const token = mentionToken(ref);
    this.input.value = this.input.value.replace(new RegExp(`${escapeRegExp(token)} ?`), '');
    this.renderChips();
    this.io.changed();
    this.input.focus();
  }

  private close(): void {
    this.open = false;
    this.anchor = -1;
    this.items = [];
    this.list.hidden = true;
    this.input.removeAttribute('aria-activedescendant');
    replaceChildren(this.list);
  }

  private render(): void {
    if (!this.open) return;
    this.list.hidden = false;
    if (this.items.length === 0) {
      replaceChildren(
        this.list,
        h('li', { class: 'mention-empty', role: 'option', 'aria-disabled': 'true' }, 'No matches'),
      );
      this.input.removeAttribute('aria-activedescendant');
      return;
    }
    replaceChildren(
      this.list,
      ...this.items.map((item, i) =>
        h(
          'li',
          {
            id: `mention-opt-${i}`,
            class: `mention-option${i === this.active ? ' active' : ''}`,
            role: 'option',
            'aria-selected': i === this.active ? 'true' : 'false',
            'data-index': i,
          },
          h('span', { class: 'mention-label' }, item.label),
          item.description ? h('span', { class: 'mention-desc' }, item.description) : null,
        ),
      ),
    );
    this.input.setAttribute('aria-activedescendant', `mention-opt-${this.active}`);
  }

  private renderChips(): void {
    this.chips.hidden = this.chosen.length === 0;
    replaceChildren(
      this.chips,
      ...this.chosen.map((ref, i) => {
        const name = chipName(ref);
        return h(
          'li',
          { class: 'mention-chip', title: mentionToken(ref) },
          h('span', { class: 'mention-chip-label' }, name),
          h(
            'button',
            { class: 'mention-chip-remove', 'data-remove': i, 'aria-label': `Remove ${name}` },
            '×',
          ),
        );
      }),
    );
  }
}

function chipName(ref: MentionRef): string {
  if (ref.kind === 'selection') return 'Selection';
  if (ref.kind === 'problems') return 'Problems';
  return ref.kind === 'folder' ? `${ref.path.replace(/\/$/, '')}/` : ref.path;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
