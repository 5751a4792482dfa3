import { z } from 'zod';
import { defineTool, type Tool, type ToolContext } from '../../tools/tool';

/**
 * The worker's lines back to the colony runtime (Hive's synthetic tools, agent_loop/internals/
 * synthetic_tools.py): report_to_parent (ends the worker's loop), escalate (waits for the queen's
 * guidance), set_output. Their execute calls callbacks the runtime injects.
 */
export interface WorkerReport {
  status: 'success' | 'partial' | 'failed';
  summary: string;
  data: Record<string, unknown>;
}

export interface ControlCallbacks {
  /** Records the report; the agent loop ends the worker after this turn. */
  onReport(report: WorkerReport, ctx: ToolContext): Promise<void> | void;
  /** Raises an escalation; may resolve with the queen's reply, which becomes the tool result. */
  onEscalate(
    req: { reason: string; context: string },
    ctx: ToolContext,
  ): Promise<string | undefined> | string | undefined;
  onSetOutput(key: string, value: string, ctx: ToolContext): Promise<void> | void;
  /** Allowed set_output keys; any key when absent. */
  outputKeys?: string[];
}

export function createControlTools(cb: ControlCallbacks): Tool[] {
  const report = defineTool({
    name: 'report_to_parent',
    description:
      'Send your final report to the queen and finish. Call it once, when your task is done, partly done, or ' +
      'cannot progress; do not call other tools afterwards. The queen reads summary and data.',
    category: 'control',
    schema: z.object({
      status: z.enum(['success', 'partial', 'failed']).describe('success, partial or failed'),
      summary: z.string().trim().min(1, 'must not be empty').describe('What you did, found, and any issues'),
      data: z.record(z.string(), z.unknown()).optional().describe('Structured results (ids, files, counts)'),
    }),
    async run({ status, summary, data }, ctx) {
      await cb.onReport({ status, summary, data: data ?? {} }, ctx);
      return `Report sent to the queen (status: ${status}). Your task is over; stop here.`;
    },
  });

  const escalate = defineTool({
    name: 'escalate',
    description:
      'Ask the queen for help: you need user input, a decision, missing credentials, or keep failing. Give a ' +
      'short reason and any context. You wait until the queen answers.',
    category: 'control',
    schema: z.object({
      reason: z.string().trim().min(1, 'must not be empty').describe('Short reason'),
      context: z.string().default('').describe('Details the queen needs to answer'),
    }),
    async run({ reason, context }, ctx) {
      const reply = await cb.onEscalate({ reason, context }, ctx);
      return reply ?? 'Escalation sent to the queen; waiting for guidance.';
    },
  });

  const keys = cb.outputKeys?.length ? cb.outputKeys : undefined;
  const setOutput = defineTool({
    name: 'set_output',
    description:
      'Record an output value of your task: a short note, count, status or file name (not large data).' +
      (keys ? ` Valid keys: ${keys.join(', ')}.` : ''),
    category: 'control',
    schema: z.object({
      key: keys ? z.enum(keys as [string, ...string[]]) : z.string().trim().min(1, 'must not be empty'),
      value: z.string(),
    }),
    async run({ key, value }, ctx) {
      await cb.onSetOutput(key, value, ctx);
      return `Output "${key}" set.`;
    },
  });
  return [report, escalate, setOutput];
}
