import type { TriggerView as PanelTriggerView } from '../../shared/protocol';
import { webhookSettings } from './definitions';
import type { TriggerView } from './triggerViews';
import { WEBHOOK_HOST } from './webhookServer';

export type { PanelTriggerView };

/**
 * A trigger as the chat panel draws it (`TriggerViewSchema` in src/shared/protocol.ts): the
 * schedule fields it puts in words, the countdown target, fire stats, and for webhooks the URL
 * (the configured one while not served). `enabled` is whether it runs in this session, which is
 * what the panel's toggle switches. The secret never goes into this view.
 */
export function panelTriggerView(v: TriggerView): PanelTriggerView {
  const c = v.trigger_config;
  let webhook: PanelTriggerView['webhook'] = null;
  if (v.trigger_type === 'webhook') {
    const s = webhookSettings({ id: v.trigger_id, trigger_type: 'webhook', trigger_config: c, task: v.task });
    webhook = {
      url: v.webhook_url ?? `http://${WEBHOOK_HOST}:${s.port}${s.path}`,
      methods: s.methods,
      // A secret is created on the first start or when the user asks to copy it.
      secretAvailable: true,
    };
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
    task: v.task,
    enabled: v.active,
    nextFireAt: v.next_fire_at,
    fireCount: v.fire_count,
    lastFiredAt: v.last_fired_at,
    webhook,
  };
}
