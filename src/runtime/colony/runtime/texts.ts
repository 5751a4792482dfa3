import type { SubagentReportData } from '../../events/types';
import type { LoadedColony } from '../colony-load';
import type { TriggerDef } from '../colony-schemas';

/*
 * What the queen and the workers are told, in Hive's words (docs/hive-format.md §3 rules 7, 12, 15–17;
 * queen_lifecycle_tools.build_worker_profile, queen_orchestrator, colony_runtime at 0ba1fa8).
 */

/** Hive's Goal.name for a worker config: the description cut to 60 characters. */
export function goalName(colony: LoadedColony): string {
  const description = colony.worker.config.goal?.description?.trim() ?? '';
  return (description || colony.worker.name).slice(0, 60);
}

/** `meta.agent_name`: the colony name in title case (`research_colony` → `Research Colony`). */
export function agentNameOf(colony: LoadedColony): string {
  return colony.name.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());
}

/** build_worker_profile: the `# Worker Profile` block (starts with a blank line, as Hive's does). */
export function workerProfileText(colony: LoadedColony, workerTools: readonly string[]): string {
  const goal = colony.worker.config.goal;
  const lines = ['\n\n# Worker Profile', `Agent: ${colony.name}`, `Path: ${colony.folder}`];
  lines.push(`Goal: ${goalName(colony)}`);
  if (goal?.description) lines.push(`Description: ${goal.description}`);
  if (goal?.success_criteria?.length) {
    lines.push('\n## Success Criteria');
    for (const c of goal.success_criteria) lines.push(`- ${c}`);
  }
  if (goal?.constraints?.length) {
    lines.push('\n## Constraints');
    for (const c of goal.constraints) lines.push(`- ${c}`);
  }
  if (workerTools.length) lines.push(`\n## Worker Tools\n${[...workerTools].sort().join(', ')}`);
  lines.push('\nStatus at session start: idle (not started).');
  return lines.join('\n');
}

/**
 * docs/hive-format.md §3 Rule 12: `[SYSTEM] Colony loaded.` + the worker profile + the colony's triggers, in Hive's words
 * ("inactive"). A session whose triggers run passes the colony without triggers and appends their
 * own active/inactive listing instead (Hive bug §5.5, docs/hive-format.md: it called started triggers inactive).
 */
export function colonyLoadedText(colony: LoadedColony, workerTools: readonly string[]): string {
  let triggerLines = '';
  if (colony.triggers.length) {
    const header = 'Available triggers (inactive — use set_trigger to activate):';
    triggerLines = `\n\n${header}\n${colony.triggers.map(triggerLine).join('\n')}`;
  }
  return `[SYSTEM] Colony loaded.${workerProfileText(colony, workerTools)}${triggerLines}`;
}

function triggerLine(t: TriggerDef): string {
  const cfg = (t.trigger_config ?? {}) as Record<string, unknown>;
  // Hive prints "every ? min" for a webhook; its method and path say what it is.
  const methods = Array.isArray(cfg.methods) && cfg.methods.length ? cfg.methods.join('|') : 'POST';
  const detail =
    t.trigger_type === 'webhook'
      ? `${methods} ${String(cfg.path ?? '/')}`
      : cfg.cron
        ? String(cfg.cron)
        : `every ${cfg.interval_minutes ?? '?'} min`;
  const task = t.task ? ` -> task: "${t.task}"` : ' (no task configured)';
  return `  - ${t.id} (${t.trigger_type}: ${detail})${task}`;
}

/** docs/hive-format.md §3 Rule 7: what the queen is told when the colony is unloaded. */
export const WORKER_UNLOADED_TEXT =
  '[SYSTEM] Worker unloaded. You are now operating independently. ' +
  "Design or build the agent to solve the user's problem according to your current phase.";

/** docs/hive-format.md §3 Rule 15 (`_format_spawn_task_message`): the worker's first new user message. */
export function spawnTaskText(task: string, data: Record<string, unknown> = {}): string {
  const lines = [
    '# New task delegated by the queen',
    '',
    "The queen's conversation up to this point is visible above. Use it as context (who the user is, " +
      'what was already decided, which skills apply). Your own system prompt and tool set are set by the ' +
      "framework — the queen's tools may differ from yours, so treat her prior tool calls as history only.",
    '',
    `task: ${task}`,
  ];
  for (const [key, value] of Object.entries(data)) {
    if (key === 'task' || key === 'user_request' || value === null || value === undefined) continue;
    lines.push(`${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  return lines.join('\n');
}

/** docs/hive-format.md §3 Rule 16: the queen's view of a worker's report. */
export function workerReportText(r: SubagentReportData): string {
  const lines = ['[WORKER_REPORT]', `worker_id: ${r.worker_id}`, `status: ${r.status}`];
  lines.push(`duration: ${r.duration_seconds.toFixed(1)}s`);
  lines.push(`summary: ${r.summary || '(no summary)'}`);
  if (r.error) lines.push(`error: ${r.error}`);
  const data = r.data as Record<string, unknown> | null;
  if (data && typeof data === 'object' && Object.keys(data).length)
    lines.push(`data: ${JSON.stringify(data)}`);
  return lines.join('\n');
}

/** docs/hive-format.md §3 Rule 16: the soft-timeout nudge to a worker that has not reported yet. */
export function softTimeoutText(softSeconds: number, hardSeconds: number): string {
  return (
    `[SOFT TIMEOUT] You have been running for ${Math.round(softSeconds)}s, past your time budget. ` +
    'Wrap up now: call report_to_parent with what you have (status "partial" if the task is unfinished). ' +
    `You will be stopped at ${Math.round(hardSeconds)}s.`
  );
}

export interface EscalationTextInput {
  requestId: string;
  workerId: string;
  nodeId: string;
  reason: string;
  context: string;
}

/** docs/hive-format.md §3 Rule 17: an escalation as the queen (or, without a queen loop, the user) sees it. */
export function workerEscalationText(e: EscalationTextInput): string {
  const lines = [
    '[WORKER_ESCALATION]',
    `request_id: ${e.requestId}`,
    `worker_id: ${e.workerId || 'unknown'}`,
    `node_id: ${e.nodeId}`,
    `reason: ${e.reason || 'unspecified'}`,
  ];
  if (e.context) lines.push('context:', e.context);
  lines.push(
    'Use reply_to_worker(request_id, reply) to unblock, or list_worker_questions() to see all pending.',
  );
  return lines.join('\n');
}

export function queenReplyText(requestId: string, reply: string): string {
  return `[QUEEN_REPLY] request_id=${requestId}\n${reply}`;
}

export const QUEUE_FULL_REPLY =
  '[QUEEN_REPLY] queue_full — queen inbox saturated; proceed with best judgment or retry later.';
