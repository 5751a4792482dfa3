// A small fuzzy matcher for the `@` menu, as quick open matches: the query's characters appear in the
// path in order (case-insensitive). Runs of consecutive characters, matches at the start of a path
// segment or word, and matches in the file name score higher.

/** The score of `path` for a lower-case `query` (higher is better), or null when it does not match. */
export function fuzzyScore(path: string, query: string): number | null {
  const text = path.toLowerCase();
  const nameStart = text.lastIndexOf('/') + 1;
  let score = 0;
  let at = 0;
  let run = 0;
  for (const ch of query) {
    const found = text.indexOf(ch, at);
    if (found < 0) return null;
    run = found === at && at > 0 ? run + 1 : 0;
    const prev = text[found - 1];
    const boundary = found === 0 || prev === '/' || prev === '-' || prev === '_' || prev === '.';
    score += 1 + run * 2 + (boundary ? 3 : 0) + (found >= nameStart ? 1 : 0);
    at = found + 1;
  }
  // The whole query inside the file name beats a match spread over folders.
  if (text.slice(nameStart).includes(query)) score += query.length * 2;
  return score;
}
