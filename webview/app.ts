// Wires the panel together: host messages → model → sections; user actions → protocol messages.
// Clicks and keys are handled by delegation on data-action attributes, so virtualised rows that
// come and go need no listeners of their own.
import {
  type ColonyAction,
  type HostToWebview,
  MAX_TEXT_LENGTH,
  parseHostMessage,
  type WebviewToHost,
} from '../src/shared/protocol';
import { type Change, ChatModel } from './chat-model';
import { renderColonyBar } from './colony-bar';
import { clearField, fieldValue, isChecked } from './components';
import { Composer } from './composer';
import { h } from './dom';
import { renderHeader } from './header';
import { MessageList } from './message-list';
import type { RowContext } from './rows';
import { TriggerList } from './trigger-list';
import type { PanelState } from './vscode-api';

/** How close to the top of the list (in px) the next older history page is requested. */
const LOAD_OLDER_WITHIN_PX = 1200;

export interface AppIo {
  post(message: WebviewToHost): void;
  loadState(): PanelState;
  saveState(patch: Partial<PanelState>): void;
}

export class App {
  private readonly model = new ChatModel();
  private readonly ctx: RowContext = {
    queenName: 'Queen',
    toolOpen: new Map(),
    answerDrafts: new Map(),
    systemOpen: new Set(),
  };
  private readonly header = h('header', { class: 'header', hidden: true });
  private readonly colony = h('section', { class: 'colony-bar', 'aria-label': 'Colony', hidden: true });
  private readonly triggersEl = h('section', { class: 'triggers', 'aria-label': 'Triggers', hidden: true });
  private readonly scroller = h('div', {
    class: 'scroller',
    role: 'log',
    'aria-label': 'Conversation',
    tabindex: 0,
  });
  private readonly spacer = h('div', { class: 'rows' });
  private readonly empty = h('div', { class: 'empty-state' });
  private readonly historyStatus = h('div', { class: 'history-status', role: 'status', hidden: true });
  private readonly toast = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', hidden: true });
  /** Shown while the view is scrolled up from the newest message. */
  private readonly jumpButton = h(
    'button',
    {
      class: 'jump-latest',
      type: 'button',
      'data-action': 'jump-latest',
      'aria-label': 'Jump to the latest message',
      title: 'Jump to the latest message',
      hidden: true,
    },
    '↓ Latest',
  );
  private readonly announcer = h('div', { class: 'sr-only', 'aria-live': 'polite' });
  private readonly list: MessageList;
  private readonly triggers: TriggerList;
  private readonly composer: Composer;
  private toastTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly io: AppIo,
  ) {
    const state = io.loadState();
    this.scroller.append(this.spacer);
    this.list = new MessageList(this.scroller, this.spacer, this.model, this.ctx);
    this.triggers = new TriggerList(this.triggersEl, state.triggersOpen, (open) =>
      io.saveState({ triggersOpen: open }),
    );
    this.composer = new Composer(
      {
        send: (text, mentions) => {
          // What the user sends is followed to the end, wherever the view was.
          this.list.followNext();
          this.io.post(
            mentions.length ? { type: 'sendMessage', text, mentions } : { type: 'sendMessage', text },
          );
        },
        mentionQuery: (requestId, query) => this.io.post({ type: 'mentionQuery', requestId, query }),
        stop: () => this.io.post({ type: 'stop' }),
        draftChanged: (draft) => this.io.saveState({ draft }),
        attach: (text) => this.io.post({ type: 'attachText', text }),
      },
      state.draft,
    );
    root.append(
      h('div', { class: 'top' }, this.header, this.colony, this.triggersEl),
      h('main', { class: 'conversation' }, this.historyStatus, this.scroller, this.empty, this.jumpButton),
      this.composer.el,
      this.toast,
      this.announcer,
    );
    root.addEventListener('click', (e) => this.onClick(e));
    root.addEventListener('change', (e) => this.onChange(e));
    root.addEventListener('keydown', (e) => this.onKeyDown(e));
    // Escape stops a running turn wherever the focus is (also when nothing in the panel has it).
    root.ownerDocument.addEventListener('keydown', (e) => this.onEscape(e));
    this.scroller.addEventListener(
      'scroll',
      () => {
        this.maybeLoadOlder();
        this.updateJumpButton();
      },
      { passive: true },
    );
    // "Open Chat" reveals the panel with focus: it goes to the composer, so typing is not lost.
    const win = root.ownerDocument.defaultView;
    win?.addEventListener('focus', () => {
      const active = root.ownerDocument.activeElement;
      if (!active || active === root.ownerDocument.body) this.composer.focus();
    });
    if (root.ownerDocument.hasFocus()) queueMicrotask(() => this.composer.focus());
    root.addEventListener('input', (e) => {
      const field = (e.target as Element | null)?.closest<HTMLElement>('[data-answer-for]');
      if (field?.dataset.answerFor) this.ctx.answerDrafts.set(field.dataset.answerFor, fieldValue(field));
    });
    // No session yet is a working state: the first message starts one.
    this.composer.setEnabled(true);
    this.composer.setQueenName(null);
    this.renderEmptyState();
    this.composer.autosize();
  }

  /** Entry point for window 'message' events: validates, then applies. */
  receive(raw: unknown): void {
    const type = (raw as { type?: unknown } | null)?.type;
    // Rare messages only (never per text delta): the real-host bench splits the panel's open with these.
    if (type === 'snapshot' || type === 'history') performance.mark(`hive:${type}`);
    const parsed = parseHostMessage(raw);
    if (!parsed.ok) {
      console.warn(`[hive] dropped a host message: ${parsed.error}`);
      return;
    }
    this.apply(parsed.message);
  }

  apply(msg: HostToWebview): void {
    if (msg.type === 'attached') {
      this.composer.insertReference(msg.reference);
      return;
    }
    if (msg.type === 'mentionResults') {
      this.composer.mentionResults(msg.requestId, msg.items);
      return;
    }
    const previousQueen = this.ctx.queenName;
    const change = this.model.apply(msg);
    if (change.reset) {
      this.ctx.toolOpen.clear();
      this.ctx.answerDrafts.clear();
      this.ctx.systemOpen.clear();
    }
    this.ctx.queenName = this.model.session?.queen?.name ?? 'Queen';
    this.render(change);
    if (previousQueen !== this.ctx.queenName) this.list.refreshAll();
    this.announce(msg);
  }

  /** Rows currently in the DOM (the UI harness checks virtualisation with it). */
  get renderedRowCount(): number {
    return this.list.mountedCount;
  }

  private render(change: Change): void {
    const session = this.model.session;
    // The phase badge reads the colony too (see phaseLabel).
    if (change.header || change.colony) {
      renderHeader(this.header, session);
      // With no session the composer still works: the first message starts a new session.
      this.composer.setEnabled(true);
      this.composer.setBusy(this.model.busy);
      this.composer.setQueenName(session ? this.ctx.queenName : null);
    }
    if (change.colony) renderColonyBar(this.colony, session?.colony ?? null);
    if (change.triggers) this.triggers.render(session?.triggers ?? [], session?.triggerProblems ?? []);
    if (change.toast) this.showToast(change.toast.text, change.toast.level);
    this.list.update(change);
    this.renderEmptyState();
    this.updateJumpButton();
    this.maybeLoadOlder();
  }

  private updateJumpButton(): void {
    const hidden = this.model.rows.length === 0 || this.list.isAtEnd();
    if (this.jumpButton.hidden !== hidden) this.jumpButton.hidden = hidden;
  }

  /** Near the oldest message shown and older history exists: ask the host for the next page. */
  private maybeLoadOlder(): void {
    const m = this.model;
    if (!m.session || !m.historyLoaded || m.historyComplete || m.olderPending) return;
    if (this.scroller.scrollTop > LOAD_OLDER_WITHIN_PX && m.rows.length > 0) return;
    m.olderPending = true;
    this.io.post({ type: 'loadOlder', sessionId: m.session.sessionId });
    this.renderEmptyState();
  }

  private renderEmptyState(): void {
    const session = this.model.session;
    const status =
      session === null
        ? ''
        : !this.model.historyLoaded
          ? 'Loading history…'
          : this.model.olderPending
            ? 'Loading older messages…'
            : '';
    this.historyStatus.hidden = status === '';
    this.historyStatus.textContent = status;
    if (session === null) {
      this.empty.hidden = false;
      this.empty.replaceChildren(
        h('div', { class: 'empty-title' }, 'No session yet'),
        h(
          'div',
          null,
          'Send a message below to start a new session, or open one from the ',
          h('strong', null, 'Hive'),
          ' sidebar.',
        ),
      );
    } else if (this.model.rows.length === 0 && this.model.historyLoaded && this.model.historyComplete) {
      this.empty.hidden = false;
      this.empty.replaceChildren(h('div', null, `Send a message to start talking to ${this.ctx.queenName}.`));
    } else {
      this.empty.hidden = true;
    }
  }

  private onClick(e: MouseEvent): void {
    const target = e.target as Element | null;
    const link = target?.closest('.md a[href]');
    if (link) {
      e.preventDefault();
      const href = link.getAttribute('href') ?? '';
      if (/^(https?:|mailto:)/i.test(href)) this.io.post({ type: 'openLink', url: href });
      return;
    }
    const el = target?.closest<HTMLElement>('[data-action]');
    if (!el || el.hasAttribute('disabled')) return;
    const id = el.dataset.id ?? '';
    switch (el.dataset.action) {
      case 'copy-code': {
        const code = el.closest('.code-block')?.querySelector('pre')?.textContent ?? '';
        this.copy(code);
        break;
      }
      case 'toggle-tool':
        this.list.toggleTool(id);
        break;
      case 'new-session':
        this.io.post({ type: 'newSession' });
        break;
      case 'toggle-system':
        this.list.toggleSystem(id);
        break;
      case 'jump-latest':
        this.list.scrollToEnd();
        this.composer.focus();
        break;
      case 'toggle-long':
        this.list.toggleLong(id);
        break;
      case 'approve':
      case 'deny':
      case 'approve-always':
        this.io.post({
          type: 'approvalAnswer',
          id,
          approve: el.dataset.action !== 'deny',
          ...(el.dataset.action === 'approve-always' ? { alwaysForCategory: true } : {}),
        });
        this.list.update(this.model.markApprovalSent(id));
        break;
      case 'review-proposal':
        this.io.post({ type: 'reviewProposal', id });
        break;
      case 'restore-turn':
        this.io.post({
          type: 'restoreTurn',
          turnId: el.dataset.turnId ?? '',
          ...(el.dataset.requester && el.dataset.requester !== 'queen'
            ? { requester: el.dataset.requester }
            : {}),
        });
        this.list.update(this.model.markRestoreSent(id));
        break;
      case 'answer-option':
        this.answer(id, el.dataset.answer ?? '');
        break;
      case 'answer-free':
        this.answerFromField(id);
        break;
      case 'retry':
        this.io.post({ type: 'retry', errorId: id });
        this.list.update(this.model.markRetried(id));
        break;
      case 'reply-escalation':
        this.replyToEscalation(el.dataset.requestId ?? '', el.dataset.workerId ?? '');
        break;
      case 'toggle-triggers':
        this.triggers.toggleOpen();
        break;
      case 'trigger-run':
        this.io.post({ type: 'triggerAction', triggerId: id, action: 'runNow' });
        break;
      case 'copy-secret':
        this.io.post({ type: 'copyWebhookSecret', triggerId: id });
        break;
      case 'colony-action': {
        const action = el.dataset.op as ColonyAction | undefined;
        if (action) this.io.post({ type: 'colonyAction', colony: el.dataset.colony ?? '', action });
        break;
      }
    }
  }

  private onChange(e: Event): void {
    const picker = (e.target as Element | null)?.closest<HTMLSelectElement>(
      'select[data-action="set-model"]',
    );
    if (picker) {
      if (picker.value && picker.value !== this.model.session?.modelChoice?.model)
        this.io.post({ type: 'setModel', model: picker.value });
      return;
    }
    const el = (e.target as Element | null)?.closest<HTMLElement>('[data-action="trigger-enabled"]');
    if (!el) return;
    const id = el.dataset.id ?? '';
    const trigger = this.model.session?.triggers.find((t) => t.id === id);
    const checked = isChecked(el);
    // Only a real flip is an action (components may emit change while they initialise).
    if (!trigger || trigger.enabled === checked) return;
    this.io.post({ type: 'triggerAction', triggerId: id, action: checked ? 'activate' : 'deactivate' });
  }

  private onEscape(e: KeyboardEvent): void {
    if (e.key !== 'Escape' || !this.model.busy || e.defaultPrevented) return;
    e.preventDefault();
    this.io.post({ type: 'stop' });
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.shiftKey) return;
    const field = (e.target as Element | null)?.closest<HTMLElement>('[data-answer-for],[data-reply-for]');
    if (!field) return;
    e.preventDefault();
    if (field.dataset.answerFor) this.answerFromField(field.dataset.answerFor);
    else {
      const button = field.parentElement?.querySelector<HTMLElement>('[data-action="reply-escalation"]');
      this.replyToEscalation(field.dataset.replyFor ?? '', button?.dataset.workerId ?? '');
    }
  }

  private answer(id: string, answer: string): void {
    if (!answer.trim()) return;
    this.io.post({ type: 'askUserAnswer', id, answer });
    this.ctx.answerDrafts.delete(id);
    this.list.update(this.model.markQuestionSent(id, answer));
  }

  private answerFromField(id: string): void {
    const field = this.findField('answerFor', id);
    if (!field) return;
    const value = fieldValue(field);
    if (!value.trim()) {
      field.focus();
      return;
    }
    this.answer(id, value);
  }

  private replyToEscalation(requestId: string, workerId: string): void {
    const field = this.findField('replyFor', requestId);
    if (!field) return;
    const text = fieldValue(field);
    if (!text.trim()) {
      field.focus();
      return;
    }
    this.io.post({ type: 'escalationReply', requestId, workerId, text });
    clearField(field);
    this.showToast(`Reply sent to ${workerId}`, 'info');
  }

  private findField(key: 'answerFor' | 'replyFor', id: string): HTMLElement | undefined {
    return Array.from(
      this.root.querySelectorAll<HTMLElement>(`[data-${key === 'answerFor' ? 'answer-for' : 'reply-for'}]`),
    ).find((f) => f.dataset[key] === id);
  }

  private copy(text: string): void {
    if (text.length <= MAX_TEXT_LENGTH) this.io.post({ type: 'copyText', text });
    else void navigator.clipboard?.writeText(text).catch(() => undefined);
    this.showToast('Copied', 'info');
  }

  private showToast(text: string, level: 'info' | 'warning' | 'error'): void {
    this.toast.textContent = text;
    this.toast.className = `toast toast-${level}`;
    this.toast.hidden = false;
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => {
      this.toast.hidden = true;
    }, 4000);
  }

  /** Screen-reader announcements for things that need the user, wherever the list is scrolled. */
  private announce(msg: HostToWebview): void {
    let text = '';
    if (msg.type === 'approvalRequest') text = `Approval needed: ${msg.tool} (${msg.category})`;
    else if (msg.type === 'askUser') text = `${this.ctx.queenName} asks: ${msg.prompt}`;
    else if (msg.type === 'error') text = `Error: ${msg.message}`;
    else if (msg.type === 'turnComplete') text = `${this.ctx.queenName} finished responding`;
    if (text) this.announcer.textContent = text;
  }
}
