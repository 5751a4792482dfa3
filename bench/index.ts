/**
 * `npm run bench [-- name…]`: runs every benchmark module (or those whose name contains one of
 * the arguments) one after the other. Each module exports `run(): Promise<void>` and prints its
 * own figures. Benchmarks are not tests: they print numbers, they do not assert timings.
 */
interface BenchModule {
  name: string;
  load: () => Promise<{ run: () => Promise<void> }>;
}

const BENCHES: BenchModule[] = [
  { name: 'sessions-index', load: () => import('./sessions-index') },
  // Whole-process listing against today's Hive (HIVE_MIRROR) and a bare stat script; the Sessions tree's refresh.
  { name: 'listing', load: () => import('./listing') },
  { name: 'events', load: () => import('./events') },
  { name: 'webhooks', load: () => import('./webhooks') },
  { name: 'agent-turn', load: () => import('./agent-turn') },
  { name: 'agent-tool-turn', load: () => import('./agent-tool-turn') },
  { name: 'checkpoints', load: () => import('./checkpoints') },
  { name: 'hostile', load: () => import('./hostile') },
  // In the real VS Code host (code-server + Chromium); skipped with a message when not installed.
  { name: 'host', load: () => import('./host') },
];

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const chosen = BENCHES.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
  if (chosen.length === 0) {
    console.error(
      `no benchmark matches ${filters.join(', ')}; available: ${BENCHES.map((b) => b.name).join(', ')}`,
    );
    process.exitCode = 2;
    return;
  }
  for (const bench of chosen) {
    console.log(`\n# ${bench.name}`);
    await (await bench.load()).run();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
