import type { LoadedColony } from '../colony-load';

/**
 * A colony worker's system prompt: the worker config's own prompts (identity, system, skills, protocols,
 * memory) around its goal, plus how to finish. Stable for the worker's whole run (prompt cache).
 */
export function workerSystemPrompt(colony: LoadedColony, opts: { primary?: boolean } = {}): string {
  const c = colony.worker.config;
  const goal = c.goal;
  const goalLines: string[] = [];
  if (goal?.description) goalLines.push(`# Goal\n${goal.description}`);
  if (goal?.success_criteria?.length)
    goalLines.push(`## Success criteria\n${goal.success_criteria.map((s) => `- ${s}`).join('\n')}`);
  if (goal?.constraints?.length)
    goalLines.push(`## Constraints\n${goal.constraints.map((s) => `- ${s}`).join('\n')}`);
  const skills = colony.skills.length
    ? `# Colony skills\n${colony.skills.map((s) => `- ${s.name}${s.description ? `: ${s.description}` : ''}`).join('\n')}`
    : '';
  const conduct = opts.primary
    ? `# How you work\nYou are the worker "${colony.worker.name}" of the colony "${colony.name}", talking with ` +
      `the user directly (no queen). Your file tools work inside ${colony.workFolder}. If you need a decision or ` +
      'credentials, call escalate: the user answers.'
    : `# How you work\nYou are a worker of the colony "${colony.name}", started by the queen for one task. ` +
      `Your file tools work inside ${colony.workFolder}. When the task is done (or cannot go further), call ` +
      'report_to_parent once with a status, a summary and structured data, and stop. If you need a decision, ' +
      'credentials or user input, call escalate and wait for the queen.';
  return [
    c.identity_prompt,
    c.system_prompt,
    ...goalLines,
    c.skills_catalog_prompt,
    skills,
    c.protocols_prompt,
    c.memory_prompt,
    conduct,
  ]
    .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
    .join('\n\n');
}
