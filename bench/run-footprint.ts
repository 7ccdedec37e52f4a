import { measureFootprint } from './footprint.js';
import { makeBenchImages } from './images.js';
import { checkFootprintTargets } from './targets.js';
import { makeTempDir, removeDir } from './temp-dir.js';

/** `npm run bench:footprint`: only the footprint checks of `npm run bench`, printed (docs/benchmarks.md is left as it is). */
async function main(): Promise<void> {
  const dir = await makeTempDir('litecnn-bench-footprint-');
  try {
    const twelveMp = (await makeBenchImages(dir)).find((image) => image.name === '12MP')!;
    const footprint = await measureFootprint({ loadRequests: 240, inFlight: 2, startupRuns: 7, hostRssRuns: 3 }, twelveMp, (message) => process.stderr.write(`[bench] ${message}\n`));
    for (const check of checkFootprintTargets(footprint)) {
      process.stdout.write(`${check.pass ? 'PASS' : 'FAIL'}  ${check.model}  ${check.name}: ${check.compared} -> ${check.measured.toFixed(2)} (target ${check.target})\n`);
    }
  } finally {
    await removeDir(dir);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
