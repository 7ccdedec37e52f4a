import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ModelSession } from '../src/main/inference/model-session.js';
import { REPO_ROOT } from '../test/helpers/paths.js';
import { startBareHttpServer } from './bare-http.js';
import { startBenchHost } from './bench-host.js';
import { slotBundleFile } from '../src/main/host/data-dir.js';
import { measureCase } from './case-measurement.js';
import { measureCpuSteadiness } from './cpu-steadiness.js';
import { makeBenchImages, SOURCE_PHOTO, type BenchImage } from './images.js';
import { describeMachine } from './machine.js';
import { inputSize, loadBenchModels, type BenchModel } from './models.js';
import { QuietMachine } from './quiet-machine.js';
import { measureRelease, type ReleasePlan } from './release-bench.js';
import { renderReport } from './report.js';
import type { BenchPlan, BenchResults, CaseResult } from './results.js';
import { measureFootprint } from './footprint.js';
import { checkFootprintTargets, checkReleaseTargets, checkTargets } from './targets.js';
import { makeTempDir, removeDir } from './temp-dir.js';

/**
 * Sized to keep the whole run to about six minutes on two cores (plus any wait for a quiet
 * machine, at most quietBudgetSeconds): about four for the HTTP cases and start-up, two for the
 * release path.
 */
const PLAN: BenchPlan = {
  floorWarmUp: 20,
  floorIterations: 300,
  floorConcurrency: 8,
  httpConcurrencies: [1, 8, 32],
  httpSeconds: 8,
  httpWarmUpSeconds: 2,
  pairedBlocks: 4,
  startupRuns: 7,
  hostRssRuns: 3,
  footprintLoadRequests: 240,
  footprintInFlight: 2,
  sourcePhoto: SOURCE_PHOTO,
  quietThresholdPercent: 15,
  quietBudgetSeconds: 90,
};

const RELEASE_PLAN: ReleasePlan = {
  // About 15.8 MB of ONNX, the size of a real LiteCNN export.
  widths: [64, 128, 256, 512, 1024, 1024, 1024, 1024],
  warmUpDeploys: 1,
  timedDeploys: 5,
  swaps: 16,
  loopConnections: 2,
  steadyBlockSeconds: 2.5,
  swapMarginSeconds: 0.5,
  firstSeed: 1001,
};

const REPORT_FILE = join(REPO_ROOT, 'docs', 'benchmarks.md');

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const quiet = new QuietMachine(PLAN.quietThresholdPercent, PLAN.quietBudgetSeconds * 1000);
  const machine = describeMachine();
  const imageDir = await makeTempDir('litecnn-bench-images-');
  try {
    await quiet.wait();
    progress('CPU steadiness probe');
    const steadiness = await measureCpuSteadiness();
    const images = await makeBenchImages(imageDir);
    const models = await loadBenchModels();
    const cases: CaseResult[] = [];
    for (const model of models) cases.push(...await measureModel(model, images, quiet));
    await quiet.wait();
    const footprint = await measureFootprint({ loadRequests: PLAN.footprintLoadRequests, inFlight: PLAN.footprintInFlight, startupRuns: PLAN.startupRuns, hostRssRuns: PLAN.hostRssRuns }, images.find((image) => image.name === '12MP')!, progress);
    // The release loop sends the 640x480 photo: with the 12 MP one, TO-BE's latency would be mostly JPEG decoding.
    const release = await measureRelease(RELEASE_PLAN, images[0]!, quiet, progress);
    const results: BenchResults = { machine, steadiness, plan: PLAN, cases, footprint, release, quietWaitSeconds: quiet.busyWaitMs / 1000, totalSeconds: (performance.now() - started) / 1000 };
    const report = renderReport(results, [...checkTargets(cases), ...checkFootprintTargets(footprint), ...checkReleaseTargets(release)]);
    await mkdir(join(REPO_ROOT, 'docs'), { recursive: true });
    await writeFile(REPORT_FILE, report);
    process.stdout.write(`${report}\nWritten to ${REPORT_FILE}\n`);
  } finally {
    await removeDir(imageDir);
  }
}

/** One model: a session in this process for the floor, and a host whose slots serve the same model. */
async function measureModel(model: BenchModel, images: readonly BenchImage[], quiet: QuietMachine): Promise<CaseResult[]> {
  progress(`${model.name}: loading the session and starting a host`);
  const session = await ModelSession.load(model.bundle, model.description);
  const bench = await startBenchHost({ asis: model, tobe: model }).catch(async (error: unknown) => {
    await session.release();
    throw error;
  });
  const bare = await startBareHttpServer(slotBundleFile(bench.host.dataDir, 'asis'));
  try {
    const cases: CaseResult[] = [];
    for (const image of images) {
      const measured = await measureCase({ session, slotUrl: bench.url, slotPid: bench.pid, bare }, image, PLAN, quiet, (step) => progress(`${model.name} on ${image.name}: ${step}`));
      cases.push({ model: model.name, modelInput: inputSize(model), image: image.name, imageBytes: image.bytes.length, ...measured });
    }
    return cases;
  } finally {
    await bare.stop();
    await bench.stop();
    await session.release();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
