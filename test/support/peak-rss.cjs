// Preloaded into child processes by tests: reports the peak resident set size on exit.
process.on('exit', () => {
  process.stderr.write(`PEAK_RSS=${process.resourceUsage().maxRSS * 1024}\n`);
});
