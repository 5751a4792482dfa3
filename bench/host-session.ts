/**
 * A long cold session in Hive's on-disk format (docs/hive-format.md §1, §2.3) for the real-host bench:
 * `agents/queens/<queen>/sessions/<sid>/` with meta.json, conversations/{meta,cursor}.json and one
 * part file per message. Users ask, the queen answers in markdown, like a long working session. The first and the newest message carry markers the bench
 * looks for in the chat.
 */
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface LongSession {
  sessionId: string;
  dir: string;
  messages: number;
  /** Text of the oldest client-visible message. */
  firstMarker: string;
  /** Text of the newest message (an assistant answer). */
  lastMarker: string;
}

const ANSWER =
  'Here is what I found in the repository:\n\n- the **parser** keeps its state in one object\n- `sum.ts` has no tests yet\n\nI would start with the tests, then refactor.';

export function writeLongSession(
  hiveHome: string,
  messages = 5000,
  queenId = 'queen_technology',
): LongSession {
  const now = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}_${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const sessionId = `session_${stamp}_b5000000`;
  const dir = path.join(hiveHome, 'agents', 'queens', queenId, 'sessions', sessionId);
  const partsDir = path.join(dir, 'conversations', 'parts');
  mkdirSync(partsDir, { recursive: true });
  const created = now.getTime() / 1000 - 86_400;
  writeFileSync(
    path.join(dir, 'meta.json'),
    JSON.stringify({ created_at: created, queen_id: queenId, agent_name: null, agent_path: null }),
  );
  writeFileSync(
    path.join(dir, 'conversations', 'meta.json'),
    JSON.stringify({ system_prompt: 'You are the queen.', max_context_tokens: 180000 }),
  );
  writeFileSync(
    path.join(dir, 'conversations', 'cursor.json'),
    JSON.stringify({ next_seq: messages, iteration: messages / 2, node_id: 'queen', outputs: {} }),
  );
  const firstMarker = 'BENCH-FIRST: shall we look at the repository?';
  const lastMarker = `BENCH-LAST: that was message ${messages}.`;
  for (let seq = 0; seq < messages; seq++) {
    const turn = Math.floor(seq / 2);
    let part: Record<string, unknown>;
    if (seq === 0) part = { seq, role: 'user', content: firstMarker, is_client_input: true };
    else if (seq === messages - 1) part = { seq, role: 'assistant', content: lastMarker };
    else if (seq % 2 === 0)
      part = { seq, role: 'user', content: `Question ${turn}: what next?`, is_client_input: true };
    else part = { seq, role: 'assistant', content: `Answer ${turn}. ${ANSWER}` };
    const file = path.join(partsDir, `${String(seq).padStart(10, '0')}.json`);
    writeFileSync(file, JSON.stringify(part));
    // Readers take a message's time from its part's mtime: spread them over the last day.
    const t = created + (seq / messages) * 86_000;
    utimesSync(file, t, t);
  }
  return { sessionId, dir, messages, firstMarker, lastMarker };
}
