import { spawn } from 'node:child_process';
import { Agent } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { BUNDLED_WEIGHTS_DIR, slotBundleFile } from '../src/main/host/data-dir.js';
import { SLOT_ROLES } from '../src/main/host/slot-roles.js';
import { SLOT_IDS, type SlotId } from '../src/shared/slot-api.js';
import { startBenchHost } from './bench-host.js';
import type { FloorStage } from './footprint-floor-process.js';
import type { BenchImage } from './images.js';
import { buildMultipartBody } from './multipart-body.js';
import { waitUntilIdle } from './process-idle.js';
import { median } from './stats.js';
import { startServeOnce, stopProcessGroup, type StartupRun } from './startup.js';
import { postOnce } from './timed-requests.js';

/** What the footprint section measures, and how much. */
export interface FootprintPlan {
  /** 12 MP requests a round, sent `inFlight` at a time; two rounds (the second shows growth). */
  loadRequests: number;
  inFlight: number;
  startupRuns: number;
  /** Of those, how many also read the host's RSS (each waits 15 s after the banner). */
  hostRssRuns: number;
}

/** One slot against its floor process (same bundle, same session options, same images), RSS in bytes. */
export interface SlotFootprint {
  slot: SlotId;
  idle: number;
  afterLoad: number;
  afterMoreLoad: number;
  floorIdle: number;
  floorAfterLoad: number;
  floorAfterMoreLoad: number;
}

/** Start-up in ms and the host's own memory, over `startupRuns` runs of each (interleaved). */
export interface StartupFootprint {
  serve: StartupRun[];
  npmServe: StartupRun[];
  /** Two floor processes started at once: until both have their session warmed up. */
  floorPairMs: number[];
}

export interface FootprintResult {
  slots: SlotFootprint[];
  startup: StartupFootprint;
}

/** RSS settles this long after the last request (the allocator returns what it frees lazily). */
const SETTLE_MS = 1_000;
const FLOOR_ENTRY = fileURLToPath(new URL('./footprint-floor-process.js', import.meta.url));

export async function measureFootprint(plan: FootprintPlan, twelveMp: BenchImage, progress: (message: string) => void): Promise<FootprintResult> {
  progress('footprint: slots against their floor processes');
  const slots = await measureSlots(plan, twelveMp);
  const startup: StartupFootprint = { serve: [], npmServe: [], floorPairMs: [] };
  // The three starts of a run take turns going first, so that none is always the one after the slowest.
  const starts: (() => Promise<void>)[] = [
    async () => void startup.serve.push(await startServeOnce('litecnn serve', startup.serve.length < plan.hostRssRuns)),
    async () => void startup.npmServe.push(await startServeOnce('npm run serve')),
    async () => void startup.floorPairMs.push(await startFloorPair(twelveMp)),
  ];
  for (let i = 0; i < plan.startupRuns; i++) {
    progress(`footprint: start-up run ${i + 1} of ${plan.startupRuns} (litecnn serve, npm run serve, two floor processes)`);
    for (let k = 0; k < starts.length; k++) await starts[(i + k) % starts.length]!();
  }
  return { slots, startup };
}

async function measureSlots(plan: FootprintPlan, image: BenchImage): Promise<SlotFootprint[]> {
  const bench = await startBenchHost();
  try {
    await settle();
    const idle = await bench.slotRss();
    const measured: SlotFootprint[] = [];
    for (const slot of SLOT_IDS) {
      const { url, pid } = bench.slots[slot];
      const afterLoad = await loadRound(url, pid, image, plan, () => bench.slotRss());
      const afterMoreLoad = await loadRound(url, pid, image, plan, () => bench.slotRss());
      const floor = await runFloor(slotBundleFile(bench.host.dataDir, slot), image, plan);
      measured.push({ slot, idle: idle[slot]!, afterLoad: afterLoad[slot]!, afterMoreLoad: afterMoreLoad[slot]!, floorIdle: floor[0]!.rssBytes, floorAfterLoad: floor[1]!.rssBytes, floorAfterMoreLoad: floor[2]!.rssBytes });
    }
    return measured;
  } finally {
    await bench.stop();
  }
}

async function loadRound<T>(url: string, pid: number, image: BenchImage, plan: FootprintPlan, read: () => Promise<T>): Promise<T> {
  const agent = new Agent({ keepAlive: true });
  const target = new URL(`${url}/predict`);
  const upload = buildMultipartBody(image.bytes);
  let left = plan.loadRequests;
  try {
    await Promise.all(Array.from({ length: plan.inFlight }, async () => {
      while (left-- > 0) {
        const { status } = await postOnce(agent, target, upload);
        if (status !== 200) throw new Error(`POST ${target.href} answered ${status}`);
      }
    }));
  } finally {
    agent.destroy();
  }
  await waitUntilIdle(pid);
  await settle();
  return read();
}

/** The floor process through its two load rounds: its "ready" and both "loaded" stages. */
async function runFloor(bundleFile: string, image: BenchImage, plan: FootprintPlan): Promise<FloorStage[]> {
  const child = spawn(process.execPath, [FLOOR_ENTRY, bundleFile, image.file, String(plan.loadRequests), '2', String(plan.inFlight)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`the floor process exited with code ${code}`);
  return output.trim().split('\n').map((line) => JSON.parse(line) as FloorStage);
}

/** Two floor processes spawned at once, as `litecnn serve` starts its two slots: ms until both are ready. */
async function startFloorPair(image: BenchImage): Promise<number> {
  const started = performance.now();
  const bundles = SLOT_IDS.map((slot) => join(BUNDLED_WEIGHTS_DIR, SLOT_ROLES[slot].bundleFileName));
  const ready = await Promise.all(bundles.map((bundle) => new Promise<number>((resolve, reject) => {
    const child = spawn(process.execPath, [FLOOR_ENTRY, bundle, image.file, '0', '0', '1'], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
    child.stdout.once('data', () => {
      resolve(performance.now());
      void stopProcessGroup(child);
    });
    child.once('exit', (code) => reject(new Error(`a floor process exited with code ${code} before it was ready`)));
  })));
  return Math.max(...ready) - started;
}

/** The median of a start-up figure over the runs. */
export function medianOf(runs: readonly StartupRun[], pick: (run: StartupRun) => number | null): number {
  return median(runs.map(pick).filter((value): value is number => value !== null));
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}
