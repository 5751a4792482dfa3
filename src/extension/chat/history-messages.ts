// A session's conversation parts (Hive's on-disk transcript) → the panel's chat messages, and the
// paging of those messages (newest page first). Pure: no vscode, no I/O, unit-tested directly.
import type { ConversationPart } from '../../runtime/storage/parts';
import type { ApprovalOutcome, ChatMessage } from '../../shared/protocol';
import { forkRow, systemRowsFromText } from './system-rows';

export const HISTORY_PAGE_SIZE = 100;

/** ask_user's tool result starts with this (src/runtime/session/queen-tools.ts). */
const ANSWER_PREFIX = 'The user answered: ';
/** The approval gate's refusal text (src/runtime/agent/tool-runner.ts, approvals.ts). */
const DENIED_PREFIX = 'Not run: the user denied';

export interface HistoryContext {
  /** Tool calls running right now (their result part is not written yet). */
  isRunning?(toolUseId: string): boolean;
  /** The ask_user request id waiting on this tool call, if any: the question row takes that id. */
  questionFor?(toolUseId: string): string | undefined;
  /** How the approval of a tool call ended (from events.jsonl), if one was asked. */
  approvalOf?(toolUseId: string): ApprovalOutcome | undefined;
}

/** Message ids of parts: stable for a given transcript, so a re-sent page replaces rather than adds. */
/**
 * The readable thinking of an assistant part (Hive's thinking_blocks: core/framework/agent_loop/conversation.py);
 * redacted blocks have no text to show.
 */
function thinkingTextOf(blocks: unknown): string {
  if (!Array.isArray(blocks)) return '';
  return blocks
    .flatMap((b) =>
      b &&
      typeof b === 'object' &&
      (b as { type?: unknown }).type === 'thinking' &&
      typeof (b as { thinking?: unknown }).thinking === 'string'
        ? [(b as { thinking: string }).thinking]
        : [],
    )
    .filter((t) => t.trim())
    .join('\n\n');
}

export function partMessageId(part: ConversationPart): string {
  return `p${part.seq}`;
}

/**
 * Maps parts to messages: user/assistant text, one tool card per tool call (its result filled from the
 * matching tool part and its approval's outcome), ask_user calls as question rows, compaction markers
 * as a notice, the runtime's texts to the queen (phase, colony, reports, triggers, a fork's summary)
 * as compact system rows. System nudges are internal and left out.
 */
export function historyMessages(parts: readonly ConversationPart[], ctx: HistoryContext = {}): ChatMessage[] {
  const out: ChatMessage[] = [];
  const calls = new Map<string, number>(); // tool_use_id → index in out
  for (const part of parts) {
    if (part.role === 'user') {
      if (part.is_system_nudge || part.content === null) continue;
      if (part.inherited_from) {
        out.push(forkRow(partMessageId(part), part.inherited_from, part.content));
        continue;
      }
      const system = systemRowsFromText(part.content, partMessageId(part));
      if (system) {
        // Loading a colony moves the queen to reviewing: one row says it (the colony's).
        if (!(isLoadPhase(system[0]) && isColonyLoaded(out.at(-1)))) out.push(...system);
        continue;
      }
      if (part.is_transition_marker) {
        out.push({
          kind: 'notice',
          id: partMessageId(part),
          text: 'Earlier messages were summarised to keep the conversation within the model’s context.',
          level: 'info',
        });
        continue;
      }
      out.push({
        kind: 'user',
        id: partMessageId(part),
        text: part.content,
        origin: part.is_trigger ? 'trigger' : part.is_client_input ? 'user' : 'system',
      });
    } else if (part.role === 'assistant') {
      const thinking = thinkingTextOf(part.thinking_blocks);
      if (thinking) out.push({ kind: 'thinking', id: `${partMessageId(part)}-thinking`, text: thinking });
      if (part.content?.trim()) out.push({ kind: 'assistant', id: partMessageId(part), text: part.content });
      for (const call of part.tool_calls ?? []) {
        if (!call?.id || calls.has(call.id)) continue;
        const name = call.function?.name ?? 'tool';
        const input = parseArguments(call.function?.arguments);
        calls.set(call.id, out.length);
        out.push(
          name === 'ask_user' ? questionMessage(call.id, input, ctx) : toolMessage(call.id, name, input, ctx),
        );
      }
    } else if (part.role === 'tool' && part.tool_use_id) {
      const i = calls.get(part.tool_use_id);
      const msg = i === undefined ? undefined : out[i];
      if (!msg) continue;
      const result = part.content ?? '';
      if (msg.kind === 'tool') {
        const approval = ctx.approvalOf?.(part.tool_use_id);
        out[i as number] = {
          ...msg,
          result,
          isError: part.is_error === true,
          status: part.is_error ? (result.startsWith(DENIED_PREFIX) ? 'denied' : 'error') : 'done',
          ...(approval ? { approval } : {}),
        };
      } else if (msg.kind === 'question') {
        out[i as number] = {
          ...msg,
          answer: result.startsWith(ANSWER_PREFIX) ? result.slice(ANSWER_PREFIX.length) : `(${result})`,
        };
      }
    }
  }
  return out;
}

function isColonyLoaded(m: ChatMessage | undefined): boolean {
  return m?.kind === 'system' && m.event === 'colony' && m.title.endsWith(' loaded');
}

function isLoadPhase(m: ChatMessage | undefined): boolean {
  return m?.kind === 'system' && m.event === 'phase' && m.title === 'Phase: reviewing';
}

function toolMessage(id: string, name: string, input: unknown, ctx: HistoryContext): ChatMessage {
  const running = ctx.isRunning?.(id) === true;
  return {
    kind: 'tool',
    id,
    name,
    input,
    // No result part and not running: the process died mid-call (Hive answers it on resume).
    result: running ? null : 'No result was recorded.',
    isError: !running,
    status: running ? 'running' : 'error',
  };
}

function questionMessage(toolUseId: string, input: unknown, ctx: HistoryContext): ChatMessage {
  const o = (input && typeof input === 'object' ? input : {}) as { question?: unknown; options?: unknown };
  const pending = ctx.questionFor?.(toolUseId);
  return {
    kind: 'question',
    id: pending ?? toolUseId,
    prompt: typeof o.question === 'string' ? o.question : '(question)',
    options: Array.isArray(o.options) ? o.options.filter((x): x is string => typeof x === 'string') : [],
    // Not waiting and never answered: show it as closed rather than offer a dead answer box.
    answer: pending ? null : '(not answered)',
  };
}

function parseArguments(args: unknown): unknown {
  if (typeof args !== 'string') return args ?? {};
  if (!args.trim()) return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}

/** Newest-first paging over a fixed message list (the history read when the panel connected). */
export class HistoryPager {
  private start: number;
  private sent = false;

  constructor(
    readonly sessionId: string,
    private readonly messages: readonly ChatMessage[],
    private readonly pageSize = HISTORY_PAGE_SIZE,
  ) {
    this.start = messages.length;
  }

  get remaining(): number {
    return this.start;
  }

  /** The next page going back in time, or undefined once the first message was sent. */
  next(): { messages: ChatMessage[]; done: boolean } | undefined {
    if (this.sent && this.start === 0) return undefined;
    const from = Math.max(0, this.start - this.pageSize);
    const page = this.messages.slice(from, this.start);
    this.start = from;
    this.sent = true;
    return { messages: page, done: from === 0 };
  }
}
