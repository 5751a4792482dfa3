// One DOM element per conversation row (user / assistant / tool card / question / notice / error).
// Buttons carry data-action attributes; the panel handles clicks by delegation.
import { type MentionContextBlock, splitMentionContext } from '../src/shared/mentions';
import { approvalOutcome, approvalStatus } from './approval-card';
import type { Row, RowOf } from './chat-model';
import { colonyCard } from './colony-card';
import { createdColonyOf } from './colony-created';
import { button, setFieldValue, textField } from './components';
import { h } from './dom';
import { clipLong, formatCost, formatTokens, formatToolInput, summarizeToolInput } from './format';
import { foldLongBody } from './long-message';
import { renderMarkdownInto } from './markdown';
import { systemRow } from './system-row';
import { thinkingBlock } from './thinking-block';

export interface RowContext {
  queenName: string;
  /**
   * Tool cards and long messages the user opened or closed; absent = default (a card is open while its
   * approval is pending, a long message starts folded).
   */
  toolOpen: Map<string, boolean>;
  /** Answers being typed into questions, kept while their rows scroll out of view. */
  answerDrafts: Map<string, string>;
  /** System rows whose details the user unfolded. */
  systemOpen: Set<string>;
}

const RESULT_LIMIT = 20_000;

export function renderRow(row: Row, ctx: RowContext): HTMLElement {
  switch (row.kind) {
    case 'user':
      return userRow(row, ctx);
    case 'assistant':
      return assistantRow(row, ctx);
    case 'thinking':
      return thinkingBlock(row, ctx.toolOpen);
    case 'tool':
      return toolRow(row, ctx);
    case 'question':
      return questionRow(row, ctx);
    case 'notice':
      return h('div', { class: `notice notice-${row.level}`, role: 'note' }, row.text);
    case 'error':
      return errorRow(row);
    case 'system':
      return systemRow(row, ctx.systemOpen);
    case 'lane':
      return laneRow(row, ctx);
    case 'changes':
      return changesRow(row, ctx);
  }
}

/** Who a card or lane speaks for: the queen by name, a worker by its id. */
function requesterName(requester: string, ctx: RowContext): string {
  return requester === 'queen' ? ctx.queenName : `Worker ${requester}`;
}

/** A lane is open while its worker runs, closed once it reported (unless the user chose). */
export function laneOpen(row: RowOf<'lane'>, ctx: RowContext): boolean {
  return ctx.toolOpen.get(row.id) ?? row.status === 'running';
}

function laneRow(row: RowOf<'lane'>, ctx: RowContext): HTMLElement {
  const open = laneOpen(row, ctx);
  const steps = row.entries.length + row.dropped;
  const status = { running: 'working…', done: 'reported', failed: 'failed', stopped: 'stopped' }[row.status];
  const head = h(
    'button',
    {
      class: 'lane-head',
      type: 'button',
      'data-action': 'toggle-tool',
      'data-id': row.id,
      // Named by its visible text (axe: label-content-name-mismatch); aria-expanded says open or closed.
      'aria-expanded': String(open),
    },
    h('span', { class: 'chevron', 'aria-hidden': 'true' }),
    h('span', { class: 'lane-name' }, `Worker ${row.workerId}`),
    h('span', { class: 'tool-summary' }, row.summary ?? `${steps} step${steps === 1 ? '' : 's'}`),
    h('span', { class: `tool-status lane-status-${row.status}` }, status),
  );
  const lane = h(
    'div',
    { class: `lane lane-${row.status}`, role: 'group', 'aria-label': `Worker ${row.workerId}` },
    head,
  );
  if (!open) return lane;
  const body = h('ol', { class: 'lane-body' });
  if (row.dropped > 0)
    body.append(h('li', { class: 'lane-dropped' }, `${row.dropped} earlier steps not shown`));
  for (const e of row.entries) {
    if (e.kind === 'text') {
      if (e.text.trim()) body.append(h('li', { class: 'lane-text' }, e.text));
      continue;
    }
    const label = { running: 'running…', done: 'done', error: 'failed', denied: 'denied' }[e.status];
    body.append(
      h(
        'li',
        { class: `lane-tool status-${e.status}`, title: e.result ? clipLong(e.result, 2_000) : undefined },
        h('span', { class: 'tool-name' }, e.name),
        h('span', { class: 'tool-summary' }, summarizeToolInput(e.input)),
        h('span', { class: `tool-status status-${e.status}` }, label),
      ),
    );
  }
  lane.append(body);
  return lane;
}

