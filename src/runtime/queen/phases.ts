import { HiveError } from '../errors';
import { errorMessage, type QueenLogger, silentLogger } from './types';

/**
 * Queen phases (docs/hive-format.md §3 rule 13, §4): independent → incubating → working → reviewing,
 * each with its own tool set. Tool sets are names; the session maps them to real tools and drops
 * names it has no implementation for yet.
 */

export const QUEEN_PHASES = ['independent', 'incubating', 'working', 'reviewing'] as const;
export type QueenPhase = (typeof QUEEN_PHASES)[number];

export function isQueenPhase(value: unknown): value is QueenPhase {
  return typeof value === 'string' && (QUEEN_PHASES as readonly string[]).includes(value);
}

/** In every phase: the question tool and the read-only workspace tools. */
export const ALWAYS_AVAILABLE_TOOLS: readonly string[] = [
  'ask_user',
  'read_file',
  'list_directory',
  'search_files',
];

const PHASE_SPECIFIC_TOOLS: Record<QueenPhase, readonly string[]> = {
  independent: [
    'run_command',
    'write_file',
    'edit_file',
    'hashline_edit',
    'undo_changes',
    'start_incubating_colony',
  ],
  incubating: ['run_command', 'create_colony', 'cancel_incubation'],
  working: [
    'run_command',
    'get_worker_status',
    'inject_message',
    'list_worker_questions',
    'reply_to_worker',
    'stop_worker',
    'run_parallel_workers',
    // Rule 13's explicit way out of WORKING; kept out of the other phases.
    'switch_to_reviewing',
  ],
  reviewing: [
    'run_command',
    'get_worker_status',
    'list_worker_questions',
    'reply_to_worker',
    'run_parallel_workers',
    'set_trigger',
    'remove_trigger',
    'list_triggers',
  ],
};

/** Hive's dead tools (Hive's bug, docs/hive-format.md §5.6): they call missing phase switches and must never be offered. */
export const LEGACY_QUEEN_TOOLS: readonly string[] = [
  'switch_to_building',
  'switch_to_planning',
  'switch_to_staging',
  'stop_worker_and_review',
  'stop_worker_and_plan',
  'replan_agent',
  'save_agent_draft',
  'confirm_and_build',
];

/** Worker-only synthetic tools; a queen never gets them. */
const WORKER_ONLY_TOOLS: readonly string[] = ['escalate', 'report_to_parent', 'set_output'];

const PHASE_TOOL_NAMES = new Set(Object.values(PHASE_SPECIFIC_TOOLS).flat());
const NEVER_EXTRA = new Set([...PHASE_TOOL_NAMES, ...LEGACY_QUEEN_TOOLS, ...WORKER_ONLY_TOOLS]);

export interface PhaseToolOptions {
  /** Tools outside every phase list (MCP integrations…): offered in INDEPENDENT only. */
  extraTools?: readonly string[];
  /** The queen's `tools.json` allowlist for those extra tools; null/undefined = all. */
  enabledExtraTools?: readonly string[] | null;
}

/**
 * Tool names for a phase. Extra tools never smuggle in another phase's lifecycle tool, a legacy
 * tool or a worker-only tool (Hive bugs 6 and 10).
 */
export function phaseToolNames(phase: QueenPhase, opts: PhaseToolOptions = {}): string[] {
  const names = [...ALWAYS_AVAILABLE_TOOLS, ...PHASE_SPECIFIC_TOOLS[phase]];
  if (phase === 'independent' && opts.extraTools) {
    const allowed = opts.enabledExtraTools ? new Set(opts.enabledExtraTools) : undefined;
    for (const name of opts.extraTools) {
      if (NEVER_EXTRA.has(name) || names.includes(name)) continue;
      if (allowed && !allowed.has(name)) continue;
      names.push(name);
    }
  }
  return names;
}

/** Phases a session may move to from each phase (tool, user or runtime alike). */
export const PHASE_TRANSITIONS: Readonly<Record<QueenPhase, readonly QueenPhase[]>> = {
  // incubating via start_incubating_colony; working/reviewing when the runtime loads a colony.
  independent: ['incubating', 'working', 'reviewing'],
  // cancel_incubation, or create_colony (which also locks the DM).
  incubating: ['independent'],
  // a report with no active workers or switch_to_reviewing; independent on colony unload.
  working: ['reviewing', 'independent'],
  // run_parallel_workers starts another pass; independent on colony unload.
  reviewing: ['working', 'independent'],
};

