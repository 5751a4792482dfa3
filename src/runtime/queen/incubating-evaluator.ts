import type { ConversationPart } from '../storage/parts';
import { type Complete, errorMessage, parseJsonReply } from './types';

/**
 * The one-shot readiness gate of `start_incubating_colony` (Hive: core/framework/agents/queen/
 * incubating_evaluator.py): one model call reads the tail of the queen's conversation and answers
 * `{ready, reasons, missing_prerequisites}`. Fail-closed: a failed call or an unreadable verdict is
 * "not ready" with a reason, so a broken gate never lets the queen fork.
 */

export interface IncubationVerdict {
  ready: boolean;
  reasons: string[];
  missing_prerequisites: string[];
}

// Hive's prompt, word for word: the verdict shape is what the queen is told to expect.
export const INCUBATING_EVALUATOR_SYSTEM_PROMPT = `You gate whether a queen agent should commit to forking a persistent
"colony" (a headless worker spec written to disk).  Forking is
expensive: it ends the user's chat with this queen and the worker runs
unattended afterward, so the spec must be settled before you approve.

Read the conversation excerpt and the queen's proposed colony_name +
intended_purpose, then decide.

APPROVE (ready=true) only when ALL of the following hold:
  1. The user has explicitly asked for work that needs to outlive this
     chat — recurring (cron / interval), monitoring + alert, scheduled
     batch, or "fire-and-forget background job".  A one-shot question
     that the queen can answer in chat does NOT qualify.
  2. The scope of the work is concrete enough to write down — what
     inputs, what outputs, what success looks like.  Vague ("help me
     with my workflow") does NOT qualify.
  3. The technical approach is at least sketched — what data sources,
     APIs, or tools the worker will use.  The queen does not have to
     have written the SKILL.md yet, but she must have the operational
     ingredients available.
  4. There are no open clarifying questions on the table that the user
     hasn't answered.  If the queen recently asked the user something
     and is still waiting, do NOT approve.

REJECT (ready=false) on any of:
  - Conversation is too short / too generic to support a settled spec.
  - User is still describing what they want.
  - User has expressed doubts, change-of-direction, or "let me think".
  - Work is one-shot and could be done in chat instead.
  - Open question awaiting user reply.

Reply with a JSON object exactly matching this shape:

  {
    "ready": true | false,
    "reasons": ["short phrase", ...],         // at least one entry
    "missing_prerequisites": ["short phrase", ...]  // empty when ready
  }

\`\`reasons\`\` explains the verdict in 1-3 short phrases.
\`\`missing_prerequisites\`\` lists what's missing in queen-actionable
form ("user hasn't confirmed schedule", "no API auth flow discussed").
Empty list when \`\`ready=true\`\`.

Output JSON only.  Do not wrap in markdown.  Do not add prose.
`;

const MAX_MESSAGES = 30;
const MAX_TOOL_CHARS = 400;
const MAX_TEXT_CHARS = 2_000;

const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}...` : s);

/** The last 30 messages, tool results cut hard, user/assistant text cut generously (Hive's bounds). */
export function formatConversationExcerpt(parts: readonly ConversationPart[]): string {
  const lines: string[] = [];
  for (const p of parts.slice(-MAX_MESSAGES)) {
    let content = (p.content ?? '').trim();
    if (p.role === 'tool') content = cut(content, MAX_TOOL_CHARS);
    else {
      if (p.role === 'assistant' && !content && p.tool_calls?.length)
        content = `(called: ${p.tool_calls.map((c) => c.function?.name ?? '?').join(', ')})`;
      content = cut(content, MAX_TEXT_CHARS);
    }
    if (content) lines.push(`[${p.role.toUpperCase()}]: ${content}`);
  }
  return lines.length ? lines.join('\n\n') : '(no messages)';
}

export function evaluatorUserMessage(excerpt: string, colonyName: string, purpose: string): string {
  return (
    `## Proposed colony name\n${colonyName}\n\n` +
    `## Queen's intended_purpose\n${purpose.trim()}\n\n` +
    `## Recent conversation (oldest → newest)\n${excerpt}\n\n` +
    'Decide: should this queen be approved to enter INCUBATING phase?'
  );
}

const phrases = (v: unknown): string[] =>
  (Array.isArray(v) ? v : typeof v === 'string' ? [v] : [])
    .map((x) => (typeof x === 'string' ? x : JSON.stringify(x)).trim())
    .filter(Boolean);

/** A parsed reply as a verdict; null when it is not a JSON object with a boolean `ready`. */
export function normalizeVerdict(parsed: unknown): IncubationVerdict | null {
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const obj = parsed as Record<string, unknown>;
  // Stricter than Hive's bool(): "false" (a string) must not read as approval.
  if (typeof obj.ready !== 'boolean') return null;
  const reasons = phrases(obj.reasons);
  if (obj.ready) return { ready: true, reasons, missing_prerequisites: [] };
  return {
    ready: false,
    reasons: reasons.length ? reasons : ['evaluator returned no reasons'],
    missing_prerequisites: phrases(obj.missing_prerequisites),
  };
}

export async function evaluateIncubation(opts: {
  complete: Complete;
  parts: readonly ConversationPart[];
  colonyName: string;
  intendedPurpose: string;
}): Promise<IncubationVerdict> {
  const user = evaluatorUserMessage(
    formatConversationExcerpt(opts.parts),
    opts.colonyName,
    opts.intendedPurpose,
  );
  let raw: string;
  try {
    raw = await opts.complete({
      system: INCUBATING_EVALUATOR_SYSTEM_PROMPT,
      messages: [{ role: 'user', content: user }],
      maxTokens: 1024,
    });
  } catch (err) {
    return {
      ready: false,
      reasons: ['evaluation_failed'],
      missing_prerequisites: [
        `evaluator LLM call failed (${errorMessage(err)}); retry once the queen can reach the model again`,
      ],
    };
  }
  let parsed: unknown;
  try {
    parsed = parseJsonReply(raw);
  } catch {
    parsed = undefined;
  }
  return (
    normalizeVerdict(parsed) ?? {
      ready: false,
      reasons: ['evaluation_failed'],
      missing_prerequisites: ['evaluator returned malformed JSON; retry'],
    }
  );
}
