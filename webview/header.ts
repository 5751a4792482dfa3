// The top bar: queen identity, phase badge, session usage/cost, and the restricted-mode banner.
import { queenTooltip } from '../src/shared/displayNames';
import type { SessionSnapshot } from '../src/shared/protocol';
import { badge } from './components';
import { h, replaceChildren } from './dom';
import { formatCost, formatTokens } from './format';

const PHASE_HINTS: Record<string, string> = {
  independent: 'Working on her own, no colony',
  incubating: 'Preparing a colony',
  working: 'Workers are running',
  reviewing: 'Reviewing the workers’ results',
  'not running': 'A session from your history: send a message to resume it',
};

export function renderHeader(el: HTMLElement, session: SessionSnapshot | null): void {
  if (!session) {
    replaceChildren(el);
    el.hidden = true;
    return;
  }
  el.hidden = false;
  const q = session.queen;
  const name = q?.name ?? 'Queen';
  const initial = name.trim().charAt(0).toUpperCase() || 'Q';
  const phase = badge(session.phase, `phase phase-${session.phase.replace(/[^a-z_-]/gi, '')}`);
  phase.setAttribute('title', PHASE_HINTS[session.phase] ?? `Phase: ${session.phase}`);
  phase.setAttribute('aria-label', `Phase: ${session.phase}`);
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
    h('div', { class: 'usage', title: usageTitle, 'aria-label': usageTitle }, usageText),
    session.trusted
      ? null
      : h(
          'div',
          { class: 'banner banner-warning', role: 'status' },
          'Restricted Mode: this workspace is not trusted, so colonies cannot be loaded and tools cannot run.',
        ),
  );
}
