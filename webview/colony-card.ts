// The "Colony created" card: the result of the queen's create_colony, with the Colonies view's actions.
// Built from the tool result (so it also shows in the history); the host checks the colony name again.
import type { ColonyAction } from '../src/shared/protocol';
import { type Created, colonyFacts } from './colony-created';
import { button } from './components';
import { h } from './dom';

const ACTIONS: Array<[ColonyAction, string]> = [
  ['open', 'Open'],
  ['startTriggers', 'Start triggers'],
  ['stopTriggers', 'Stop triggers'],
  ['runWorker', 'Run worker'],
  ['reveal', 'Reveal'],
];

export function colonyCard(c: Created): HTMLElement {
  const facts = colonyFacts(c);
  return h(
    'div',
    { class: 'colony-card', role: 'article', 'aria-label': `Colony created: ${c.colony_name}` },
    h('div', { class: 'colony-card-title' }, `Colony created: ${c.colony_name}`),
    c.task ? h('div', { class: 'colony-card-task' }, c.task) : null,
    facts.length ? h('div', { class: 'colony-card-facts' }, facts.join(' · ')) : null,
    h('div', { class: 'colony-card-path' }, c.colony_path),
    h(
      'div',
      { class: 'colony-card-actions', role: 'group', 'aria-label': 'Colony actions' },
      ...ACTIONS.map(([action, label], i) =>
        button(label, {
          appearance: i === 0 ? 'primary' : 'secondary',
          action: 'colony-action',
          data: { colony: c.colony_name, op: action },
          ariaLabel: `${label} colony ${c.colony_name}`,
        }),
      ),
    ),
    h('div', { class: 'colony-card-note' }, 'This chat is closed now; continue in the colony.'),
  );
}
