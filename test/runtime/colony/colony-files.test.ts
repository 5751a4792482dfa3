import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ColonyFileError } from '../../../src/runtime/colony/colony-errors';
import { loadColony, loadHomeColony } from '../../../src/runtime/colony/colony-load';
import {
  colonyNameFromFolder,
  findColonyDir,
  listHomeColonies,
} from '../../../src/runtime/colony/colony-locate';
import { scaffoldColony } from '../../../src/runtime/colony/colony-scaffold';

const FIXTURE = path.join(__dirname, '../../fixtures/colonies/research_colony');

describe('colony files', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'hive-colony-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  const write = (rel: string, value: unknown) => {
    const file = path.join(tmp, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  };
  const loadError = async (folder = tmp): Promise<ColonyFileError> => {
    try {
      await loadColony(folder);
    } catch (err) {
      assert.ok(err instanceof ColonyFileError, `expected ColonyFileError, got ${err}`);
      return err;
    }
    assert.fail('loadColony should have failed');
  };

  describe("Hive's own colony format", () => {
    it('loads a colony under HIVE_HOME/colonies/<name> as Hive wrote it', async () => {
      const home = path.join(tmp, 'home');
      cpSync(FIXTURE, path.join(home, 'colonies', 'research_colony'), { recursive: true });
      assert.deepEqual(await listHomeColonies(home), ['research_colony']);
      const c = await loadHomeColony(home, 'research_colony');
      assert.equal(c.name, 'research_colony');
      assert.equal(c.layout, 'root', 'a .hive/ holding only skills is not a colony definition');
      // skills_overrides.json sorts before worker.json: Hive bug §5.11, docs/hive-format.md would take it as the worker.
      assert.equal(path.basename(c.worker.file), 'worker.json');
      assert.equal(c.worker.name, 'worker');
      assert.equal(c.worker.config.loop_config?.max_tool_calls_per_turn, 30);
      assert.equal(c.worker.config.input_data?.task_id, '6f1d2a3b-0000-4000-8000-000000000001');
      assert.deepEqual(c.enabledMcpTools, ['web_search', 'read_file']);
      assert.equal(c.toolsConfigSource, 'tools.json');
      assert.deepEqual(
        c.triggers.map((t) => [t.id, t.trigger_type]),
        [
          ['daily_digest', 'timer'],
          ['on_release', 'webhook'],
        ],
      );
      assert.deepEqual(
        c.skills.map((s) => [s.name, s.description]),
        [['web-notes', 'Keep notes of every page read, with its URL.']],
      );
      assert.equal(c.metadata?.queen_session_id, 'session_20260421_101500_a1b2c3d4');
      assert.equal(c.progressDbPath, path.join(home, 'colonies', 'research_colony', 'data', 'progress.db'));
      assert.deepEqual(c.mcpServers, []);
    });

    it('rejects a colony name that is not a safe id', async () => {
      await assert.rejects(loadHomeColony(tmp, '../etc'), /Invalid colony id/);
    });
  });

  describe('finding the definition', () => {
    it('prefers .hive/ over the root when both hold a colony', async () => {
      write('worker.json', { system_prompt: 'root worker' });
      write('.hive/worker.json', { system_prompt: 'hidden worker' });
      const loc = await findColonyDir(tmp);
      assert.equal(loc?.layout, 'hive-subfolder');
      const c = await loadColony(tmp);
      assert.equal(c.worker.config.system_prompt, 'hidden worker');
      assert.equal(c.dir, path.join(tmp, '.hive'));
      assert.equal(c.progressDbPath, path.join(tmp, '.hive', 'data', 'progress.db'));
    });

    it('ignores a workspace root full of unrelated JSON', async () => {
      write('package.json', { name: 'x', version: '1.0.0' });
      write('tsconfig.json', '{ // comments\n "compilerOptions": {} }');
      assert.equal(await findColonyDir(tmp), undefined);
      const err = await loadError();
      assert.match(err.message, /no colony here/);
    });

    it('picks the first worker-shaped {worker_name}.json alphabetically, skipping colony files', async () => {
      write('.hive/metadata.json', { colony_name: 'alpha' });
      write('.hive/agent.json', { system_prompt: 'legacy agent.json is never a worker' });
      write('.hive/mcp_servers.json', {});
      write('.hive/tools.json', { enabled_mcp_tools: [] });
      write('.hive/package.json', { name: 'not a worker' });
      write('.hive/researcher.json', { name: 'researcher', system_prompt: 'r' });
      write('.hive/writer.json', { name: 'writer', system_prompt: 'w' });
      const c = await loadColony(tmp);
      assert.equal(c.worker.name, 'researcher');
      assert.deepEqual(
        c.workers.map((w) => w.name),
        ['researcher', 'writer'],
      );
      assert.deepEqual(c.enabledMcpTools, [], '[] means no MCP tool at all');
      assert.equal(c.name, 'alpha');
      const chosen = await loadColony(tmp, { workerName: 'writer' });
      assert.equal(chosen.worker.config.system_prompt, 'w');
      await assert.rejects(
        loadColony(tmp, { workerName: 'nobody' }),
        /\.hive\/nobody\.json: no such worker config/,
      );
      await assert.rejects(loadColony(tmp, { workerName: 'tools' }), /is a colony file/);
    });

    it('derives a safe colony name from the folder when metadata has none', () => {
      assert.equal(colonyNameFromFolder('/x/My Project-2'), 'my_project_2');
      assert.equal(colonyNameFromFolder('/x/---'), 'colony');
    });
  });

  describe('precise errors', () => {
    it('names the file and field of a wrong type', async () => {
      write('.hive/worker.json', { system_prompt: 'p', goal: { success_criteria: 'be good' } });
      const err = await loadError();
      assert.equal(
        err.message,
        '.hive/worker.json: goal.success_criteria must be an array of strings (got string)',
      );
      assert.equal(err.file, path.join(tmp, '.hive', 'worker.json'));
    });

    it('names the index of a bad array element and bad loop limits', async () => {
      write('.hive/worker.json', {
        tools: ['read_file', 3],
        loop_config: { max_iterations: -1, max_context_tokens: 'lots' },
      });
      const err = await loadError();
      assert.deepEqual(err.problems.sort(), [
        '.hive/worker.json: loop_config.max_context_tokens must be a number (got string)',
        '.hive/worker.json: loop_config.max_iterations must be positive',
        '.hive/worker.json: tools[1] must be a string (got number)',
      ]);
    });

    it('reports invalid JSON with the file name', async () => {
      write('.hive/worker.json', '{"system_prompt": ');
      assert.match((await loadError()).message, /^\.hive\/worker\.json: not valid JSON/);
    });

    it('rejects a tools.json allowlist that is not a list of names (no silent allow-all)', async () => {
      write('worker.json', { system_prompt: 'p' });
      write('tools.json', { enabled_mcp_tools: 'web_search' });
      assert.equal(
        (await loadError()).message,
        'tools.json: enabled_mcp_tools must be an array of tool names or null (got string)',
      );
    });

    it('checks triggers.json and metadata.json', async () => {
      write('worker.json', { system_prompt: 'p' });
      write('triggers.json', [{ id: 't1', trigger_type: 'cron', trigger_config: {} }]);
      assert.equal(
        (await loadError()).message,
        'triggers.json: [0].trigger_type must be "timer" or "webhook"',
      );
      write('triggers.json', []);
      write('metadata.json', { workers: { w: { task: 5 } } });
      assert.equal(
        (await loadError()).message,
        'metadata.json: workers.w.task must be a string (got number)',
      );
    });

    it('needs a worker config', async () => {
      write('metadata.json', { colony_name: 'empty' });
      assert.match((await loadError()).message, /no worker config \(worker\.json\) found/);
    });

    it('skips an unparseable non-worker candidate with a warning', async () => {
      write('.hive/aaa.json', '{broken');
      write('.hive/worker.json', { system_prompt: 'p' });
      const c = await loadColony(tmp);
      assert.equal(c.worker.name, 'worker');
      assert.match(c.warnings.join('\n'), /\.hive\/aaa\.json: not valid JSON/);
    });
  });

  describe('tools.json', () => {
    it('null or a missing file allows every MCP tool; a legacy metadata field is honoured', async () => {
      write('worker.json', { system_prompt: 'p' });
      let c = await loadColony(tmp);
      assert.equal(c.enabledMcpTools, null);
      assert.equal(c.toolsConfigSource, 'default');
      write('metadata.json', { enabled_mcp_tools: ['a'] });
      c = await loadColony(tmp);
      assert.deepEqual(c.enabledMcpTools, ['a']);
      assert.equal(c.toolsConfigSource, 'metadata.json');
      write('tools.json', { enabled_mcp_tools: null });
      c = await loadColony(tmp);
      assert.equal(c.enabledMcpTools, null);
      assert.equal(c.toolsConfigSource, 'tools.json');
    });
  });

  describe('mcp_servers.json', () => {
    it("reads Hive's dict form and resolves cwd against the file's folder", async () => {
      write('.hive/worker.json', { system_prompt: 'p' });
      write('.hive/mcp_servers.json', {
        hive_tools: { transport: 'stdio', command: 'uv', args: ['run', 'server.py'], cwd: '../tools' },
        remote: { transport: 'http', url: 'http://127.0.0.1:9/mcp' },
      });
      const c = await loadColony(tmp);
      assert.deepEqual(c.mcpServers[0], {
        name: 'hive_tools',
        transport: 'stdio',
        command: 'uv',
        args: ['run', 'server.py'],
        env: {},
        cwd: path.join(tmp, 'tools'),
        url: undefined,
        description: '',
      });
      assert.equal(c.mcpServers[1]?.transport, 'http');
    });

    it('reads the list form and reports bad entries by name', async () => {
      write('.hive/worker.json', { system_prompt: 'p' });
      write('.hive/mcp_servers.json', { servers: [{ name: 'a', command: 'node', args: 'x.js' }] });
      assert.equal(
        (await loadError()).message,
        '.hive/mcp_servers.json: servers[0].args must be an array of strings (got string)',
      );
      write('.hive/mcp_servers.json', { servers: [{ name: 'a' }] });
      assert.equal(
        (await loadError()).message,
        '.hive/mcp_servers.json: servers[0].command is required for a stdio server',
      );
      write('.hive/mcp_servers.json', { 'bad name': { command: 'x' } });
      assert.match((await loadError()).message, /needs a server name/);
    });
  });

  describe('scaffoldColony', () => {
    it('writes a valid .hive/ colony that loads back', async () => {
      const res = await scaffoldColony(tmp, { goal: '  Keep the changelog tidy  ', name: 'tidy' });
      assert.equal(res.dir, path.join(tmp, '.hive'));
      assert.deepEqual(readdirSync(res.dir).sort(), [
        'metadata.json',
        'tools.json',
        'triggers.json',
        'worker.json',
      ]);
      assert.equal(readFileSync(path.join(res.dir, 'triggers.json'), 'utf8'), '[]\n');
      const c = await loadColony(tmp);
      assert.equal(c.name, 'tidy');
      assert.equal(c.worker.config.goal?.description, 'Keep the changelog tidy');
      assert.match(c.worker.config.system_prompt ?? '', /Keep the changelog tidy/);
      assert.ok(c.worker.config.tools?.includes('edit_file'));
      assert.equal(c.worker.config.loop_config?.max_tool_calls_per_turn, 30);
      assert.equal(c.enabledMcpTools, null);
      assert.deepEqual(c.triggers, []);
      assert.ok(
        readdirSync(tmp).every((n) => !n.includes('scaffold')),
        'no temporary folder is left behind',
      );
    });

    it('refuses to overwrite an existing colony, at the root or in .hive/', async () => {
      await scaffoldColony(tmp, { goal: 'g' });
      const before = readFileSync(path.join(tmp, '.hive', 'worker.json'), 'utf8');
      await assert.rejects(scaffoldColony(tmp, { goal: 'other' }), /a colony already exists/);
      assert.equal(readFileSync(path.join(tmp, '.hive', 'worker.json'), 'utf8'), before);

      const other = path.join(tmp, 'other');
      mkdirSync(other);
      writeFileSync(path.join(other, 'worker.json'), JSON.stringify({ system_prompt: 'root' }));
      await assert.rejects(scaffoldColony(other, { goal: 'g' }), /a colony already exists/);
    });

    it('adds to an existing .hive/ folder without touching what is there', async () => {
      write('.hive/skills/notes/SKILL.md', '---\ndescription: notes\n---\n');
      write('.hive/triggers.json', '[{"keep": true}]');
      await assert.rejects(scaffoldColony(tmp, { goal: 'g' }), /already holds colony files/);
      assert.equal(readFileSync(path.join(tmp, '.hive', 'triggers.json'), 'utf8'), '[{"keep": true}]');
      assert.deepEqual(
        readdirSync(path.join(tmp, '.hive')).sort(),
        ['skills', 'triggers.json'],
        'rolled back',
      );

      rmSync(path.join(tmp, '.hive', 'triggers.json'));
      await scaffoldColony(tmp, { goal: 'g' });
      const c = await loadColony(tmp);
      assert.deepEqual(
        c.skills.map((s) => s.name),
        ['notes'],
      );
    });

    it('validates the goal and the name', async () => {
      await assert.rejects(scaffoldColony(tmp, { goal: '   ' }), /goal\.description must not be empty/);
      await assert.rejects(scaffoldColony(tmp, { goal: 'g', name: 'Bad Name' }), /Invalid colony id/);
      await assert.rejects(scaffoldColony(path.join(tmp, 'missing'), { goal: 'g' }), /not a folder/);
    });
  });
});
