import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { HiveEvent } from '../../../src/runtime/events';
import { type RecordedRequest, reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import {
  afterTool,
  fixtureColonyCopy,
  gate,
  isUserTurn,
  isWorkerRequest,
  lastText,
  router,
  taskOf,
  textOf,
  toolResultsOf,
  useColonyTestEnv,
  waitFor,
  workerTurn,
  workspaceColony,
} from './colony-helpers';
import { customKind, managerFor, nextEvent, record } from './helpers';

function offeredTools(req: RecordedRequest): string[] {
  return ((req.body.tools ?? []) as Array<{ name: string }>).map((t) => t.name);
}

const reports = (events: HiveEvent[]) => events.filter((e) => e.type === 'subagent_report');

describe('colony runtime in a live session', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('the queen runs 3 workers in parallel and receives 3 [WORKER_REPORT]s', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    // Every worker's first call is held until all three are in flight: they run at the same time.
    const firstCalls = new Set<string>();
    const allIn = gate();
    server.setResponder(
      router(
        (req) =>
          afterTool(req) || !lastText(req).includes('count the three things')
            ? reply.text('Noted.')
            : reply.toolUse('run_parallel_workers', {
                tasks: [{ task: 'Count A' }, { task: 'Count B' }, { task: 'Count C', data: { n: 3 } }],
              }),
        async (req) => {
          const task = taskOf(req);
          firstCalls.add(task);
          if (firstCalls.size === 3) allIn.open();
          await allIn.wait;
          return reply.toolUse('report_to_parent', {
            status: 'success',
            summary: `done ${task}`,
            data: { task },
          });
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    assert.equal(
      s.phase,
      'working',
      'docs/hive-format.md §3 rule 4: a session created with a colony starts WORKING',
    );
    assert.equal(s.colony?.name, 'proj');
    const seen = record(s);
    await s.send('count the three things');
    await waitFor(() => reports(seen).length === 3, 'three reports');
    await waitFor(() => s.phase === 'reviewing' && !s.busy, 'the queen to review');

    assert.deepEqual([...firstCalls].sort(), ['Count A', 'Count B', 'Count C']);
    // Every worker call (10 input tokens each on the scripted server) is in the session's totals, on
    // top of the queen's own; a queen call cut short by an arriving report has no usage to count.
    const workerCalls = server.requests.filter(isWorkerRequest).length;
    await waitFor(() => s.usage.input_tokens >= 10 * (workerCalls + 1), "workers' usage in the totals");
    assert.ok(s.usage.input_tokens <= 10 * server.requests.length);
    const ids = reports(seen).map((e) => String(e.data.worker_id));
    assert.equal(new Set(ids).size, 3);
    for (const e of reports(seen)) {
      assert.equal(e.stream_id, `worker:${e.data.worker_id}`);
      assert.equal(e.data.status, 'success');
      assert.equal(e.colony_id, 'proj');
    }
    // Every report reached the live queen loop, in Hive's words.
    const queenText = server.requests
      .filter((r) => !isWorkerRequest(r))
      .map(textOf)
      .join('\n');
    for (const id of ids)
      assert.ok(queenText.includes(`[WORKER_REPORT]\\nworker_id: ${id}\\nstatus: success`), id);
    assert.match(queenText, /summary: done Count C\\ndata: \{\\"task\\":\\"Count C\\"\}/);
    const state = s.colonyState();
    assert.deepEqual(
      { ...state, escalations: state?.escalations.length },
      { name: 'proj', path: folder, workers_running: 0, workers_done: 3, escalations: 0 },
    );
    // docs/hive-format.md §3 Rule 15: each worker's folder holds the queen's conversation plus the task.
    for (const id of ids) {
      const parts = path.join(s.dir, 'workers', id, 'conversations', 'parts');
      const files = readdirSync(parts).sort();
      const taskPart = files
        .map((f) => JSON.parse(readFileSync(path.join(parts, f), 'utf8')))
        .find((p) => String(p.content).startsWith('# New task delegated by the queen'));
      assert.ok(taskPart, `task part of ${id}`);
      const contents = files.map((f) =>
        String(JSON.parse(readFileSync(path.join(parts, f), 'utf8')).content),
      );
      assert.match(contents[0]!, /^\[SYSTEM\] Colony loaded\./, 'the queen conversation comes first');
      assert.ok(contents.includes('count the three things'));
    }
    const worker = server.requests.find((r) => isWorkerRequest(r) && taskOf(r) === 'Count C')!;
    assert.match(textOf(worker), /task: Count C\\nn: 3/);
    assert.doesNotMatch(
      textOf(worker),
      /run_parallel_workers|Tool execution was interrupted/,
      'no open queen call',
    );
    assert.ok(offeredTools(worker).includes('report_to_parent'));
    assert.ok(offeredTools(worker).includes('write_file'));
    assert.ok(!offeredTools(worker).includes('run_parallel_workers'), 'no queen tool reaches a worker');
    await mgr.stopAll();
  });

  it('runs at most `colonyConcurrency` workers at once; the rest wait for a slot', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server, { colonyConcurrency: 2 });
    let inFlight = 0;
    let maxInFlight = 0;
    const release = gate();
    server.setResponder(
      router(
        (req) =>
          !isUserTurn(req, 'go')
            ? reply.text('ok')
            : reply.toolUse('run_parallel_workers', {
                tasks: ['T1', 'T2', 'T3', 'T4'].map((task) => ({ task })),
              }),
        async () => {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          await release.wait;
          inFlight--;
          return reply.toolUse('report_to_parent', { status: 'success', summary: 'ok' });
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    await s.send('go');
    await waitFor(() => inFlight === 2, 'two workers in flight');
    assert.deepEqual(s.colonyState()?.workers_running, 4, 'queued workers count as running');
    release.open();
    await waitFor(() => reports(seen).length === 4, 'four reports');
    assert.equal(maxInFlight, 2);
    await mgr.stopAll();
  });

  it('a report reaches the live queen loop even after the loop was revived (Hive bug §5.9, docs/hive-format.md)', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const release = gate();
    server.setResponder(
      router(
        (req) =>
          !isUserTurn(req, 'start it')
            ? reply.text('Seen.')
            : reply.toolUse('run_parallel_workers', { tasks: [{ task: 'late job' }] }),
        async () => {
          await release.wait;
          return reply.toolUse('report_to_parent', { status: 'success', summary: 'late but done' });
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    await s.send('start it');
    const before = server.requests.length;
    mgr.reviveQueen(s.id);
    release.open();
    await waitFor(
      () =>
        server.requests
          .slice(before)
          .some((r) => !isWorkerRequest(r) && lastText(r).includes('[WORKER_REPORT]')),
      'the report at the revived queen',
    );
    await waitFor(() => !s.busy, 'the queen');
    assert.match((await s.history()).at(-1)?.content ?? '', /Seen\./);
    await mgr.stopAll();
  });

  it('an escalation reaches the queen, and her reply_to_worker reaches the worker', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    server.setResponder(
      router(
        (req) => {
          const t = lastText(req);
          const asked = /request_id: ([0-9a-f]+)/.exec(t);
          if (afterTool(req)) return reply.text('Done with that.');
          if (t.includes('[WORKER_REPORT]')) return reply.text('All done.');
          if (asked) return reply.toolUse('reply_to_worker', { request_id: asked[1], reply: 'Use 2025.' });
          return reply.toolUse('run_parallel_workers', { tasks: [{ task: 'Fetch the report' }] });
        },
        (req) =>
          workerTurn(req) === 0
            ? reply.toolUse('escalate', { reason: 'Which year?', context: 'The folder has 2024 and 2025.' })
            : reply.toolUse('report_to_parent', { status: 'success', summary: 'used the answer' }),
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    await s.send('fetch it');
    await waitFor(() => reports(seen).length === 1, 'the report');
    await waitFor(() => !s.busy, 'the queen');

    const escalation = seen.find((e) => e.type === 'escalation_requested')!;
    const requestId = String(escalation.data.request_id);
    assert.match(requestId, /^[0-9a-f]{32}$/);
    assert.equal(escalation.data.reason, 'Which year?');
    const queenSaw = server.requests
      .filter((r) => !isWorkerRequest(r))
      .map(textOf)
      .join('\n');
    assert.ok(queenSaw.includes(`[WORKER_ESCALATION]\\nrequest_id: ${requestId}\\nworker_id: `));
    assert.ok(queenSaw.includes('reason: Which year?\\ncontext:\\nThe folder has 2024 and 2025.'));
    const workerSecond = server.requests.filter(isWorkerRequest).find((r) => workerTurn(r) === 1)!;
    const results = toolResultsOf(workerSecond).map((r) => JSON.stringify(r.content));
    assert.ok(
      results.some((c) => c.includes(`[QUEEN_REPLY] request_id=${requestId}\\nUse 2025.`)),
      'the queen reply is the escalate result',
    );
    const states = seen
      .filter(customKind('colony_state'))
      .map((e) => e.data.colony as { escalations: unknown[] });
    assert.ok(
      states.some((c) => c?.escalations.length === 1),
      'the open escalation was shown',
    );
    assert.equal(s.colonyState()?.escalations.length, 0, 'answered escalations leave the inbox');
    await mgr.stopAll();
  });

  it('with no live queen loop an escalation goes to the user, and replyToEscalation answers it', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    server.setResponder(
      router(
        () => reply.text('ok'),
        (req) =>
          workerTurn(req) === 0
            ? reply.toolUse('escalate', { reason: 'Need a token' })
            : reply.toolUse('report_to_parent', { status: 'partial', summary: 'got it' }),
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    s.queenDead = true; // the queen loop broke; the user answers instead
    s.colonyRuntimeForTests!.spawnBatch([{ task: 'needs a token' }], { softMs: 60_000, hardMs: 120_000 });
    await waitFor(() => seen.some((e) => e.type === 'client_input_requested'), 'the question to the user');
    const asked = seen.find((e) => e.type === 'client_input_requested')!;
    const requestId = String(asked.data.request_id);
    assert.match(JSON.stringify(asked.data.questions), /\[WORKER_ESCALATION\]/);
    assert.equal(s.colonyState()?.escalations[0]?.request_id, requestId);
    assert.equal(s.colonyState()?.escalations[0]?.reason, 'Need a token');
    await s.replyToEscalation(requestId, 'token is in .env');
    await waitFor(() => reports(seen).length === 1, 'the report');
    assert.equal(reports(seen)[0]?.data.status, 'partial');
    const second = server.requests.filter(isWorkerRequest).find((r) => workerTurn(r) === 1)!;
    assert.match(JSON.stringify(toolResultsOf(second)), /token is in \.env/);
    await assert.rejects(s.replyToEscalation(requestId, 'again'), /no pending escalation/);
    await mgr.stopAll();
  });

  it("a worker's write tool asks the session's approval broker (worker_id in the request)", async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    server.setResponder(
      router(
        (req) =>
          !isUserTurn(req, 'go')
            ? reply.text('ok')
            : reply.toolUse('run_parallel_workers', { tasks: [{ task: 'write' }] }),
        (req) =>
          workerTurn(req) === 0
            ? reply.toolUse('write_file', { path: 'notes/out.txt', content: 'from the worker' })
            : reply.toolUse('report_to_parent', { status: 'success', summary: 'written' }),
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    const asked = nextEvent(s, customKind('approval_requested'));
    await s.send('go');
    const req = (await asked).data as Record<string, unknown>;
    assert.equal(req.tool_name, 'write_file');
    assert.equal(req.category, 'write');
    assert.match(String(req.worker_id), /^session_\d{8}_\d{6}_[0-9a-f]{8}$/);
    assert.equal(existsSync(path.join(folder, 'notes', 'out.txt')), false, 'nothing written before approval');
    s.stopTurn();
    assert.deepEqual(s.pendingApprovals, [req.request_id], "the queen's Stop leaves a worker's request");
    s.answerApproval(String(req.request_id), 'approve');
    await waitFor(() => reports(seen).length === 1, 'the report');
    assert.equal(readFileSync(path.join(folder, 'notes', 'out.txt'), 'utf8'), 'from the worker');
    await mgr.stopAll();
  });

  it('a worker tool call that leaves the colony folder is refused', async () => {
    const folder = await workspaceColony(work);
    writeFileSync(path.join(work, 'secret.txt'), 'TOP-SECRET');
    const mgr = managerFor(home, server, { autoApprove: ['write'] });
    server.setResponder(
      router(
        (req) =>
          !isUserTurn(req, 'go')
            ? reply.text('ok')
            : reply.toolUse('run_parallel_workers', { tasks: [{ task: 'peek' }] }),
        (req) => {
          const turn = workerTurn(req);
          if (turn === 0) return reply.toolUse('read_file', { path: '../secret.txt' });
          if (turn === 1)
            return reply.toolUse('write_file', { path: path.join(work, 'evil.txt'), content: 'x' });
          return reply.toolUse('report_to_parent', { status: 'failed', summary: 'blocked' });
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    await s.send('go');
    await waitFor(() => reports(seen).length === 1, 'the report');
    const done = seen.filter((e) => e.type === 'tool_call_completed' && e.stream_id.startsWith('worker:'));
    const read = done.find((e) => e.data.tool_name === 'read_file')!;
    const write = done.find((e) => e.data.tool_name === 'write_file')!;
    assert.equal(read.data.is_error, true);
    assert.equal(write.data.is_error, true);
    assert.doesNotMatch(String(read.data.result), /TOP-SECRET/);
    assert.match(String(read.data.result), /not allowed; use a path inside the colony folder/);
    assert.equal(existsSync(path.join(work, 'evil.txt')), false);
    await mgr.stopAll();
  });

  it("Hive's fixture colony loads into a live session; the queen's next request has Hive's text", async () => {
    const folder = fixtureColonyCopy(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    assert.equal(s.colony, null);
    const info = await s.loadColony(folder);
    assert.equal(info.name, 'research_colony');
    const loaded = seen.find((e) => e.type === 'worker_colony_loaded')!;
    assert.deepEqual(loaded.data, {
      colony_id: 'research_colony',
      colony_name: 'research_colony',
      agent_path: folder,
      goal: 'Collect the release notes of the last three versions and sum',
      node_count: 1,
    });
    assert.equal(s.phase, 'reviewing');
    const meta = JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8'));
    assert.equal(meta.agent_path, folder);
    assert.equal(meta.agent_name, 'Research Colony');

    server.enqueue(reply.text('I see the colony.'));
    await s.send('what can you do now?');
    const req = server.requests.at(-1)!;
    const msgs = JSON.stringify(req.body.messages);
    const expected = [
      '[SYSTEM] Colony loaded.',
      '',
      '# Worker Profile',
      'Agent: research_colony',
      `Path: ${folder}`,
      'Goal: Collect the release notes of the last three versions and sum',
      'Description: Collect the release notes of the last three versions and summarise them',
      '',
      '## Worker Tools',
    ].join('\n');
    assert.ok(msgs.includes(JSON.stringify(expected).slice(1, -1)), msgs);
    assert.ok(msgs.includes('Status at session start: idle (not started).'));
    // Hive listed every trigger as inactive although it had started them (Hive's bug, docs/hive-format.md §5.5); the session's
    // triggers started both (`enabled` absent = on), so both are listed as active.
    assert.match(
      msgs,
      /Active triggers \(already running — use remove_trigger to stop one\):\\n {2}- daily_digest \(timer: at 09:00 daily \(UTC\)\) -> task: \\"Summarise what changed since yesterday\\"/,
    );
    assert.match(msgs, /- on_release \(webhook: [^)]*\)/);
    assert.ok(!msgs.includes('Available triggers (inactive'), 'nothing is listed twice');
    // worker.json's tools list picks the built-ins; web_search would come from an MCP server.
    assert.match(
      msgs,
      /## Worker Tools\\nescalate, list_directory, read_file, report_to_parent, run_command, search_files, set_output/,
    );
    const tools = offeredTools(req);
    for (const t of ['run_parallel_workers', 'get_worker_status', 'list_worker_questions', 'reply_to_worker'])
      assert.ok(tools.includes(t), t);
    assert.ok(!tools.includes('inject_message'), 'REVIEWING has no inject_message');

    assert.equal(await s.unloadColony(), true);
    assert.equal(s.colony, null);
    assert.equal(s.phase, 'independent');
    const after = JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8'));
    assert.equal(after.agent_path, null);
    server.enqueue(reply.text('alone again'));
    await s.send('and now?');
    assert.match(
      textOf(server.requests.at(-1)!),
      /\[SYSTEM\] Worker unloaded\. You are now operating independently\./,
    );
    assert.ok(!offeredTools(server.requests.at(-1)!).includes('get_worker_status'));
    await mgr.stopAll();
  });

  it('resume re-loads the colony in meta.agent_path (docs/hive-format.md §3 rule 6)', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const id = s.id;
    await mgr.stopSession(id);

    const mgr2 = managerFor(home, server);
    const r = await mgr2.resumeSession(id);
    assert.equal(r.colony?.name, 'proj');
    assert.equal(r.colony?.path, folder);
    assert.equal(r.phase, 'reviewing');
    assert.equal(mgr2.list()[0]?.colony_name, 'proj');
    server.enqueue(reply.text('back'));
    await r.send('hello again');
    assert.match(textOf(server.requests.at(-1)!), /\[SYSTEM\] Colony loaded\./);
    await mgr2.stopAll();
  });

  it('a colony that fails to load on resume falls back to queen-only, with a notice', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const id = s.id;
    await mgr.stopSession(id);
    writeFileSync(path.join(folder, '.hive', 'worker.json'), '{ not json');

    const warnings: string[] = [];
    const mgr2 = managerFor(home, server, { logger: { warn: (m) => warnings.push(m) } });
    const r = await mgr2.resumeSession(id);
    assert.equal(r.colony, null);
    assert.equal(r.colonyState(), null);
    assert.equal(r.phase, 'independent');
    assert.ok(
      warnings.some((w) => w.includes('did not load') && w.includes('worker.json')),
      warnings.join('\n'),
    );
    server.enqueue(reply.text('queen only'));
    await r.send('still there?');
    assert.ok(!offeredTools(server.requests.at(-1)!).includes('run_parallel_workers'));
    await mgr2.stopAll();
    const events = readFileSync(path.join(r.dir, 'events.jsonl'), 'utf8');
    assert.match(events, /"kind":"colony_restore_failed"/);
  });

  it('createSession with a folder that has no colony fails and leaves no session behind', async () => {
    const mgr = managerFor(home, server);
    await assert.rejects(
      mgr.createSession({
        queenId: 'queen_technology',
        colonyFolder: work,
        sessionId: 'session_20260101_000000_0000abcd',
      }),
      /no colony here/,
    );
    assert.equal(mgr.list().length, 0);
    rmSync(work, { recursive: true, force: true });
  });
});
