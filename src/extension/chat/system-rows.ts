// Texts the runtime gives the queen (phase changes, colony load/unload, worker reports and escalations,
// trigger fires, a fork's inherited summary) → compact system rows for the panel, never the raw text.
// Used by the history rebuild and by the live feed, so a row looks the same live, after a redraw and
// after a resume. Pure: no vscode, no I/O.
import { colonyDisplayName } from '../../shared/display-names';
import type { ChatMessage } from '../../shared/protocol';

export type SystemMessage = Extract<ChatMessage, { kind: 'system' }>;
type SystemEvent = SystemMessage['event'];

/** Markers that open a runtime-to-queen text (Hive: core/framework/tools/queen_lifecycle_tools.py,
 *  core/framework/agents/queen/queen_orchestrator.py, core/framework/host/colony_runtime.py). */
const MARKERS = ['[PHASE CHANGE]', '[SYSTEM]', '[WORKER_REPORT]', '[WORKER_ESCALATION]', '[TRIGGER: '];

/** True when `text` is one of the runtime's texts to the queen (whatever flags its part carries). */
export function isInternalText(text: string): boolean {
  const t = text.trimStart();
  return MARKERS.some((m) => t.startsWith(m));
}

/**
 * The rows for one runtime text, or undefined when it is not one. A trigger batch (several
 * `[TRIGGER: …]` blocks in one part) gives one row per fire; ids are `${id}` then `${id}-1`, `${id}-2`…
 */
export function systemRowsFromText(text: string, id: string): SystemMessage[] | undefined {
  const t = text.trimStart();
  if (t.startsWith('[TRIGGER: ')) {
    const blocks = t.split(/\n\n(?=\[TRIGGER: )/);
    return blocks.map((b, i) => triggerRow(b, i === 0 ? id : `${id}-${i}`));
  }
  if (t.startsWith('[PHASE CHANGE]')) return [phaseRow(t, id)];
  if (t.startsWith('[SYSTEM]')) return [systemNoteRow(t, id)];
  if (t.startsWith('[WORKER_REPORT]')) return [reportRow(t, id)];
  if (t.startsWith('[WORKER_ESCALATION]')) return [escalationRow(t, id)];
  return undefined;
}

/** A fork's first part: the summary of the conversation it was copied from. */
export function forkRow(id: string, parentSessionId: string, summary: string): SystemMessage {
  return row(id, 'fork', `Continued from session ${parentSessionId}`, null, summary.trim() || null);
}

/** "Phase: reviewing" (live, from queen_phase_changed). */
export function phaseChangedRow(id: string, phase: string, colony?: string | null): SystemMessage {
  return row(id, 'phase', `Phase: ${phase}${colony ? ` (colony ${colonyDisplayName(colony)})` : ''}`);
}

/** "Colony Sample Docs loaded" (live, from worker_colony_loaded). */
export function colonyLoadedRow(id: string, colonyId: string, goal?: string | null): SystemMessage {
  return row(id, 'colony', `Colony ${colonyDisplayName(colonyId)} loaded`, goal?.trim() || null);
}

export function colonyUnloadedRow(id: string, colonyId?: string | null): SystemMessage {
  const name = colonyId ? ` ${colonyDisplayName(colonyId)}` : '';
  return row(id, 'colony', `Colony${name} unloaded`, 'The queen works on her own again.');
}

/** "Webhook on_push fired" (live, from trigger_fired: the payload reaches the history with the part). */
export function triggerFiredRow(id: string, type: string, triggerId: string, task: string): SystemMessage {
  return row(
    id,
    'trigger',
    `${triggerKind(type)} ${triggerId} fired`,
    task.trim() ? `Task: ${task.trim()}` : null,
  );
}

// ---------------------------------------------------------------- parsers of the runtime's texts

function phaseRow(text: string, id: string): SystemMessage {
  // "[PHASE CHANGE] Switched to REVIEWING phase. …" / "… INDEPENDENT mode. …" /
  // "… INCUBATING phase for colony 'x'. …" (src/runtime/queen/phases.ts phaseChangeText)
  const m = /Switched to (\w+) (?:mode|phase)(?: for colony '([^']+)')?/i.exec(text);
  if (!m?.[1]) return row(id, 'phase', 'Phase changed');
  return phaseChangedRow(id, m[1].toLowerCase(), m[2]);
}

