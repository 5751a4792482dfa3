import type { HiveEvent } from '../runtime/events/types';
import { type LiveSession, QUEEN_STREAM } from '../runtime/session';
import type { CliIo } from './usage';

export interface TurnOptions {
  json: boolean;
  /** Tool approvals are granted instead of denied (`--auto-approve`). */
  autoApprove: boolean;
  verbose: boolean;
}

export interface TurnOutcome {
  /** The model call failed after its retries (execution_failed), with Hive's error data. */
  failure?: { error: string; kind: string; attempts?: number };
}

const NO_ONE_TO_ASK =
  'No one can answer: this is a non-interactive `hive chat` run. Proceed with your best judgement and say in your reply what you assumed.';

/**
 * One user message through a live session, the way a non-interactive terminal sees it: the queen's text
 * deltas streamed to stdout (or every bus event as a JSON line), approvals denied unless auto-approved,
 * ask_user answered with a notice, a failed model call reported back instead of printed.
 */
export async function runTurn(
  session: LiveSession,
  message: string,
  io: CliIo,
  opts: TurnOptions,
): Promise<TurnOutcome> {
  const outcome: TurnOutcome = {};
  let lastChar = '\n';
  const onEvent = (e: HiveEvent) => {
    if (opts.json) io.out(`${JSON.stringify(e)}\n`);
    if (e.stream_id !== QUEEN_STREAM) return;
    const data = e.data as Record<string, unknown>;
    if (e.type === 'client_output_delta' && !opts.json) {
      const text = typeof data.content === 'string' ? data.content : '';
      if (text) {
        io.out(text);
        lastChar = text[text.length - 1]!;
      }
    } else if (e.type === 'node_retry') {
      if (data.discard_partial && !opts.json && lastChar !== '\n') {
        io.out('\n');
        lastChar = '\n';
      }
      if (opts.verbose)
        io.err(
          `hive: model call failed (${String(data.error_kind)}), retry ${String(data.retry_count)} of ${String(data.max_retries)} in ${String(data.delay_ms)} ms${data.discard_partial ? '; the answer restarts' : ''}\n`,
        );
    } else if (e.type === 'execution_failed') {
      outcome.failure = {
        error: String(data.error ?? 'unknown error'),
        kind: String(data.error_kind ?? 'unknown'),
        attempts: typeof data.attempts === 'number' ? data.attempts : undefined,
      };
    } else if (e.type === 'custom' && data.kind === 'approval_requested') {
      const id = String(data.request_id);
      const decision = opts.autoApprove ? 'approve' : 'deny';
      if (!opts.autoApprove || opts.verbose)
        io.err(
          `hive: ${decision === 'approve' ? 'approved' : 'denied'} ${String(data.tool_name)} (${String(data.category)} tool)${opts.autoApprove ? '' : ': non-interactive run; pass --auto-approve to allow'}\n`,
        );
      // Answered after delivery finishes so the request event reaches every subscriber first.
      queueMicrotask(() => session.answerApproval(id, decision));
    } else if (e.type === 'client_input_requested') {
      const id = String(data.request_id);
      io.err('hive: the queen asked a question; answered that no one is available (non-interactive run)\n');
      queueMicrotask(() => session.answerQuestion(id, NO_ONE_TO_ASK));
    }
  };
  const off = session.bus.subscribeAll(onEvent);
  try {
    await session.send(message);
  } finally {
    off();
  }
  if (!opts.json && lastChar !== '\n') io.out('\n');
  return outcome;
}
