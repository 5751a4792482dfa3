import type { Tool } from '../agent/types';
import { toAgentTool } from '../colony/runtime/agent-tool';
import { createWorkerTools } from '../colony/tools';
import { type PhaseController, PhaseTransitionError, phaseToolNames, type QueenPhase } from '../queen/phases';
import type { QuestionBroker, UserQuestion } from './question-broker';

/** The workspace tools a queen may use before the colony issue brings write and command tools. */
export const QUEEN_READ_TOOL_NAMES = ['read_file', 'list_directory', 'search_files'] as const;

/** A colony tool (snake_case schema, never throws) in the agent loop's tool shape. */
export const adaptColonyTool = toAgentTool;

/** read_file, list_directory and search_files confined to `root` (the worker tools' folder jail). */
export function workspaceReadTools(root: string): Tool[] {
  const noControl = {
    onReport() {},
    onEscalate: () => undefined,
    onSetOutput() {},
  };
  const wanted = new Set<string>(QUEEN_READ_TOOL_NAMES);
  return createWorkerTools({ root, control: noControl })
    .filter((t) => wanted.has(t.name) && t.category === 'read')
    .map(adaptColonyTool);
}

/** ask_user: the turn waits until the user answers through LiveSession.answerQuestion (or stops it). */
export function askUserTool(questions: QuestionBroker): Tool {
  return {
    name: 'ask_user',
    description:
      'Ask the user a question and wait for the answer. Use it when you cannot continue without their ' +
      'decision. Give `options` when the answer is one of a few choices.',
    inputSchema: {
      type: 'object',
      properties: {
        question: { type: 'string', description: 'The question to ask.' },
        options: { type: 'array', items: { type: 'string' }, description: 'Suggested answers.' },
      },
      required: ['question'],
    },
    category: 'control',
    async execute(input, ctx) {
      const prompt = typeof input.question === 'string' ? input.question.trim() : '';
      if (!prompt) return { content: 'ask_user needs a non-empty "question"', isError: true };
      const q: UserQuestion = { id: 'q1', prompt };
      if (Array.isArray(input.options)) {
        const options = input.options.filter((o): o is string => typeof o === 'string' && o.trim() !== '');
        if (options.length) q.options = options;
      }
      const answer = await questions.ask([q], ctx.signal);
      return `The user answered: ${answer}`;
    },
  };
}

function phaseTool(
  phases: PhaseController,
  name: string,
  description: string,
  to: QueenPhase,
  withColony = false,
): Tool {
  return {
    name,
    description,
    inputSchema: {
      type: 'object',
      properties: withColony
        ? { colony_name: { type: 'string', description: 'snake_case name of the colony to draft' } }
        : {},
      ...(withColony ? { required: ['colony_name'] } : {}),
    },
    category: 'control',
    async execute(input) {
      const colonyName = typeof input.colony_name === 'string' ? input.colony_name.trim() : undefined;
      if (withColony && !colonyName) return { content: `${name} needs "colony_name"`, isError: true };
      try {
        const change = await phases.switchTo(to, { source: 'tool', colonyName });
        const tools = phases.tools().join(', ');
        return change.changed
          ? `Switched from ${change.from} to ${change.to}. Available tools: ${tools}.`
          : `Already in ${to}. Available tools: ${tools}.`;
      } catch (err) {
        if (err instanceof PhaseTransitionError) return { content: err.message, isError: true };
        throw err;
      }
    },
  };
}

/** The phase tools of rule 13 that need no colony runtime (start_incubating_colony: colony-create-tools.ts). */
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
