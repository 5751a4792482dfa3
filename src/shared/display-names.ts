// One display name per queen and per colony, used by the tree, the chat, the status bar and the pickers.
// Shared by Node and browser code: imports nothing.

export interface QueenNameParts {
  /** Hive's queen id, e.g. `queen_technology`. */
  id: string;
  /** The profile's name, e.g. "Alexandra" (empty when unknown). */
  name: string;
  /** The profile's title, e.g. "Head of Technology" (empty when unknown). */
  title: string;
}

/** "Alexandra · Head of Technology"; the id alone when the profile is unknown. */
export function queenDisplayName(q: QueenNameParts): string {
  const name = q.name.trim();
  const title = q.title.trim();
  if (name && title) return `${name} · ${title}`;
  return name || title || q.id;
}

/** The queen's tooltip line: the display name with the id, so both spellings can be searched. */
export function queenTooltip(q: QueenNameParts): string {
  const shown = queenDisplayName(q);
  return shown === q.id ? q.id : `${shown} (${q.id})`;
}

/**
 * A colony's display name: its folder id in title case, as Hive's `meta.agent_name` spells it
 * (Hive: core/framework/server/session_manager.py, `agent_name` = name.replace("_", " ").title()): `sample_docs` → "Sample Docs".
 */
export function colonyDisplayName(id: string): string {
  const base =
    id
      .replace(/[\\/]+$/, '')
      .split(/[\\/]/)
      .pop() ?? id;
  const words = base.replace(/[_-]+/g, ' ').trim();
  if (!words) return id;
  return words.replace(/\b\w/g, (c) => c.toUpperCase());
}
