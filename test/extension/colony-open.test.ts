// One colony-open path (docs/hive-format.md §3 rules 1, 5, 22): a colony loaded from VS Code while a
// session runs ends up on disk as `hive colony run` leaves it, on copies of one Hive-shaped home.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hiveApi, hiveExtension, waitFor } from './support';

const NAME = 'ext_open_colony';
const STALE = 'session_20260101_000000_deadbeef';

function writeHomeColony(home: string): string {
  const folder = path.join(home, 'colonies', NAME);
  fs.mkdirSync(folder, { recursive: true });
  const json = (f: string, v: unknown) => fs.writeFileSync(path.join(folder, f), JSON.stringify(v, null, 2));
  json('metadata.json', { colony_name: NAME, queen_name: 'queen_operations' });
  json('worker.json', {
    name: 'worker',
    system_prompt: 'You file reports.',
    goal: { description: 'File reports' },
  });
  return folder;
}

/** A worker state a dead runtime left `active` (rule 22 cancels it on load). */
function staleWorker(folder: string): void {
  const dir = path.join(folder, 'workers', STALE);
  fs.mkdirSync(dir, { recursive: true });
  // Far above any pid this machine hands out: a process that is not there.
  fs.writeFileSync(
    path.join(dir, 'state.json'),
    JSON.stringify({ schema_version: '1.1', session_id: STALE, status: 'active', pid: 4_194_000 }),
  );
}

/** What the colony open left on disk, paths relative to the home. */
function onDisk(home: string, sessionDir: string): Record<string, unknown> {
  const rel = (v: unknown) => (typeof v === 'string' ? v.split(home).join('<home>') : v);
  const read = (f: string) => JSON.parse(fs.readFileSync(f, 'utf8')) as Record<string, unknown>;
  const folder = path.join(home, 'colonies', NAME);
  const meta = read(path.join(sessionDir, 'meta.json'));
  const worker = read(path.join(folder, 'worker.json'));
  const state = read(path.join(folder, 'workers', STALE, 'state.json'));
  const partsDir = path.join(sessionDir, 'conversations', 'parts');
  const parts = fs
    .readdirSync(partsDir)
    .sort()
    .map((f) => read(path.join(partsDir, f)))
    .map((p) => ({ role: p.role, content: rel(p.content) }));
  return {
    metadata: read(path.join(folder, 'metadata.json')),
    meta: {
      queen_id: meta.queen_id,
      agent_name: meta.agent_name,
      agent_path: rel(meta.agent_path),
      created_at: meta.created_at,
    },
    worker_input: JSON.parse(String(rel(JSON.stringify(worker.input_data ?? null)))),
    stale_state: { status: state.status, error: (state.result as { error?: string } | undefined)?.error },
    progress_db: fs.existsSync(path.join(folder, 'data', 'progress.db')),
    parts,
  };
}

/** `hive colony run <name> --home <home>` from the extension's own dist/cli.js, stopped once it runs. */
async function cliRun(home: string): Promise<string> {
  const cli = path.join(hiveExtension().extensionPath, 'dist', 'cli.js');
  const child = spawn(process.execPath, [cli, 'colony', 'run', NAME, '--home', home, '--no-reflection'], {
    env: { ...process.env, HIVE_HOME: '', ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += String(d);
  });
  child.stderr.on('data', (d) => {
    err += String(d);
  });
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  await waitFor(
    `hive colony run to start (${out}${err})`,
    () => out.includes('Running; Ctrl+C to stop.') || child.exitCode !== null,
    30_000,
  );
  child.kill('SIGTERM');
  assert.equal(await exited, 0, `hive colony run: ${out}\n${err}`);
  return out;
}

describe('Colony open from VS Code and from the CLI', function () {
  this.timeout(120_000);

  it('with a session running, loading a colony resumes its own session as `hive colony run` does', async () => {
    const api = await hiveApi();
    const manager = await api.getManager();
    const home = api.hiveHome();
    const folder = writeHomeColony(home);
    // The colony's own session (metadata.queen_session_id), cold, and a stale worker of a dead runtime.
    const own = await manager.createSession({ queenId: 'queen_operations' });
    await manager.stopSession(own.id);
    const metaFile = path.join(folder, 'metadata.json');
    const metadata = JSON.parse(fs.readFileSync(metaFile, 'utf8'));
    fs.writeFileSync(metaFile, JSON.stringify({ ...metadata, queen_session_id: own.id }, null, 2));
    staleWorker(folder);
    // The same home for the CLI, copied before anything else runs on it.
    const cliHome = fs.mkdtempSync(path.join(os.tmpdir(), 'hive-cli-home-'));
    try {
      fs.cpSync(home, cliHome, { recursive: true });
      const cliOwnDir = own.dir.replace(home, cliHome);

      // VS Code: a chat is running and in front; the colony still goes to its own session.
      const chat = await manager.createSession({ queenId: 'queen_technology' });
      const opened = await manager.openColony(folder, { fallback: chat.id });
      assert.equal(opened.id, own.id);
      assert.equal(chat.colony, null, 'the running chat did not get the colony');
      await manager.stopSession(own.id);
      await manager.stopSession(chat.id);

      const out = await cliRun(cliHome);
      assert.match(out, new RegExp(`Session ${own.id} `));

      const vs = onDisk(home, own.dir);
      const cli = onDisk(cliHome, cliOwnDir);
      assert.deepEqual(vs, cli);
      // And what they agree on is Hive's: the colony's session, the stale worker cancelled, the DB ready.
      assert.equal((vs.meta as { agent_path: string }).agent_path, `<home>/colonies/${NAME}`);
      assert.deepEqual(vs.stale_state, { status: 'cancelled', error: 'Stale session: runtime restarted' });
      // node:sqlite in this host's Node: progress.db is created, else it would be absent (and said so).
      const sqlite = typeof process.getBuiltinModule?.('node:sqlite') === 'object';
      assert.equal(
        vs.progress_db,
        sqlite,
        `node:sqlite ${sqlite ? 'present' : 'absent'} in ${process.version}`,
      );
      assert.ok(sqlite, `this host's Node ${process.version} has no node:sqlite`);
    } finally {
      fs.rmSync(cliHome, { recursive: true, force: true });
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
