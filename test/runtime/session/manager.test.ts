import assert from 'node:assert/strict';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DuplicateSessionError, SessionNotFoundError } from '../../../src/runtime/session';
import { readJsonl } from '../../../src/runtime/storage';
import { SESSION_LOCK_FILE, SessionLockedError } from '../../../src/runtime/storage/session-lock';
import { reply, type ScriptedServer } from '../../support/scripted-anthropic-server';
import { managerFor, nextEvent, record, useSessionTestEnv } from './helpers';

const SID = /^session_\d{8}_\d{6}_[0-9a-f]{8}$/;

async function events(dir: string): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  // biome-ignore lint/suspicious/noExplicitAny: read back as written
  return (await readJsonl(path.join(dir, 'events.jsonl'))).records as any;
}

function maxIteration(evts: Array<{ data: Record<string, unknown> }>): number {
  return Math.max(-1, ...evts.map((e) => (typeof e.data.iteration === 'number' ? e.data.iteration : -1)));
}

describe('SessionManager', () => {
  let server: ScriptedServer;
  let home: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  });

  it('creates a queen session in Hive layout, streams the answer and persists it', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_growth' });
    assert.match(s.id, SID);
    assert.equal(s.dir, path.join(home, 'queens', 'queen_growth', 'sessions', s.id));
    assert.equal(s.queen.queen_id, 'queen_growth');
    assert.equal(s.phase, 'independent');
    const seen = record(s);
    server.enqueue(reply.text('Hello from the queen', { chunkSize: 5 }));
    await s.send('hi');
    const deltas = seen.filter((e) => e.type === 'client_output_delta');
    assert.ok(deltas.length >= 2, 'the answer is streamed in pieces');
    assert.equal(deltas.at(-1)?.data.snapshot, 'Hello from the queen');
    const hist = await s.history();
    assert.deepEqual(
      hist.map((p) => [p.role, p.content]),
      [
        ['user', 'hi'],
        ['assistant', 'Hello from the queen'],
      ],
    );
    assert.ok(seen.some((e) => e.type === 'custom' && e.data.kind === 'usage_totals'));
    assert.deepEqual(
      mgr.list().map((x) => x.session_id),
      [s.id],
    );
    await mgr.stopSession(s.id);
    assert.equal(mgr.isLive(s.id), false);
    const meta = JSON.parse(readFileSync(path.join(s.dir, 'meta.json'), 'utf8'));
    assert.equal(meta.queen_id, 'queen_growth');
    assert.equal(typeof meta.created_at, 'number');
    const evts = await events(s.dir);
    assert.equal(evts[0]?.type, 'queen_identity_selected');
    assert.deepEqual(evts[0]?.data, { queen_id: 'queen_growth', name: s.queen.name, title: s.queen.title });
    assert.ok(evts.some((e) => e.type === 'llm_turn_complete'));
    // The queen's request carried her identity and her tools.
    const body = server.requests[0]?.body;
    assert.match(JSON.stringify(body.system), new RegExp(s.queen.name));
    const toolNames = (body.tools as Array<{ name: string }>).map((t) => t.name);
    assert.ok(toolNames.includes('ask_user') && toolNames.includes('start_incubating_colony'));
  });

  it('rejects a duplicate live id, and racing creates on one id make exactly one session', async () => {
    const mgr = managerFor(home, server);
    const id = 'session_20260101_120000_abcdef01';
    const results = await Promise.allSettled([
      mgr.createSession({ sessionId: id, queenId: 'queen_technology' }),
      mgr.createSession({ sessionId: id, queenId: 'queen_technology' }),
      mgr.createSession({ sessionId: id, queenId: 'queen_growth' }),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    for (const r of results)
      if (r.status === 'rejected') assert.ok(r.reason instanceof DuplicateSessionError, String(r.reason));
    await assert.rejects(mgr.createSession({ sessionId: id }), DuplicateSessionError);
    assert.equal(existsSync(path.join(home, 'queens', 'queen_growth', 'sessions', id)), false);
    await assert.rejects(mgr.createSession({ sessionId: '../evil' }), /invalid|session/i);
    await mgr.stopAll();
    assert.deepEqual(mgr.list(), []);
  });

  it('20 sessions created concurrently get distinct ids and folders', async () => {
    const mgr = managerFor(home, server);
    const sessions = await Promise.all(
      Array.from({ length: 20 }, () => mgr.createSession({ queenId: 'queen_technology' })),
    );
    assert.equal(new Set(sessions.map((s) => s.id)).size, 20);
    assert.equal(new Set(sessions.map((s) => s.dir)).size, 20);
    for (const s of sessions) {
      assert.match(s.id, SID);
      assert.ok(existsSync(path.join(s.dir, 'meta.json')));
    }
    assert.equal(mgr.list().length, 20);
    await mgr.stopAll();
    assert.equal(mgr.list().length, 0);
  });

  it('one writer per session: a second manager is refused while the first has it live, then may resume it', async () => {
    const a = managerFor(home, server);
    const b = managerFor(home, server);
    const s = await a.createSession({ queenId: 'queen_technology' });
    const meta = readFileSync(path.join(s.dir, 'meta.json'), 'utf8');
    await assert.rejects(b.resumeSession(s.id), SessionLockedError);
    assert.equal(b.isLive(s.id), false);
    assert.equal(
      readFileSync(path.join(s.dir, 'meta.json'), 'utf8'),
      meta,
      'the refused resume wrote nothing',
    );
    await a.stopSession(s.id);
    const again = await b.resumeSession(s.id);
    assert.equal(again.dir, s.dir);
    await assert.rejects(a.resumeSession(s.id), SessionLockedError);
    await b.stopAll();
    assert.ok(!existsSync(path.join(s.dir, SESSION_LOCK_FILE)), 'released on stop');
  });

  it('resumes in place: same folder, history kept, iteration numbers continued, meta merged', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_finance_fundraising' });
    server.enqueue(reply.text('one'), reply.text('two'));
    await s.send('first');
    await s.send('second');
    await mgr.stopSession(s.id);
    const before = await events(s.dir);
    const metaFile = path.join(s.dir, 'meta.json');
    const meta = JSON.parse(readFileSync(metaFile, 'utf8'));
    writeFileSync(metaFile, JSON.stringify({ ...meta, created_at: 1, custom_key: 'x', phase: 'staging' }));

    const mgr2 = managerFor(home, server, { clock: () => 1_800_000_000_000 });
    const [r, again] = await Promise.all([mgr2.resumeSession(s.id), mgr2.resumeSession(s.id)]);
    assert.equal(r, again, 'racing resumes join one start');
    assert.equal(r.dir, s.dir);
    assert.equal(r.queen.queen_id, 'queen_finance_fundraising');
    assert.equal((await r.history()).length, 4);
    server.enqueue(reply.text('three'));
    await r.send('third');
    await mgr2.stopSession(r.id);
    const after = await events(s.dir);
    const newIters = after
      .slice(before.length)
      .filter((e) => typeof e.data.iteration === 'number')
      .map((e) => e.data.iteration as number);
    assert.ok(newIters.length > 0);
    assert.equal(Math.min(...newIters), maxIteration(before) + 1);
    const merged = JSON.parse(readFileSync(metaFile, 'utf8'));
    assert.equal(merged.custom_key, 'x');
    assert.equal(merged.created_at, 1, 'created_at survives the resume (Hive resets it: a bug not copied)');
    assert.equal(merged.queen_id, 'queen_finance_fundraising');
    assert.deepEqual(
      (await r.history()).map((p) => p.content),
      ['first', 'one', 'second', 'two', 'third', 'three'],
    );
  });

  it('resumes a session written by Hive (seed layout, legacy phase, tool calls)', async () => {
    const sid = 'session_20260410_093012_1a2b3c4d';
    cpSync(path.join(__dirname, '../../fixtures/hive-home'), home, { recursive: true });
    const dir = path.join(home, 'agents', 'queens', 'queen_growth', 'sessions', sid);
    const mgr = managerFor(home, server);
    const s = await mgr.resumeSession(sid);
    assert.equal(s.dir, dir);
    assert.equal(s.queen.queen_id, 'queen_growth');
    assert.equal(s.phase, 'independent');
    const seen = record(s);
    server.enqueue(reply.text('Raise prices slowly.'));
    await s.send('What next?');
    const turn = seen.find((e) => e.type === 'llm_turn_complete');
    assert.equal(turn?.data.iteration, 2, 'Hive wrote iterations 0 and 1');
    // The model saw Hive's history, tool call and result included.
    const msgs = server.requests[0]?.body.messages as Array<{ role: string; content: unknown }>;
    const text = JSON.stringify(msgs);
    assert.match(text, /How do I grow signups/);
    assert.match(text, /toolu_01/);
    assert.match(text, /Keep a free trial/);
    await mgr.stopSession(sid);
    const hist = await s.history();
    assert.equal(hist.length, 8);
    assert.equal(hist[6]?.seq, 6);
    const meta = JSON.parse(readFileSync(path.join(dir, 'meta.json'), 'utf8'));
    assert.equal(meta.custom_note, 'kept');
    assert.equal(meta.phase, 'building', 'the saved phase is read, not rewritten');
  });

  it('a failed start leaves nothing behind; a torn meta.json is kept aside and the session resumes', async () => {
    const failing = managerFor(home, server, {
      provider: async () => {
        throw new Error('no API key');
      },
    });
    const id = 'session_20260101_120000_0000aaaa';
    await assert.rejects(failing.createSession({ sessionId: id, queenId: 'queen_technology' }), /no API key/);
    assert.equal(failing.isLive(id), false);
    assert.equal(existsSync(path.join(home, 'queens', 'queen_technology', 'sessions', id)), false);

    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const metaFile = path.join(s.dir, 'meta.json');
    server.enqueue(reply.text('still here'));
    await s.send('remember me');
    await mgr.stopSession(s.id);
    writeFileSync(metaFile, '{"queen_id": ');
    const mgr2 = managerFor(home, server, { clock: () => Date.UTC(2026, 0, 2, 3, 4, 5) });
    const r = await mgr2.resumeSession(s.id);
    assert.equal(mgr2.isLive(r.id), true);
    // The damaged file is kept beside the new one, byte for byte.
    const kept = path.join(s.dir, 'meta.json.damaged-20260102T030405Z');
    assert.equal(readFileSync(kept, 'utf8'), '{"queen_id": ');
    const fresh = JSON.parse(readFileSync(metaFile, 'utf8'));
    assert.equal(fresh.queen_id, 'queen_technology', 'the queen comes from the folder');
    assert.equal(fresh.created_at, Date.UTC(2026, 0, 2, 3, 4, 5) / 1000);
    // The user is told: a notice the chat shows on attach, and the event in the log.
    assert.equal(r.notices.length, 1);
    assert.match(
      r.notices[0]!,
      /meta\.json could not be read .*kept as meta\.json\.damaged-20260102T030405Z/,
    );
    assert.deepEqual(
      (await r.history()).map((p) => p.content),
      ['remember me', 'still here'],
    );
    await mgr2.stopAll();
    const notice = (await events(s.dir)).find((e) => e.type === 'custom' && e.data.kind === 'session_notice');
    assert.equal(notice?.data.text, r.notices[0]);
    await assert.rejects(mgr.resumeSession('session_20200101_000000_deadbeef'), SessionNotFoundError);
  });

  it('picks the queen with one model call from the first message and announces it', async () => {
    const mgr = managerFor(home, server);
    server.enqueue(
      reply.text('{"reason": "money", "queen_id": "queen_finance_fundraising"}'),
      reply.text('Let us talk runway.'),
    );
    const s = await mgr.createSession({ initialPrompt: 'How should I raise a seed round?' });
    assert.equal(s.queen.queen_id, 'queen_finance_fundraising');
    assert.match(s.dir, /queen_finance_fundraising/);
    await nextEvent(s, (e) => e.type === 'llm_turn_complete');
    const hist = await s.history();
    assert.deepEqual(
      hist.map((p) => p.content),
      ['How should I raise a seed round?', 'Let us talk runway.'],
    );
    await mgr.stopAll();
    const evts = await events(s.dir);
    assert.equal(evts.find((e) => e.type === 'queen_identity_selected')?.data.queen_id, s.queen.queen_id);
    assert.equal(evts.find((e) => e.type === 'client_input_received')?.data.content, hist[0]?.content);
  });

  it('revives a dead queen: a failed loop is restarted with history and numbering kept', async () => {
    const mgr = managerFor(home, server);
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    server.enqueue(reply.text('ok one'));
    await s.send('one');
    // Break the conversation store under the loop: its parts folder becomes a file.
    const parts = path.join(s.dir, 'conversations', 'parts');
    rmSync(parts, { recursive: true });
    writeFileSync(parts, 'not a folder');
    const seen = record(s);
    const asked = server.requests.length;
    await s.send('two');
    assert.equal(s.queenDead, true);
    assert.equal(server.requests.length, asked, 'the broken loop never reached the model');
    const failed = seen.find((e) => e.type === 'execution_failed');
    assert.equal(failed?.data.error_kind, 'internal');
    rmSync(parts);
    mgr.reviveQueen(s.id);
    assert.equal(s.queenDead, false);
    server.enqueue(reply.text('ok three'));
    await s.send('three');
    const turns = seen.filter((e) => e.type === 'llm_turn_complete').map((e) => e.data.iteration as number);
    assert.ok(turns.length >= 1);
    assert.ok(Math.min(...turns) >= 1, 'iterations continue after the revive');
    const contents = (await s.history()).map((p) => p.content);
    assert.deepEqual(contents.slice(0, 2), ['one', 'ok one']);
    assert.equal(contents.at(-1), 'ok three');
    await mgr.stopAll();
  });
});
