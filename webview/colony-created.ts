// What a create_colony result says, for the "Colony created" card (no DOM here: unit-tested under Node).
import type { RowOf } from './chat-model';

const COLONY_NAME = /^[a-z0-9_]{1,64}$/;

export interface Created {
  colony_name: string;
  colony_path: string;
  task: string;
  triggers: string[];
  tasks_seeded: number | null;
  /** Set when the tasks could not go into progress.db (no node:sqlite in this Node): why. */
  tasks_pending: string | null;
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
    tasks_pending: typeof r.tasks_pending === 'string' && r.tasks_pending ? r.tasks_pending : null,
  };
}

/** The card's facts line: triggers, and the tasks queued (or, without node:sqlite, waiting, and why). */
export function colonyFacts(c: Created): string[] {
  const facts: string[] = [];
  if (c.triggers.length) facts.push(`Triggers: ${c.triggers.join(', ')}`);
  const n = c.tasks_seeded ?? 0;
  const tasks = `${n} task${n === 1 ? '' : 's'}`;
  if (c.tasks_pending) facts.push(`Task queue off: ${tasks} waiting (${c.tasks_pending})`);
  else if (c.tasks_seeded !== null) facts.push(`${tasks} queued`);
  return facts;
}
