import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkColonyFiles, checkColonyFileText } from '../../../src/runtime/colony/colony-problems';

const triggers = `[
  {
    "id": "ok",
    "trigger_type": "timer",
    "trigger_config": { "cron": "0 9 * * 1-5" },
    "task": "fine"
  },
  {
    "id": "broken_cron",
    "trigger_type": "timer",
    "trigger_config": { "cron": "61 * * * *" },
    "task": "never"
  },
  {
    "id": "hook",
    "trigger_type": "webhook",
    "trigger_config": { "methods": ["POST"] }
  }
]
`;

describe('Colony file problems (for the Problems view)', () => {
  it('puts a skipped trigger at its bad field, with the loader reason and "invalid:"', () => {
    const problems = checkColonyFileText('/c/.hive/triggers.json', triggers);
    assert.equal(problems.length, 2, JSON.stringify(problems));
    const [cron, hook] = problems;
    assert.match(cron!.message, /^invalid: trigger "broken_cron" is not loaded: trigger_config\.cron: /);
    assert.match(cron!.message, /61/);
    // Line 11 (0-based 10) holds "trigger_config": { "cron": "61 * * * *" }: the range is the cron property.
    assert.deepEqual(cron!.start, { line: 10, character: 24 });
    assert.deepEqual(cron!.end, { line: 10, character: 44 });
    assert.match(hook!.message, /trigger "hook" is not loaded: trigger_config\.path: .*path/);
    // The missing key is shown on the object that lacks it.
    assert.equal(hook!.start.line, 16);
  });

  it('reports a syntax error at its place and the file as unreadable', () => {
    const text = '{\n  "name": "w",\n  "tools": ["a",]\n}\n';
    const [p, ...rest] = checkColonyFileText('/c/.hive/worker.json', text);
    assert.equal(rest.length, 0);
    assert.match(p!.message, /^worker\.json: not valid JSON \(/);
    assert.equal(p!.start.line, 2);
  });

  it('names the field of a worker, tools or metadata file the loader refuses', () => {
    const worker = '{\n  "name": "w",\n  "goal": { "success_criteria": "all" }\n}\n';
    const [w] = checkColonyFileText('/c/.hive/worker.json', worker);
    assert.equal(w!.message, 'worker.json: goal.success_criteria must be an array of strings (got string)');
    assert.deepEqual(w!.start, { line: 2, character: 12 });
    const [t] = checkColonyFileText('/c/.hive/tools.json', '{ "enabled_mcp_tools": "all" }');
    assert.match(t!.message, /^tools\.json: enabled_mcp_tools must be an array of tool names or null/);
    assert.deepEqual(checkColonyFileText('/c/.hive/metadata.json', '{ "colony_name": "ok" }'), []);
  });

  it('reports a triggers.json that is not a list on the whole file', () => {
    const [p] = checkColonyFileText('/c/.hive/triggers.json', '{ "id": "x" }');
    assert.match(p!.message, /^triggers\.json: must be a JSON list of triggers/);
  });

  it('checks every colony file of a folder; a missing file has none', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'hive-problems-'));
    writeFileSync(path.join(dir, 'triggers.json'), triggers);
    writeFileSync(path.join(dir, 'worker.json'), '{ "name": "w" }');
    const all = await checkColonyFiles(dir);
    assert.deepEqual([...all.keys()].map((f) => path.basename(f)).sort(), [
      'metadata.json',
      'tools.json',
      'triggers.json',
      'worker.json',
    ]);
    assert.equal(all.get(path.join(dir, 'triggers.json'))?.length, 2);
    assert.deepEqual(all.get(path.join(dir, 'worker.json')), []);
    assert.deepEqual(all.get(path.join(dir, 'metadata.json')), []);
  });
});
