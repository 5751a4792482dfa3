/**
 * Checkpoints of a 10,000-file workspace: the first whole-folder snapshot (goal < 2 s, in the background),
 * what a file change costs while that snapshot runs (the turn's added latency) and after it (goal < 50 ms
 * per recorded change), and a command's snapshot pair once warm.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Checkpoints, createCoderTools, type Tool } from '../src/runtime/tools';

const FILES = 10_000;
const CHANGES = 50;

function workspace(): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-ckpt-'));
  for (let d = 0; d < 100; d++) {
    const dir = path.join(root, `pkg${d}`, 'src');
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < FILES / 100; f++)
      writeFileSync(path.join(dir, `file${f}.ts`), `export const v${d}_${f} = ${d * f};\n`.repeat(8));
  }
  mkdirSync(path.join(root, 'node_modules', 'dep'), { recursive: true });
  writeFileSync(path.join(root, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
  return root;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = (x: number) => `${x.toFixed(1)} ms`;

async function write(tool: Tool, i: number): Promise<number> {
  const t = performance.now();
  const r = await tool.execute(
    { path: `pkg${i % 100}/src/file${i % 100}.ts`, content: `// change ${i}\n` },
    { requester: 'queen', turnId: i },
  );
  if (r.isError) throw new Error(r.content);
  return performance.now() - t;
}

export async function run(): Promise<void> {
  const root = workspace();
  const session = mkdtempSync(path.join(os.tmpdir(), 'hive-bench-ckpt-session-'));
  try {
    // Baseline: the same writes with no checkpoints at all.
    const plain = createCoderTools(root).find((t) => t.name === 'write_file')!;
    const plainTimes: number[] = [];
    for (let i = 0; i < CHANGES; i++) plainTimes.push(await write(plain, 1000 + i));

    const checkpoints = new Checkpoints({ dir: path.join(session, 'checkpoints') });
    const tools = createCoderTools(root, { checkpoints });
    const writeTool = tools.find((t) => t.name === 'write_file')!;
    const t0 = performance.now();
    const first = checkpoints.forRoot(root).warmUp();
    // A change made while the first snapshot runs: what the turn waits for.
    const during = await write(writeTool, 0);
    const tree = await first;
    const firstMs = performance.now() - t0;
    const later: number[] = [];
    for (let i = 1; i <= CHANGES; i++) later.push(await write(writeTool, i));
    const cmd = tools.find((t) => t.name === 'run_command')!;
    const cmdTimes: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < 5; i++) {
      let t = performance.now();
      await cmd.execute({ command: `echo ${i} > out${i}.txt` }, { requester: 'queen', turnId: 100 + i });
      cmdTimes.push(performance.now() - t);
      t = performance.now();
      await createCoderTools(root)
        .find((x) => x.name === 'run_command')!
        .execute({ command: `echo ${i} > bare${i}.txt` });
      bare.push(performance.now() - t);
    }
    const journal = await checkpoints.entries();
    console.log(
      `workspace: ${FILES} files (+ node_modules, skipped); snapshot tree ${tree?.slice(0, 12) ?? 'none (no git)'}`,
    );
    console.log(`first checkpoint (whole folder, background): ${ms(firstMs)} (goal < 2000 ms)`);
    console.log(
      `write_file while it runs: ${ms(during)}; without checkpoints: median ${ms(median(plainTimes))} ` +
        `→ added latency ${ms(during - median(plainTimes))}`,
    );
    console.log(
      `later write_file with its checkpoint: median ${ms(median(later))}, max ${ms(Math.max(...later))} ` +
        `(${CHANGES} changes; without checkpoints ${ms(median(plainTimes))}; goal < 50 ms)`,
    );
    console.log(
      `run_command with snapshots before/after: median ${ms(median(cmdTimes))} vs ${ms(median(bare))} bare`,
    );
    console.log(
      `journal entries: ${journal.length}; load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
    );
  } finally {
    await new Promise((r) => setTimeout(r, 50));
    rmSync(root, { recursive: true, force: true });
    rmSync(session, { recursive: true, force: true });
  }
}
