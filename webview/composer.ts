// The message box: Enter sends, Shift+Enter adds a line, Escape stops a running turn.
// A Stop button and a progress ring show while the queen is working. A paste that would make the
// message longer than a message may be is not cut: the box says so and offers to attach it as a file.
import type { MentionItem, MentionRef } from '../src/shared/mentions';
import { MAX_ATTACH_LENGTH, MAX_TEXT_LENGTH } from '../src/shared/protocol';
import { button, progressRing, setDisabled } from './components';
import { h, replaceChildren } from './dom';
import { MentionMenu } from './mention-menu';

export interface ComposerHandlers {
  /** `mentions`: the `@` mentions whose tokens are in the text (the host appends their content). */
  send(text: string, mentions: MentionRef[]): void;
  /** The `@` menu's query (answered through mentionResults). */
  mentionQuery(requestId: number, query: string): void;
  stop(): void;
  draftChanged(text: string): void;
  /** Save `text` as a file of the session; the host answers with a reference (insertReference). */
  attach(text: string): void;
}

const count = (n: number) => n.toLocaleString('en-US');

export class Composer {
  readonly el: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLElement;
  private readonly stopButton: HTMLElement;
  private readonly working: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly pasteOffer: HTMLElement;
  private pendingPaste: string | null = null;
  private enabled = false;
  private readonly mentionMenu: MentionMenu;

  constructor(
    private readonly handlers: ComposerHandlers,
    draft: string,
  ) {
    this.input = h('textarea', {
      class: 'composer-input',
      rows: 1,
      placeholder: 'Message the queen…',
      title:
        'Enter sends · Shift+Enter adds a line · @ adds a file, folder, the selection or Problems · Escape stops',
      'aria-label':
        'Message to the queen (Enter sends, Shift+Enter adds a line, @ mentions a file, folder, the selection or Problems, Escape stops)',
      maxlength: MAX_TEXT_LENGTH,
    });
    this.input.value = draft;
    this.sendButton = button('Send', { appearance: 'primary', ariaLabel: 'Send message', className: 'send' });
    this.stopButton = button('Stop', { ariaLabel: 'Stop the running turn (Escape)', className: 'stop' });
    this.working = h(
      'span',
      { class: 'working', role: 'status' },
      progressRing(),
      h('span', null, 'Working…'),
    );
    this.hint = h('div', { class: 'composer-hint', 'aria-live': 'polite' });
    this.pasteOffer = h('div', { class: 'paste-offer', role: 'alert', hidden: true });
    this.mentionMenu = new MentionMenu(this.input, {
      query: (requestId, query) => this.handlers.mentionQuery(requestId, query),
      changed: () => {
        this.autosize();
        this.handlers.draftChanged(this.input.value);
        this.updateSend();
      },
    });
    this.el = h(
      'div',
      { class: 'composer' },
      this.hint,
      this.pasteOffer,
      this.mentionMenu.chips,
      this.mentionMenu.list,
      h(
        'div',
        { class: 'composer-row' },
        this.input,
        h('div', { class: 'composer-actions' }, this.stopButton, this.sendButton),
      ),
      this.working,
    );
    this.input.addEventListener('keydown', (e) => this.onKey(e));
    this.input.addEventListener('paste', (e) => this.onPaste(e));
    this.pasteOffer.addEventListener('click', (e) => {
      const action = (e.target as Element | null)?.closest<HTMLElement>('[data-paste]')?.dataset.paste;
      if (action === 'attach' && this.pendingPaste !== null) this.handlers.attach(this.pendingPaste);
      if (action) this.closePasteOffer();
    });
    this.input.addEventListener('input', () => {
      this.autosize();
      this.handlers.draftChanged(this.input.value);
      this.updateSend();
    });
    this.sendButton.addEventListener('click', () => this.submit());
    this.stopButton.addEventListener('click', () => this.handlers.stop());
    this.setBusy(false);
    this.setEnabled(false);
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
    this.input.disabled = !enabled;
    this.updateSend();
  }

