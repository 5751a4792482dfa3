import { spawn } from 'node:child_process';

/** Runs `git` with `env`, feeding `stdin` when given; rejects with stderr on a non-zero exit. */
export function gitProcess(
  git: string,
  args: string[],
  opts: { env: NodeJS.ProcessEnv; cwd: string },
  stdin?: AsyncIterable<Buffer>,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(git, args, { env: opts.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => {
      err = (err + d.toString('utf8')).slice(-2000);
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`git ${args[0]} failed (${code}): ${err.trim()}`)),
    );
    child.stdin.on('error', () => undefined);
    if (!stdin) {
      child.stdin.end();
      return;
    }
    (async () => {
      for await (const chunk of stdin)
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      child.stdin.end();
    })().catch((e: unknown) => {
      child.kill();
      reject(e);
    });
  });
}
