import assert from 'node:assert/strict';
import { createControlTools, type WorkerReport } from '../../../src/runtime/colony/tools/control-tools';
import type { Tool } from '../../../src/runtime/tools/tool';

describe('worker control tools', () => {
  const reports: WorkerReport[] = [];
  const escalations: Array<{ reason: string; context: string }> = [];
  const outputs: Array<[string, string]> = [];
  let reply: string | undefined;
  const make = (outputKeys?: string[]) =>
    new Map<string, Tool>(
      createControlTools({
        onReport: (r) => {
          reports.push(r);
        },
        onEscalate: async (e) => {
          escalations.push(e);
          return reply;
        },
        onSetOutput: (k, v) => {
          outputs.push([k, v]);
        },
        outputKeys,
      }).map((t) => [t.name, t]),
    );
  beforeEach(() => {
    reports.length = 0;
    escalations.length = 0;
    outputs.length = 0;
    reply = undefined;
  });

  it('report_to_parent hands a normalised report to the runtime', async () => {
    const t = make().get('report_to_parent')!;
    assert.equal(t.category, 'control');
    assert.deepEqual(t.inputSchema.required, ['status', 'summary']);
    const r = await t.execute({ status: 'partial', summary: '  did half  ' });
    assert.match(r.content, /Report sent to the queen \(status: partial\)/);
    assert.deepEqual(reports, [{ status: 'partial', summary: 'did half', data: {} }]);
    const bad = await t.execute({ status: 'great', summary: 'x' });
    assert.equal(bad.isError, true);
    assert.match(bad.content, /^Invalid input for report_to_parent: status: /);
    assert.equal((await t.execute({ status: 'success', summary: '   ' })).isError, true);
    assert.equal((await t.execute({ status: 'success', summary: 's', data: [1] })).isError, true);
    assert.equal(reports.length, 1, 'invalid calls never reach the runtime');
  });

  it("escalate waits for the runtime and returns the queen's reply", async () => {
    const t = make().get('escalate')!;
    reply = '[QUEEN_REPLY] request_id=abc\nUse the staging server.';
    assert.equal((await t.execute({ reason: 'which server?' })).content, reply);
    reply = undefined;
    assert.match((await t.execute({ reason: 'r', context: 'c' })).content, /waiting for guidance/);
    assert.deepEqual(escalations, [
      { reason: 'which server?', context: '' },
      { reason: 'r', context: 'c' },
    ]);
  });

  it('set_output accepts any key, or only the declared ones', async () => {
    assert.equal(
      (await make().get('set_output')!.execute({ key: 'n', value: '3' })).content,
      'Output "n" set.',
    );
    const strict = make(['summary']).get('set_output')!;
    assert.deepEqual((strict.inputSchema.properties as Record<string, { enum?: string[] }>).key?.enum, [
      'summary',
    ]);
    assert.equal((await strict.execute({ key: 'other', value: 'x' })).isError, true);
    await strict.execute({ key: 'summary', value: 'ok' });
    assert.deepEqual(outputs, [
      ['n', '3'],
      ['summary', 'ok'],
    ]);
  });

  it('turns a failing callback into an error result', async () => {
    const t = createControlTools({
      onReport: () => {
        throw new Error('runtime gone');
      },
      onEscalate: () => undefined,
      onSetOutput: () => {},
    })[0]!;
    assert.deepEqual(await t.execute({ status: 'success', summary: 's' }), {
      content: 'report_to_parent failed: runtime gone',
      isError: true,
    });
  });
});