  setBusy(busy: boolean): void {
    this.stopButton.hidden = !busy;
    this.working.hidden = !busy;
  }

  /** `null`: no session yet, the first message starts one. */
  setQueenName(name: string | null): void {
    this.input.placeholder = name === null ? 'Message a new queen to start a session…' : `Message ${name}…`;
  }

  focus(): void {
    this.input.focus();
  }

  /** The host's rows for the `@` menu. */
  mentionResults(requestId: number, items: MentionItem[]): void {
    this.mentionMenu.results(requestId, items);
  }

  /** Grows the box with its text, up to a limit (a no-op until the box is laid out). */
  autosize(): void {
    this.input.style.height = 'auto';
    const needed = this.input.scrollHeight;
    if (needed > 0) this.input.style.height = `${Math.min(needed, 240)}px`;
  }

  /** Adds the host's reference to an attached paste at the caret, on a line of its own. */
  insertReference(reference: string): void {
    const { value, selectionStart: start, selectionEnd: end } = this.input;
    const before = value.slice(0, start);
    const line = `${before && !before.endsWith('\n') ? '\n' : ''}${reference}\n`;
    this.input.value = `${before}${line}${value.slice(end)}`;
    const caret = before.length + line.length;
    this.input.setSelectionRange(caret, caret);
    this.autosize();
    this.handlers.draftChanged(this.input.value);
    this.updateSend();
    this.input.focus();
  }

  /** The box's maxlength would silently cut a long paste: stop it and offer a file instead. */
  private onPaste(e: ClipboardEvent): void {
    const pasted = e.clipboardData?.getData('text/plain') ?? '';
    const { value, selectionStart: start, selectionEnd: end } = this.input;
    const length = value.length - (end - start) + pasted.length;
    if (length <= MAX_TEXT_LENGTH) return;
    e.preventDefault();
    const tooBig = pasted.length > MAX_ATTACH_LENGTH;
    this.pendingPaste = tooBig ? null : pasted;
    const text = `The pasted text has ${count(pasted.length)} characters; a message holds at most ${count(MAX_TEXT_LENGTH)}${
      length - pasted.length > 0 ? ` with what is typed already` : ''
    }.`;
    replaceChildren(
      this.pasteOffer,
      h(
        'span',
        { class: 'paste-text' },
        tooBig
          ? `${text} It is also too long to attach (at most ${count(MAX_ATTACH_LENGTH)}); nothing was pasted.`
          : `${text} Attach it as a file of this session instead?`,
      ),
      tooBig
        ? null
        : button('Attach as file', {
            appearance: 'primary',
            className: 'paste-attach',
            data: { paste: 'attach' },
            ariaLabel: `Attach the pasted ${count(pasted.length)} characters as a file`,
          }),
      button(tooBig ? 'Dismiss' : 'Cancel', { className: 'paste-cancel', data: { paste: 'cancel' } }),
    );
    this.pasteOffer.hidden = false;
  }

  private closePasteOffer(): void {
    this.pendingPaste = null;
    this.pasteOffer.hidden = true;
    replaceChildren(this.pasteOffer);
    this.input.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  }

  private submit(): void {
    const text = this.input.value;
    if (!this.enabled || text.trim().length === 0) return;
    if (text.length > MAX_TEXT_LENGTH) {
      this.hint.textContent = `The message is too long (${text.length.toLocaleString()} characters, max ${MAX_TEXT_LENGTH.toLocaleString()}).`;
      return;
    }
    this.hint.textContent = '';
    this.handlers.send(text, this.mentionMenu.mentions(text));
    this.mentionMenu.reset();
    this.input.value = '';
    this.handlers.draftChanged('');
    this.autosize();
    this.updateSend();
  }

  private updateSend(): void {
    setDisabled(this.sendButton, !this.enabled || this.input.value.trim().length === 0);
  }
}
