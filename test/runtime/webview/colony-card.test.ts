import assert from 'node:assert/strict';
import { colonyFacts, createdColonyOf } from '../../../webview/colony-created';

function toolRow(result: Record<string, unknown>) {
  return {
    kind: 'tool',
    name: 'create_colony',
    isError: false,
    result: JSON.stringify(result),
  } as unknown as Parameters<typeof createdColonyOf>[0];
}

describe('webview: the "Colony created" card', () => {
  const base = {
    status: 'created',
    colony_name: 'notes',
    colony_path: '/h/colonies/notes',
    triggers: ['daily'],
  };

  it('counts the tasks queued in progress.db', () => {
    const c = createdColonyOf(toolRow({ ...base, tasks_seeded: 2 }))!;
    assert.deepEqual(colonyFacts(c), ['Triggers: daily', '2 tasks queued']);
  });

  it('says the task queue is off, and why, when the Node has no node:sqlite', () => {
    const why = 'progress.db needs node:sqlite (Node ≥22.13); this Node (v20.20.2) has none';
    const c = createdColonyOf(toolRow({ ...base, tasks_seeded: 1, tasks_pending: why }))!;
    assert.deepEqual(colonyFacts(c), ['Triggers: daily', `Task queue off: 1 task waiting (${why})`]);
  });
});
