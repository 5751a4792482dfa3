/**
 * Which stored parts are in the model's context. Compaction never deletes part files: it appends a
 * marker part (`is_transition_marker`) whose content is the summary and names the first seq kept
 * verbatim. The context is then that summary followed by every part from that seq on, except markers.
 */
import type { ConversationPart } from './types';

const HEADER = /^\[CONTEXT COMPACTED: messages before seq (\d+) are summarised below[^\]\n]*\]\n/;

export function compactionMarkerContent(keepFromSeq: number, summary: string): string {
  return (
    `[CONTEXT COMPACTED: messages before seq ${keepFromSeq} are summarised below; ` +
    `the full transcript is kept on disk]\n\n${summary.trim()}`
  );
}

/** The seq a compaction marker keeps from, or undefined when the part is not one of our markers. */
export function compactionKeepFrom(part: ConversationPart): number | undefined {
  if (!part.is_transition_marker || part.role !== 'user' || typeof part.content !== 'string')
    return undefined;
  const m = HEADER.exec(part.content);
  return m ? Number(m[1]) : undefined;
}

export interface ContextView {
  /** The parts to send, summary marker first when there is one. */
  parts: ConversationPart[];
  /** The marker in force, if any. */
  marker?: ConversationPart;
}

export function selectContext(all: ConversationPart[]): ContextView {
  let marker: ConversationPart | undefined;
  let keepFrom = 0;
  for (const p of all) {
    const k = compactionKeepFrom(p);
    if (k !== undefined && (!marker || p.seq > marker.seq)) {
      marker = p;
      keepFrom = k;
    }
  }
  if (!marker) return { parts: all };
  const rest = all.filter((p) => p.seq >= keepFrom && compactionKeepFrom(p) === undefined);
  return { parts: [marker, ...rest], marker };
}
