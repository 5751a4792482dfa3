// The outcomes of a session's past approvals, for the tool cards of its history: read from the
// session's events.jsonl (the transcript only says whether a call ran). No vscode.
import path from 'node:path';
import { readSessionDigest } from '../../runtime/events/session-digest';
import type { ApprovalOutcome } from '../../shared/protocol';
import { errorText } from './session-sources';

/** A session that knows its folder (live and cold sessions both do) may cache its digest. */
interface WithFolder {
  readonly dir?: unknown;
  approvalOutcomes?(): Promise<ReadonlyMap<string, ApprovalOutcome>>;
}

export async function approvalHistory(
  session: object,
  log: { warn(message: string): void },
): Promise<ReadonlyMap<string, ApprovalOutcome>> {
  const s = session as WithFolder;
  try {
    if (typeof s.approvalOutcomes === 'function') return await s.approvalOutcomes();
    if (typeof s.dir !== 'string') return new Map();
    return (await readSessionDigest(path.join(s.dir, 'events.jsonl'))).approvals;
  } catch (err) {
    log.warn(`Chat: reading the approvals of a session failed: ${errorText(err)}`);
    return new Map();
  }
}
