import { rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { ColonySpecError, parseColonySpec } from '../colony/colony-spec';
import { ColonyExistsError, stageColony } from '../colony/colony-write';
import type { ModelProvider } from '../llm/types';
import { evaluateIncubation } from '../queen/incubating-evaluator';
import { type PhaseController, workerToolNames } from '../queen/phases';
import type { Complete } from '../queen/types';
import { isValidId } from '../storage/ids';
import type { ConversationPart } from '../storage/parts';
import { coloniesDir } from '../storage/paths';
import { defineTool, type Tool, type ToolResult } from '../tools';
import { stageFork, summarizeInherited } from './colony-fork';

/**
 * start_incubating_colony and create_colony (Hive: core/framework/tools/queen_lifecycle_tools.py): the
 * readiness gate into INCUBATING, then the colony written under HIVE_HOME/colonies and the session forked
 * into it, after which the DM is locked. Results are JSON, as in Hive.
 */

export interface ColonyCreationHost {
  sessionId: string;
  sessionDir: string;
  hiveHome: string;
  queenId: string;
  /** The session's workspace folder, recorded in the colony for its workers. */
  workingDir: string | null;
  phases: PhaseController;
  provider: ModelProvider;
  complete: Complete;
  readParts(): Promise<ConversationPart[]>;
  /** Every tool name the queen has, all phases together (worker.json keeps the non-queen-only ones). */
  queenToolNames(): string[];
  newSessionId(): string;
  clock(): number;
  publish(type: string, data: Record<string, unknown>): void;
  /** Writes the spawn lock into meta.json and refuses the session's next messages. */
  lock(colonyName: string, at: string): Promise<void>;
}

// Hive's _INCUBATING_APPROVAL_GUIDANCE, word for word.
export function incubatingGuidance(colonyName: string, purpose: string): string {
  return (
    `Approved to incubate colony '${colonyName}' for: ${purpose}\n\n` +
    'Your phase has flipped to INCUBATING. Before you call create_colony, the worker will need operational ' +
    "details that are easy to lose in a planning conversation. Take a moment to figure out what's still " +
    'ambiguous for THIS colony — for example: how many tasks should run in parallel, what schedule fits ' +
    '(cron, interval, manual-only), what should the worker write into progress.db so the user can review ' +
    'results later, how to handle partial failures, what credentials or MCP servers the worker needs that ' +
    "you haven't discussed. You don't need to cover every example — only the items that actually matter " +
    "for this colony, and only the ones the user hasn't already implied. Use ask_user (batch several " +
    'questions into one call when you have multiple gaps) to fill the real ones. If, while sorting these ' +
    "out, you decide the spec isn't ready, call cancel_incubation and we go back to INDEPENDENT."
  );
}

const NAME_HINT = "colony_name must be lowercase alphanumeric with underscores (e.g. 'morning_hn_digest').";
const errorJson = (error: string, extra: Record<string, unknown> = {}): ToolResult => ({
  content: JSON.stringify({ error, ...extra }),
  isError: true,
});

export function startIncubatingColonyTool(host: ColonyCreationHost): Tool {
  return defineTool({
    name: 'start_incubating_colony',
    description:
      'Ask to fork this session into a persistent colony for HEADLESS / RECURRING / BACKGROUND work that ' +
      'needs to outlive this chat. This tool does NOT fork on its own — it spawns a one-shot evaluator that ' +
      'reads the recent conversation and decides whether the spec is settled enough to proceed.\n\n' +
      'On APPROVAL, your phase flips to INCUBATING and a focused tool surface unlocks (create_colony, ' +
      'cancel_incubation, read-only file tools).\n\n' +
      "On REJECTION, you stay in INDEPENDENT and the verdict's `missing_prerequisites` lists what's still " +
      'ambiguous. Resolve those with the user and call this tool again when the spec is settled. The ' +
      "rejection is queen-only — the user does NOT see it, so don't mention 'the evaluator'.\n\n" +
      'DO NOT call this for one-shot work that the user wants results for right now in this chat.',
    category: 'control',
    schema: z.object({
      colony_name: z
        .string()
        .describe(
          "Lowercase alphanumeric+underscore name for the proposed colony (e.g. 'morning_hn_digest').",
        ),
      intended_purpose: z
        .string()
        .describe(
          'One-paragraph brief: what the colony will do, on what cadence, why it must outlive this chat.',
        ),
    }),
    async run(input) {
      const name = input.colony_name.trim();
      if (!/^[a-z0-9_]+$/.test(name) || !isValidId('colony', name)) return errorJson(NAME_HINT);
      const purpose = input.intended_purpose.trim();
      if (!purpose)
        return errorJson(
          'intended_purpose is required — describe in one paragraph what the colony will do, on what cadence, ' +
            'and why it must outlive this chat.',
        );
      const phase = host.phases.phase;
      if (phase !== 'independent' && phase !== 'incubating')
        return errorJson(
          `start_incubating_colony is not available in phase '${phase}' — finish or stop the current colony's workers first.`,
        );
      const verdict = await evaluateIncubation({
        complete: host.complete,
        parts: await host.readParts(),
        colonyName: name,
        intendedPurpose: purpose,
      });
      // Not ready: the queen alone reads why (no event, nothing for the user).
      if (!verdict.ready)
        return JSON.stringify({
          status: 'not_ready',
          colony_name: name,
          reasons: verdict.reasons,
          missing_prerequisites: verdict.missing_prerequisites,
        });
      await host.phases.switchTo('incubating', { source: 'tool', colonyName: name });
      return JSON.stringify({
        status: 'incubating',
        colony_name: name,
        intended_purpose: purpose,
        guidance: incubatingGuidance(name, purpose),
      });
    },
  });
}

export function createColonyTool(host: ColonyCreationHost): Tool {
  return defineTool({
    name: 'create_colony',
    description: CREATE_COLONY_DESCRIPTION,
    category: 'control',
    // Loose on purpose: parseColonySpec checks everything and reports every problem at once.
    schema: z.object({
      colony_name: z.string().describe("Lowercase alphanumeric+underscore name (e.g. 'honeycomb_research')."),
      task: z
        .string()
        .describe(
          'FULL self-contained task description for worker.json; the worker has zero memory of this chat.',
        ),
      skill_name: z
        .string()
        .describe('Skill folder name: lowercase [a-z0-9-], no leading/trailing/double hyphens, ≤64 chars.'),
      skill_description: z.string().describe('One line, 1–1024 chars: when the skill applies.'),
      skill_body: z.string().describe('Markdown body of SKILL.md, without frontmatter.'),
      skill_files: z
        .array(z.looseObject({ path: z.string(), content: z.string() }))
        .optional()
        .describe("Supporting files: {path, content}, path relative inside the skill folder (no '..')."),
      tasks: z
        .array(z.looseObject({ goal: z.string() }))
        .optional()
        .describe(
          "Optional pre-seeded task queue (progress.db): each {goal, priority?, payload?, steps?[{title, detail?}], sop_items?[{key, description, required?}]}. Without it, one task is seeded from 'task'.",
        ),
      concurrency_hint: z
        .number()
        .optional()
        .describe('Advisory: how many workers should typically run in parallel.'),
      triggers: z
        .array(
          z.looseObject({
            id: z.string(),
            trigger_type: z.string(),
            trigger_config: z.unknown(),
            task: z.string(),
          }),
        )
        .optional()
        .describe(
          "Optional schedule written to triggers.json and started when the colony opens. Each: id, trigger_type ('timer' | 'webhook'), trigger_config (timer: {cron: '0 9 * * *'} in UTC or {interval_minutes: N}; webhook: {path: '/hooks/...'}), task.",
        ),
    }),
    run: (input, ctx) => createColony(host, input, ctx.signal),
  });
}

const CREATE_COLONY_DESCRIPTION =
  'Fork this session into a persistent colony for work that needs to run HEADLESS, RECURRING, or IN ' +
  'PARALLEL to the current chat. ATOMIC CALL: pass the skill content INLINE (skill_name, ' +
  'skill_description, skill_body, optional skill_files); the tool writes ' +
  'HIVE_HOME/colonies/{colony_name}/.hive/skills/{skill_name}/, worker.json with the task, ' +
  'metadata.json, triggers.json and the task queue data/progress.db, then forks this session into the ' +
  'colony. Everything is validated first; a failure writes nothing. NOTHING RUNS AFTER FORK: the user ' +
  'opens the colony (or its triggers fire) when ready, and this chat is then closed.\n\n' +
  'WHY THE SKILL IS REQUIRED: a fresh worker running unattended has zero memory of this chat. Put in ' +
  'the skill body the operational protocol: endpoints with example requests, auth flow, response ' +
  'shapes, gotchas, conventions, pre-baked commands (300–2000 chars).';

async function createColony(
  host: ColonyCreationHost,
  input: Record<string, unknown>,
  signal: AbortSignal | undefined,
): Promise<ToolResult | string> {
  let spec: ReturnType<typeof parseColonySpec>;
  try {
    spec = parseColonySpec(input);
  } catch (err) {
    if (!(err instanceof ColonySpecError)) throw err;
    return errorJson(err.problems.join('; '), {
      hint:
        'Nothing was written. Each trigger needs id, trigger_type, trigger_config and task; the skill needs ' +
        'skill_name ([a-z0-9-]), a one-line skill_description and a skill_body.',
    });
  }
  const wasIncubating = host.phases.phase === 'incubating';
  const parts = await host.readParts();
  const { summary, fallback } = await summarizeInherited(host.provider, parts, signal);
  const forkId = host.newSessionId();
  const now = host.clock();
  const queenTools = host.queenToolNames();
  let colony: Awaited<ReturnType<typeof stageColony>>;
  try {
    colony = await stageColony({
      home: host.hiveHome,
      spec,
      queenId: host.queenId,
      queenPhase: host.phases.phase,
      sourceSessionId: host.sessionId,
      forkSessionId: forkId,
      workspaceFolder: host.workingDir,
      tools: workerToolNames(queenTools),
      now: new Date(now),
    });
  } catch (err) {
    if (err instanceof ColonyExistsError) return errorJson(err.message);
    throw err;
  }
  let fork: Awaited<ReturnType<typeof stageFork>>;
  try {
    fork = await stageFork({
      sourceId: host.sessionId,
      sourceDir: host.sessionDir,
      forkId,
      queenId: host.queenId,
      colonyName: spec.name,
      colonyFolder: colony.folder,
      summary,
      inheritedCount: parts.length,
      now,
    });
  } catch (err) {
    await colony.discard();
    throw err;
  }
  // Both are staged: the two renames are the only steps left; the second failing undoes the first.
  try {
    await colony.commit();
  } catch (err) {
    await Promise.all([colony.discard(), fork.discard()]);
    if (err instanceof ColonyExistsError) return errorJson(err.message);
    throw err;
  }
  try {
    await fork.commit();
  } catch (err) {
    await fork.discard();
    await rm(colony.folder, { recursive: true, force: true });
    throw err;
  }

  const result = {
    colony_name: spec.name,
    colony_path: colony.folder,
    queen_session_id: forkId,
    is_new: true,
    skill_installed: colony.skillDir,
    skill_name: spec.skill.name,
    skill_replaced: false,
    task: spec.task,
    compaction_status: fallback ? 'failed' : 'done',
    triggers: spec.triggers.map((t) => t.id),
  };
  host.publish('colony_created', result);
  // Hive locks the DM only when the fork came from INCUBATING, then gives the queen back her own tools.
  if (wasIncubating) {
    await host.lock(spec.name, new Date(now).toISOString().replace('Z', '+00:00'));
    await host.phases.switchTo('independent', { source: 'tool' });
  }
  return JSON.stringify({
    status: 'created',
    ...result,
    db_path: colony.dbPath,
    tasks_seeded: colony.taskIds.length,
    ...(colony.tasksStored === 'pending'
      ? {
          tasks_pending: `${colony.pendingReason}; the tasks are kept in data/pending_tasks.json and go into progress.db when the colony is first opened on a Node with node:sqlite`,
        }
      : {}),
  });
}

/** HIVE_HOME/colonies/<name> of a spawn-locked session (for messages pointing at it). */
export function spawnedColonyFolder(hiveHome: string, name: string): string {
  return path.join(coloniesDir(hiveHome), name);
}
