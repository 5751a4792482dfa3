/**
 * Runs the tool calls of one model turn, one after another: approval, execution, spilling of large
 * results, one `tool` part per call and the tool_call_started / _completed events (_completed goes out
 * when the result is known; its part may still be reaching the disk). Every call gets a
 * result part, even when refused, failing or cancelled, so the transcript never has an unanswered call.
 */
import type { AssembledToolUse } from '../llm/types';
import { type ToolContext, type ToolPreview, type ToolResult, toToolResult } from '../tools/tool';
import type { ApprovalGate } from './approvals';
import type { Spiller } from './spill';
import type { ConversationPart, ConversationStore, Emit, Tool } from './types';

export const CANCELLED_RESULT = 'Cancelled: the user stopped the turn before this tool ran.';

export interface ToolRunDeps {
  tools: ReadonlyMap<string, Tool>;
  approvals: ApprovalGate;
  spiller: Spiller;
  store: ConversationStore;
  emit: Emit;
  partFields: () => Partial<ConversationPart>;
  /** `queen` or the worker id (approval requests, checkpoints). */
  requester?: string;
  /** The `seq` of the assistant part whose calls these are, when it is on disk. */
  turnId?: number;
}

/** Appends a result part for each call (in order) and returns them. */
export async function runToolCalls(
  calls: AssembledToolUse[],
  deps: ToolRunDeps,
  signal: AbortSignal,
): Promise<ConversationPart[]> {
  // Each result part is written while the next tool runs: the store keeps them in call order (PartStore
  // fsyncs in parallel and renames in seq order), and all are on disk before this returns.
  const appended: Promise<ConversationPart>[] = [];
  for (const call of calls) {
    let result: ToolResult;
    if (signal.aborted) result = { content: CANCELLED_RESULT, isError: true };
    else {
      deps.emit('tool_call_started', { tool_use_id: call.id, tool_name: call.name, tool_input: call.input });
      result = await runOne(call, deps, signal);
    }
    const content = await deps.spiller.shape(call.name, result.content, !!result.isError);
    const part = deps.store.append({
      ...deps.partFields(),
      role: 'tool',
      content,
      tool_use_id: call.id,
      ...(result.isError ? { is_error: true } : {}),
    });
    // Handled at once: a failed write surfaces from Promise.all below, not as an unhandled rejection.
    part.catch(() => {});
    appended.push(part);
    deps.emit('tool_call_completed', {
      tool_use_id: call.id,
      tool_name: call.name,
      result: content,
      is_error: !!result.isError,
    });
  }
  return Promise.all(appended);
}

async function runOne(call: AssembledToolUse, deps: ToolRunDeps, signal: AbortSignal): Promise<ToolResult> {
  const tool = deps.tools.get(call.name);
  if (!tool) {
    const known = [...deps.tools.keys()].join(', ') || 'none';
    return { content: `Unknown tool "${call.name}". Available tools: ${known}.`, isError: true };
  }
  if (call.inputError)
    return { content: `The input for ${call.name} could not be used (${call.inputError}).`, isError: true };
  const ctx: ToolContext = {
    toolUseId: call.id,
    signal,
    emit: deps.emit,
    ...(deps.requester !== undefined ? { requester: deps.requester } : {}),
    ...(deps.turnId !== undefined ? { turnId: deps.turnId } : {}),
  };
  // What the user reviews is computed first; a call that cannot succeed fails without asking.
  let preview: ToolPreview = {};
  if (tool.preview) {
    try {
      const p = await tool.preview(call.input, ctx);
      if ('content' in p && typeof p.content === 'string') return p as ToolResult;
      preview = p as ToolPreview;
    } catch (err) {
      return { content: `Error: ${err instanceof Error ? err.message : String(err)}`, isError: true };
    }
  }
  const verdict = await deps.approvals.check(
    {
      toolUseId: call.id,
      toolName: call.name,
      category: tool.category,
      input: call.input,
      preview,
      ...(deps.requester !== undefined ? { requester: deps.requester } : {}),
    },
    signal,
  );
  if (signal.aborted) return { content: CANCELLED_RESULT, isError: true };
  if (!verdict.approved) return { content: `Not run: ${verdict.reason ?? 'denied'}.`, isError: true };
  const proposal = 'proposal' in preview ? preview.proposal : undefined;
  ctx.approved = {
    ...(proposal ? { proposal } : {}),
    ...(verdict.content !== undefined ? { content: verdict.content } : {}),
  };
  try {
    return toToolResult(await tool.execute(call.input, ctx));
  } catch (err) {
    return { content: `Error: ${err instanceof Error ? err.message : String(err)}`, isError: true };
  }
}
