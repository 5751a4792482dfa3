import { createPatch } from 'diff';

const MAX_DIFF_CHARS = 4000;

/**
 * What the model is told when the user edited its proposal before approving: the fact, and their change
 * against the proposal as a unified diff (capped), so it does not overwrite their version next turn.
 */
export function userEditNote(path: string, proposed: string, approved: string): string {
  let diff = createPatch(path, proposed, approved, 'your proposal', 'what the user approved', { context: 2 })
    .split('\n')
    .slice(2)
    .join('\n')
    .trimEnd();
  if (diff.length > MAX_DIFF_CHARS)
    diff = `${diff.slice(0, MAX_DIFF_CHARS)}\n[… diff cut at ${MAX_DIFF_CHARS} characters]`;
  return `The user edited your proposal before approving; ${path} now holds their version.\n${diff}`;
}