function changesRow(row: RowOf<'changes'>, ctx: RowContext): HTMLElement {
  const who = requesterName(row.requester, ctx);
  return h(
    'div',
    { class: 'changes-row', role: 'group', 'aria-label': `Files changed by ${who}` },
    h('span', { class: 'changes-text' }, `${who} changed ${row.files.join(', ')}`),
    // A queen's turn goes back with the workers' later changes; a worker's turn with that worker's own.
    button(row.restoring ? 'Restoring…' : 'Restore files to before this turn', {
      action: 'restore-turn',
      data: { id: row.id, turnId: row.turnId, requester: row.requester },
      disabled: row.restoring,
      ariaLabel: `Restore ${row.files.join(', ')} to before this turn`,
    }),
  );
}

function userRow(row: RowOf<'user'>, ctx: RowContext): HTMLElement {
  const author = { user: 'You', trigger: 'Trigger', worker: 'Worker', system: 'System' }[row.origin];
  // `@` mentions: what was typed in the bubble, the context the host appended folded below it.
  const { text, blocks } =
    row.origin === 'user' ? splitMentionContext(row.text) : { text: row.text, blocks: [] };
  const bubble = h('div', { class: 'bubble' }, text);
  return h(
    'div',
    { class: `msg msg-user origin-${row.origin}`, role: 'article', 'aria-label': `${author} said` },
    h('div', { class: 'author' }, author),
    bubble,
    foldLongBody(bubble, row.id, text, ctx.toolOpen.get(row.id)),
    blocks.length ? mentionContext(blocks) : null,
  );
}

function mentionContext(blocks: MentionContextBlock[]): HTMLElement {
  return h(
    'details',
    { class: 'mention-context' },
    h('summary', null, `Context: ${blocks.map((b) => b.label).join(', ')}`),
    ...blocks.map((b) =>
      h(
        'div',
        { class: 'mention-block' },
        h('div', { class: 'mention-block-label' }, b.label),
        h('pre', null, b.body),
      ),
    ),
  );
}

function assistantRow(row: RowOf<'assistant'>, ctx: RowContext): HTMLElement {
  const body = h('div', { class: 'md' });
  // A streaming message changes every frame: don't fill the cache with its partial versions.
  renderMarkdownInto(body, row.text, row.streaming ? undefined : `${row.id}:${row.rev}`);
  const fold = row.streaming ? null : foldLongBody(body, row.id, row.text, ctx.toolOpen.get(row.id));
  const u = row.usage;
  const usage =
    u &&
    h(
      'div',
      { class: 'turn-usage' },
      [
        `${formatTokens(u.inputTokens)} in`,
        `${formatTokens(u.outputTokens)} out`,
        u.cachedTokens ? `${formatTokens(u.cachedTokens)} cached` : '',
        formatCost(u.costUsd),
      ]
        .filter(Boolean)
        .join(' · '),
    );
  return h(
    'div',
    {
      class: `msg msg-assistant${row.streaming ? ' streaming' : ''}`,
      role: 'article',
      'aria-label': `${ctx.queenName} said`,
      'aria-busy': row.streaming ? 'true' : null,
    },
    h(
      'div',
      { class: 'author' },
      ctx.queenName,
      row.streaming && h('span', { class: 'typing', 'aria-hidden': 'true' }),
    ),
    body,
    fold,
    usage,
  );
}

