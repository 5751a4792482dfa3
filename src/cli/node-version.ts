/** The oldest Node whose node:sqlite needs no flag (colonies' progress.db). */
export const MIN_NODE = [22, 13, 0] as const;

/** The one-line refusal for a Node older than MIN_NODE, or undefined when this Node will do. */
export function nodeTooOld(version: string): string | undefined {
  const have = version
    .replace(/^v/, '')
    .split('.')
    .map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < MIN_NODE.length; i++) {
    if ((have[i] ?? 0) > MIN_NODE[i]!) return undefined;
    if ((have[i] ?? 0) < MIN_NODE[i]!)
      return `needs Node ${MIN_NODE.join('.')} or newer (for node:sqlite); this is Node ${version.replace(/^v/, '')}`;
  }
  return undefined;
}
