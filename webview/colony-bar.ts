// The colony bar: the loaded colony, its workers, and escalations waiting with a reply box.
import { colonyDisplayName } from '../src/shared/display-names';
import type { ColonyState } from '../src/shared/protocol';
import { badge, button, fieldValue, setFieldValue, textField } from './components';
import { h, replaceChildren } from './dom';

export function renderColonyBar(el: HTMLElement, colony: ColonyState | null): void {
  if (!colony) {
    replaceChildren(el);
    el.hidden = true;
    return;
  }
  el.hidden = false;
  // Replies being typed survive a colony update (worker counts change often).
  const drafts = new Map<string, string>();
  for (const f of Array.from(el.querySelectorAll<HTMLElement>('[data-reply-for]'))) {
    drafts.set(f.dataset.replyFor ?? '', fieldValue(f));
  }
  const waiting = colony.escalations.length;
  const summary = h(
    'div',
    { class: 'colony-summary' },
    h('span', { class: 'colony-label' }, 'Colony'),
    h(
      'span',
      { class: 'colony-name', title: `${colony.name} · ${colony.path}` },
      colonyDisplayName(colony.name),
    ),
    h('span', { class: 'colony-stat' }, `${colony.workersRunning} running`),
    h('span', { class: 'colony-stat' }, `${colony.workersDone} done`),
    waiting > 0 ? badge(`${waiting} waiting`, 'escalation-count') : null,
  );
  const list = h('div', { class: 'escalations' });
  for (const e of colony.escalations) {
    const field = textField('Reply to the worker…', `Reply to worker ${e.workerId}`);
    field.dataset.replyFor = e.requestId;
    const draft = drafts.get(e.requestId);
    if (draft) setFieldValue(field, draft);
    list.append(
      h(
        'div',
        { class: 'escalation', role: 'group', 'aria-label': `Escalation from worker ${e.workerId}` },
        h(
          'div',
          { class: 'esc-head' },
          h('span', { class: 'esc-worker' }, e.workerId),
          h('span', null, e.reason),
        ),
        e.context ? h('div', { class: 'esc-context' }, e.context) : null,
        h(
          'div',
          { class: 'esc-reply' },
          field,
          button('Reply', {
            appearance: 'primary',
            action: 'reply-escalation',
            data: { requestId: e.requestId, workerId: e.workerId },
            ariaLabel: `Send reply to worker ${e.workerId}`,
          }),
        ),
      ),
    );
  }
  replaceChildren(el, summary, waiting > 0 ? list : null);
}