function systemNoteRow(text: string, id: string): SystemMessage {
  const body = text.slice('[SYSTEM]'.length).trim();
  if (/^Colony loaded\b/i.test(body)) {
    const agent = /^Agent: (.+)$/m.exec(body)?.[1]?.trim();
    const goal = /^Goal: (.+)$/m.exec(body)?.[1]?.trim();
    const profile = body.replace(/^Colony loaded\.?/i, '').trim();
    return row(
      id,
      'colony',
      agent ? `Colony ${colonyDisplayName(agent)} loaded` : 'Colony loaded',
      goal ?? null,
      profile || null,
    );
  }
  if (/^Worker unloaded\b/i.test(body)) return colonyUnloadedRow(id);
  // Any other note: its first sentence as the title, the rest folded.
  const first = /^[^\n.]*[.]?/.exec(body)?.[0]?.trim() || 'System note';
  const rest = body.slice(first.length).trim();
  return row(id, 'other', clip(first, 100), null, rest || null);
}

function reportRow(text: string, id: string): SystemMessage {
  const f = fields(text);
  const worker = f.get('worker_id') || 'worker';
  const status = f.get('status') || 'done';
  const duration = f.get('duration');
  const detail = [
    f.get('error') && `error: ${f.get('error')}`,
    f.get('data') && `data: ${prettyJson(f.get('data') ?? '')}`,
  ]
    .filter(Boolean)
    .join('\n');
  return row(
    id,
    'report',
    `Worker ${worker} reported: ${status}${duration ? ` (${duration})` : ''}`,
    f.get('summary') || null,
    detail || null,
  );
}

function escalationRow(text: string, id: string): SystemMessage {
  const f = fields(text);
  const worker = f.get('worker_id') || 'a worker';
  const ctx = /^context:\n([\s\S]*?)(?:\nUse reply_to_worker\b[\s\S]*)?$/m.exec(text)?.[1]?.trim();
  return row(id, 'escalation', `Worker ${worker} asked the queen`, f.get('reason') || null, ctx || null);
}

function triggerRow(block: string, id: string): SystemMessage {
  // "[TRIGGER: <type>/<id>]\nTask: <task>\n<payload JSON>" (src/runtime/triggers/injection.ts)
  const head = /^\[TRIGGER: ([^/\]]+)\/([^\]]*)\]/.exec(block);
  const type = head?.[1] ?? 'trigger';
  const triggerId = head?.[2] || 'trigger';
  const rest = block.slice(head?.[0].length ?? 0).replace(/^\n/, '');
  const task = /^Task: (.*)$/m.exec(rest.split('\n')[0] ?? '')?.[1] ?? '';
  const json = task ? rest.split('\n').slice(1).join('\n') : rest;
  return {
    ...triggerFiredRow(id, type, triggerId, task),
    detail: payloadDetail(type, json.trim()),
  };
}

/**
 * What a fire's payload is worth showing, folded: a webhook's body and query (never its headers: they
 * carry curl's and proxies' noise, and may carry credentials), a timer's flags. The raw text when it
 * is not JSON.
 */
function payloadDetail(type: string, json: string): string | null {
  if (!json) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(json.replace(/\bNaN\b|-?\bInfinity\b/g, 'null'));
  } catch {
    return json;
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) return json;
  const p = payload as Record<string, unknown>;
  if (type === 'webhook') {
    const shown: Record<string, unknown> = {};
    if (p.method || p.path) shown.request = `${String(p.method ?? '')} ${String(p.path ?? '')}`.trim();
    if (p.payload !== undefined && p.payload !== null && p.payload !== '') shown.payload = p.payload;
    if (p.query_params && typeof p.query_params === 'object' && Object.keys(p.query_params).length)
      shown.query = p.query_params;
    return Object.keys(shown).length ? JSON.stringify(shown, null, 2) : null;
  }
  const { task: _task, trigger_config: _config, ...extra } = p;
  return Object.keys(extra).length ? JSON.stringify(extra, null, 2) : null;
}

function triggerKind(type: string): string {
  if (type === 'webhook') return 'Webhook';
  if (type === 'timer') return 'Timer';
  return `Trigger (${type})`;
}

/** `key: value` lines of a report or escalation (the first occurrence of each key). */
function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+): (.*)$/.exec(line);
    if (m?.[1] && !out.has(m[1])) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function row(
  id: string,
  event: SystemEvent,
  title: string,
  summary: string | null = null,
  detail: string | null = null,
): SystemMessage {
  return { kind: 'system', id, event, title, summary, detail };
}
