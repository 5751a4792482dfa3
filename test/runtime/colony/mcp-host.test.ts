import assert from 'node:assert/strict';
import path from 'node:path';
import { McpHost } from '../../../src/runtime/colony/mcp/mcp-host';
import type { McpServerSpec } from '../../../src/runtime/colony/mcp-config';
import { isPidAlive } from '../../../src/runtime/colony/pid';

const repo = path.join(__dirname, '../../..');
const testServer = (name = 'test'): McpServerSpec => ({
  name,
  transport: 'stdio',
  command: process.execPath,
  args: ['--require', 'tsx/cjs', path.join(repo, 'test/support/mcp-test-server.ts')],
  env: {},
  cwd: repo,
  description: '',
});

async function waitDead(pid: number, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end && isPidAlive(pid)) await new Promise((r) => setTimeout(r, 50));
  return !isPidAlive(pid);
}

describe('colony MCP servers', function () {
  this.timeout(60_000);
  let host: McpHost | undefined;
  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('starts a stdio server, exposes its tools and round-trips calls; close kills the child', async () => {
    host = await McpHost.start({ servers: [testServer()], enabledMcpTools: null });
    assert.deepEqual(host.failures, []);
    assert.deepEqual(
      host.tools.map((t) => [t.name, t.category]).sort(),
      [
        ['add', 'command'],
        ['echo', 'read'],
      ],
      'read-only tools are "read", the others "command"',
    );
    const echo = host.tools.find((t) => t.name === 'echo')!;
    assert.equal(echo.inputSchema.type, 'object');
    assert.deepEqual(echo.inputSchema.required, ['text']);
    assert.deepEqual(await echo.execute({ text: 'hi' }), { content: 'echo: hi' });
    const add = host.tools.find((t) => t.name === 'add')!;
    assert.deepEqual(await add.execute({ a: 2, b: 3 }), { content: '5' });
    assert.deepEqual(await add.execute({ a: -1, b: 3 }), {
      content: 'negative numbers are not allowed',
      isError: true,
    });
    const bad = await add.execute({ a: 'x' });
    assert.equal(bad.isError, true, 'the server rejects input that does not match its schema');
    assert.equal((await add.execute('nope')).isError, true);

    const [pid] = host.pids();
    assert.ok(pid && isPidAlive(pid));
    await host.close();
    assert.ok(await waitDead(pid), `server ${pid} is gone after close`);
    const after = await echo.execute({ text: 'late' });
    assert.equal(after.isError, true, 'a call after close is an error result, not a throw');
  });

  it("filters tools by the colony's tools.json allowlist", async () => {
    host = await McpHost.start({ servers: [testServer()], enabledMcpTools: ['add', 'not_there'] });
    assert.deepEqual(
      host.tools.map((t) => t.name),
      ['add'],
    );
    await host.close();
    host = await McpHost.start({ servers: [testServer()], enabledMcpTools: [] });
    assert.deepEqual(host.tools, []);
    assert.deepEqual(host.pids(), [], '[] allows nothing, so no server is started');
  });

  it('reports servers that fail to start and keeps the others; skips non-stdio and taken names', async () => {
    host = await McpHost.start({
      servers: [
        { ...testServer('broken'), command: path.join(repo, 'no-such-binary') },
        {
          ...testServer('crashing'),
          command: process.execPath,
          args: ['-e', 'process.stderr.write("boom"); process.exit(2)'],
        },
        testServer('good'),
        {
          name: 'remote',
          transport: 'http',
          url: 'http://127.0.0.1:1/mcp',
          args: [],
          env: {},
          description: '',
        },
      ],
      enabledMcpTools: null,
      reservedNames: ['echo', 'add', 'good__add'],
    });
    assert.deepEqual(
      host.failures.map((f) => f.server),
      ['broken', 'crashing'],
    );
    assert.match(host.failures[1]!.error, /boom/, 'stderr of a crashing server is in the error');
    // echo is taken: offered as good__echo; add and good__add are both taken: left out.
    assert.deepEqual(
      host.tools.map((t) => t.name),
      ['good__echo'],
    );
    assert.deepEqual(host.renamed, [
      { server: 'good', tool: 'echo', as: 'good__echo' },
      { server: 'good', tool: 'add', as: null },
    ]);
    assert.equal(host.pids().length, 1);
    assert.match(host.warnings.join('\n'), /"remote" uses the http transport/);
    assert.match(host.warnings.join('\n'), /"echo" of server "good" is offered as "good__echo"/);
    assert.match(host.warnings.join('\n'), /"add" of server "good" is left out/);
  });
});
