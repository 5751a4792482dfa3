import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApprovalRequest } from '../../../src/runtime/agent';
import { agentFor, recordingTool } from '../../support/agent-fixture';
import { reply, type ScriptedServer, startScriptedServer } from '../../support/scripted-anthropic-server';

describe('AgentLoop: approvals and large results', () => {
  let server: ScriptedServer;
  beforeEach(async () => {
    server = await startScriptedServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('asks before write and command tools, never before read tools', async () => {
    const asked: ApprovalRequest[] = [];
    const read = recordingTool('read_file', 'read');
    const write = recordingTool('write_file', 'write');
    const run = recordingTool('run_command', 'command');
    server.enqueue(
      reply.blocks([
        { type: 'tool_use', id: 'r', name: 'read_file', input: { path: 'a' } },
        { type: 'tool_use', id: 'w', name: 'write_file', input: { path: 'b', content: 'x' } },
        { type: 'tool_use', id: 'c', name: 'run_command', input: { cmd: 'rm -rf /' } },
      ]),
      reply.text('done'),
    );
    const f = agentFor(server, {
      tools: [read, write, run],
      approve: async (req) => {
        asked.push(req);
        return req.category === 'write' ? 'approve' : { decision: 'deny', reason: 'too dangerous' };
      },
    });
    await f.loop.send('do it');
    assert.deepEqual(
      asked.map((a) => [a.toolName, a.category, a.toolUseId]),
      [
        ['write_file', 'write', 'w'],
        ['run_command', 'command', 'c'],
      ],
    );
    assert.deepEqual(asked[0]!.input, { path: 'b', content: 'x' });
    assert.equal(read.calls.length, 1);
    assert.equal(write.calls.length, 1);
    assert.equal(run.calls.length, 0, 'a denied command never runs');
    const denied = (await f.store.readAll()).find((p) => p.tool_use_id === 'c')!;
    assert.equal(denied.is_error, true);
    assert.equal(denied.content, 'Not run: too dangerous.');
    assert.deepEqual(f.of('tool_call_completed').at(-1), {
      tool_use_id: 'c',
      tool_name: 'run_command',
      result: 'Not run: too dangerous.',
      is_error: true,
    });
  });

  it('stops asking for a category approved "always" or auto-approved up front', async () => {
    let asked = 0;
    const write = recordingTool('write_file', 'write');
    const cmd = recordingTool('run_command', 'command');
    server.enqueue(
      reply.toolUse('write_file', { n: 1 }),
      reply.toolUse('write_file', { n: 2 }),
      reply.toolUse('run_command', {}),
      reply.text('ok'),
    );
    const f = agentFor(server, {
      tools: [write, cmd],
      autoApprove: ['command'],
      approve: async () => {
        asked++;
        return { decision: 'approve', always: true };
      },
    });
    await f.loop.send('write twice');
    assert.equal(asked, 1);
    assert.equal(write.calls.length, 2);
    assert.equal(cmd.calls.length, 1);
    assert.ok(f.loop.approvals.approvedCategories.includes('write'));
  });

  it('refuses write tools when no approval callback is wired', async () => {
    const write = recordingTool('write_file', 'write');
    server.enqueue(reply.toolUse('write_file', {}), reply.text('understood'));
    const f = agentFor(server, { tools: [write] });
    await f.loop.send('write');
    assert.equal(write.calls.length, 0);
    const part = (await f.store.readAll()).find((p) => p.role === 'tool')!;
    assert.equal(part.is_error, true);
    assert.match(part.content!, /no one is available to approve write tools/);
  });

  it('spills a large result to data/ with a pointer and a preview, numbering files after existing ones', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'hive-data-'));
    writeFileSync(path.join(dataDir, 'search_4.txt'), 'from an earlier run');
    const big = `HEAD-${'x'.repeat(50_000)}-TAIL`;
    const search = recordingTool('mcp_search', 'read', () => big);
    server.enqueue(reply.toolUse('mcp_search', { q: 'all' }), reply.text('summarised'));
    const f = agentFor(server, { tools: [search], dataDir, maxToolResultChars: 1000 });
    await f.loop.send('search');
    const file = path.join(dataDir, 'search_5.txt');
    assert.equal(readFileSync(file, 'utf8'), big);
    const part = (await f.store.readAll()).find((p) => p.role === 'tool')!;
    assert.ok(part.content!.includes(`Full result saved at: ${file}`));
    assert.ok(part.content!.includes('HEAD-'));
    assert.ok(!part.content!.includes('-TAIL'));
    assert.ok(part.content!.length < 2000);
    assert.equal(part.is_error, undefined);
    // The model sees the pointer, not the 50k characters.
    const sent = JSON.stringify(server.requests[1]!.body.messages);
    assert.ok(sent.includes('search_5.txt') && sent.length < 5000);
    assert.deepEqual(readdirSync(dataDir).sort(), ['search_4.txt', 'search_5.txt']);
  });

  it('keeps small results unchanged and truncates large ones in place without a data folder', async () => {
    const small = recordingTool('small', 'read', () => 'tiny');
    const big = recordingTool('big', 'read', () => 'y'.repeat(5000));
    server.enqueue(
      reply.blocks([
        { type: 'tool_use', id: 's', name: 'small', input: {} },
        { type: 'tool_use', id: 'b', name: 'big', input: {} },
      ]),
      reply.text('ok'),
    );
    const f = agentFor(server, { tools: [small, big], maxToolResultChars: 1000 });
    await f.loop.send('go');
    const parts = await f.store.readAll();
    assert.equal(parts.find((p) => p.tool_use_id === 's')!.content, 'tiny');
    const b = parts.find((p) => p.tool_use_id === 'b')!.content!;
    assert.match(b, /returned 5,000 characters/);
    assert.ok(b.length < 1000);
  });
});
