import path from 'node:path';
import { HiveError } from '../errors';
import { isValidId } from '../storage/ids';
import {
  type TriggerDefinition,
  TriggerValidationError,
  validateTriggerDefinition,
} from '../triggers/definitions';
import type { NewTask } from './progress/progress-db';

/**
 * The arguments of the queen's `create_colony`, checked before anything is written (Hive:
 * core/framework/tools/queen_lifecycle_tools.py create_colony and _validate_triggers, and
 * core/framework/skills/authoring.py build_draft). Unlike Hive, every problem is reported at once.
 */

export interface SkillFileSpec {
  /** Relative POSIX path inside the skill folder (normalized, never SKILL.md, never above the folder). */
  path: string;
  content: string;
}

export interface ColonySpec {
  name: string;
  task: string;
  skill: { name: string; description: string; body: string; files: SkillFileSpec[] };
  tasks: NewTask[];
  concurrencyHint?: number;
  triggers: TriggerDefinition[];
}

export class ColonySpecError extends HiveError {
  override name = 'ColonySpecError';
  constructor(readonly problems: string[]) {
    super('COLONY_SPEC_INVALID', `create_colony: ${problems.join('; ')}`);
  }
}

const SKILL_NAME_RE = /^[a-z0-9.-]+$/;
const MAX_SKILL_NAME = 64;
const MAX_DESCRIPTION = 1024;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const trimmed = (v: unknown) => (typeof v === 'string' ? v.trim() : '');

/** Validates create_colony's input; throws ColonySpecError listing every problem. */
export function parseColonySpec(input: Record<string, unknown>): ColonySpec {
  const problems: string[] = [];
  const name = trimmed(input.colony_name);
  if (!isValidId('colony', name) || !/^[a-z0-9_]+$/.test(name))
    problems.push("colony_name must be lowercase alphanumeric with underscores (e.g. 'honeycomb_research')");
  const task = trimmed(input.task);
  if (!task) problems.push('task must be a non-empty description of the work');

  const skillName = trimmed(input.skill_name);
  if (!skillName) problems.push('skill_name is required');
  else if (!SKILL_NAME_RE.test(skillName)) problems.push(`skill_name '${skillName}' must match [a-z0-9-]`);
  else if (skillName.startsWith('-') || skillName.endsWith('-') || skillName.includes('--'))
    problems.push(`skill_name '${skillName}' has leading/trailing/consecutive hyphens`);
  else if (skillName.length > MAX_SKILL_NAME)
    problems.push(`skill_name '${skillName}' exceeds ${MAX_SKILL_NAME} chars`);
  else if (skillName === '.' || skillName === '..' || skillName.startsWith('.'))
    problems.push(`skill_name '${skillName}' must not start with a dot`);

  const description = trimmed(input.skill_description);
  if (!description) problems.push('skill_description is required');
  else if (description.length > MAX_DESCRIPTION)
    problems.push(`skill_description must be 1–${MAX_DESCRIPTION} chars`);
  else if (/[\r\n]/.test(description)) problems.push('skill_description must be a single line (no newlines)');

  const body = typeof input.skill_body === 'string' ? input.skill_body : '';
  if (!body.trim())
    problems.push(
      'skill_body is required — the operational procedure the colony worker needs to run this job unattended',
    );

  const files = parseSkillFiles(input.skill_files, problems);
  const tasks = parseTasks(input.tasks, problems);
  const triggers = parseTriggers(input.triggers, problems);

  let concurrencyHint: number | undefined;
  if (input.concurrency_hint !== undefined && input.concurrency_hint !== null) {
    const n = input.concurrency_hint;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      problems.push('concurrency_hint must be a whole number ≥ 1');
    else concurrencyHint = n;
  }

  if (problems.length) throw new ColonySpecError(problems);
  return {
    name,
    task,
    skill: { name: skillName, description, body, files },
    tasks,
    ...(concurrencyHint ? { concurrencyHint } : {}),
    triggers,
  };
}

