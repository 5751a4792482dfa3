import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isPidAlive } from '../../../src/runtime/colony/pid';
import { createCommandTool, HeadTail } from '../../../src/runtime/tools/command-tool';
import { FolderJail } from '../../../src/runtime/tools/folder-jail';

async function waitDead(pid: number, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isPidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isPidAlive(pid);
}

describe('run_command', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'hive-cmd-'));
    mkdirSync(path.join(root, 'sub'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const tool = (o: Parameters<typeof createCommandTool>[1] = {}) =>
    createCommandTool(new FolderJail(root), o);

  it('runs in the colony folder and returns exit code and output', async () => {
    const r = await tool().execute({ command: 'pwd; echo out; echo err >&2' });
    assert.equal(r.isError, false);
    const [first, ...rest] = r.content.split('\n');
    assert.equal(first, 'exit code: 0');
    assert.ok(rest.includes(root) || rest.some((l) => l.endsWith(path.basename(root))), r.content);
    assert.ok(rest.includes('out') && rest.includes('err'));
    const sub = await tool().execute({ command: 'pwd', cwd: 'sub' });
    assert.match(sub.content, /\/sub$/m);
  });

  it('marks a failing command as an error with its exit code', async () => {
    const r = await tool().execute({ command: 'echo nope; exit 3' });
    assert.deepEqual(r, { content: 'exit code: 3\nnope\n', isError: true });
  });

  it('kills the whole process group on timeout', async function () {
    this.timeout(15_000);
    const started = Date.now();
    const r = await tool({ killGraceMs: 500 }).execute({
      command: 'sleep 30 & echo $! > bg.pid; echo started; sleep 30',
      timeout: 1,
    });
    assert.equal(r.isError, true);
    assert.match(r.content, /^Timed out after 1 s; the command and its children were killed\.\nstarted/);
    assert.ok(Date.now() - started < 6000, 'returned soon after the timeout');
    const bg = Number(readFileSync(path.join(root, 'bg.pid'), 'utf8'));
    assert.ok(await waitDead(bg), `background child ${bg} was killed`);
  });

  it('does not wait for background jobs that outlive the shell, and kills them', async function () {
    this.timeout(15_000);
    const started = Date.now();
    const r = await tool().execute({ command: 'sleep 30 & echo $! > bg.pid; echo done' });
    assert.equal(r.content, 'exit code: 0\ndone\n');
    assert.ok(Date.now() - started < 5000);
    assert.ok(await waitDead(Number(readFileSync(path.join(root, 'bg.pid'), 'utf8'))));
  });

  it('stops on abort', async function () {
    this.timeout(15_000);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 300);
    const r = await tool().execute({ command: 'sleep 30' }, { signal: ac.signal });
    assert.equal(r.isError, true);
    assert.match(r.content, /^Stopped; the command and its children were killed\./);
  });

  it('caps output, keeping its start and end with a notice', async () => {
    const r = await tool({ maxOutputChars: 1000 }).execute({
      command: `node -e "for (let i = 0; i < 2000; i++) console.log('line ' + i)"`,
    });
    assert.match(r.content, /^exit code: 0\nline 0\nline 1\n/);
    assert.match(r.content, /\[… output truncated: \d+ characters omitted …\]/);
    assert.match(r.content, /line 1999\n$/);
    assert.ok(r.content.length < 1200, `${r.content.length} characters`);
  });

  it('does not pass the API key (or listed secrets) to the command', async () => {
    const env = {
      PATH: process.env.PATH,
      ANTHROPIC_API_KEY: 'sk-ant-secret',
      ANTHROPIC_AUTH_TOKEN: 't',
      MY_KEY: 'k',
      KEEP: 'kept',
    };
    const r = await tool({ env, scrubEnv: ['MY_KEY'] }).execute({ command: 'env' });
    assert.match(r.content, /^KEEP=kept$/m);
    assert.doesNotMatch(r.content, /sk-ant-secret|ANTHROPIC_|MY_KEY/);
  });

  it('validates its input', async () => {
    assert.match((await tool().execute({ command: '' })).content, /command: must not be empty/);
    assert.match((await tool().execute({ command: 'true', timeout: -1 })).content, /timeout: Too small/);
    assert.match((await tool().execute({ command: 'true', cwd: '../' })).content, /not allowed/);
  });

  it('HeadTail keeps everything below the cap', () => {
    const h = new HeadTail(10);
    h.push('abc');
    h.push('def');
    assert.equal(h.text(), 'abcdef');
    h.push('ghijklmnop');
    assert.equal(h.text(), 'abcd\n[… output truncated: 6 characters omitted …]\nklmnop');
  });
});