export function canTransition(from: QueenPhase, to: QueenPhase): boolean {
  return PHASE_TRANSITIONS[from].includes(to);
}

/**
 * Old meta.json files carry phases this runtime no longer has. They are read, never rejected:
 * building/planning were the queen working alone (→ independent), staging had a worker loaded
 * but idle (→ reviewing, where a run can be started), HEAD's `colony` is a running colony.
 */
const LEGACY_PHASES: Readonly<Record<string, QueenPhase>> = {
  building: 'independent',
  planning: 'independent',
  staging: 'reviewing',
  colony: 'working',
};

export interface StoredPhase {
  phase: QueenPhase;
  /** The stored value when it was not one of the four phases (legacy or unknown), else null. */
  legacy: string | null;
}

export function readStoredPhase(raw: unknown): StoredPhase {
  const value = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
  if (isQueenPhase(value)) return { phase: value, legacy: null };
  return {
    phase: LEGACY_PHASES[value] ?? 'independent',
    legacy: typeof raw === 'string' && raw.trim() ? raw : null,
  };
}

/** docs/hive-format.md §3 Rule 4: the requested phase, else working when a worker is loaded, else independent. */
export function initialPhase(requested: QueenPhase | null | undefined, workerLoaded: boolean): QueenPhase {
  return requested ?? (workerLoaded ? 'working' : 'independent');
}

export type PhaseChangeSource = 'tool' | 'user' | 'runtime';

// A type alias (not an interface) so it fits an `emit(type: string, data: Record<string, unknown>)`.
export type PhaseChangedData = {
  phase: QueenPhase;
  agent_path?: string;
};

export class PhaseTransitionError extends HiveError {
  constructor(
    readonly from: QueenPhase,
    readonly to: string,
  ) {
    const allowed = isQueenPhase(to) ? PHASE_TRANSITIONS[from].join(', ') : QUEEN_PHASES.join(', ');
    super(
      'PHASE_TRANSITION_REFUSED',
      isQueenPhase(to)
        ? `Cannot switch the queen from ${from} to ${to}; from ${from} she can go to: ${allowed}`
        : `Unknown queen phase ${JSON.stringify(to)}; phases are: ${allowed}`,
    );
    this.name = 'PhaseTransitionError';
  }
}

export interface PhaseControllerOptions {
  initialPhase?: QueenPhase;
  agentPath?: string | null;
  /** Publishes `queen_phase_changed` on the session's bus. */
  emit: (type: 'queen_phase_changed', data: PhaseChangedData) => void;
  /** Writes `meta.phase`; a failure cancels the change. */
  persist: (phase: QueenPhase) => Promise<void> | void;
  /** Tells the queen (a user part in her conversation) about changes she did not make herself. */
  inject: (text: string) => Promise<void> | void;
  toolsFor?: (phase: QueenPhase) => readonly string[];
  logger?: QueenLogger;
}

export interface SwitchOptions {
  source: PhaseChangeSource;
  /** The colony being drafted, for INCUBATING. */
  colonyName?: string;
}

export interface PhaseChange {
  changed: boolean;
  from: QueenPhase;
  to: QueenPhase;
  /** The `[PHASE CHANGE]` text given to the queen, when one was. */
  injected?: string;
}

