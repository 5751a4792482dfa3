import assert from 'node:assert/strict';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScriptedServer } from '../../support/scripted-anthropic-server';
import { workspaceColony } from './colony-helpers';
import { customKind, managerFor, record, removeDir, tempDir, useSessionTestEnv } from './helpers';

// The real filesystem MCP server from npm: its read_file, list_directory, write_file, edit_file and
// search_files share names with our built-in tools.
const FS_SERVER = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');

describe('MCP tools beside the built-ins (real @modelcontextprotocol/server-filesystem)', function () {
  this.timeout(60_000);
  let server: ScriptedServer;
  let home: string;
  let work: string;
  useSessionTestEnv((env) => {
    ({ server, home } = env);
  });
  beforeEach(() => {
    work = tempDir('hive-mcp-work-');
  });
  afterEach(() => removeDir(work));

  it('only names actually offered collide; colliding tools are offered as <server>__<tool> and announced', async () => {
    const folder = await workspaceColony(work);
    const workerFile = path.join(folder, '.hive', 'worker.json');
    const worker = JSON.parse(readFileSync(workerFile, 'utf8'));
    // This worker is offered read_file and list_directory, not search_files / write_file / edit_file.
    worker.tools = ['read_file', 'list_directory', 'run_command'];
    writeFileSync(workerFile, JSON.stringify(worker));
    writeFileSync(path.join(folder, 'notes.txt'), 'from the notes\n');
    writeFileSync(
      path.join(folder, '.hive', 'mcp_servers.json'),
      JSON.stringify({
        fs: { transport: 'stdio', command: process.execPath, args: [FS_SERVER, realpathSync(folder)] },
      }),
    );
    const warnings: string[] = [];
    const mgr = managerFor(home, server, { logger: { warn: (m: string) => warnings.push(m), info() {} } });
    const s = await mgr.createSession({ queenId: 'queen_technology' });
    const events = record(s);
    await s.loadColony(folder);
    const rt = s.colonyRuntimeForTests!;
    const names = rt.workerToolNames();
    for (const n of [
      'read_file',
      'list_directory',
      'fs__read_file',
      'fs__list_directory',
      'search_files',
      'edit_file',
    ])
      assert.ok(names.includes(n), `${n} is offered (${names.join(', ')})`);
    assert.equal(names.filter((n) => n === 'read_file').length, 1);
    assert.ok(
      !names.includes('fs__search_files'),
      'search_files kept its name: no built-in of that name is offered',
    );

    const renamed = events.filter(customKind('tools_renamed')).map((e) => e.data);
    assert.equal(renamed.length, 1);
    const tools = renamed[0]!.tools as Array<{ server: string; tool: string; as: string | null }>;
    assert.deepEqual(
      tools
        .filter((t) => t.tool === 'read_file' || t.tool === 'list_directory')
        .map((t) => t.as)
        .sort(),
      ['fs__list_directory', 'fs__read_file'],
    );
    assert.ok(!tools.some((t) => t.tool === 'search_files' || t.tool === 'edit_file'));
    assert.ok(warnings.some((w) => /"read_file" of server "fs" is offered as "fs__read_file"/.test(w)));

    // The renamed tool still calls the server's read_file.
    const noop = { onReport() {}, onEscalate: () => undefined, onSetOutput() {} };
    const fsRead = rt.primaryTools(noop).find((t) => t.name === 'fs__read_file')!;
    const r = await fsRead.execute({ path: path.join(realpathSync(folder), 'notes.txt') });
    assert.equal(r.isError, undefined, r.content);
    assert.match(r.content, /from the notes/);
    await mgr.stopAll();
  });
});