/** Each path must stay inside the skill folder: relative, no `..`, no drive or backslash tricks. */
function parseSkillFiles(raw: unknown, problems: string[]): SkillFileSpec[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('skill_files must be an array');
    return [];
  }
  const out: SkillFileSpec[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of raw.entries()) {
    if (!isObject(entry)) {
      problems.push(`skill_files[${i}] must be an object with 'path' and 'content'`);
      continue;
    }
    const given = trimmed(entry.path);
    if (!given) {
      problems.push(`skill_files[${i}] missing non-empty 'path'`);
      continue;
    }
    if (typeof entry.content !== 'string') {
      problems.push(`skill_files entry '${given}' missing string 'content'`);
      continue;
    }
    const rel = path.posix.normalize(given.replace(/^\.\//, ''));
    const escapes =
      given.includes('\\') ||
      given.includes('\0') ||
      path.posix.isAbsolute(given) ||
      /^[A-Za-z]:/.test(given) ||
      given.split('/').includes('..') ||
      rel === '.' ||
      rel.startsWith('../');
    if (escapes) {
      problems.push(`skill_files path '${given}' must be relative and inside the skill folder`);
      continue;
    }
    if (rel === 'SKILL.md') {
      problems.push('skill_files must not contain SKILL.md — pass skill_body instead');
      continue;
    }
    if (seen.has(rel)) {
      problems.push(`skill_files path '${given}' is given twice`);
      continue;
    }
    seen.add(rel);
    out.push({ path: rel, content: entry.content });
  }
  return out;
}

function parseTasks(raw: unknown, problems: string[]): NewTask[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('tasks must be an array');
    return [];
  }
  const out: NewTask[] = [];
  for (const [i, t] of raw.entries()) {
    const where = `tasks[${i}]`;
    if (!isObject(t)) {
      problems.push(`${where} must be an object with a 'goal'`);
      continue;
    }
    const goal = trimmed(t.goal);
    if (!goal) {
      problems.push(`${where} missing required 'goal'`);
      continue;
    }
    const task: NewTask = { goal };
    if (t.priority !== undefined && t.priority !== null) {
      if (typeof t.priority !== 'number' || !Number.isInteger(t.priority)) {
        problems.push(`${where}.priority must be a whole number`);
        continue;
      }
      task.priority = t.priority;
    }
    if (t.payload !== undefined) task.payload = t.payload;
    if (t.steps !== undefined && t.steps !== null) {
      if (!Array.isArray(t.steps) || t.steps.some((s) => !isObject(s) || !trimmed(s.title))) {
        problems.push(`${where}.steps must be a list of {title, detail?}`);
        continue;
      }
      task.steps = t.steps.map((s) => ({
        title: trimmed((s as Record<string, unknown>).title),
        detail:
          typeof (s as Record<string, unknown>).detail === 'string'
            ? String((s as Record<string, unknown>).detail)
            : null,
      }));
    }
    if (t.sop_items !== undefined && t.sop_items !== null) {
      if (
        !Array.isArray(t.sop_items) ||
        t.sop_items.some((s) => !isObject(s) || !trimmed(s.key) || !trimmed(s.description))
      ) {
        problems.push(`${where}.sop_items must be a list of {key, description, required?}`);
        continue;
      }
      task.sop_items = t.sop_items.map((s) => {
        const o = s as Record<string, unknown>;
        return { key: trimmed(o.key), description: trimmed(o.description), required: o.required !== false };
      });
    }
    out.push(task);
  }
  return out;
}

/** Hive's _validate_triggers rules (id, type, a task), then our trigger validation (cron, webhook path). */
function parseTriggers(raw: unknown, problems: string[]): TriggerDefinition[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    problems.push('triggers must be an array');
    return [];
  }
  const out: TriggerDefinition[] = [];
  const seen = new Set<string>();
  for (const [i, entry] of raw.entries()) {
    const where = `triggers[${i}]`;
    if (!isObject(entry)) {
      problems.push(`${where} must be an object`);
      continue;
    }
    const id = trimmed(entry.id);
    if (!id) {
      problems.push(`${where} missing non-empty 'id'`);
      continue;
    }
    if (seen.has(id)) {
      problems.push(`${where} duplicate id '${id}'`);
      continue;
    }
    seen.add(id);
    const task = trimmed(entry.task);
    if (!task) {
      problems.push(
        `${where} ('${id}') needs a non-empty 'task' — what the worker should do when this trigger fires`,
      );
      continue;
    }
    const name = trimmed(entry.name) || id;
    try {
      const def = validateTriggerDefinition(
        { id, name, trigger_type: entry.trigger_type, trigger_config: entry.trigger_config ?? {}, task },
        `${where} ('${id}')`,
      );
      out.push({ id, name, trigger_type: def.trigger_type, trigger_config: def.trigger_config, task });
    } catch (err) {
      if (err instanceof TriggerValidationError) problems.push(err.message);
      else throw err;
    }
  }
  return out;
}
