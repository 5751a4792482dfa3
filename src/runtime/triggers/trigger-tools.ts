import { z } from 'zod';
import { defineTool, type Tool } from '../tools/tool';
import type { TriggerManager, TriggerUpdate, TriggerView } from './trigger-manager';

/**
 * The queen's trigger tools (docs/hive-format.md §3 rule 10, §4 reviewing phase): set_trigger,
 * remove_trigger, list_triggers. They act on whatever colony is attached when they run (late
 * binding, like Hive's tools reading `session.worker_runtime`), and persist through the manager:
 * set_trigger writes the trigger (or its task/config override) and `enabled` to triggers.json.
 *
 * Differences from Hive, on purpose: set_trigger on an active trigger with a new task or config
 * updates it in place (Hive refused with "already active"; with nothing to change we still do), and
 * a webhook's secret never goes into the result: the queen gets the URL and where the secret lives,
 * the user copies the secret from the panel.
 */

export type ManagerRef = () => TriggerManager | undefined;

const NO_COLONY = 'No colony is loaded in this session: triggers belong to a colony (load one first).';

function manager(ref: ManagerRef): TriggerManager {
  const m = ref();
  if (!m) throw new Error(NO_COLONY);
  return m;
}

/** Fields the views merge into trigger_config; the summary has them at the top level. */
const LIVE_FIELDS = new Set([
  'next_fire_in',
  'next_fire_at',
  'fire_count',
  'last_fired_at',
  'schedule_text',
  'webhook_url',
]);

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** What the queen sees of a trigger: no secret, times as ISO-UTC. */
export function triggerSummary(v: TriggerView): Record<string, unknown> {
  return {
    trigger_id: v.trigger_id,
    trigger_type: v.trigger_type,
    name: v.name,
    task: v.task,
    active: v.active,
    schedule: v.schedule_text,
    trigger_config: Object.fromEntries(Object.entries(v.trigger_config).filter(([k]) => !LIVE_FIELDS.has(k))),
    next_fire_at: iso(v.next_fire_at),
    fire_count: v.fire_count,
    last_fired_at: iso(v.last_fired_at),
    ...(v.webhook_url ? { webhook_url: v.webhook_url } : {}),
    ...(v.missed ? { missed_fires: v.missed.count } : {}),
    ...(v.error ? { error: v.error } : {}),
  };
}

const setTriggerSchema = z.object({
  trigger_id: z
    .string()
    .trim()
    .min(1, 'trigger_id is required')
    .describe('Trigger id (letters, digits, _ and -)'),
  trigger_type: z.enum(['timer', 'webhook']).nullish().describe('Needed for a new trigger'),
  trigger_config: z
    .record(z.string(), z.unknown())
    .nullish()
    .describe('Schedule (timer) or path/methods (webhook)'),
  task: z.string().nullish().describe('What to do each time it fires (required unless already set)'),
  name: z.string().nullish().describe('Display name (optional)'),
});

async function webhookNote(m: TriggerManager, v: TriggerView): Promise<Record<string, unknown>> {
  if (v.trigger_type !== 'webhook') return {};
  const info = await m.webhookInfo(v.trigger_id);
  return {
    webhook_url: info.url,
    methods: info.methods,
    auth:
      'Callers must send the trigger secret in the X-Hive-Secret header (or sign the body with ' +
      'X-Hive-Signature-256). The user can copy it from the Triggers panel.',
    secret_location: info.secret_location,
  };
}

async function setTrigger(ref: ManagerRef, input: z.output<typeof setTriggerSchema>): Promise<unknown> {
  const m = manager(ref);
  const id = input.trigger_id;
  const type = input.trigger_type ?? undefined;
  const task = input.task?.trim();
  const name = input.name ?? undefined;
  const config = input.trigger_config ?? undefined;

  const existing = m.get(id);
  if (!existing) {
    if (!type || !config)
      throw new Error(
        `Trigger '${id}' does not exist yet: give trigger_type ("timer" or "webhook") and trigger_config ` +
          '(timer: {"cron": "0 9 * * 1-5"} or {"interval_minutes": 30}; webhook: {"path": "/hooks/name"}).',
      );
    if (!task) throw new Error('A task is required: what should happen each time the trigger fires?');
    const view = await m.add({
      id,
      trigger_type: type,
      trigger_config: config,
      task,
      ...(name ? { name } : {}),
    });
    return { status: 'activated', ...triggerSummary(view), ...(await webhookNote(m, view)) };
  }

  if (type && type !== existing.trigger_type)
    throw new Error(
      `Trigger '${id}' is a ${existing.trigger_type} trigger; remove it first to redefine it as ${type}.`,
    );
  const patch: TriggerUpdate = {};
  if (task !== undefined && task !== existing.task) patch.task = task;
  if (name !== undefined && name !== existing.name) patch.name = name;
  if (config) patch.trigger_config = config as Record<string, unknown>;
  const changing = Object.keys(patch).length > 0;
  if (existing.active && !changing)
    throw new Error(`Trigger '${id}' is already active (use remove_trigger to stop it).`);
  if (!existing.task && !patch.task)
    throw new Error('A task is required: what should happen each time the trigger fires?');
  if (changing) await m.update(id, patch);
  const wasActive = existing.active;
  if (!wasActive) await m.activate(id);
  const view = m.get(id)!;
  return {
    status: wasActive ? 'updated' : 'activated',
    ...triggerSummary(view),
    ...(await webhookNote(m, view)),
  };
}

export function triggerTools(ref: ManagerRef): Tool[] {
  return [
    defineTool({
      name: 'set_trigger',
      description:
        'Activate a trigger of the loaded colony, or define a new one. A known trigger_id starts that trigger (optionally with a new task or config, saved to the colony\'s triggers.json); an unknown id creates a trigger and needs trigger_type and trigger_config. Timer config: {"cron": "<5-field cron>", "timezone": "<IANA zone, default UTC>"} or {"interval_minutes": N}. Webhook config: {"path": "/hooks/name", "methods": ["POST"]}. Each fire reaches you as a [TRIGGER: <type>/<id>] message with the task.',
      category: 'control',
      schema: setTriggerSchema,
      run: async (input) => JSON.stringify(await setTrigger(ref, input)),
    }),
    defineTool({
      name: 'remove_trigger',
      description: "Stop a trigger and delete it from the colony's triggers.json (it will not start again).",
      category: 'control',
      schema: z.object({
        trigger_id: z.string().trim().min(1, 'trigger_id is required').describe('The trigger to remove'),
      }),
      run: async ({ trigger_id: id }) => {
        const m = manager(ref);
        const view = m.get(id);
        if (!view) throw new Error(`Trigger '${id}' not found`);
        await m.remove(id);
        return JSON.stringify({ status: 'removed', trigger_id: id, was_active: view.active });
      },
    }),
    defineTool({
      name: 'list_triggers',
      description:
        'List the triggers of the loaded colony: active or not, schedule, next fire, fire count, webhook URL.',
      category: 'control',
      schema: z.object({}),
      run: async () => {
        const m = manager(ref);
        const triggers = m.list().map(triggerSummary);
        return JSON.stringify({
          triggers,
          active: triggers.filter((t) => t.active).length,
          total: triggers.length,
        });
      },
    }),
  ];
}
