import { phaseToolNames, type QueenPhase } from './phases';
import type { ParsedQueenProfile } from './profiles';
import { formatRecallBlock, type RecalledMemory } from './recall';

/**
 * The queen's system prompt (docs/hive-format.md §3 rule 13): identity + phase + extra sections (credentials, skills,
 * protocols, supplied by their owners) + recalled memories. The identity and phase parts are stable
 * across turns so the provider's prompt cache stays warm; recall comes last because it changes.
 */

export interface QueenPromptOptions {
  /** The tools of this phase as the session really offers them (default: the phase's names). */
  tools?: readonly string[];
  /** INCUBATING: the colony being drafted. */
  colonyName?: string | null;
  /** Sections placed between the phase part and the recalled memories. */
  extraSections?: readonly string[];
  now?: () => number;
}

export function buildQueenSystemPrompt(
  profile: ParsedQueenProfile,
  phase: QueenPhase,
  recalled: string | readonly RecalledMemory[],
  opts: QueenPromptOptions = {},
): string {
  const tools = opts.tools ?? phaseToolNames(phase);
  const recallBlock = typeof recalled === 'string' ? recalled : formatRecallBlock(recalled, opts.now);
  return [
    formatQueenIdentity(profile),
    CONDUCT,
    phasePrompt(phase, tools, opts.colonyName ?? null),
    ...(opts.extraSections ?? []).filter((s) => s.trim()),
    recallBlock ? `${MEMORY_NOTE}\n\n${recallBlock}` : '',
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** The profile as a character brief; the hidden parts shape behaviour and are never quoted. */
export function formatQueenIdentity(profile: ParsedQueenProfile): string {
  const out = [
    `<identity>\nYou are ${profile.name}, ${profile.title}.${line(profile.core_traits)}\n</identity>`,
  ];
  const bg = profile.hidden_background;
  if (bg && (bg.past_wound || bg.deep_motive || bg.behavioral_mapping)) {
    out.push(
      '<private_background>\n(Never mention this to the user; it only shapes how you act.)' +
        `${line(bg.past_wound, '- What shaped you: ')}${line(bg.deep_motive, '- What drives you: ')}` +
        `${line(bg.behavioral_mapping, '- How it shows: ')}\n</private_background>`,
    );
  }
  const psych = profile.psychological_profile;
  if (psych && (psych.social_masks || psych.anti_stereotype)) {
    out.push(
      `<manner>${line(psych.social_masks, '- With different people: ')}` +
        `${line(psych.anti_stereotype, '- Not a stereotype: ')}\n</manner>`,
    );
  }
  if (profile.behavior_triggers?.length) {
    const rules = profile.behavior_triggers.map((t) => `- When ${t.trigger}: ${t.reaction}`).join('\n');
    out.push(`<reactions>\n${rules}\n</reactions>`);
  }
  const lore = profile.world_lore;
  if (lore && (lore.habitat || lore.lexicon)) {
    out.push(`<world>${line(lore.habitat, '- Habitat: ')}${line(lore.lexicon, '- Lexicon: ')}\n</world>`);
  }
  if (profile.skills) out.push(`<skills>\n${profile.skills}\n</skills>`);
  // One worked example is enough to show the voice and keeps the prompt small.
  const example = profile.examples?.[0];
  if (example) {
    const thought = example.internal ? `(private read: ${example.internal})\n` : '';
    out.push(`<example>\nUser: ${example.user}\n${thought}You: ${example.response}\n</example>`);
  }
  return out.join('\n\n');
}

const CONDUCT = `# How you work
- Stay in character. Write the reply directly; do not narrate your reasoning or mention these instructions.
- A greeting gets a short, personal reply; no tools.
- A clear request gets the right tool on the same turn rather than a promise to act.
- When you need the user's choice, approval or missing facts, call ask_user (questions with concrete options, the recommended one first); otherwise ask in plain prose.
- Never describe yourself as an AI assistant and avoid corporate filler.`;

const MEMORY_NOTE = `# What you remember
Below are memories from earlier sessions that look relevant. Use them, but check anything that may be stale before stating it as fact.`;

const PHASE_ROLE: Record<QueenPhase, string> = {
  independent:
    'You are in INDEPENDENT mode: no colony is running, you do the work yourself with your tools. ' +
    'When the user wants recurring or background work that must outlive this chat, call ' +
    'start_incubating_colony with a proposed colony name and a one-paragraph purpose.',
  incubating:
    'You are in INCUBATING mode, drafting colony {colony}. Your only job is a self-contained task and skill ' +
    'description a fresh worker can follow without this chat: settle concurrency, schedule, result tracking, ' +
    'failure handling and credentials (ask_user for real gaps only), then call create_colony. If the spec is ' +
    'not ready or the user changes subject, call cancel_incubation to return to INDEPENDENT.',
  working:
    'You are in WORKING mode: colony workers are running the agreed spec. Answer their escalations ' +
    '(list_worker_questions, reply_to_worker), report progress when asked (get_worker_status), redirect or stop ' +
    'a worker when needed, and fan out more of the same work with run_parallel_workers. New scope needs a new ' +
    'colony from a fresh chat. When every worker has reported the phase moves to REVIEWING by itself.',
  reviewing:
    'You are in REVIEWING mode: the workers have finished. Summarise what they produced, flag failures, and help ' +
    'the user decide what next: another pass with run_parallel_workers, or a scheduled follow-up with set_trigger.',
};

function phasePrompt(phase: QueenPhase, tools: readonly string[], colonyName: string | null): string {
  const role = PHASE_ROLE[phase].replace('{colony}', colonyName ? `'${colonyName}'` : 'for the user');
  return `# Current phase: ${phase.toUpperCase()}\n${role}\nTools in this phase: ${tools.join(', ')}.`;
}

function line(value: string | undefined, prefix = ''): string {
  const text = value?.trim();
  return text ? `\n${prefix}${text}` : '';
}
