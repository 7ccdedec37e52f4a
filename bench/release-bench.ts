import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { gpuSettings } from '../test/helpers/gpu-host.js';
import { liteCnnRun, publishRun } from '../test/helpers/training-runs.js';
import { startBenchHost, type BenchHost } from './bench-host.js';
import { alternate } from './case-measurement.js';
import { pooledCpuShares, startCpuMeter, type CpuShares } from './cpu-meter.js';
import { DEPLOY_PARTS, recordTimeline, splitDeploy, type DeploySplit } from './deploy-timeline.js';
import { startBenchGpuServer } from './gpu-server.js';
import type { BenchImage } from './images.js';
import { buildMultipartBody, type MultipartBody } from './multipart-body.js';
import { waitUntilIdle } from './process-idle.js';
import type { QuietMachine } from './quiet-machine.js';
import { median, summarise, type LatencySummary } from './stats.js';
import { startTimedLoop, timedPredict, type TimedRequest } from './timed-requests.js';

/** How the release benchmark is set up. */
export interface ReleasePlan {
  /** LiteCNN channel widths of every published run (about 15 MB of ONNX). */
  widths: number[];
  /** Deploys before the timed ones, shown but not in the medians: the first replaces the small bundled TO-BE, in a fresh process. */
  warmUpDeploys: number;
  timedDeploys: number;
  /** Model swaps measured under the request loop, alternately a deploy of a new run and a rollback. */
  swaps: number;
  /** Requests the loop keeps in flight against TO-BE. */
  loopConnections: number;
  /** Each steady-state block of the loop. */
  steadyBlockSeconds: number;
  /** Loop time before and after each swap operation in its block. */
  swapMarginSeconds: number;
  /** Seed of the first run; each run takes the next. */
  firstSeed: number;
}

/** One timed deploy: a new run published, then host.deploy() until TO-BE answers with it. */
export interface DeployRun {
  runId: string;
  seed: number;
  warmUp: boolean;
  modelBytes: number;
  split: DeploySplit;
  /** `ownPercent` is this process, which is also the host (validate runs in its worker thread); `serverPercent` the TO-BE slot. */
  cpu: CpuShares;
}

/** One model swap under the request loop. */
export interface SwapResult {
  kind: 'deploy' | 'rollback';
  from: string;
  to: string;
  /** The swap step: the slot loads and warms up the new model while serving, then switches. */
  swapMs: number;
  /** The whole operation, deploy() or rollback() call to its answer. */
  operationMs: number;
  /** Answered requests in flight at some moment of the swap step, and their latency. */
  duringSwap: LatencySummary;
  maxMs: number;
  /** Answered and failed requests in the whole block. */
  requestsInBlock: number;
  failed: number;
  /** Model versions that answered during the block, in order of first appearance. */
  versions: string[];
  cpu: CpuShares;
}

export interface ReleaseResult {
  plan: ReleasePlan;
  software: { openssh: string; ssh2: string };
  loopImage: { name: string; bytes: number };
  deploys: DeployRun[];
  /** Median of each part over the timed deploys (so the parts need not add up to the median total). */
  medianSplit: DeploySplit;
  /** Median of model bytes / download time over the timed deploys, in MB/s (10^6 bytes). */
  medianSftpMBps: number;
  swaps: SwapResult[];
  /** Every answered request of the steady-state blocks. */
  steady: LatencySummary & { failed: number; blocks: number; seconds: number; cpu: CpuShares };
  /** Answered requests in flight at some moment of a swap step, over all swaps. */
  duringSwap: LatencySummary;
  /** Answered requests in flight at some moment of a whole operation (deploy includes download and validate). */
  duringOperation: LatencySummary;
  /** Failed requests in all swap blocks. */
  swapBlocksFailed: number;
  swapBlocksCpu: CpuShares;
}

/** Answers naming the new version are awaited this long after deploy() resolved. */
const CONFIRM_TIMEOUT_MS = 10_000;

/**
 * The release path end to end: a real sshd on 127.0.0.1 as the GPU server, a real host whose
 * TO-BE slot the deploys reach. First deploys on an idle host, each timed per step; then model
 * swaps under a steady request loop against TO-BE, in blocks alternating with steady state.
 */
