import { writeFileSync } from 'node:fs';

/**
 * Loaded with `--import` into the CLI process the live benchmark starts: as the process exits it
 * writes its own peak RSS (worker threads included) and heap figures to the file the benchmark names,
 * since a parent cannot read a child's resource usage from node.
 */
const out = process.env.BENCH_LIVE_RSS_FILE;
if (out) {
  process.on('exit', () => {
    const heap = process.memoryUsage();
    writeFileSync(out, JSON.stringify({ maxRssKiB: process.resourceUsage().maxRSS, uptimeMs: Math.round(process.uptime() * 1000), heapUsedMiB: Math.round(heap.heapUsed / 2 ** 20) }));
  });
}
