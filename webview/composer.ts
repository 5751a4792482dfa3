// The message box: Enter sends, Shift+Enter adds a line, Escape stops a running turn.
// A Stop button and a progress ring show while the queen is working.
import { MAX_TEXT_LENGTH } from '../src/shared/protocol';
import { button, progressRing, setDisabled } from './components';
import { h } from './dom';

export interface ComposerHandlers {
  send(text: string): void;
  stop(): void;
  draftChanged(text: string): void;
}

export class Composer {
  readonly el: HTMLElement;
  private readonly input: HTMLTextAreaElement;
  private readonly sendButton: HTMLElement;
  private readonly stopButton: HTMLElement;
  private readonly working: HTMLElement;
  private readonly hint: HTMLElement;
  private enabled = false;

  constructor(
    private readonly handlers: ComposerHandlers,
    draft: string,
  ) {
    this.input = h('textarea', {
      class: 'composer-input',
      rows: 1,
      placeholder: 'Message the queen…',
      title: 'Enter sends · Shift+Enter adds a line · Escape stops',
      'aria-label': 'Message to the queen (Enter sends, Shift+Enter adds a line, Escape stops)',
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
    this.el = h(
      'div',
      { class: 'composer' },
      this.hint,
      h(
        'div',
        { class: 'composer-row' },
        this.input,
        h('div', { class: 'composer-actions' }, this.stopButton, this.sendButton),
      ),
      this.working,
    );
    this.input.addEventListener('keydown', (e) => this.onKey(e));
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

  /** Grows the box with its text, up to a limit (a no-op until the box is laid out). */
  autosize(): void {
    this.input.style.height = 'auto';
    const needed = this.input.scrollHeight;
    if (needed > 0) this.input.style.height = `${Math.min(needed, 240)}px`;
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
    this.handlers.send(text);
    this.input.value = '';
    this.handlers.draftChanged('');
    this.autosize();
    this.updateSend();
  }

  private updateSend(): void {
    setDisabled(this.sendButton, !this.enabled || this.input.value.trim().length === 0);
  }
}
