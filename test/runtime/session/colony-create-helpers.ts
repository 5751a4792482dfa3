import { type RecordedRequest, reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { isUserTurn, lastText, systemOf } from './colony-helpers';

/** A scripted queen that incubates and creates a colony (runtime and CLI tests of create_colony). */

export const VERDICT_READY =
  '{"ready": true, "reasons": ["recurring digest, settled"], "missing_prerequisites": []}';
export const VERDICT_NOT_READY =
  '{"ready": false, "reasons": ["schedule not settled"], "missing_prerequisites": ["user hasn\'t confirmed the schedule"]}';

export const isEvaluator = (req: RecordedRequest) => systemOf(req).includes('You gate whether a queen agent');
export const isSummary = (req: RecordedRequest) =>
  systemOf(req).includes('You compact the conversation history');

export const COLONY_ARGS = {
  colony_name: 'morning_digest',
  task: 'Every morning, collect the open issues of the repo and write digest.md in the workspace.',
  skill_name: 'digest-protocol',
  skill_description: 'How to build the morning digest of open issues.',
  skill_body: '# Digest\n\n1. List the open issues.\n2. Write digest.md with one line each.\n',
  skill_files: [{ path: 'scripts/list.sh', content: 'echo issues\n' }],
  tasks: [
    { goal: 'Digest for Monday', priority: 2, steps: [{ title: 'list issues' }] },
    { goal: 'Digest for Tuesday', sop_items: [{ key: 'reviewed', description: 'a human looked at it' }] },
  ],
  concurrency_hint: 1,
  triggers: [
    { id: 'daily', trigger_type: 'timer', trigger_config: { cron: '0 9 * * *' }, task: 'Write the digest' },
    {
      id: 'push',
      trigger_type: 'webhook',
      trigger_config: { path: '/hooks/push' },
      task: 'Refresh the digest',
    },
  ],
};

/** The queen: incubation on the user's message, create_colony once approved, then a closing line. */
export function scriptedQueen(
  server: ScriptedServer,
  verdict: string,
  args: Record<string, unknown> = COLONY_ARGS,
) {
  server.setResponder((req) => {
    if (isEvaluator(req)) return reply.text(verdict);
    if (isSummary(req)) return reply.text('Summary: the user wants a morning digest of open issues.');
    if (isUserTurn(req, 'make it a colony'))
      return reply.toolUse('start_incubating_colony', {
        colony_name: 'morning_digest',
        intended_purpose: 'A daily digest of open issues, every morning at 09:00 UTC.',
      });
    const last = lastText(req);
    if (last.includes('Approved to incubate')) return reply.toolUse('create_colony', args);
    return reply.text('All set.');
  });
}
