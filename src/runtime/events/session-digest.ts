// What a session's events.jsonl says beyond its transcript: the tokens and cost spent so far, and how
// each approval of the queen's tool calls ended. Read once when a past session is shown or resumed, so
// usage does not restart at zero and approval cards come back with their outcome.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { addUsage, costOf, priceFor, ZERO_USAGE } from '../llm/pricing';
import type { TurnUsage } from '../llm/types';

export interface ApprovalRecord {
  category: string;
  decision: 'approved' | 'denied' | 'cancelled';
}

export interface SessionDigest {
  /** Tokens and cost of every model call (queen and workers); `turns` counts the queen's turns. */
  usage: TurnUsage & { turns: number };
  /** Approvals of the queen's tool calls by tool_use_id (a worker's calls are not in her transcript). */
  approvals: Map<string, ApprovalRecord>;
  /** The queen's last model call: tokens it left in the context window and its model (the chat's gauge). */
  context?: { tokens: number; model: string };
}

/** Bigger logs are not read for a digest (a listing must never stall on one huge file). */
const MAX_EVENTS_BYTES = 256 * 1024 * 1024;

export function emptyDigest(): SessionDigest {
  return { usage: { ...ZERO_USAGE, turns: 0 }, approvals: new Map() };
}

/**
 * Reads `eventsFile` line by line. Usage: the last `custom {kind:'usage_totals'}` (this runtime writes
 * one after every call, totals of the whole session) else, for logs Hive wrote, the sum of the
 * `llm_turn_complete` events priced with the built-in table. Approvals: `approval_requested` belongs
 * to the queen's call that started last (her tool calls run one at a time; Hive:
 * core/framework/agent_loop/agent_loop.py) unless it names a worker or its own tool_use_id.
 * A missing, oversize or non-regular file gives an empty digest; bad lines are skipped.
 */
export async function readSessionDigest(eventsFile: string): Promise<SessionDigest> {
  const digest = emptyDigest();
  try {
    const st = await stat(eventsFile);
    if (!st.isFile() || st.size > MAX_EVENTS_BYTES) return digest;
  } catch {
    return digest;
  }
  let totals: (TurnUsage & { turns: number }) | undefined;
  let summed: TurnUsage = { ...ZERO_USAGE };
  let turns = 0;
  let currentCall: string | null = null;
  const requests = new Map<string, { toolUseId: string; category: string }>();
  const lines = createInterface({ input: createReadStream(eventsFile, 'utf8'), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      const e = parseLine(line);
      if (!e) continue;
      const d = e.data;
      const queen = e.stream_id === 'queen';
      switch (e.type) {
        case 'llm_turn_complete':
          summed = addUsage(summed, turnUsage(d));
          if (queen) {
            turns++;
            digest.context = contextOf(d);
          }
          break;
        case 'tool_call_started':
          if (queen && typeof d.tool_use_id === 'string') currentCall = d.tool_use_id;
          break;
        case 'custom':
          if (d.kind === 'usage_totals') totals = usageTotals(d);
          else if (d.kind === 'approval_requested' && typeof d.request_id === 'string') {
            const toolUseId =
              typeof d.tool_use_id === 'string'
                ? d.tool_use_id
                : d.worker_id === undefined
                  ? currentCall
                  : null;
            if (toolUseId)
              requests.set(d.request_id, { toolUseId, category: String(d.category ?? 'unknown') });
          } else if (d.kind === 'approval_resolved' && typeof d.request_id === 'string') {
            const req = requests.get(d.request_id);
            if (req) digest.approvals.set(req.toolUseId, { category: req.category, decision: decisionOf(d) });
          }
          break;
      }
    }
  } catch {
    // An unreadable tail: keep what was read.
  }
  digest.usage = totals ?? { ...summed, turns };
  if (totals && totals.turns === 0) digest.usage.turns = turns;
  return digest;
}

interface EventLine {
  type: string;
  stream_id: unknown;
  data: Record<string, unknown>;
}

function parseLine(line: string): EventLine | undefined {
  if (!line.trim()) return undefined;
  try {
    const e = JSON.parse(line) as Partial<EventLine>;
    if (!e || typeof e.type !== 'string') return undefined;
    const data = e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
    return { type: e.type, stream_id: e.stream_id, data };
  } catch {
    return undefined;
  }
}

/** Our llm_turn_complete says `context_tokens`; Hive's (one per model call) only its input and output. */
function contextOf(d: Record<string, unknown>): SessionDigest['context'] {
  const tokens = num(d.context_tokens) || num(d.input_tokens) + num(d.output_tokens);
  return { tokens, model: typeof d.model === 'string' ? d.model : '' };
}

function decisionOf(d: Record<string, unknown>): ApprovalRecord['decision'] {
  if (d.decision === 'approve') return 'approved';
  if (d.decision === 'deny') return 'denied';
  return 'cancelled';
}

/** llm_turn_complete counts every input token in `input_tokens` and cache reads in `cached_tokens`. */
function turnUsage(d: Record<string, unknown>): TurnUsage {
  const input = num(d.input_tokens);
  const cached = Math.min(input, num(d.cached_tokens));
  const usage: TurnUsage = {
    input_tokens: input - cached,
    output_tokens: num(d.output_tokens),
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
  const price = typeof d.model === 'string' ? priceFor(d.model) : undefined;
  if (price) usage.cost_usd = costOf(usage, price);
  return usage;
}

function usageTotals(d: Record<string, unknown>): TurnUsage & { turns: number } {
  const u: TurnUsage & { turns: number } = {
    input_tokens: num(d.input_tokens),
    output_tokens: num(d.output_tokens),
    cache_read_input_tokens: num(d.cache_read_input_tokens),
    cache_creation_input_tokens: num(d.cache_creation_input_tokens),
    turns: num(d.turns),
  };
  if (typeof d.cost_usd === 'number' && d.cost_usd >= 0) u.cost_usd = d.cost_usd;
  return u;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.floor(v) : 0;
}
