import type { TriggerDefinition, TriggerType } from './definitions';
import { pythonJsonDumps } from './python-json';
import type { WebhookRequestInfo } from './webhook-server';

/**
 * What a fire puts in the queen's conversation (docs/hive-format.md §3 rule 18): one user part
 * (`is_trigger: true`) made of `[TRIGGER: <type>/<id>]\nTask: <task>\n<payload JSON>` blocks joined
 * by a blank line, exactly as Hive's drain_trigger_queue writes it (no Task line for an empty task).
 */

export interface TriggerFire {
  trigger_id: string;
  trigger_type: TriggerType;
  /** Hive's TriggerEvent.payload. */
  payload: Record<string, unknown>;
}

export function formatTriggerBlock(fire: TriggerFire): string {
  const task = typeof fire.payload.task === 'string' ? fire.payload.task : '';
  const taskLine = task ? `\nTask: ${task}` : '';
  return `[TRIGGER: ${fire.trigger_type}/${fire.trigger_id}]${taskLine}\n${pythonJsonDumps(fire.payload)}`;
}

export function formatTriggerBatch(fires: readonly TriggerFire[]): string {
  return fires.map(formatTriggerBlock).join('\n\n');
}

/** trigger_config as shown outside: never the webhook secret. */
export function publicTriggerConfig(config: Record<string, unknown>): Record<string, unknown> {
  const { secret: _secret, ...rest } = config;
  return rest;
}

/** Timer fire, manual run (`forced`) or missed-fire catch-up (`catch_up`): `{task, trigger_config, …}`. */
export function schedulePayload(
  def: TriggerDefinition,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return { task: def.task ?? '', trigger_config: publicTriggerConfig(def.trigger_config), ...extra };
}

/**
 * Webhook fire: `{task, path, method, headers, payload, query_params}` as Hive, plus `delivery_id`:
 * the id under which the delivery is journaled, so a replay after a crash can tell it was handed over.
 */
export function webhookPayload(
  def: TriggerDefinition,
  req: WebhookRequestInfo,
  deliveryId?: string,
): Record<string, unknown> {
  return {
    task: def.task ?? '',
    path: req.path,
    method: req.method,
    headers: req.headers,
    payload: req.payload,
    query_params: req.query_params,
    ...(deliveryId ? { delivery_id: deliveryId } : {}),
  };
}
