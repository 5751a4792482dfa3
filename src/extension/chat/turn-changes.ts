// The files each assistant turn changed, from the runtime's `checkpoint_recorded` events (live, or
// replayed from events.jsonl): one chat row per turn, with "Restore files to before this turn".
// Cline offers the same per message from its shadow-git checkpoints. Pure: no vscode, no I/O.
import type { ChatMessage } from '../../shared/protocol';
import { laneIdOf } from './worker-lanes';

type ChangesMessage = Extract<ChatMessage, { kind: 'changes' }>;

interface TurnChange {
  message: ChangesMessage;
  /** The message the row follows in history: the queen's last changing call, or the worker's lane. */
  anchor: string | null;
}

/** Worker turns count in their own conversation, so the id says whose turn it is. */
export function changesIdOf(requester: string, turnId: string): string {
  return requester === 'queen' ? `changes-${turnId}` : `changes-${requester}-${turnId}`;
}

export class TurnChanges {
  private readonly turns = new Map<string, TurnChange>();

  /** A `custom` event's data; returns the row to show (new or grown), or undefined if it is no checkpoint. */
  apply(d: Record<string, unknown>): ChangesMessage | undefined {
    if (d.kind !== 'checkpoint_recorded') return undefined;
    const turnId = typeof d.turn_id === 'number' || typeof d.turn_id === 'string' ? String(d.turn_id) : '';
    const file = typeof d.path === 'string' ? d.path : '';
    if (!turnId || !file) return undefined;
    const requester = typeof d.requester === 'string' && d.requester ? d.requester : 'queen';
    const id = changesIdOf(requester, turnId);
    let turn = this.turns.get(id);
    if (!turn) {
      turn = { message: { kind: 'changes', id, turnId, requester, files: [] }, anchor: null };
      this.turns.set(id, turn);
    }
    if (!turn.message.files.includes(file)) turn.message.files = [...turn.message.files, file];
    turn.anchor =
      requester === 'queen'
        ? typeof d.tool_use_id === 'string'
          ? d.tool_use_id
          : turn.anchor
        : laneIdOf(requester);
    return turn.message;
  }

  rows(): TurnChange[] {
    return [...this.turns.values()];
  }

  /** Every file any turn changed. */
  files(): string[] {
    return [...new Set([...this.turns.values()].flatMap((t) => t.message.files))].sort();
  }
}