function toolRow(row: RowOf<'tool'>, ctx: RowContext): HTMLElement {
  const created = createdColonyOf(row);
  if (created) return colonyCard(created);
  const pending = row.approval?.state === 'pending';
  const open = ctx.toolOpen.get(row.id) ?? pending;
  const status = toolStatus(row);
  const head = h(
    'button',
    {
      class: 'tool-head',
      type: 'button',
      'data-action': 'toggle-tool',
      'data-id': row.id,
      // Named by its visible text (axe: label-content-name-mismatch); aria-expanded says open or closed.
      'aria-expanded': String(open),
    },
    h('span', { class: 'chevron', 'aria-hidden': 'true' }),
    h('span', { class: 'sr-only' }, 'Tool call '),
    h('span', { class: 'tool-name' }, row.name),
    h('span', { class: 'tool-summary' }, summarizeToolInput(row.input)),
    h('span', { class: `tool-status status-${pending ? 'approval' : row.status}` }, status),
  );
  const card = h('div', { class: `tool-card${pending ? ' needs-approval' : ''}`, role: 'article' }, head);
  if (row.approval && (row.approval.state === 'pending' || row.approval.state === 'sent')) {
    const a = row.approval;
    const sent = a.state === 'sent';
    const data = { id: a.id };
    const who = requesterName(a.requester, ctx);
    const d = a.detail;
    const what =
      d?.kind === 'file'
        ? `${who} wants to ${d.isNew ? 'create' : 'change'} ${d.path}`
        : d?.kind === 'command'
          ? `${who} wants to run a command`
          : `${who} asks to run ${a.tool} (${a.category})`;
    card.append(
      h(
        'div',
        { class: 'approval', role: 'group', 'aria-label': `Approval for ${a.tool} asked by ${who}` },
        h('span', { class: 'approval-text' }, sent ? 'Answer sent…' : what),
        d?.kind === 'command' &&
          h(
            'div',
            { class: 'approval-command' },
            h('code', { class: 'approval-cmd' }, d.command),
            h(
              'span',
              { class: 'approval-cwd' },
              `in ${d.cwd}${d.timeout ? ` · timeout ${d.timeout} s` : ''}`,
            ),
          ),
        d?.kind === 'file' &&
          button('Review diff', {
            action: 'review-proposal',
            data,
            disabled: sent,
            ariaLabel: `Review diff of ${d.path} (opens the diff editor)`,
          }),
        button('Approve', { appearance: 'primary', action: 'approve', data, disabled: sent }),
        button('Deny', { action: 'deny', data, disabled: sent }),
        button(`Always allow ${a.category}`, {
          action: 'approve-always',
          data,
          disabled: sent,
          ariaLabel: `Always allow ${a.category} (approves this one too)`,
        }),
      ),
    );
  }
  // Ended approvals (live, or rebuilt from the session's history) keep their outcome on the card.
  const outcome = approvalOutcome(row);
  if (outcome) card.append(outcome);
  if (open) {
    const body = h('div', { class: 'tool-body' });
    const input = formatToolInput(row.input);
    if (input)
      body.append(h('div', { class: 'tool-label' }, 'Input'), h('pre', { class: 'tool-pre' }, input));
    if (row.result !== null) {
      body.append(
        h('div', { class: 'tool-label' }, row.isError ? 'Error' : 'Result'),
        h('pre', { class: `tool-pre${row.isError ? ' is-error' : ''}` }, clipLong(row.result, RESULT_LIMIT)),
      );
    }
    card.append(body);
  }
  return card;
}

function toolStatus(row: RowOf<'tool'>): string {
  const waiting = approvalStatus(row);
  if (waiting) return waiting;
  return { running: 'running…', done: 'done', error: 'failed', denied: 'denied' }[row.status];
}

function questionRow(row: RowOf<'question'>, ctx: RowContext): HTMLElement {
  const answered = row.answer !== null;
  const el = h(
    'div',
    {
      class: `question${answered ? ' answered' : ''}`,
      role: 'group',
      'aria-label': 'Question from the queen',
    },
    h('div', { class: 'q-prompt' }, row.prompt),
  );
  if (answered) {
    el.append(
      h('div', { class: 'q-answer' }, row.sent ? 'Sending: ' : 'Answered: ', h('strong', null, row.answer)),
    );
    return el;
  }
  if (row.options.length > 0) {
    el.append(
      h(
        'div',
        { class: 'q-options' },
        ...row.options.map((o) => button(o, { action: 'answer-option', data: { id: row.id, answer: o } })),
      ),
    );
  }
  const field = textField(row.options.length ? 'Or type an answer…' : 'Type your answer…', 'Your answer');
  field.dataset.answerFor = row.id;
  const draft = ctx.answerDrafts.get(row.id);
  if (draft) setFieldValue(field, draft);
  el.append(
    h('div', { class: 'q-free' }, field, button('Answer', { action: 'answer-free', data: { id: row.id } })),
  );
  return el;
}

function errorRow(row: RowOf<'error'>): HTMLElement {
  return h(
    'div',
    { class: 'error-row', role: 'alert' },
    h('span', { class: 'error-icon', 'aria-hidden': 'true' }, '!'),
    h('span', { class: 'error-text' }, row.message),
    row.retryable &&
      button(row.retried ? 'Retrying…' : 'Retry', {
        action: 'retry',
        data: { id: row.id },
        disabled: row.retried,
        ariaLabel: 'Retry the failed turn',
      }),
  );
}

/** A first guess of a row's height before it is measured (keeps the scrollbar steady). */
export function estimateRowHeight(row: Row | undefined): number {
  if (!row) return 60;
  switch (row.kind) {
    case 'user':
      return 56 + Math.min(400, Math.floor(row.text.length / 80) * 18);
    case 'assistant':
      return 60 + Math.min(1200, Math.floor(row.text.length / 80) * 20);
    case 'tool':
      return row.approval?.state === 'pending' ? 200 : 40;
    case 'question':
      return 120;
    case 'system':
      return row.summary ? 48 : 30;
    case 'lane':
      return row.status === 'running' ? 80 + Math.min(600, row.entries.length * 24) : 40;
    default:
      return 40;
  }
}
