import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readTextSafe } from '../storage/safe-read';

/** One skill folder: `<skills root>/<name>/SKILL.md`. */
export interface SkillEntry {
  name: string;
  dir: string;
  file: string;
  /** From the SKILL.md frontmatter, when present. */
  description?: string;
}

/**
 * A colony's skills: `skills/` (Hive HEAD) and `.hive/skills/` (Hive 0ba1fa8), both relative to the
 * colony definition folder. A name found in both is listed once (`skills/` wins). Unreadable
 * frontmatter costs the description only; it is reported in `warnings`.
 */
export async function listColonySkills(dir: string): Promise<{ skills: SkillEntry[]; warnings: string[] }> {
  const skills: SkillEntry[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const root of [path.join(dir, 'skills'), path.join(dir, '.hive', 'skills')]) {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(root, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (!e.isDirectory() || seen.has(e.name)) continue;
      const file = path.join(root, e.name, 'SKILL.md');
      let text: string;
      try {
        text = await readTextSafe(file);
      } catch {
        continue;
      }
      seen.add(e.name);
      const entry: SkillEntry = { name: e.name, dir: path.join(root, e.name), file };
      try {
        const front = frontmatter(text);
        if (typeof front?.description === 'string') entry.description = front.description;
      } catch (err) {
        warnings.push(
          `${path.relative(dir, file)}: frontmatter is not valid YAML (${(err as Error).message})`,
        );
      }
      skills.push(entry);
    }
  }
  return { skills, warnings };
}

function frontmatter(text: string): Record<string, unknown> | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
  if (!m) return undefined;
  const value = parseYaml(m[1] ?? '');
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
