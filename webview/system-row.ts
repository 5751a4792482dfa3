// A compact row for what the runtime told the queen (phase, colony, a worker's report or question, a
// trigger fire, a fork's summary): one line, an optional summary, details folded behind a toggle.
import type { RowOf, SystemEvent } from './chat-model';
import { h } from './dom';
import { clipLong } from './format';

const DETAIL_LIMIT = 20_000;

const ICONS: Record<SystemEvent, string> = {
  phase: '◆',
  colony: '⬢',
  report: '✔',
  escalation: '?',
  trigger: '⚡',
  fork: '↳',
  other: '•',
};

export function systemRow(row: RowOf<'system'>, open: ReadonlySet<string>): HTMLElement {
  const expanded = row.detail !== null && open.has(row.id);
  const title = h('span', { class: 'sys-title' }, row.title);
  const head =
    row.detail === null
      ? h('div', { class: 'sys-head' }, icon(row.event), title)
      : h(
          'button',
          {
            class: 'sys-head sys-toggle',
            type: 'button',
            'data-action': 'toggle-system',
            'data-id': row.id,
            'aria-expanded': String(expanded),
            'aria-label': `${row.title}. ${expanded ? 'Hide' : 'Show'} details`,
          },
          icon(row.event),
          title,
          h('span', { class: 'chevron', 'aria-hidden': 'true' }),
        );
  return h(
    'div',
    { class: `sys-row sys-${row.event}`, role: 'note' },
    head,
    row.summary && h('div', { class: 'sys-summary' }, row.summary),
    expanded && h('pre', { class: 'sys-detail' }, clipLong(row.detail ?? '', DETAIL_LIMIT)),
  );
}

function icon(event: SystemEvent): HTMLElement {
  return h('span', { class: 'sys-icon', 'aria-hidden': 'true' }, ICONS[event]);
}
