import type { ConversationPart, ConversationStore } from '../../src/runtime/agent';

/** A ConversationStore in memory, storing parts the way Hive does (false/undefined keys omitted). */
export class MemoryStore implements ConversationStore {
  readonly parts: ConversationPart[] = [];

  constructor(initial: Array<Omit<ConversationPart, 'seq'> & { seq?: number }> = []) {
    for (const p of initial) this.parts.push(clean({ ...p, seq: p.seq ?? this.parts.length }));
  }

  async readAll(): Promise<ConversationPart[]> {
    return this.parts.map((p) => structuredClone(p));
  }

  async append(part: Omit<ConversationPart, 'seq'>): Promise<ConversationPart> {
    const seq = this.parts.length ? this.parts.at(-1)!.seq + 1 : 0;
    const stored = clean({ ...part, seq } as ConversationPart);
    this.parts.push(stored);
    return structuredClone(stored);
  }
}

function clean(p: ConversationPart): ConversationPart {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(p))
    if (v !== undefined && v !== false && (v !== null || k === 'content')) out[k] = v;
  if (!('content' in out)) out.content = null;
  return out as unknown as ConversationPart;
}
