import { z } from 'zod';
import { type PhaseController, PhaseTransitionError, phaseToolNames, type QueenPhase } from '../queen/phases';
import { type Checkpoints, createCoderTools, defineTool, type Tool, toolError } from '../tools';
import type { QuestionBroker, UserQuestion } from './question-broker';

/** The workspace tools every phase offers; INDEPENDENT adds the writing ones (queen/phases.ts). */
export const QUEEN_READ_TOOL_NAMES = ['read_file', 'list_directory', 'search_files'] as const;

/** Hive's coder tools over the session's working folder, recording changes in its checkpoints. */
export function workspaceTools(root: string, checkpoints: Checkpoints): Tool[] {
  return createCoderTools(root, { checkpoints });
}

/** ask_user: the turn waits until the user answers through LiveSession.answerQuestion (or stops it). */
export function askUserTool(questions: QuestionBroker): Tool {
  return defineTool({
    name: 'ask_user',
    description:
      'Ask the user a question and wait for the answer. Use it when you cannot continue without their ' +
      'decision. Give `options` when the answer is one of a few choices.',
    category: 'control',
    schema: z.object({
      question: z.string().trim().min(1, 'must not be empty').describe('The question to ask.'),
      options: z.array(z.string()).optional().describe('Suggested answers.'),
    }),
    async run({ question, options }, ctx) {
      const q: UserQuestion = { id: 'q1', prompt: question };
      const choices = (options ?? []).filter((o) => o.trim() !== '');
      if (choices.length) q.options = choices;
      const answer = await questions.ask([q], ctx.signal ?? new AbortController().signal);
      return `The user answered: ${answer}`;
    },
  });
}

function phaseTool(
  phases: PhaseController,
  name: string,
  description: string,
  to: QueenPhase,
  withColony = false,
): Tool {
  return defineTool({
    name,
    description,
    category: 'control',
    schema: z.object(
      withColony
        ? {
            colony_name: z
              .string()
              .trim()
              .min(1, 'must not be empty')
              .describe('snake_case name of the colony to draft'),
          }
        : {},
    ),
    async run(input) {
      const colonyName = (input as { colony_name?: string }).colony_name;
      try {
        const change = await phases.switchTo(to, { source: 'tool', colonyName });
        const tools = phases.tools().join(', ');
        return change.changed
          ? `Switched from ${change.from} to ${change.to}. Available tools: ${tools}.`
          : `Already in ${to}. Available tools: ${tools}.`;
      } catch (err) {
        if (err instanceof PhaseTransitionError) return toolError(err.message);
        throw err;
      }
    },
  });
}

/** The phase tools of docs/hive-format.md §3 rule 13 that need no colony runtime (start_incubating_colony: colony-create-tools.ts). */
export function phaseTools(phases: PhaseController): Tool[] {
  return [
    phaseTool(
      phases,
      'cancel_incubation',
      'Abandon the colony draft and go back to working alone (INDEPENDENT).',
      'independent',
    ),
    phaseTool(
      phases,
      'switch_to_reviewing',
      'Stop waiting on workers and review their results with the user (REVIEWING).',
      'reviewing',
    ),
  ];
}

/** The tools offered in `phase`: the phase's names (plus extra tools in INDEPENDENT) that exist. */
export function toolsForPhase(
  phase: QueenPhase,
  all: readonly Tool[],
  extraNames: readonly string[],
): Tool[] {
  const names = new Set(phaseToolNames(phase, { extraTools: extraNames }));
  return all.filter((t) => names.has(t.name));
}
