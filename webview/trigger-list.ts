// The Triggers section: each trigger with its type, schedule in words, a live countdown to the next
// fire (ticking every second), fire stats, an enable toggle, Run now, and for webhooks the URL and a
// copy-secret button (the host copies the secret; it never reaches the webview).
import type { TriggerProblemView, TriggerView } from '../src/shared/protocol';
import { badge, button, checkbox } from './components';
import { h, replaceChildren } from './dom';
import { formatCountdown, formatFireStats } from './format';

export class TriggerList {
  private triggers: TriggerView[] = [];
  private problems: TriggerProblemView[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly el: HTMLElement,
    private open: boolean,
    private readonly onToggleOpen: (open: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  render(triggers: TriggerView[], problems: TriggerProblemView[] = []): void {
    this.triggers = triggers;
    this.problems = problems;
    if (triggers.length === 0 && problems.length === 0) {
      replaceChildren(this.el);
      this.el.hidden = true;
      this.stopTicking();
      return;
    }
    this.el.hidden = false;
    const active = triggers.filter((t) => t.enabled).length;
    const head = h(
      'button',
      {
        class: 'section-head',
        type: 'button',
        'data-action': 'toggle-triggers',
        'aria-expanded': String(this.open),
        'aria-controls': 'trigger-items',
      },
      h('span', { class: 'chevron', 'aria-hidden': 'true' }),
      h('span', null, 'Triggers'),
      h(
        'span',
        { class: 'section-count' },
        `${active}/${triggers.length} active${problems.length ? ` · ${problems.length} invalid` : ''}`,
      ),
    );
    const items = h('ul', { class: 'trigger-items', id: 'trigger-items', hidden: !this.open });
    for (const t of triggers) items.append(this.item(t));
    for (const p of problems) items.append(this.invalidItem(p));
    replaceChildren(this.el, head, items);
    this.tick();
    this.startTicking();
  }

  toggleOpen(): void {
    this.open = !this.open;
    this.onToggleOpen(this.open);
    this.render(this.triggers, this.problems);
  }

  dispose(): void {
    this.stopTicking();
  }

  private item(t: TriggerView): HTMLElement {
    const data = { id: t.id };
    const li = h(
      'li',
      { class: `trigger${t.enabled ? '' : ' disabled'}`, 'data-trigger-id': t.id },
      h(
        'div',
        { class: 'trigger-head' },
        badge(t.type, `trigger-type type-${t.type}`),
        h('span', { class: 'trigger-name', title: t.task }, t.name),
        h('span', { class: 'spacer' }),
        checkbox('Enabled', t.enabled, {
          action: 'trigger-enabled',
          data,
          ariaLabel: `${t.enabled ? 'Deactivate' : 'Activate'} trigger ${t.name}`,
        }),
        button('Run now', { action: 'trigger-run', data, ariaLabel: `Run now: trigger ${t.name}` }),
      ),
      h(
        'div',
        { class: 'trigger-meta' },
        h('span', { class: 'schedule', title: nextFiresTitle(t) }, t.schedule),
        t.enabled && t.nextFireAt !== null
          ? h('span', { class: 'countdown', 'data-next-fire': String(t.nextFireAt), 'aria-live': 'off' })
          : null,
        h('span', {
          class: 'fire-stats',
          'data-fire-count': String(t.fireCount),
          'data-last-fired': t.lastFiredAt === null ? '' : String(t.lastFiredAt),
        }),
      ),
    );
    if (t.webhook) {
      li.append(
        h(
          'div',
          { class: 'webhook' },
          h('code', { class: 'webhook-url', title: t.webhook.url }, t.webhook.url),
          button('Copy secret', {
            action: 'copy-secret',
            data,
            disabled: !t.webhook.secretAvailable,
            ariaLabel: `Copy secret of the webhook ${t.name}`,
            title: t.webhook.secretAvailable ? 'Copy the secret callers must send' : 'No secret stored yet',
          }),
        ),
      );
    }
    return li;
  }

  /** A triggers.json entry the colony loaded without, with the reason (also in the Problems view). */
  private invalidItem(p: TriggerProblemView): HTMLElement {
    return h(
      'li',
      { class: 'trigger invalid' },
      h(
        'div',
        { class: 'trigger-head' },
        badge('invalid', 'trigger-type type-invalid'),
        h('span', { class: 'trigger-name' }, p.label),
      ),
      h('div', { class: 'trigger-problem' }, `invalid: ${p.message}`),
    );
  }

  /** Updates only the countdown and "last fired" texts. */
  private tick(): void {
    const now = this.now();
    for (const c of Array.from(this.el.querySelectorAll<HTMLElement>('[data-next-fire]'))) {
      c.textContent = `next ${formatCountdown(Number(c.dataset.nextFire), now)}`;
    }
    for (const s of Array.from(this.el.querySelectorAll<HTMLElement>('[data-fire-count]'))) {
      const last = s.dataset.lastFired ? Number(s.dataset.lastFired) : null;
      s.textContent = formatFireStats(Number(s.dataset.fireCount), last, now);
    }
  }

  private startTicking(): void {
    if (this.timer === undefined) this.timer = setInterval(() => this.tick(), 1000);
  }

  private stopTicking(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** "Next: 2026-03-30 09:00, …" in the viewer's locale, from the fire times the host computed. */
function nextFiresTitle(t: TriggerView): string {
  if (!t.enabled || t.nextFires.length === 0) return '';
  const when = t.nextFires.map((ms) =>
    new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
  );
  return `Next: ${when.join(', ')}`;
}
