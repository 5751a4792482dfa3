// A session's preview is the last assistant text as Hive stores it: Markdown. A tree label shows
// plain text, so the markup that would show as stray characters (headings, emphasis, code ticks,
// list and quote markers, link targets) is dropped. No vscode import: unit-tested on its own.

export function plainPreview(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const plain = text
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1') // images → alt text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // links → their text
    .replace(/^\s{0,3}(#{1,6}|>+|[-*+]|\d+[.)])\s+/gm, '') // heading, quote, list markers
    .replace(/```[a-z0-9_-]*/gi, '')
    .replace(/(\*\*|__|~~|`)/g, '')
    .replace(/(^|\W)[*_](\S(?:.*?\S)?)[*_](?=\W|$)/g, '$1$2') // *em* / _em_
    .replace(/\s+/g, ' ')
    .trim();
  return plain || undefined;
}
