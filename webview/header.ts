// The top bar: queen identity, phase badge, session usage/cost, and the restricted-mode banner.
import { queenTooltip } from '../src/shared/display-names';
import type { SessionSnapshot } from '../src/shared/protocol';
import { badge } from './components';
import { h, replaceChildren } from './dom';
import { formatCost, formatTokens } from './format';
import { contextGauge, modelPicker, newSessionButton } from './header-controls';

const PHASE_HINTS: Record<string, string> = {
  independent: 'Working on her own, no colony',
  incubating: 'Preparing a colony',
  working: 'Workers are running',
  reviewing: 'Reviewing the workers’ results',
  'not running': 'A session from your history: send a message to resume it',
  ready: 'The colony is loaded; no worker has run yet',
};

/**
 * The badge's word. Hive moves a session to REVIEWING as soon as a colony loads (Hive:
 * core/framework/server/queen_orchestrator.py, switch_to_reviewing(source="auto")): with no worker run yet there is
 * nothing to review, so the badge says "ready" until one runs.
 */
export function phaseLabel(session: SessionSnapshot): string {
  const c = session.colony;
  if (session.phase === 'reviewing' && c && c.workersRunning === 0 && c.workersDone === 0) return 'ready';
  return session.phase;
}

export function renderHeader(el: HTMLElement, session: SessionSnapshot | null): void {
  if (!session) {
    replaceChildren(el);
    el.hidden = true;
    return;
  }
  el.hidden = false;
  // The header is redrawn on every usage or busy change: a picker the user is on keeps the focus.
  const pickerFocused = el.ownerDocument.activeElement?.classList.contains('model-picker') === true;
  const q = session.queen;
  const name = q?.name ?? 'Queen';
  const initial = name.trim().charAt(0).toUpperCase() || 'Q';
  const shown = phaseLabel(session);
  const phase = badge(shown, `phase phase-${shown.replace(/[^a-z_-]/gi, '')}`);
  phase.setAttribute('title', PHASE_HINTS[shown] ?? `Phase: ${shown}`);
  phase.setAttribute('aria-label', `Phase: ${shown}`);
  const u = session.usage;
  const cost = formatCost(u.costUsd);
  const usageText = `${formatTokens(u.inputTokens)} in · ${formatTokens(u.outputTokens)} out${cost ? ` · ${cost}` : ''}`;
  const usageTitle =
    `Session tokens: ${u.inputTokens.toLocaleString()} input, ${u.outputTokens.toLocaleString()} output, ` +
    `${u.cachedTokens.toLocaleString()} cached${cost ? `; cost ${cost}` : ''}`;
  replaceChildren(
    el,
    h(
      'div',
      { class: 'identity' },
      h('span', { class: 'avatar', 'aria-hidden': 'true' }, initial),
      h(
        'div',
        { class: 'who' },
        h('span', { class: 'queen-name', title: q ? queenTooltip(q) : null }, name),
        q?.title ? h('span', { class: 'queen-title' }, `· ${q.title}`) : null,
      ),
      phase,
    ),
    h(
      'div',
      { class: 'header-controls' },
      modelPicker(session.modelChoice),
      contextGauge(session.context),
      h('div', { class: 'usage', title: usageTitle, 'aria-label': usageTitle }, usageText),
      newSessionButton(),
    ),
    session.trusted
      ? null
      : h(
          'div',
          { class: 'banner banner-warning', role: 'status' },
          session.trustPending
            ? 'The workspace is trusted now, but this session started in Restricted Mode: its tools and colonies arrive once no session is running (stop it, then send a message to resume).'
            : 'Restricted Mode: this workspace is not trusted, so colonies cannot be loaded and tools cannot run.',
        ),
  );
  if (pickerFocused) el.querySelector<HTMLElement>('.model-picker')?.focus();
}