export class PhaseController {
  private current: QueenPhase;
  private path: string | null;
  private colony: string | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly opts: PhaseControllerOptions) {
    this.current = opts.initialPhase ?? 'independent';
    this.path = opts.agentPath ?? null;
  }

  get phase(): QueenPhase {
    return this.current;
  }

  get agentPath(): string | null {
    return this.path;
  }

  /** The colony name while INCUBATING (for the prompt), else null. */
  get incubatingColonyName(): string | null {
    return this.colony;
  }

  setAgentPath(agentPath: string | null): void {
    this.path = agentPath;
  }

  tools(): string[] {
    return [...this.toolsFor(this.current)];
  }

  canSwitchTo(to: QueenPhase): boolean {
    return canTransition(this.current, to);
  }

  /** Changes are applied one at a time, in call order. Throws PhaseTransitionError when illegal. */
  switchTo(to: QueenPhase, opts: SwitchOptions): Promise<PhaseChange> {
    const run = this.queue.then(() => this.apply(to, opts));
    this.queue = run.catch(() => {});
    return run;
  }

  private async apply(to: QueenPhase, opts: SwitchOptions): Promise<PhaseChange> {
    const from = this.current;
    if (to === from) {
      // Hive lets the queen restate the colony she is drafting without a new event.
      if (to === 'incubating' && opts.colonyName) this.colony = opts.colonyName;
      return { changed: false, from, to };
    }
    if (!isQueenPhase(to) || !canTransition(from, to)) throw new PhaseTransitionError(from, to);
    await this.opts.persist(to);
    this.current = to;
    this.colony = to === 'incubating' ? (opts.colonyName ?? null) : null;
    const data: PhaseChangedData = { phase: to };
    if (this.path) data.agent_path = this.path;
    this.opts.emit('queen_phase_changed', data);
    if (opts.source === 'tool') return { changed: true, from, to };
    const text = phaseChangeText(to, this.toolsFor(to), this.colony);
    try {
      await this.opts.inject(text);
    } catch (err) {
      // The change stands (it is persisted and announced); only the note to the queen is lost.
      (this.opts.logger ?? silentLogger).warn(
        `Could not tell the queen about the phase change: ${errorMessage(err)}`,
      );
    }
    return { changed: true, from, to, injected: text };
  }

  private toolsFor(phase: QueenPhase): readonly string[] {
    return this.opts.toolsFor ? this.opts.toolsFor(phase) : phaseToolNames(phase);
  }
}

/** The note the queen gets when the user or the runtime changed her phase (Hive's wording). */
export function phaseChangeText(
  phase: QueenPhase,
  tools: readonly string[],
  colonyName?: string | null,
): string {
  const list = `Available tools: ${tools.join(', ')}.`;
  switch (phase) {
    case 'independent':
      return `[PHASE CHANGE] Switched to INDEPENDENT mode. You are the agent — execute the task directly. ${list}`;
    case 'incubating':
      return `[PHASE CHANGE] Switched to INCUBATING phase${colonyName ? ` for colony '${colonyName}'` : ''}. ${list}`;
    case 'working':
      return `[PHASE CHANGE] Switched to WORKING phase. Colony workers are running. ${list}`;
    case 'reviewing':
      return (
        '[PHASE CHANGE] Switched to REVIEWING phase. Workers have finished. Summarise results, answer ' +
        `follow-ups, and help the user decide next steps. ${list}`
      );
  }
}

/**
 * Tools a colony worker inherits from the queen (Hive: core/framework/server/routes_execution.py
 * _WORKER_INHERITED_TOOLS): file I/O, the shell and the framework synthetics. Every other tool of a
 * phase list, plus Hive's lifecycle extras, is queen-only and stripped from worker.json.
 */
const WORKER_INHERITED_TOOLS = new Set([
  'read_file',
  'write_file',
  'edit_file',
  'hashline_edit',
  'list_directory',
  'search_files',
  'undo_changes',
  'run_command',
  'set_output',
  'escalate',
  'ask_user',
]);
const QUEEN_LIFECYCLE_EXTRAS = [
  'switch_to_reviewing',
  'switch_to_independent',
  'list_credentials',
  'get_worker_health_summary',
  'enqueue_task',
];

export const QUEEN_ONLY_TOOLS: ReadonlySet<string> = new Set([
  ...[...PHASE_TOOL_NAMES].filter((n) => !WORKER_INHERITED_TOOLS.has(n)),
  ...QUEEN_LIFECYCLE_EXTRAS,
  ...LEGACY_QUEEN_TOOLS,
]);

/** The queen's tool names a forked worker keeps (MCP and other extra tools pass through). */
export function workerToolNames(queenTools: readonly string[]): string[] {
  return [...new Set(queenTools.filter((n) => !QUEEN_ONLY_TOOLS.has(n)))];
}