export async function measureRelease(plan: ReleasePlan, image: BenchImage, quiet: QuietMachine, progress: (message: string) => void): Promise<ReleaseResult> {
  progress('release: starting sshd on 127.0.0.1 and a host pointed at it');
  const gpu = await startBenchGpuServer();
  try {
    const bench = await startBenchHost({}, gpuSettings(gpu.sshd));
    try {
      const upload = buildMultipartBody(image.bytes);
      let seed = plan.firstSeed;
      const publish = async (prefix: string): Promise<{ runId: string; seed: number }> => {
        const run = { runId: `${prefix}-${seed}`, seed };
        seed++;
        await publishRun(gpu.sshd.runsDir, run.runId, liteCnnRun(run.seed, plan.widths));
        return run;
      };

      const deploys: DeployRun[] = [];
      for (let i = 0; i < plan.warmUpDeploys + plan.timedDeploys; i++) {
        const warmUp = i < plan.warmUpDeploys;
        const run = await publish('bench-run');
        progress(`release: deploy ${i + 1} of ${plan.warmUpDeploys + plan.timedDeploys}${warmUp ? ' (warm-up)' : ''}, run ${run.runId}`);
        await waitUntilIdle(bench.slots.tobe.pid);
        await quiet.wait();
        deploys.push({ ...(await timedDeploy(bench, run.runId, upload)), seed: run.seed, warmUp });
      }
      const timed = deploys.filter((run) => !run.warmUp);
      const medianSplit = Object.fromEntries([...DEPLOY_PARTS, 'total'].map((part) => [part, median(timed.map((run) => run.split[part as keyof DeploySplit]))])) as unknown as DeploySplit;
      const medianSftpMBps = median(timed.map((run) => run.modelBytes / 1e6 / (run.split.download / 1000)));

      const swapping = await measureSwaps(plan, bench, upload, () => publish('bench-swap'), quiet, progress);
      return { plan, software: softwareVersions(), loopImage: { name: image.name, bytes: image.bytes.length }, deploys, medianSplit, medianSftpMBps, ...swapping };
    } finally {
      await bench.stop();
    }
  } finally {
    await gpu.stop();
  }
}

/** The SSH server and client the figures depend on. */
function softwareVersions(): ReleaseResult['software'] {
  // sshd has no --version; -V prints it to stderr (on older releases with an "unknown option" complaint first).
  const sshd = spawnSync('/usr/sbin/sshd', ['-V'], { encoding: 'utf8' });
  const openssh = /OpenSSH_[^\s,]+/.exec(`${sshd.stderr}${sshd.stdout}`)?.[0] ?? 'unknown';
  const ssh2 = (createRequire(import.meta.url)('ssh2/package.json') as { version: string }).version;
  return { openssh, ssh2 };
}

/** Deploys the newest run (just published) the way the watcher does, and waits until TO-BE answers with it. */
async function timedDeploy(bench: BenchHost, runId: string, upload: MultipartBody): Promise<Omit<DeployRun, 'seed' | 'warmUp'>> {
  const tobe = bench.slots.tobe;
  const stopCpuMeter = await startCpuMeter(tobe.pid);
  const recording = recordTimeline(bench.host);
  const result = await bench.host.deploy({ trigger: 'cli' });
  const resolved = performance.now();
  const timeline = recording.finish();
  if (result.outcome !== 'deployed' || result.run?.id !== runId) throw new Error(`deploy of ${runId}: ${result.outcome}, ${result.message}`);
  const answered = await firstAnswerFrom(tobe.url, upload, runId);
  return { runId, modelBytes: timeline.modelBytes!, split: splitDeploy(timeline, resolved, answered), cpu: await stopCpuMeter() };
}

/** When TO-BE first answered a /predict with `version`; requests are sent one after another. */
async function firstAnswerFrom(url: string, upload: MultipartBody, version: string): Promise<number> {
  const deadline = performance.now() + CONFIRM_TIMEOUT_MS;
  let last: TimedRequest | undefined;
  while (performance.now() < deadline) {
    last = await timedPredict(url, upload);
    if (last.status === 200 && last.version === version) return last.end;
  }
  throw new Error(`TO-BE did not answer with ${version} within ${CONFIRM_TIMEOUT_MS} ms of the deploy; last answer: ${last?.status} ${last?.version ?? last?.error}`);
}

type SwapMeasurement = Pick<ReleaseResult, 'swaps' | 'steady' | 'duringSwap' | 'duringOperation' | 'swapBlocksFailed' | 'swapBlocksCpu'>;

/**
 * p99 of a steady request loop against TO-BE while its model is swapped, against the same loop in
 * steady state. The two kinds of block alternate (ABBA...) so that a drift in machine speed hits
 * both alike. Swaps alternate a deploy of a new run and a rollback to the previous version, so
 * each is a real model change; the runs are published before the first block.
 */
