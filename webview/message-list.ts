// The conversation as a virtualised list (@tanstack/virtual-core): only the rows in view (plus a
// few either side) exist in the DOM, each measured after it renders, so a 5,000-message session
// opens and scrolls like a short one. Redraws are batched into one animation frame, which also
// throttles the re-rendering of a streaming message to the display rate.

import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import type { Change, ChatModel, Row } from './chat-model';
import { estimateRowHeight, laneOpen, type RowContext, renderRow } from './rows';
import { thinkingOpen } from './thinking-block';

/** Within this distance of the end, the view counts as at the newest message. */
const END_THRESHOLD_PX = 48;

interface Mounted {
  el: HTMLElement;
  rev: number;
  open: boolean | undefined;
}

export class MessageList {
  private readonly virtualizer: Virtualizer<HTMLElement, HTMLElement>;
  private readonly mounted = new Map<string, Mounted>();
  /** Rows laid out by the last render (by id): where the reading position is when a page arrives. */
  private lastItems: Array<{ id: string; start: number; size: number }> = [];
  /** From a snapshot until a render shows the bottom of the list: the open is still on its way down. */
  private opening = true;
  private frame = 0;
  /** The user just sent: the next rows added are followed to the end, wherever the view was. */
  private following = false;
  /**
   * The view was at the newest message when last scrolled (by the user or by us): content that grows
   * below it keeps it there. The virtualizer's own end-anchoring skips a resize measured while one of
   * its scroll commands awaits read-back, which left a finished reply a little above the end.
   */
  private pinned = false;
  private forceAll = false;
  private readonly cleanup: () => void;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly model: ChatModel,
    private readonly ctx: RowContext,
  ) {
    this.virtualizer = new Virtualizer<HTMLElement, HTMLElement>({
      count: 0,
      getScrollElement: () => this.scroller,
      estimateSize: (i) => estimateRowHeight(this.model.rows[i]),
      getItemKey: (i) => this.model.rows[i]?.id ?? i,
      observeElementRect,
      observeElementOffset,
      scrollToFn: elementScroll,
      overscan: 6,
      // Chat behaviour: stay pinned to the newest message while at the bottom, keep the reading
      // position when older history is prepended.
      anchorTo: 'end',
      followOnAppend: true,
      scrollEndThreshold: END_THRESHOLD_PX,
      onChange: () => this.schedule(),
    });
    const unmount = this.virtualizer._didMount();
    this.virtualizer._willUpdate();
    // Read from the element itself: the virtualizer's own scroll listener may not have run yet.
    const onScroll = () => {
      this.pinned = scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop <= END_THRESHOLD_PX;
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    this.cleanup = () => {
      scroller.removeEventListener('scroll', onScroll);
      unmount();
    };
  }

  /** Applies a model change: re-counts rows and redraws changed ones on the next frame. */
  update(change: Change): void {
    if (change.reset) {
      this.opening = true;
      this.forceAll = true;
      for (const m of this.mounted.values()) m.el.remove();
      this.mounted.clear();
    }
    if (change.prepended && !change.reset) this.prepend(change.appended > 0);
    else if (change.reset || change.appended) this.syncCount();
    if (change.reset || change.appended || change.prepended || change.updated.size) this.schedule();
    if (this.following && change.appended) {
      this.following = false;
      this.scrollToEnd();
    }
  }

  /** Re-renders every visible row (e.g. the queen's name changed). */
  refreshAll(): void {
    this.forceAll = true;
    this.schedule();
  }

  toggleTool(id: string): void {
    const row = this.model.rowById(id);
    if (row?.kind !== 'tool' && row?.kind !== 'lane' && row?.kind !== 'thinking') return;
    const open =
      row.kind === 'lane'
        ? laneOpen(row, this.ctx)
        : row.kind === 'thinking'
          ? thinkingOpen(row, this.ctx.toolOpen)
          : (this.ctx.toolOpen.get(id) ?? row.approval?.state === 'pending');
    this.ctx.toolOpen.set(id, !open);
    this.schedule();
  }

  toggleSystem(id: string): void {
    if (this.model.rowById(id)?.kind !== 'system') return;
    if (!this.ctx.systemOpen.delete(id)) this.ctx.systemOpen.add(id);
    this.schedule();
  }

  /** Scrolls to the end now and once more when the next rows arrive (the user's sent message). */
  followNext(): void {
    this.following = true;
    this.scrollToEnd();
  }

  /** Folds or unfolds a long message (longMessage.ts). */
  toggleLong(id: string): void {
    if (!this.model.rowById(id)) return;
    this.ctx.toolOpen.set(id, !(this.ctx.toolOpen.get(id) ?? false));
    this.schedule();
  }

  scrollToEnd(): void {
    const n = this.model.rows.length;
    if (n > 0) this.virtualizer.scrollToIndex(n - 1, { align: 'end' });
  }

  isAtEnd(): boolean {
    return this.virtualizer.isAtEnd();
  }

  /** How many row elements exist in the DOM (the harness checks virtualisation with this). */
  get mountedCount(): number {
    return this.mounted.size;
  }

  dispose(): void {
    cancelAnimationFrame(this.frame);
    this.cleanup();
  }

  private syncCount(anchorTo: 'start' | 'end' = 'end'): void {
    this.virtualizer.setOptions({ ...this.virtualizer.options, count: this.model.rows.length, anchorTo });
    this.virtualizer._willUpdate();
  }

  /**
   * Older rows came in above. The virtualizer's own end-anchoring did not always hold the view here
   * (it skips while one of its scroll commands awaits read-back; the panel then jumped about a page
   * up), so the list does it: at the bottom it stays at the bottom; otherwise the first row on screen
   * keeps its screen position, the scroll offset growing by the height added above it.
   */
  private prepend(appendedToo: boolean): void {
    const v = this.virtualizer;
    const atEnd = v.isAtEnd();
    const top = this.scroller.scrollTop;
    const first = this.lastItems.find((it) => it.start + it.size > top);
    // 'start' leaves the offset alone while the count changes; we set it ourselves just below.
    this.syncCount('start');
    v.getTotalSize(); // measures the new rows, so switching back to 'end' sees no further change
    v.setOptions({ ...v.options, anchorTo: 'end' });
    // Pages arriving while the first open has not reached the bottom yet keep it going there.
    if (atEnd || this.opening || !first) {
      this.scrollToEnd();
      return;
    }
    if (appendedToo) return;
    const index = this.model.indexOf(first.id);
    const item = index < 0 ? undefined : v.measurementsCache[index];
    // Set on the element (a user-like scroll), not as a virtualizer command: then the measuring of
    // the new rows above, as they render, keeps compensating the offset as usual.
    if (item) this.scroller.scrollTop = item.start + (top - first.start);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const v = this.virtualizer;
    this.spacer.style.height = `${v.getTotalSize()}px`;
    const jumped = this.opening && this.jumpToEnd();
    const items = v.getVirtualItems();
    const keep = new Set<string>();
    this.lastItems = [];
    for (const item of items) {
      const row = this.model.rows[item.index];
      if (!row) continue;
      keep.add(row.id);
      this.lastItems.push({ id: row.id, start: item.start, size: item.size });
      const el = this.mount(row);
      el.dataset.index = String(item.index);
      el.style.transform = `translateY(${item.start}px)`;
    }
    for (const [id, m] of this.mounted) {
      if (!keep.has(id)) {
        m.el.remove();
        this.mounted.delete(id);
      }
    }
    this.forceAll = false;
    const totalBefore = v.getTotalSize();
    // Measure after layout so dynamic heights (Markdown, expanded cards) are right.
    for (const m of this.mounted.values()) v.measureElement(m.el);
    // Opening ends with a render that found the view at the bottom and whose measuring did not move
    // the end (when it did, the resize schedules another render, which follows it down).
    if (
      this.opening &&
      !jumped &&
      this.model.rows.length > 0 &&
      v.getTotalSize() === totalBefore &&
      v.isAtEnd()
    )
      this.opening = false;
    else if (!this.opening && this.pinned && !v.isAtEnd()) this.scrollToEnd();
  }

  /**
   * A session opens at its newest message. Scrolling there with a virtualizer command takes several
   * frames (the command is read back from the scroll event, then rows are measured and it corrects),
   * and the newest rows are only drawn at the end of that; so the first render sets the offset itself
   * and draws the bottom rows at once. Measuring them may move the end a little: the next render
   * (still opening) follows it. Returns whether it moved the view.
   */
  private jumpToEnd(): boolean {
    const end = Math.max(0, this.virtualizer.getTotalSize() - this.scroller.clientHeight);
    if (this.model.rows.length === 0 || Math.abs(this.scroller.scrollTop - end) < 1) return false;
    this.scroller.scrollTop = end;
    // The virtualizer reads the offset back on the scroll event, a frame later; tell it now.
    this.virtualizer.scrollOffset = this.scroller.scrollTop;
    return true;
  }

  /** Returns the row's element, re-rendering it only when its revision or open state changed. */
  private mount(row: Row): HTMLElement {
    const open = row.kind === 'system' ? this.ctx.systemOpen.has(row.id) : this.ctx.toolOpen.get(row.id);
    const current = this.mounted.get(row.id);
    if (current && !this.forceAll && current.rev === row.rev && current.open === open) return current.el;
    const content = renderRow(row, this.ctx);
    if (current) {
      // Redraw inside the same positioned wrapper, keeping keyboard focus on the same control.
      const focusedAction = focusedActionIn(current.el);
      current.el.replaceChildren(content);
      if (focusedAction) content.querySelector<HTMLElement>(`[data-action="${focusedAction}"]`)?.focus();
      this.mounted.set(row.id, { el: current.el, rev: row.rev, open });
      return current.el;
    }
    const el = document.createElement('div');
    el.className = 'row';
    el.dataset.rowId = row.id;
    el.append(content);
    this.spacer.append(el);
    this.mounted.set(row.id, { el, rev: row.rev, open });
    return el;
  }
}

function focusedActionIn(el: HTMLElement): string | undefined {
  const active = document.activeElement;
  if (!active || !el.contains(active)) return undefined;
  return (active.closest('[data-action]') as HTMLElement | null)?.dataset.action;
}
