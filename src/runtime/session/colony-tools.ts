import type { Tool } from '../agent/types';
import {
  type ColonyRuntime,
  hardTimeoutFor,
  RUN_PARALLEL_DEFAULT_TIMEOUT_S,
  RUN_PARALLEL_MAX_TASKS,
} from '../colony/runtime';

/** What the queen's colony tools need from her session. */
export interface ColonyToolHost {
  runtime(): ColonyRuntime | null;
  /** run_parallel_workers moved the queen to WORKING (rule 13). */
  workersStarted(): Promise<void>;
  replyToEscalation(requestId: string, reply: string): boolean;
}

const NO_COLONY = { content: 'No colony is loaded in this session.', isError: true };

function str(v: unknown): string {
  return typeof v === 'string' ? v.trim() : '';
}

/**
 * The queen's colony tools (rule 14, §4): run_parallel_workers, get_worker_status, inject_message,
 * stop_worker, list_worker_questions, reply_to_worker. Which phase offers which is phases.ts's business.
 */
export function colonyTools(host: ColonyToolHost): Tool[] {
  const runParallel: Tool = {
    name: 'run_parallel_workers',
    description:
      'Fan out a batch of tasks to parallel colony workers and RETURN IMMEDIATELY. Workers run in the ' +
      'background; each reports back to you as a [WORKER_REPORT] message when it finishes (worker_id, status ' +
      'success|partial|failed|timeout|stopped, duration, summary, error, data), so you can keep talking to ' +
      'the user meanwhile; you do not need to poll. Each task must be self-contained. `timeout` is a SOFT ' +
      'deadline in seconds (default 600): workers still running get a [SOFT TIMEOUT] message to report now; ' +
      'at `hard_timeout` (default max(4×timeout, timeout+600), at most 3600) they are stopped. ' +
      `At most ${RUN_PARALLEL_MAX_TASKS} tasks per call; extra workers wait for a free slot.`,
    inputSchema: {
      type: 'object',
      properties: {
        tasks: {
          type: 'array',
          description: 'Task specs: {"task": "<description>", "data": {<optional structured input>}}.',
          items: {
            type: 'object',
            properties: {
              task: { type: 'string', description: 'Task description for the worker.' },
              data: { type: 'object', description: 'Optional structured input fields.' },
            },
            required: ['task'],
          },
          minItems: 1,
        },
        timeout: { type: 'number', description: 'SOFT deadline in seconds (default 600).' },
        hard_timeout: { type: 'number', description: 'Absolute cutoff in seconds.' },
      },
      required: ['tasks'],
    },
    category: 'control',
    async execute(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      const raw = Array.isArray(input.tasks) ? input.tasks : [];
      if (raw.length === 0)
        return { content: 'run_parallel_workers needs at least one task.', isError: true };
      if (raw.length > RUN_PARALLEL_MAX_TASKS)
        return {
          content: `Too many tasks (${raw.length}); at most ${RUN_PARALLEL_MAX_TASKS} per call.`,
          isError: true,
        };
      const tasks: Array<{ task: string; data?: Record<string, unknown> }> = [];
      for (const [i, spec] of raw.entries()) {
        const s = (typeof spec === 'string' ? { task: spec } : spec) as Record<string, unknown>;
        const task = str(s?.task);
        if (!task) return { content: `tasks[${i}] needs a non-empty "task".`, isError: true };
        const data = s.data && typeof s.data === 'object' && !Array.isArray(s.data) ? s.data : undefined;
        tasks.push({ task, data: data as Record<string, unknown> | undefined });
      }
      const soft = positive(input.timeout) ?? RUN_PARALLEL_DEFAULT_TIMEOUT_S;
      const hard = hardTimeoutFor(soft, positive(input.hard_timeout));
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
  };

  const status: Tool = {
    name: 'get_worker_status',
    description:
      "Status of the colony's workers (all, or one by worker_id): running, queued or done, with reports.",
    inputSchema: { type: 'object', properties: { worker_id: { type: 'string' } } },
    category: 'read',
    async execute(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      const id = str(input.worker_id) || undefined;
      const workers = rt.snapshot(id);
      if (id && workers.length === 0) return { content: `No worker ${id} in this colony.`, isError: true };
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
  };

  const inject: Tool = {
    name: 'inject_message',
    description: 'Send a message to a running worker; it reads it before its next step.',
    inputSchema: {
      type: 'object',
      properties: { worker_id: { type: 'string' }, content: { type: 'string' } },
      required: ['worker_id', 'content'],
    },
    category: 'control',
    async execute(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      const id = str(input.worker_id);
      const content = str(input.content);
      if (!id || !content)
        return { content: 'inject_message needs "worker_id" and "content".', isError: true };
      return rt.inject(id, content)
        ? `Message sent to worker ${id}.`
        : { content: `Worker ${id} is not running.`, isError: true };
    },
  };

  const stop: Tool = {
    name: 'stop_worker',
    description: 'Stop one worker (worker_id) or every running worker; each still reports, as stopped.',
    inputSchema: { type: 'object', properties: { worker_id: { type: 'string' } } },
    category: 'control',
    async execute(input) {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      const id = str(input.worker_id) || undefined;
      const stopped = rt.stopWorker(id);
      if (id && stopped.length === 0) return { content: `Worker ${id} is not running.`, isError: true };
      return stopped.length ? `Stopped: ${stopped.join(', ')}.` : 'No worker was running.';
    },
  };

  const questions: Tool = {
    name: 'list_worker_questions',
    description: 'The escalations workers are waiting on (request_id, worker_id, reason, context).',
    inputSchema: { type: 'object', properties: {} },
    category: 'read',
    async execute() {
      const rt = host.runtime();
      if (!rt) return NO_COLONY;
      return JSON.stringify({ pending: rt.inbox.list() });
    },
  };

  const reply: Tool = {
    name: 'reply_to_worker',
    description: 'Answer a worker escalation by its request_id; the worker continues with your reply.',
    inputSchema: {
      type: 'object',
      properties: { request_id: { type: 'string' }, reply: { type: 'string' } },
      required: ['request_id', 'reply'],
    },
    category: 'control',
    async execute(input) {
      if (!host.runtime()) return NO_COLONY;
      const id = str(input.request_id);
      const text = str(input.reply);
      if (!id || !text) return { content: 'reply_to_worker needs "request_id" and "reply".', isError: true };
      return host.replyToEscalation(id, text)
        ? `Reply delivered (request_id=${id}).`
        : { content: `No pending escalation ${id}; see list_worker_questions.`, isError: true };
    },
  };

  return [runParallel, status, inject, stop, questions, reply];
}

function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}
