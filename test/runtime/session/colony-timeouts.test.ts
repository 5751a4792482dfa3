import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { HiveEvent } from '../../../src/runtime/events';
import { fault, reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import {
  afterTool,
  gate,
  isUserTurn,
  isWorkerRequest,
  lastText,
  ManualTimers,
  router,
  textOf,
  toolResultsOf,
  useColonyTestEnv,
  waitFor,
  workerTurn,
  workspaceColony,
} from './colony-helpers';
import { managerFor, record } from './helpers';

const reports = (events: HiveEvent[]) => events.filter((e) => e.type === 'subagent_report');

describe('colony worker timeouts', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('soft timeout nudges the worker; past the hard timeout it is stopped and reported to the queen', async () => {
    const folder = await workspaceColony(work);
    const timers = new ManualTimers();
    const mgr = managerFor(home, server, { colonyTimers: timers });
    const firstCall = gate();
    const releaseFirst = gate();
    server.setResponder(
      router(
        (req) =>
          !isUserTurn(req, 'run the slow job')
            ? reply.text('Understood.')
            : reply.toolUse('run_parallel_workers', { tasks: [{ task: 'slow job' }], timeout: 30 }),
        async (req) => {
          if (workerTurn(req) === 0) {
            firstCall.open();
            await releaseFirst.wait;
            return reply.toolUse('list_directory', { path: '.' });
          }
          // Second call: the model never answers (until the worker is stopped).
          return fault.hang();
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    await s.send('run the slow job');
    await firstCall.wait;
    // docs/hive-format.md §3 Rule 14: soft 30 s, hard max(4×30, 30+600) = 630 s.
    assert.deepEqual(
      timers.scheduled.map((t) => t.ms),
      [30_000, 630_000],
    );
    assert.equal(timers.fire(30_000), 1);
    releaseFirst.open();
    await waitFor(() => server.requests.filter(isWorkerRequest).length === 2, "the worker's second call");
    const second = server.requests.filter(isWorkerRequest)[1]!;
    assert.match(textOf(second), /\[SOFT TIMEOUT\][^"]*Wrap up now[^"]*report_to_parent/);
    assert.equal(reports(seen).length, 0, 'the soft timeout does not stop the worker');

    assert.equal(timers.fire(630_000), 1);
    await waitFor(() => reports(seen).length === 1, 'the report');
    const report = reports(seen)[0]!;
    assert.equal(report.data.status, 'stopped');
    assert.match(String(report.data.error), /hard timeout: stopped after 630s/);
    await waitFor(() => !s.busy && s.phase === 'reviewing', 'the queen to take the report');
    const queenSaw = server.requests
      .filter((r) => !isWorkerRequest(r))
      .map(textOf)
      .join('\n');
    assert.ok(
      queenSaw.includes(`[WORKER_REPORT]\\nworker_id: ${report.data.worker_id}\\nstatus: stopped`),
      'the queen is told',
    );
    assert.equal(s.colonyState()?.workers_running, 0);
    assert.equal(timers.scheduled.filter((t) => !t.cancelled).length, 0, 'no timer is left armed');
    await mgr.stopAll();
  });

  it('unloading the colony stops running workers, whose reports are not news; the unload note wakes the queen; stopping the session stops workers too', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server, { colonyTimers: new ManualTimers() });
    const hung = gate();
    const queenCalls = () => server.requests.filter((r) => !isWorkerRequest(r));
    server.setResponder(
      router(
        (req) => {
          if (isUserTurn(req, 'start'))
            return reply.toolUse('run_parallel_workers', { tasks: [{ task: 'forever' }] });
          return reply.text(afterTool(req) ? 'started' : 'noted');
        },
        () => {
          hung.open();
          return fault.hang();
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    await s.send('start');
    await hung.wait;
    const before = queenCalls().length;
    assert.equal(await s.unloadColony(), true);
    assert.equal(reports(seen).length, 1);
    assert.equal(reports(seen)[0]?.data.status, 'stopped');
    assert.equal(s.colonyState(), null);
    // Hive's _notify_queen_worker_unloaded wakes her once, with the note and without the stopped report.
    await waitFor(() => queenCalls().length === before + 1 && !s.busy, 'the queen woken by the unload');
    const woken = queenCalls()[before]!;
    assert.match(lastText(woken), /Worker unloaded/);
    assert.doesNotMatch(
      textOf(woken),
      /"text":"\[WORKER_REPORT\]/,
      'a stopped worker of an unloaded colony is not news',
    );

    // A session stopped with a worker in a model call ends promptly, the worker reported as stopped.
    await s.loadColony(folder);
    s.colonyRuntimeForTests!.spawnBatch([{ task: 'forever again' }], { softMs: 1000, hardMs: 2000 });
    await waitFor(() => server.requests.filter(isWorkerRequest).length === 2, 'the second worker');
    await mgr.stopSession(s.id);
    assert.equal(reports(seen).length, 2);
    assert.equal(reports(seen)[1]?.data.status, 'stopped');
  });

  it('stopping every worker stops queued ones without starting them', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server, { colonyTimers: new ManualTimers(), colonyConcurrency: 1 });
    const hung = gate();
    server.setResponder(
      router(
        () => reply.text('ok'),
        () => {
          hung.open();
          return fault.hang();
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    const rt = s.colonyRuntimeForTests!;
    const ids = rt.spawnBatch([{ task: 'a' }, { task: 'b' }, { task: 'c' }], { softMs: 1000, hardMs: 2000 });
    await hung.wait;
    assert.deepEqual(
      s.colonyWorkers().map((w) => w.state),
      ['running', 'queued', 'queued'],
    );
    assert.deepEqual(rt.stopWorker().sort(), [...ids].sort());
    await waitFor(() => reports(seen).length === 3, 'three reports');
    assert.ok(reports(seen).every((e) => e.data.status === 'stopped'));
    assert.deepEqual(
      readdirSync(path.join(s.dir, 'workers')),
      [ids[0]],
      'only the running worker had a folder',
    );
    assert.equal(server.requests.filter(isWorkerRequest).length, 1);
    await mgr.stopAll();
  });

  it('stop_worker stops a running worker, which still reports', async () => {
    const folder = await workspaceColony(work);
    const mgr = managerFor(home, server, { colonyTimers: new ManualTimers() });
    const hung = gate();
    let stopped = false;
    server.setResponder(
      router(
        (req) => {
          const started = toolResultsOf(req)
            .map((r) => String(r.content))
            .find((c) => c.includes('"status":"started"'));
          if (afterTool(req) && started && !stopped) {
            stopped = true;
            return reply.toolUse('stop_worker', { worker_id: JSON.parse(started).worker_ids[0] });
          }
          if (afterTool(req)) return reply.text('ok');
          if (lastText(req).includes('[WORKER_REPORT]')) return reply.text('It stopped.');
          return reply.toolUse('run_parallel_workers', { tasks: [{ task: 'forever' }] });
        },
        () => {
          hung.open();
          return fault.hang();
        },
      ),
    );
    const s = await mgr.createSession({ queenId: 'queen_technology', colonyFolder: folder });
    const seen = record(s);
    await s.send('start and stop');
    await waitFor(() => reports(seen).length === 1, 'the report');
    assert.ok(stopped);
    assert.equal(reports(seen)[0]?.data.status, 'stopped');
    assert.equal(reports(seen)[0]?.data.error, 'stopped by the queen');
    await mgr.stopAll();
  });
});
