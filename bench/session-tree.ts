/**
 * A Hive home for the listing benchmarks, today's layout (`queens/<q>/sessions/<sid>/`) unless `dirFor` says
 * otherwise: each session has a meta.json and `parts` part files (user, assistant tool call, tool result,
 * user, assistant text, repeating).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const QUEENS = [
  'queen_technology',
  'queen_growth',
  'queen_product_strategy',
  'queen_finance_fundraising',
];
const LOREM =
  'The colony finished the survey of the repository and found three modules that need tests before the refactor can start. ';

export function benchSessionId(i: number): string {
  const d = new Date(Date.UTC(2025, 0, 1) + i * 3_600_000);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}_${p(d.getUTCHours())}0000`;
  return `session_${stamp}_${((i * 2654435761) >>> 0).toString(16).padStart(8, '0')}`;
}

/** Session `i`'s folder: today's layout by default. */
export type SessionDirFor = (home: string, i: number, queen: string, sid: string) => string;
const todaysLayout: SessionDirFor = (home, _i, queen, sid) =>
  path.join(home, 'queens', queen, 'sessions', sid);

/** Writes `sessions` sessions of `parts` parts each; returns the session folders. */
export function writeSessionTree(
  home: string,
  sessions: number,
  parts: number,
  dirFor: SessionDirFor = todaysLayout,
): string[] {
  const dirs: string[] = [];
  const toolCall = [
    { id: 'call_1', type: 'function', function: { name: 'read_file', arguments: '{"path":"a"}' } },
  ];
  for (let i = 0; i < sessions; i++) {
    const queen = QUEENS[i % QUEENS.length]!;
    const dir = dirFor(home, i, queen, benchSessionId(i));
    const partsDir = path.join(dir, 'conversations', 'parts');
    mkdirSync(partsDir, { recursive: true });
    writeFileSync(
      path.join(dir, 'meta.json'),
      JSON.stringify({
        created_at: 1_735_689_600 + i * 3600,
        queen_id: queen,
        agent_name: null,
        agent_path: null,
      }),
    );
    for (let seq = 0; seq < parts; seq++) {
      const r = seq % 5;
      const part =
        r === 0 || r === 3
          ? { seq, role: 'user', content: `${LOREM.slice(0, 40 + (seq % 60))} #${i}`, is_client_input: true }
          : r === 1
            ? { seq, role: 'assistant', content: null, tool_calls: toolCall }
            : r === 2
              ? { seq, role: 'tool', content: LOREM.repeat(3), tool_use_id: 'call_1' }
              : { seq, role: 'assistant', content: `${LOREM} (session ${i}, turn ${seq})` };
      writeFileSync(path.join(partsDir, `${String(seq).padStart(10, '0')}.json`), JSON.stringify(part));
    }
    dirs.push(dir);
  }
  return dirs;
}
