// The "Colony created" card: the result of the queen's create_colony, with the Colonies view's actions.
// Built from the tool result (so it also shows in the history); the host checks the colony name again.
import type { ColonyAction } from '../src/shared/protocol';
import type { RowOf } from './chat-model';
import { button } from './components';
import { h } from './dom';

const COLONY_NAME = /^[a-z0-9_]{1,64}$/;

interface Created {
  colony_name: string;
  colony_path: string;
  task: string;
  triggers: string[];
  tasks_seeded: number | null;
}

/** The created colony in a create_colony result, or undefined (an error, another tool, bad JSON). */
export function createdColonyOf(row: RowOf<'tool'>): Created | undefined {
  if (row.name !== 'create_colony' || row.isError || row.result === null) return undefined;
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(row.result) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  if (r.status !== 'created' || typeof r.colony_name !== 'string' || !COLONY_NAME.test(r.colony_name))
    return undefined;
  return {
    colony_name: r.colony_name,
    colony_path: typeof r.colony_path === 'string' ? r.colony_path : '',
    task: typeof r.task === 'string' ? r.task : '',
    triggers: Array.isArray(r.triggers) ? r.triggers.filter((t): t is string => typeof t === 'string') : [],
    tasks_seeded: typeof r.tasks_seeded === 'number' ? r.tasks_seeded : null,
  };
}

const ACTIONS: Array<[ColonyAction, string]> = [
  ['open', 'Open'],
  ['startTriggers', 'Start triggers'],
  ['stopTriggers', 'Stop triggers'],
  ['runWorker', 'Run worker'],
  ['reveal', 'Reveal'],
];

export function colonyCard(c: Created): HTMLElement {
  const facts: string[] = [];
  if (c.triggers.length) facts.push(`Triggers: ${c.triggers.join(', ')}`);
  if (c.tasks_seeded !== null) facts.push(`${c.tasks_seeded} task${c.tasks_seeded === 1 ? '' : 's'} queued`);
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
