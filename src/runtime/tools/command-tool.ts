import { type ChildProcess, spawn } from 'node:child_process';
import { lstat } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { z } from 'zod';
import type { RootCheckpoints } from './checkpoints';
import type { FolderJail } from './folder-jail';
import { defineTool, type Tool, toolError } from './tool';

export interface CommandToolOptions {
  /** Default 120 s; the model may ask for up to maxTimeoutMs. */
  defaultTimeoutMs?: number;
  maxTimeoutMs?: number;
  /** Output kept (head and tail) before a truncation notice (default 30 000 characters). */
  maxOutputChars?: number;
  /** SIGTERM → SIGKILL grace (default 2 s). */
  killGraceMs?: number;
  /** Base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Extra variables to remove, e.g. the key variable named in ~/.hive/configuration.json. */
  scrubEnv?: string[];
  /** What the command changes in the folder is journaled (snapshots before and after it). */
  checkpoints?: RootCheckpoints;
}

/** Never handed to a command: the model's credentials. */
export const SCRUBBED_ENV = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN'];

/**
 * run_command(command, cwd, timeout), Hive's tool (Hive: tools/coder_tools_server.py): a shell command in
 * the working folder (or a folder inside it). It runs in its own
 * process group, so a timeout, a Stop, or the end of the command kills what it started too (background
 * jobs included: nothing outlives the call). The command itself is not confined to the folder, which is
 * why it is a `command` tool and needs approval. Like Hive, a timeout above the maximum is clamped.
 */
export function createCommandTool(jail: FolderJail, options: CommandToolOptions = {}): Tool {
  const defTimeout = options.defaultTimeoutMs ?? 120_000;
  const maxTimeout = options.maxTimeoutMs ?? 600_000;
  const maxChars = options.maxOutputChars ?? 30_000;
  const grace = options.killGraceMs ?? 2_000;
  const schema = z.object({
    command: z.string().min(1, 'must not be empty').describe('Shell command to execute'),
    cwd: z
      .string()
      .default('')
      .describe(`Working directory, relative to the ${jail.label} (default: the folder itself)`),
    timeout: z
      .number()
      .positive()
      .optional()
      .describe(`Timeout in seconds (default ${defTimeout / 1000}, max ${maxTimeout / 1000})`),
  });
  const seconds = (t: number | undefined) => Math.min(t ?? defTimeout / 1000, maxTimeout / 1000);
  const folder = async (cwd: string) => {
    const dir = await jail.resolveExisting(cwd || '.');
    if (!(await lstat(dir)).isDirectory()) throw new Error(`${cwd} is not a folder`);
    return dir;
  };
  return defineTool({
    name: 'run_command',
    description:
      `Run a shell command in the ${jail.label} and return its exit code and output (stdout and stderr ` +
      `together; long output keeps its start and end). Times out after ${defTimeout / 1000} s unless ` +
      `timeout says otherwise (at most ${maxTimeout / 1000}).`,
    category: 'command',
    schema,
    async preview({ command, cwd, timeout }) {
      return { command, cwd: await folder(cwd), timeout: seconds(timeout) };
    },
    async run({ command, timeout, cwd }, ctx) {
      const dir = await folder(cwd);
      if (ctx.signal?.aborted) return toolError('Stopped before it started.');
      const env = scrubbedEnv(options.env ?? process.env, options.scrubEnv ?? []);
      const timeoutMs = seconds(timeout) * 1000;
      const exec = () =>
        runInGroup(command, dir, env, { timeoutMs, graceMs: grace, maxChars, signal: ctx.signal });
      const meta = { toolUseId: ctx.toolUseId, requester: ctx.requester, turnId: ctx.turnId, emit: ctx.emit };
      const r = options.checkpoints ? await options.checkpoints.around(meta, exec) : await exec();
      const lines: string[] = [];
      if (r.timedOut)
        lines.push(`Timed out after ${timeoutMs / 1000} s; the command and its children were killed.`);
      else if (r.aborted) lines.push('Stopped; the command and its children were killed.');
      else if (r.error) lines.push(`Could not run the command: ${r.error}`);
      else if (r.signal) lines.push(`killed by signal ${r.signal}`);
      else lines.push(`exit code: ${r.code}`);
      lines.push(r.output === '' ? '(no output)' : r.output);
      return { content: lines.join('\n'), isError: r.timedOut || r.aborted || !!r.error || r.code !== 0 };
    },
  });
}

export function scrubbedEnv(base: NodeJS.ProcessEnv, extra: string[]): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const name of [...SCRUBBED_ENV, ...extra]) delete env[name];
  return env;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  output: string;
  timedOut: boolean;
  aborted: boolean;
  error?: string;
}

function runInGroup(
  command: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
  o: { timeoutMs: number; graceMs: number; maxChars: number; signal?: AbortSignal },
): Promise<RunResult> {
  return new Promise((resolve) => {
    const out = new HeadTail(o.maxChars);
    let timedOut = false;
    let aborted = false;
    let child: ChildProcess;
    try {
      child = spawn(command, {
        cwd,
        env,
        shell: true,
        detached: process.platform !== 'win32',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      resolve({ code: null, signal: null, output: '', timedOut, aborted, error: (err as Error).message });
      return;
    }
    for (const stream of [child.stdout, child.stderr]) {
      const dec = new StringDecoder('utf8');
      stream?.on('data', (d: Buffer) => out.push(dec.write(d)));
      stream?.on('end', () => out.push(dec.end()));
    }
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      killGroup(child, 'SIGTERM');
      killTimer ??= setTimeout(() => killGroup(child, 'SIGKILL'), o.graceMs);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      kill();
    }, o.timeoutMs);
    const onAbort = () => {
      aborted = true;
      kill();
    };
    o.signal?.addEventListener('abort', onAbort, { once: true });
    let settled = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null, error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (killTimer) clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      // Whatever the command left running in its group goes with it.
      killGroup(child, 'SIGKILL');
      resolve({ code, signal, output: out.text(), timedOut, aborted, error });
    };
    child.on('error', (err) => finish(null, null, err.message));
    child.on('close', (code, signal) => finish(code, signal));
    // A background job holding the pipes open must not keep us waiting once the shell is gone.
    child.on('exit', (code, signal) => setTimeout(() => finish(code, signal), 500).unref());
  });
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    if (process.platform === 'win32') child.kill(signal);
    else process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Keeps the first 40% and the last 60% of the allowed characters, counting what fell in between. */
export class HeadTail {
  private head = '';
  private tail = '';
  private dropped = 0;
  private readonly headMax: number;
  private readonly tailMax: number;

  constructor(max: number) {
    this.headMax = Math.floor(max * 0.4);
    this.tailMax = max - this.headMax;
  }

  push(s: string): void {
    if (!s) return;
    if (this.head.length < this.headMax) {
      const take = s.slice(0, this.headMax - this.head.length);
      this.head += take;
      s = s.slice(take.length);
    }
    this.tail += s;
    if (this.tail.length > this.tailMax) {
      this.dropped += this.tail.length - this.tailMax;
      this.tail = this.tail.slice(-this.tailMax);
    }
  }

  text(): string {
    if (this.dropped === 0) return this.head + this.tail;
    return `${this.head}\n[… output truncated: ${this.dropped} characters omitted …]\n${this.tail}`;
  }
}
