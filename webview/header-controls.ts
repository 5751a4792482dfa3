// The chat header's controls: the model picker (the session's model among the configured ones), the
// context-window gauge (what the last model call left in the window) and "New session…" (which asks for a
// queen). Kept apart from header.ts so the identity/phase/usage line stays as it was.
import type { ContextGauge, ModelChoice } from '../src/shared/protocol';
import { button } from './components';
import { h } from './dom';
import { formatTokens } from './format';
import './header-controls.css';

/** A native select: keyboard and screen readers know it, and the theme colours it. */
export function modelPicker(choice: ModelChoice | undefined): HTMLElement | null {
  if (!choice) return null;
  const models = choice.models.includes(choice.model) ? choice.models : [choice.model, ...choice.models];
  const select = h(
    'select',
    {
      class: 'model-picker',
      'data-action': 'set-model',
      'aria-label': 'Model for the next turn',
      title: `Model: ${choice.model}. Applies from the next turn.`,
    },
    ...models.map((m) => h('option', { value: m, selected: m === choice.model ? true : null }, m)),
  ) as HTMLSelectElement;
  select.value = choice.model;
  return select;
}

/** Percent of the window used, 0–100. */
export function contextPercent(c: ContextGauge): number {
  if (c.window <= 0) return 0;
  return Math.min(100, Math.round((c.tokens / c.window) * 100));
}

export function contextGauge(context: ContextGauge | undefined): HTMLElement | null {
  if (!context) return null;
  const pct = contextPercent(context);
  const level = pct >= 90 ? 'high' : pct >= 70 ? 'mid' : 'low';
  const tip =
    `Context window: ${context.tokens.toLocaleString('en-US')} of ${context.window.toLocaleString('en-US')} tokens ` +
    `(${pct}%) used by the last call${context.model ? ` to ${context.model}` : ''}. ` +
    'Older turns are compacted when it fills up.';
  const fill = h('span', { class: 'context-fill' });
  // Through the CSSOM: the page's CSP allows no inline style attributes.
  fill.style.width = `${pct}%`;
  return h(
    'div',
    {
      class: `context-gauge context-${level}`,
      role: 'meter',
      'aria-label': 'Context window used',
      'aria-valuemin': '0',
      'aria-valuemax': String(context.window),
      'aria-valuenow': String(context.tokens),
      'aria-valuetext': tip,
      title: tip,
    },
    h('span', { class: 'context-bar', 'aria-hidden': 'true' }, fill),
    h('span', { class: 'context-text' }, `${formatTokens(context.tokens)} / ${formatTokens(context.window)}`),
  );
}

export function newSessionButton(): HTMLElement {
  return button('New…', {
    action: 'new-session',
    ariaLabel: 'New session: choose a queen',
    title: 'New session: choose a queen, or let the model pick from your first message',
  });
}
