import { z } from 'zod';
import {
  type ColonyRuntime,
  hardTimeoutFor,
  RUN_PARALLEL_DEFAULT_TIMEOUT_S,
  RUN_PARALLEL_MAX_TASKS,
} from '../colony/runtime';
import { defineTool, type Tool, toolError } from '../tools/tool';

/** What the queen's colony tools need from her session. */
export interface ColonyToolHost {
  runtime(): ColonyRuntime | null;
  /** run_parallel_workers moved the queen to WORKING (docs/hive-format.md §3 rule 13). */
  workersStarted(): Promise<void>;
  replyToEscalation(requestId: string, reply: string): boolean;
}

const NO_COLONY = toolError('No colony is loaded in this session.');

const workerIdField = z.string().trim().optional().describe('One worker (default: all)');

/**
 * The queen's colony tools (docs/hive-format.md §3 rule 14, §4): run_parallel_workers, get_worker_status, inject_message,
 * stop_worker, list_worker_questions, reply_to_worker. Which phase offers which is phases.ts's business.
 */
export function colonyTools(host: ColonyToolHost): Tool[] {
  const runParallel = defineTool({
    name: 'run_parallel_workers',
    description:
      'Fan out a batch of tasks to parallel colony workers and RETURN IMMEDIATELY. Workers run in the ' +
      'background; each reports back to you as a [WORKER_REPORT] message when it finishes (worker_id, status ' +
      'success|partial|failed|timeout|stopped, duration, summary, error, data), so you can keep talking to ' +
      'the user meanwhile; you do not need to poll. Each task must be self-contained. `timeout` is a SOFT ' +
      'deadline in seconds (default 600): workers still running get a [SOFT TIMEOUT] message to report now; ' +
      'at `hard_timeout` (default max(4×timeout, timeout+600), at most 3600) they are stopped. ' +
      `At most ${RUN_PARALLEL_MAX_TASKS} tasks per call; extra workers wait for a free slot.`,
    category: 'control',
    schema: z.object({
      tasks: z
        .array(
          z.union([
            z.string().trim().min(1, 'must not be empty'),
            z.object({
              task: z
                .string()
                .trim()
                .min(1, 'must not be empty')
                .describe('Task description for the worker.'),
              data: z
                .record(z.string(), z.unknown())
                .optional()
                .describe('Optional structured input fields.'),
            }),
          ]),
        )
        .min(1, 'needs at least one task')
        .describe('Task specs: {"task": "<description>", "data": {<optional structured input>}}.'),
      timeout: z.number().positive().optional().describe('SOFT deadline in seconds (default 600).'),
      hard_timeout: z.number().positive().optional().describe('Absolute cutoff in seconds.'),
    }),
    async run(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      if (input.tasks.length > RUN_PARALLEL_MAX_TASKS)
        return toolError(
          `Too many tasks (${input.tasks.length}); at most ${RUN_PARALLEL_MAX_TASKS} per call.`,
        );
      const tasks = input.tasks.map((t) => (typeof t === 'string' ? { task: t } : t));
      const soft = input.timeout ?? RUN_PARALLEL_DEFAULT_TIMEOUT_S;
      const hard = hardTimeoutFor(soft, input.hard_timeout);
      const ids = rt.spawnBatch(tasks, { softMs: soft * 1000, hardMs: hard * 1000 });
      await host.workersStarted();
      return JSON.stringify({
        status: 'started',
        worker_count: ids.length,
        worker_ids: ids,
        soft_timeout_seconds: soft,
        hard_timeout_seconds: hard,
        message:
          'Workers running in the background. Each will report via [WORKER_REPORT] as it finishes. Reply to ' +
          'the user naturally in the meantime; you do not need to poll.',
      });
    },
  });

  const status = defineTool({
    name: 'get_worker_status',
    description:
      "Status of the colony's workers (all, or one by worker_id): running, queued or done, with reports.",
    category: 'read',
    schema: z.object({ worker_id: workerIdField }),
    async run(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      const id = input.worker_id || undefined;
      const workers = rt.snapshot(id);
      if (id && workers.length === 0) return toolError(`No worker ${id} in this colony.`);
      return JSON.stringify({
        colony: rt.colony.name,
        active: rt.activeCount,
        done: rt.doneCount,
        pending_questions: rt.inbox.size,
        workers: workers.map((w) => ({
          worker_id: w.worker_id,
          task: w.task.slice(0, 100),
          state: w.state,
          elapsed_seconds: Math.round(w.elapsed_seconds * 10) / 10,
          ...(w.report ? { status: w.report.status, summary: w.report.summary, error: w.report.error } : {}),
        })),
      });
    },
  });

  const nonEmpty = z.string().trim().min(1, 'must not be empty');
  const inject = defineTool({
    name: 'inject_message',
    description: 'Send a message to a running worker; it reads it before its next step.',
    category: 'control',
    schema: z.object({ worker_id: nonEmpty, content: nonEmpty }),
    async run({ worker_id: id, content }) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      return rt.inject(id, content)
        ? `Message sent to worker ${id}.`
        : toolError(`Worker ${id} is not running.`);
    },
  });

  const stop = defineTool({
    name: 'stop_worker',
    description: 'Stop one worker (worker_id) or every running worker; each still reports, as stopped.',
    category: 'control',
    schema: z.object({ worker_id: workerIdField }),
    async run(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      const id = input.worker_id || undefined;
      const stopped = rt.stopWorker(id);
      if (id && stopped.length === 0) return toolError(`Worker ${id} is not running.`);
      return stopped.length ? `Stopped: ${stopped.join(', ')}.` : 'No worker was running.';
    },
  });

  const questions = defineTool({
    name: 'list_worker_questions',
    description: 'The escalations workers are waiting on (request_id, worker_id, reason, context).',
    category: 'read',
    schema: z.object({}),
    async run() {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      return JSON.stringify({ pending: rt.inbox.list() });
    },
  });

  const reply = defineTool({
    name: 'reply_to_worker',
    description: 'Answer a worker escalation by its request_id; the worker continues with your reply.',
    category: 'control',
    schema: z.object({ request_id: nonEmpty, reply: nonEmpty }),
    async run({ request_id: id, reply: text }) {
      if (!host.runtime()) return NO_COLONY;
      return host.replyToEscalation(id, text)
        ? `Reply delivered (request_id=${id}).`
        : toolError(`No pending escalation ${id}; see list_worker_questions.`);
    },
  });

  return [runParallel, status, inject, stop, questions, reply];
}
