// How an ended approval shows on its tool card (live, or rebuilt from the session's history after a
// resume), and the status word of a card an approval decides. The waiting card's buttons are in rows.ts.
import type { RowOf } from './chat-model';
import { h } from './dom';

/** The outcome line of an approval that ended, or null (none asked, or still waiting). */
export function approvalOutcome(row: RowOf<'tool'>): HTMLElement | null {
  const a = row.approval;
  if (!a || a.state === 'pending' || a.state === 'sent') return null;
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
