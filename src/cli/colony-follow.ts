import type { LiveSession } from '../runtime/session';
import type { CliIo } from './usage';

const HEADLESS_ANSWER =
  'No user is present: this colony runs headless (hive colony run). Proceed with your best judgment ' +
  'and write down what you would have asked.';

const stamp = () => new Date().toISOString();
const oneLine = (s: string, max = 300) => {
  const flat = s.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * What `hive colony run` shows of a session while it runs (fires, the queen's replies,
 * failed turns), and its stand-in for the absent user: a question gets a standing answer and an
 * approval is denied, both printed, so her turn ends instead of waiting forever (which would hold
 * back every later fire). Returns the unsubscribe function.
 */
export function followHeadless(session: LiveSession, io: CliIo): () => void {
  const bus = session.bus;
  let reply = '';
  const offs = [
    bus.subscribe({ types: ['trigger_fired'] }, (e) => {
      const d = e.data as Record<string, unknown>;
      const next =
        typeof d.next_fire_at === 'number' ? `, next ${new Date(d.next_fire_at).toISOString()}` : '';
      io.out(`${stamp()} fired ${d.trigger_type}/${d.trigger_id} (#${d.fire_count}${next})\n`);
    }),
    bus.subscribe(
      { types: ['client_output_delta', 'llm_turn_complete', 'execution_failed'], streams: ['queen'] },
      (e) => {
        const d = e.data as { snapshot?: unknown; error?: unknown };
        if (e.type === 'client_output_delta') {
          if (typeof d.snapshot === 'string') reply = d.snapshot;
        } else if (e.type === 'llm_turn_complete') {
          if (reply.trim()) io.out(`${stamp()} queen: ${oneLine(reply)}\n`);
          reply = '';
        } else {
          io.err(`hive: ${stamp()} the queen's turn failed: ${String(d.error)}\n`);
        }
      },
    ),
    bus.subscribe({ types: ['client_input_requested', 'custom'], streams: ['queen'] }, (e) => {
      const d = e.data as {
        request_id?: unknown;
        kind?: unknown;
        tool_name?: unknown;
        questions?: { prompt: string }[];
      };
      if (typeof d.request_id !== 'string') return;
      const id = d.request_id;
      if (e.type === 'client_input_requested') {
        const asked = d.questions?.map((q) => q.prompt).join(' / ') ?? '';
        io.out(`${stamp()} queen asked: ${oneLine(asked)} (answered: nobody present)\n`);
        queueMicrotask(() => session.answerQuestion(id, HEADLESS_ANSWER));
      } else if (d.kind === 'approval_requested') {
        io.out(`${stamp()} approval for ${String(d.tool_name ?? 'a tool')} denied (headless run)\n`);
        queueMicrotask(() => session.answerApproval(id, 'deny'));
      }
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
