import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { HiveEvent } from '../../../src/runtime/events';
import { SessionLockedError } from '../../../src/runtime/session';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import {
  COLONY_ARGS,
  isEvaluator,
  isSummary,
  scriptedQueen,
  VERDICT_NOT_READY,
  VERDICT_READY,
} from './colony-create-helpers';
import { toolResultsOf, useColonyTestEnv, waitFor } from './colony-helpers';
import { managerFor, record } from './helpers';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const lastToolResult = (server: ScriptedServer) =>
  String(
    toolResultsOf(server.requests.filter((r) => !isEvaluator(r) && !isSummary(r)).at(-1)!).at(-1)?.content,
  );

describe('the queen turns a conversation into a colony', () => {
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useColonyTestEnv((env) => {
    ({ server, home, work } = env);
  });

  it('not ready: the reasons reach the queen only, the phase stays independent', async () => {
    scriptedQueen(server, VERDICT_NOT_READY);
    const mgr = managerFor(home, server, { workingDir: work });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    await s.send('make it a colony');
    await waitFor(() => !s.busy, 'the turn to end');

    assert.equal(s.phase, 'independent');
    assert.equal(seen.filter((e) => e.type === 'queen_phase_changed').length, 0);
    const evalReq = server.requests.find(isEvaluator)!;
    assert.match(JSON.stringify(evalReq.body.messages), /morning_digest/);
    assert.match(JSON.stringify(evalReq.body.messages), /make it a colony/);
    const result = JSON.parse(lastToolResult(server));
    assert.deepEqual(result, {
      status: 'not_ready',
      colony_name: 'morning_digest',
      reasons: ['schedule not settled'],
      missing_prerequisites: ["user hasn't confirmed the schedule"],
    });
    // The user sees nothing of the verdict: no event carries the reasons outside the tool result.
    const outside = seen.filter((e) => e.type !== 'tool_call_completed' && e.type !== 'llm_turn_complete');
    assert.ok(!JSON.stringify(outside).includes('schedule not settled'));
    assert.ok(!existsSync(path.join(home, 'colonies')));
    await mgr.stopAll();
  });

  it('a malformed verdict is "not ready" with a reason', async () => {
    scriptedQueen(server, 'Sure, looks ready to me!');
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    await s.send('make it a colony');
    await waitFor(() => !s.busy, 'the turn to end');
    assert.equal(s.phase, 'independent');
    const result = JSON.parse(lastToolResult(server));
    assert.equal(result.status, 'not_ready');
    assert.deepEqual(result.reasons, ['evaluation_failed']);
    assert.match(result.missing_prerequisites[0], /malformed JSON/);
    await mgr.stopAll();
  });

  it('ready, then create_colony writes the colony, forks the session and locks the DM', async () => {
    scriptedQueen(server, VERDICT_READY);
    const mgr = managerFor(home, server, { workingDir: work });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen: HiveEvent[] = record(s);
    await s.send('make it a colony');
    await waitFor(() => !s.busy, 'the turn to end');

    const phases = seen.filter((e) => e.type === 'queen_phase_changed').map((e) => e.data.phase);
    assert.deepEqual(phases, ['incubating', 'independent']);
    const created = seen.find((e) => e.type === 'colony_created');
    assert.ok(created, 'colony_created is published');
    const folder = path.join(home, 'colonies', 'morning_digest');
    assert.equal(created.data.colony_path, folder);
    const forkId = String(created.data.queen_session_id);
    const result = JSON.parse(lastToolResult(server));
    assert.equal(result.status, 'created');
    assert.equal(result.tasks_seeded, 2);

    // The skill, with frontmatter, and its file inside the skill folder.
    const skillDir = path.join(folder, '.hive', 'skills', 'digest-protocol');
    assert.equal(
      readFileSync(path.join(skillDir, 'SKILL.md'), 'utf8'),
      '---\nname: digest-protocol\ndescription: How to build the morning digest of open issues.\n---\n\n' +
        '# Digest\n\n1. List the open issues.\n2. Write digest.md with one line each.\n',
    );
    assert.equal(readFileSync(path.join(skillDir, 'scripts', 'list.sh'), 'utf8'), 'echo issues\n');

    const worker = json(path.join(folder, 'worker.json'));
    assert.equal(worker.name, 'worker');
    assert.equal(worker.goal.description, COLONY_ARGS.task);
    assert.match(worker.system_prompt, /^You are a focused worker agent spawned by the queen/);
    assert.match(worker.system_prompt, /Task: Every morning/);
    assert.equal(worker.concurrency_hint, 1);
    assert.equal(worker.spawned_from, s.id);
    assert.equal(worker.input_data.colony_id, 'morning_digest');
    assert.equal(worker.input_data.db_path, path.join(folder, 'data', 'progress.db'));
    // The queen's tools minus queen-only ones: workspace tools stay, lifecycle tools go.
    assert.ok(worker.tools.includes('read_file') && worker.tools.includes('search_files'));
    for (const gone of [
      'create_colony',
      'start_incubating_colony',
      'cancel_incubation',
      'switch_to_reviewing',
    ])
      assert.ok(!worker.tools.includes(gone), `${gone} is queen-only`);

    const metadata = json(path.join(folder, 'metadata.json'));
    assert.equal(metadata.colony_name, 'morning_digest');
    assert.equal(metadata.queen_name, 'queen_technology');
    assert.equal(metadata.queen_session_id, forkId);
    assert.equal(metadata.source_session_id, s.id);
    assert.equal(metadata.workspace_folder, work);
    assert.match(metadata.created_at, /\+00:00$/);
    assert.equal(metadata.workers.worker.task, COLONY_ARGS.task.slice(0, 100));

    const triggers = json(path.join(folder, 'triggers.json'));
    assert.deepEqual(
      triggers.map((t: { id: string; name: string; task: string }) => [t.id, t.name, t.task]),
      [
        ['daily', 'daily', 'Write the digest'],
        ['push', 'push', 'Refresh the digest'],
      ],
    );
    // Under a Node without node:sqlite the tasks wait in pending_tasks.json (colony-create.node24 covers the DB).
    const dataFiles = readdirSync(path.join(folder, 'data'));
    assert.ok(
      dataFiles.includes('progress.db') || dataFiles.includes('pending_tasks.json'),
      dataFiles.join(),
    );
    // No staging folder is left behind.
    assert.deepEqual(readdirSync(path.join(home, 'colonies')), ['morning_digest']);

    // The fork: a copy of the session, marked, compacted to one part, with the marker line.
    const forkDir = path.join(path.dirname(s.dir), forkId);
    const forkMeta = json(path.join(forkDir, 'meta.json'));
    assert.equal(forkMeta.colony_fork, true);
    assert.equal(forkMeta.forked_from, s.id);
    assert.equal(forkMeta.agent_path, folder);
    assert.equal(forkMeta.agent_name, 'Morning Digest');
    assert.equal(forkMeta.colony_spawned, undefined);
    const parts = readdirSync(path.join(forkDir, 'conversations', 'parts'));
    assert.deepEqual(parts, ['0000000000.json']);
    const part = json(path.join(forkDir, 'conversations', 'parts', parts[0]!));
    assert.equal(part.role, 'user');
    assert.equal(part.inherited_from, s.id);
    assert.equal(part.content, 'Summary: the user wants a morning digest of open issues.');
    const forkEvents = readFileSync(path.join(forkDir, 'events.jsonl'), 'utf8').trim().split('\n');
    const marker = JSON.parse(forkEvents.at(-1)!);
    assert.equal(marker.type, 'colony_fork_marker');
    assert.equal(marker.data.parent_session_id, s.id);
    assert.ok(marker.data.inherited_message_count >= 2);
    assert.ok(!existsSync(path.join(forkDir, '.lock')), 'the lock file of the live DM is not copied');

    // The DM: spawn lock in meta.json, and new messages refused with a message naming the colony.
    const dmMeta = json(path.join(s.dir, 'meta.json'));
    assert.equal(dmMeta.colony_spawned, true);
    assert.equal(dmMeta.spawned_colony_name, 'morning_digest');
    assert.match(dmMeta.spawned_colony_at, /\+00:00$/);
    const before = server.requests.length;
    await assert.rejects(s.send('one more thing'), (err: Error) => {
      assert.ok(err instanceof SessionLockedError);
      assert.match(err.message, /morning_digest/);
      return true;
    });
    assert.equal(server.requests.length, before, 'a locked session makes no model call');

    // After a restart the lock still holds (read from meta.json).
    await mgr.stopSession(s.id);
    const again = await mgr.resumeSession(s.id);
    await assert.rejects(again.send('hello?'), SessionLockedError);
    await mgr.stopAll();
  });

  it('invalid input writes nothing and says why', async () => {
    const bad = {
      ...COLONY_ARGS,
      skill_files: [{ path: '../outside.sh', content: 'x' }],
      triggers: [{ id: 'daily', trigger_type: 'timer', trigger_config: { cron: '61 * * * *' }, task: 'x' }],
    };
    scriptedQueen(server, VERDICT_READY, bad);
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const seen = record(s);
    const sessionsBefore = readdirSync(path.dirname(s.dir));
    await s.send('make it a colony');
    await waitFor(() => !s.busy, 'the turn to end');

    const result = JSON.parse(lastToolResult(server));
    assert.match(result.error, /skill_files path '\.\.\/outside\.sh' must be relative/);
    assert.match(result.error, /triggers\[0\] \('daily'\)/);
    assert.ok(!existsSync(path.join(home, 'colonies', 'morning_digest')));
    const colonies = path.join(home, 'colonies');
    assert.ok(!existsSync(colonies) || readdirSync(colonies).length === 0, 'no staging folder left');
    assert.deepEqual(readdirSync(path.dirname(s.dir)), sessionsBefore, 'no fork');
    assert.equal(seen.filter((e) => e.type === 'colony_created').length, 0);
    assert.equal(s.phase, 'incubating', 'the queen can fix the call and try again');
    assert.equal(s.spawnedColony, null);
    await mgr.stopAll();
  });
});
