/**
 * `npm run bench [-- name...]`: runs every registered benchmark (or only the named ones) in sequence and prints
 * its figures. A benchmark module exports `name` and `run()`; register it in BENCHES below.
 */
interface BenchModule {
  name: string;
  run(): Promise<void>;
}

const BENCHES: Array<() => Promise<BenchModule>> = [() => import('./webhooks')];

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const load of BENCHES) {
    const bench = await load();
    if (wanted.length && !wanted.includes(bench.name)) continue;
    console.log(`\n== ${bench.name}`);
    await bench.run();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
