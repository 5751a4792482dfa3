import { webhookSettings } from '../../runtime/triggers/definitions';
import type { TriggerView as RuntimeTriggerView } from '../../runtime/triggers/trigger-views';
import { WEBHOOK_HOST } from '../../runtime/triggers/webhook-server';
import type { TriggerView } from '../../shared/protocol';

/**
 * A runtime trigger view as the chat panel draws it (`TriggerViewSchema` in src/shared/protocol.ts):
 * the schedule in words and the next fire times, both computed by the runtime (the webview parses
 * no cron), fire stats, and for webhooks the URL (the configured one while not served). `enabled`
 * is whether it runs in this session, which is what the panel's toggle switches. The secret never
 * goes into this view.
 */
export function panelTriggerView(v: RuntimeTriggerView): TriggerView {
  const c = v.trigger_config;
  let webhook: TriggerView['webhook'] = null;
  let schedule = v.schedule_text;
  if (v.trigger_type === 'webhook') {
    const s = webhookSettings({ id: v.trigger_id, trigger_type: 'webhook', trigger_config: c, task: v.task });
    webhook = {
      url: v.webhook_url ?? `http://${WEBHOOK_HOST}:${s.port}${s.path}`,
      methods: s.methods,
      // A secret is created on the first start or when the user asks to copy it.
      secretAvailable: true,
    };
    schedule = `on each ${s.methods.join('/')} request`;
  }
  return {
    id: v.trigger_id,
    name: v.name,
    type: v.trigger_type,
    cron: v.trigger_type === 'timer' && typeof c.cron === 'string' ? c.cron : null,
    intervalMinutes:
      v.trigger_type === 'timer' && typeof c.interval_minutes === 'number' && c.interval_minutes > 0
        ? c.interval_minutes
        : null,
    timezone: typeof c.timezone === 'string' && c.timezone ? c.timezone : 'UTC',
    schedule,
    task: v.task,
    enabled: v.active,
    nextFireAt: v.next_fire_at,
    nextFires: v.active ? v.next_fires : [],
    fireCount: v.fire_count,
    lastFiredAt: v.last_fired_at,
    webhook,
  };
}
