import type { ToolResult } from '../../tools/tool';

/**
 * An MCP tool result as the text the model reads: text parts as they are, other parts described in a
 * line, `structuredContent` as JSON when there is no content, `isError` kept. Capped with a notice.
 */
export function mcpResultToText(result: unknown, maxChars: number): ToolResult {
  const r = (result ?? {}) as {
    content?: unknown;
    structuredContent?: unknown;
    isError?: unknown;
    toolResult?: unknown;
  };
  const parts: string[] = [];
  if (Array.isArray(r.content)) {
    for (const c of r.content as Array<Record<string, unknown>>) {
      if (c?.type === 'text') parts.push(String(c.text ?? ''));
      else if (c?.type === 'image' || c?.type === 'audio')
        parts.push(
          `[${c.type}: ${String(c.mimeType ?? 'unknown type')}, ${String(c.data ?? '').length} base64 characters]`,
        );
      else if (c?.type === 'resource') {
        const res = (c.resource ?? {}) as Record<string, unknown>;
        parts.push(typeof res.text === 'string' ? res.text : `[resource ${String(res.uri ?? '')}]`);
      } else if (c?.type === 'resource_link') parts.push(`[resource link ${String(c.uri ?? '')}]`);
      else parts.push(JSON.stringify(c));
    }
  }
  if (parts.length === 0 && r.structuredContent !== undefined)
    parts.push(JSON.stringify(r.structuredContent));
  if (parts.length === 0 && r.toolResult !== undefined) parts.push(JSON.stringify(r.toolResult));
  let content = parts.join('\n');
  if (content.length > maxChars)
    content = `${content.slice(0, maxChars)}\n[… output truncated: ${content.length - maxChars} characters omitted]`;
  return r.isError === true ? { content, isError: true } : { content };
}
