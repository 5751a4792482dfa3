import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openColdSession } from '../../../src/extension/chat/cold-session';
import { historyMessages } from '../../../src/extension/chat/history-messages';
import { isInternalText, systemRowsFromText } from '../../../src/extension/chat/system-rows';
import {
  WORKER_UNLOADED_TEXT,
  workerEscalationText,
  workerReportText,
} from '../../../src/runtime/colony/runtime/texts';
import { readSessionDigest } from '../../../src/runtime/events/session-digest';
import { phaseChangeText } from '../../../src/runtime/queen/phases';
import type { SessionManager } from '../../../src/runtime/session';
import type { ConversationPart } from '../../../src/runtime/storage/parts';
import { formatTriggerBatch } from '../../../src/runtime/triggers/injection';
import type { ChatMessage } from '../../../src/shared/protocol';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, recordingWriteTool, removeDir, tempDir } from '../session/helpers';
import { BridgeHarness } from './helpers';

const MARKERS = /\[(PHASE CHANGE|SYSTEM|WORKER_REPORT|WORKER_ESCALATION|TRIGGER: )/;

/** Everything a row shows (title, summary, detail), for "never raw" checks. */
function shown(rows: readonly ChatMessage[]): string {
  return rows
    .map((r) => (r.kind === 'system' ? [r.title, r.summary, r.detail].join('\n') : JSON.stringify(r)))
    .join('\n');
}

const COLONY_LOADED =
  '[SYSTEM] Colony loaded.\n\n# Worker Profile\nAgent: sample_docs\nPath: /tmp/sample_docs\n' +
  'Goal: Keep the docs current\n\n## Worker Tools\nread_file, write_file\n\nStatus at session start: idle (not started).';

describe('system rows (the runtime’s texts to the queen, never shown raw)', () => {
  it('phase changes, colony load/unload, reports, escalations and trigger fires become compact rows', () => {
    const phase = systemRowsFromText(phaseChangeText('reviewing', ['list_triggers', 'set_trigger']), 'a');
    assert.deepEqual(phase, [
      { kind: 'system', id: 'a', event: 'phase', title: 'Phase: reviewing', summary: null, detail: null },
    ]);
    const incubating = systemRowsFromText(phaseChangeText('incubating', ['create_colony'], 'my_docs'), 'b');
    assert.equal(incubating?.[0]?.title, 'Phase: incubating (colony My Docs)');

    const loaded = systemRowsFromText(COLONY_LOADED, 'c')?.[0];
    assert.equal(loaded?.kind === 'system' && loaded.title, 'Colony Sample Docs loaded');
    assert.equal(loaded?.kind === 'system' && loaded.summary, 'Keep the docs current');
    assert.match(
      loaded?.kind === 'system' ? (loaded.detail ?? '') : '',
      /^# Worker Profile/,
      'profile folded',
    );

    const unloaded = systemRowsFromText(WORKER_UNLOADED_TEXT, 'd')?.[0];
    assert.equal(unloaded?.kind === 'system' && unloaded.title, 'Colony unloaded');

    const report = systemRowsFromText(
      workerReportText({
        worker_id: 'w_1',
        colony_id: 'sample_docs',
        task: 't',
        status: 'success',
        summary: 'Updated 3 pages',
        data: { pages: 3 },
        error: null,
        duration_seconds: 4.25,
        tokens_used: 10,
      }),
      'e',
    )?.[0];
    assert.deepEqual(report, {
      kind: 'system',
      id: 'e',
      event: 'report',
      title: 'Worker w_1 reported: success (4.3s)',
      summary: 'Updated 3 pages',
      detail: 'data: {\n  "pages": 3\n}',
    });

    const escalation = systemRowsFromText(
      workerEscalationText({
        requestId: 'r1',
        workerId: 'w_2',
        nodeId: 'worker',
        reason: 'Which branch?',
        context: 'main or dev',
      }),
      'f',
    )?.[0];
    assert.deepEqual(
      escalation && [
        escalation.kind === 'system' && escalation.title,
        escalation.kind === 'system' && escalation.summary,
      ],
      ['Worker w_2 asked the queen', 'Which branch?'],
    );
    assert.equal(escalation?.kind === 'system' && escalation.detail, 'main or dev');
    assert.equal(systemRowsFromText('hello [SYSTEM] there', 'g'), undefined, 'ordinary text is left alone');
    assert.equal(isInternalText('  [WORKER_REPORT]\nx'), true);
  });

  it('a webhook fire shows its body folded and never curl’s headers; a batch gives one row per fire', () => {
    const text = formatTriggerBatch([
      {
        trigger_id: 'on_push',
        trigger_type: 'webhook',
        payload: {
          task: 'Summarise the push',
          path: '/hooks/on_push',
          method: 'POST',
          headers: { 'user-agent': 'curl/8.5.0', accept: '*/*', 'x-hive-secret': 's3cret' },
          payload: { ref: 'refs/heads/main' },
          query_params: {},
        },
      },
      {
        trigger_id: 'nightly',
        trigger_type: 'timer',
        payload: { task: 'Check the docs', trigger_config: { cron: '0 3 * * *' }, catch_up: true },
      },
    ]);
    const rows = systemRowsFromText(text, 'p7') ?? [];
    assert.deepEqual(
      rows.map((r) => (r.kind === 'system' ? [r.id, r.event, r.title, r.summary] : [])),
      [
        ['p7', 'trigger', 'Webhook on_push fired', 'Task: Summarise the push'],
        ['p7-1', 'trigger', 'Timer nightly fired', 'Task: Check the docs'],
      ],
    );
    const webhook = rows[0]?.kind === 'system' ? (rows[0].detail ?? '') : '';
    assert.deepEqual(JSON.parse(webhook), {
      request: 'POST /hooks/on_push',
      payload: { ref: 'refs/heads/main' },
    });
    assert.doesNotMatch(shown(rows), /curl|user-agent|s3cret|x-hive-secret/);
    assert.deepEqual(JSON.parse(rows[1]?.kind === 'system' ? (rows[1].detail ?? '') : ''), {
      catch_up: true,
    });
  });

  it('history: internal user parts and a fork’s inherited summary are system rows; the user’s own text is not', () => {
    const parts: ConversationPart[] = [
      {
        seq: 0,
        role: 'user',
        content: 'Summary of the parent chat',
        inherited_from: 'session_20260101_000000_aaaaaaaa',
      },
      { seq: 1, role: 'user', content: 'hello', is_client_input: true },
      { seq: 2, role: 'user', content: COLONY_LOADED },
      { seq: 3, role: 'user', content: phaseChangeText('working', ['run_parallel_workers']) },
      {
        seq: 4,
        role: 'user',
        content: formatTriggerBatch([{ trigger_id: 'x', trigger_type: 'timer', payload: { task: 'go' } }]),
        is_trigger: true,
      },
      { seq: 5, role: 'assistant', content: 'On it.' },
    ];
    const out = historyMessages(parts);
    assert.deepEqual(
      out.map((m) => [
        m.kind,
        m.kind === 'system' ? m.title : m.kind === 'user' || m.kind === 'assistant' ? m.text : '',
      ]),
      [
        ['system', 'Continued from session session_20260101_000000_aaaaaaaa'],
        ['user', 'hello'],
        ['system', 'Colony Sample Docs loaded'],
        ['system', 'Phase: working'],
        ['system', 'Timer x fired'],
        ['assistant', 'On it.'],
      ],
    );
    assert.doesNotMatch(
      shown(out.filter((m) => m.kind === 'system').map((m) => ({ ...m, detail: null }))),
      MARKERS,
    );
  });
});

describe('approvals and usage survive a resume (events.jsonl)', () => {
  let server: ScriptedServer;
  let home: string;
  let mgr: SessionManager;
  const calls: string[] = [];

  beforeEach(async () => {
    server = await startScriptedServer();
    home = tempDir('hive-sysrows-');
    calls.length = 0;
    mgr = managerFor(home, server, { extraTools: () => [recordingWriteTool(calls)] });
  });
  afterEach(async () => {
    await mgr.stopAll();
    await server.close();
    removeDir(home);
  });

  it('a past session shows its tool cards with the approval outcome and its usage; resuming goes on from it', async () => {
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const h = new BridgeHarness(mgr);
    h.bridge.attach(s);
    await h.next('history');
    server.enqueue(
      reply.toolUse('write_note', { text: 'yes' }),
      reply.toolUse('write_note', { text: 'no' }),
      reply.text('One written, one refused.'),
    );
    let from = h.posts.length;
    await h.bridge.handle({ type: 'sendMessage', text: 'write two notes' });
    const first = await h.next('approvalRequest', () => true, from);
    await h.bridge.handle({ type: 'approvalAnswer', id: first.id, approve: true });
    from = h.posts.length;
    const second = await h.next('approvalRequest', () => true, from);
    await h.bridge.handle({ type: 'approvalAnswer', id: second.id, approve: false });
    await h.next('usage', () => true, from);
    const spent = { ...s.usage };
    assert.ok(spent.output_tokens > 0, JSON.stringify(spent));

    // A redraw of the live session already shows the outcomes.
    from = h.posts.length;
    await h.bridge.handle({ type: 'ready' });
    const live = await h.next('history', () => true, from);
    const outcomes = (msgs: readonly ChatMessage[]) =>
      msgs.flatMap((m) => (m.kind === 'tool' ? [[m.input, m.status, m.approval?.decision]] : []));
    assert.deepEqual(outcomes(live.messages), [
      [{ text: 'yes' }, 'done', 'approved'],
      [{ text: 'no' }, 'denied', 'denied'],
    ]);
    h.bridge.dispose();
    await mgr.stopSession(s.id);

    // The past session, read from disk: same cards, same usage.
    const digest = await readSessionDigest(path.join(s.dir, 'events.jsonl'));
    assert.deepEqual(
      [digest.usage.input_tokens, digest.usage.output_tokens, digest.usage.turns],
      [spent.input_tokens, spent.output_tokens, spent.turns],
    );
    const cold = await openColdSession(home, s.id);
    assert.ok(cold);
    const hc = new BridgeHarness(mgr);
    hc.bridge.attach(cold);
    const snap = await hc.next('snapshot', () => true, 0);
    assert.equal(snap.session?.usage.outputTokens, spent.output_tokens);
    assert.ok((snap.session?.usage.inputTokens ?? 0) > 0, 'tokens are not reset to 0');
    const page = await hc.next('history', () => true, 0);
    assert.deepEqual(outcomes(page.messages), outcomes(live.messages));

    // Resumed: the totals go on from what was spent.
    server.enqueue(reply.text('Still here.'));
    from = hc.posts.length;
    await hc.bridge.handle({ type: 'sendMessage', text: 'again' });
    const usage = await hc.next('usage', () => true, from);
    assert.ok(usage.usage.outputTokens > spent.output_tokens, 'usage continues after the resume');
    assert.deepEqual(hc.invalid, []);
    hc.bridge.dispose();
  });

  it('a log Hive wrote (no usage totals) is summed from llm_turn_complete; torn lines are skipped', async () => {
    const dir = tempDir('hive-digest-');
    const file = path.join(dir, 'events.jsonl');
    const line = (o: unknown) => `${JSON.stringify(o)}\n`;
    writeFileSync(
      file,
      line({
        type: 'llm_turn_complete',
        stream_id: 'queen',
        data: { model: 'claude-sonnet-4-5', input_tokens: 1000, output_tokens: 100, cached_tokens: 400 },
      }) +
        line({
          type: 'tool_call_started',
          stream_id: 'queen',
          data: { tool_use_id: 'tu_1', tool_name: 'write_file' },
        }) +
        line({
          type: 'custom',
          stream_id: 'queen',
          data: { kind: 'approval_requested', request_id: 'r1', category: 'write' },
        }) +
        line({
          type: 'custom',
          stream_id: 'queen',
          data: { kind: 'approval_resolved', request_id: 'r1', decision: 'cancelled' },
        }) +
        line({
          type: 'llm_turn_complete',
          stream_id: 'worker:w1',
          data: { model: 'claude-sonnet-4-5', input_tokens: 10, output_tokens: 5, cached_tokens: 0 },
        }),
    );
    appendFileSync(file, '{"type":"llm_turn_comp');
    const d = await readSessionDigest(file);
    assert.deepEqual(
      [d.usage.input_tokens, d.usage.cache_read_input_tokens, d.usage.output_tokens, d.usage.turns],
      [610, 400, 105, 1],
    );
    // 610 × $3 + 400 × $0.30 + 105 × $15 per million
    assert.equal(d.usage.cost_usd, 0.003525);
    assert.deepEqual([...d.approvals], [['tu_1', { category: 'write', decision: 'cancelled' }]]);
    assert.deepEqual((await readSessionDigest(path.join(dir, 'missing.jsonl'))).usage.turns, 0);
    removeDir(dir);
  });
});
