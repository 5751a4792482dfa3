// History search: which sessions a filter text matches. Searches what was asked (the title), the
// latest reply, the queen's and the colony's display names and ids, and the session id; every word
// of the filter must appear somewhere (case-insensitive), as a search box user expects.
import { colonyDisplayName } from '../../shared/display-names';
import { queenLabelWithId } from '../queen-names';

/** The words of a filter text; none when it is blank. */
export function filterWords(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/** The text a session is searched by. */
export function searchableText(e: {
  session_id: string;
  queen_id?: string | null;
  colony_id?: string | null;
  first_message?: string | null;
  last_message?: string | null;
}): string {
  return [
    e.first_message,
    e.last_message,
    e.queen_id && queenLabelWithId(e.queen_id),
    e.colony_id && `${colonyDisplayName(e.colony_id)} ${e.colony_id}`,
    e.session_id,
  ]
    .filter(Boolean)
    .join('\n')
    .toLowerCase();
}

export function matchesFilter(e: Parameters<typeof searchableText>[0], words: string[]): boolean {
  if (words.length === 0) return true;
  const text = searchableText(e);
  return words.every((w) => text.includes(w));
}
