// The approval part of a tool card, in one place: the Approve / Deny / Always buttons while a request
// waits, and the outcome once it ended (live, or rebuilt from the session's history after a resume).
import type { RowOf } from './chatModel';
import { button } from './components';
import { h } from './dom';

/** The approval block of a tool card, or null when the call needed none. */
export function approvalBlock(row: RowOf<'tool'>): HTMLElement | null {
  const a = row.approval;
  if (!a) return null;
  if (a.state === 'pending' || a.state === 'sent') {
    const sent = a.state === 'sent';
    const data = { id: a.id };
    return h(
      'div',
      { class: 'approval', role: 'group', 'aria-label': `Approval for ${a.tool}` },
      h('span', { class: 'approval-text' }, sent ? 'Answer sent…' : `Allow ${a.tool}? (${a.category})`),
      button('Approve', { appearance: 'primary', action: 'approve', data, disabled: sent }),
      button('Deny', { action: 'deny', data, disabled: sent }),
      button(`Always allow ${a.category}`, {
        action: 'approve-always',
        data,
        disabled: sent,
        ariaLabel: `Approve and always allow the ${a.category} category`,
      }),
    );
  }
  const text = {
    approved: `Approved (${a.category})`,
    denied: `Denied (${a.category})`,
    cancelled: `Not answered: the turn stopped (${a.category})`,
  }[a.state];
  return h('div', { class: `approval-outcome outcome-${a.state}`, role: 'note' }, text);
}

/** The status word of a card whose approval decides it. */
export function approvalStatus(row: RowOf<'tool'>): string | undefined {
  if (row.approval?.state === 'pending') return 'needs approval';
  if (row.approval?.state === 'sent') return 'waiting';
  return undefined;
}