async function measureSwaps(plan: ReleasePlan, bench: BenchHost, upload: MultipartBody, publish: () => Promise<{ runId: string }>, quiet: QuietMachine, progress: (message: string) => void): Promise<SwapMeasurement> {
  const tobe = bench.slots.tobe;
  const runs: string[] = [];
  for (let i = 0; i < Math.ceil(plan.swaps / 2); i++) runs.push((await publish()).runId);
  const loop = (): ReturnType<typeof startTimedLoop> => startTimedLoop({ url: tobe.url, upload, connections: plan.loopConnections });
  progress(`release: p99 of a c=${plan.loopConnections} request loop on TO-BE, ${plan.swaps} swaps and ${plan.swaps} steady blocks of ${plan.steadyBlockSeconds} s, alternating`);
  await waitUntilIdle(tobe.pid);
  await quiet.wait();
  const warmUp = loop();
  await sleep(1000);
  await warmUp.stop();
  await waitUntilIdle(tobe.pid);

  const steadyBlocks: { requests: TimedRequest[]; seconds: number; cpu: CpuShares }[] = [];
  const swapBlocks: { requests: TimedRequest[]; seconds: number; cpu: CpuShares; swap: [number, number]; operation: [number, number]; result: Omit<SwapResult, 'duringSwap' | 'maxMs' | 'requestsInBlock' | 'failed' | 'versions'> }[] = [];
  let swapIndex = 0;
  await alternate(
    plan.swaps,
    async () => {
      const stopCpuMeter = await startCpuMeter(tobe.pid);
      const started = performance.now();
      const running = loop();
      await sleep(plan.steadyBlockSeconds * 1000);
      const requests = await running.stop();
      steadyBlocks.push({ requests, seconds: (performance.now() - started) / 1000, cpu: await stopCpuMeter() });
      await waitUntilIdle(tobe.pid);
    },
    async () => {
      const kind = swapIndex % 2 === 0 ? 'deploy' : 'rollback';
      const runId = runs[swapIndex >> 1]!;
      swapIndex++;
      const stopCpuMeter = await startCpuMeter(tobe.pid);
      const started = performance.now();
      const running = loop();
      await sleep(plan.swapMarginSeconds * 1000);
      const recording = recordTimeline(bench.host);
      const entry = kind === 'deploy'
        ? (await bench.host.deploy({ runId, trigger: 'cli' })).entry
        : await bench.host.rollback({ slot: 'tobe', trigger: 'cli' });
      const resolved = performance.now();
      const timeline = recording.finish();
      await sleep(plan.swapMarginSeconds * 1000);
      const requests = await running.stop();
      const cpu = await stopCpuMeter();
      if (entry?.outcome !== 'success' || !entry.to) throw new Error(`${kind} under load did not succeed: ${JSON.stringify(entry)}`);
      const swapStart = timeline.stepStarts.swap;
      const swapEnd = timeline.stepStarts.record;
      if (swapStart === undefined || swapEnd === undefined) throw new Error(`${kind} under load reported no swap step`);
      const answeredLast = requests.filter((r) => r.status === 200).at(-1);
      if (answeredLast?.version !== entry.to.version) throw new Error(`after the ${kind}, TO-BE still answered with ${answeredLast?.version ?? 'nothing'}, not ${entry.to.version}`);
      swapBlocks.push({
        requests,
        seconds: (performance.now() - started) / 1000,
        cpu,
        swap: [swapStart, swapEnd],
        operation: [timeline.called, resolved],
        result: { kind, from: entry.from?.version ?? '?', to: entry.to.version, swapMs: swapEnd - swapStart, operationMs: resolved - timeline.called, cpu },
      });
      await waitUntilIdle(tobe.pid);
    },
  );

  const answered = (requests: TimedRequest[]): TimedRequest[] => requests.filter((r) => r.status === 200);
  const failedIn = (requests: TimedRequest[]): number => requests.filter((r) => r.status !== 200).length;
  const overlapping = (requests: TimedRequest[], [from, to]: [number, number]): TimedRequest[] => requests.filter((r) => r.start < to && r.end > from);
  const latencies = (requests: TimedRequest[]): number[] => requests.map((r) => r.end - r.start);
  const steadyRequests = steadyBlocks.flatMap((block) => block.requests);
  const swaps = swapBlocks.map((block): SwapResult => {
    const inSwap = latencies(answered(overlapping(block.requests, block.swap)));
    return {
      ...block.result,
      duringSwap: summarise(inSwap),
      maxMs: Math.max(...inSwap),
      requestsInBlock: answered(block.requests).length,
      failed: failedIn(block.requests),
      versions: [...new Set(answered(block.requests).map((r) => r.version!))],
    };
  });
  return {
    swaps,
    steady: {
      ...summarise(latencies(answered(steadyRequests))),
      failed: failedIn(steadyRequests),
      blocks: steadyBlocks.length,
      seconds: steadyBlocks.reduce((sum, block) => sum + block.seconds, 0),
      cpu: pooledCpuShares(steadyBlocks),
    },
    duringSwap: summarise(swapBlocks.flatMap((block) => latencies(answered(overlapping(block.requests, block.swap))))),
    duringOperation: summarise(swapBlocks.flatMap((block) => latencies(answered(overlapping(block.requests, block.operation))))),
    swapBlocksFailed: swapBlocks.reduce((sum, block) => sum + failedIn(block.requests), 0),
    swapBlocksCpu: pooledCpuShares(swapBlocks),
  };
}
