import type { TriggerView } from './trigger-manager';

/**
 * The trigger lines of the colony-loaded message (docs/hive-format.md §3 rule 12). Hive listed every
 * trigger as "inactive" even when it had just auto-started them (docs/hive-format.md §5 bug 5); here active and
 * inactive triggers are listed apart. Line shape as Hive's: `  - <id> (<type>: <schedule>) -> task: "…"`.
 */
export function describeTriggersForQueen(triggers: readonly TriggerView[]): string {
  const line = (t: TriggerView) => {
    const task = t.task ? ` -> task: "${t.task}"` : ' (no task configured)';
    return `  - ${t.trigger_id} (${t.trigger_type}: ${t.schedule_text})${task}`;
  };
  const active = triggers.filter((t) => t.active);
  const inactive = triggers.filter((t) => !t.active);
  let text = '';
  if (active.length) {
    text += `\n\nActive triggers (already running — use remove_trigger to stop one):\n${active.map(line).join('\n')}`;
  }
  if (inactive.length) {
    text += `\n\nAvailable triggers (inactive — use set_trigger to activate):\n${inactive.map(line).join('\n')}`;
  }
  return text;
}
