import { link, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { compareOnSlots } from '../src/main/host/compare-slots.js';
import { slotEndpoint } from '../src/main/host/slot-endpoints.js';
import { postImageToSlot, type SlotEndpoint } from '../src/main/http/slot-endpoint.js';
import { SLOT_IDS, type SlotId } from '../src/shared/slot-api.js';
import { REPO_ROOT } from '../test/helpers/paths.js';
import { startBenchHost, type BenchHost } from './bench-host.js';
import { makeBenchImages, type BenchImage } from './images.js';
import { describeMachine, machineRows } from './machine.js';
import { markdownTable } from './markdown-table.js';
import { liteCnn160BenchModel } from './models.js';
import { median, percentile, summarise, type LatencySummary } from './stats.js';
import { makeTempDir, removeDir } from './temp-dir.js';
import { buildMultipartBody } from './multipart-body.js';
import { startTimedLoop, type TimedRequest } from './timed-requests.js';
import { runOpenLoop } from './open-loop.js';
import { MAX_MIRRORS_WAITING, MIRROR_IDLE_GAP_MS } from '../src/main/slot/shadow-mirror.js';
import { MIRROR_PAUSE_BUDGET_MS } from '../src/main/slot/shadow-target-pause.js';
import { seededRandom } from '../scripts/lite-cnn/seeded-random.js';

/**
 * Benchmarks of issue 6's serving features, in one run (`npm run bench`, after run-all):
 * one-decode compare against two independent /predict calls, AS-IS's latency with shadow mode at
 * 100% against off, and an evaluation's memory over a 10,000-image folder. Written to
 * docs/benchmarks-serving.md.
 */
const PLAN = {
  compareWarmUp: 3,
  compareRounds: 30,
  shadowBlockPairs: 16,
  shadowClosedLoopBlockSeconds: 6,
  shadowOpenLoopBlockRequests: 500,
  bootstrapResamples: 1000,
  bootstrapSeed: 6,
  evalImages: 10_000,
  evalDistinctImages: 100,
  memorySampleMs: 250,
};

const REPORT_FILE = join(REPO_ROOT, 'docs', 'benchmarks-serving.md');

function progress(message: string): void {
  process.stderr.write(`[bench:serving] ${message}\n`);
}

interface CompareCase { pair: string; image: string; compareMs: number; sequentialMs: number; concurrentMs: number }
interface ShadowResult { image: string; load: string; off: LatencySummary; on: LatencySummary; p99Ratio: { low: number; high: number }; mirrored: number; dropped: number; pauses: number; pausedMs: number }
interface EvalMemory { images: number; seconds: number; rssAt: { images: number; rssMb: number; heapMb: number }[] }

async function endpoints(bench: BenchHost): Promise<Record<SlotId, SlotEndpoint>> {
  const { slots } = await bench.host.status();
  return Object.fromEntries(slots.map((s) => [s.slot, slotEndpoint(s, undefined)!])) as Record<SlotId, SlotEndpoint>;
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/**
 * Compare vs. two /predict calls, interleaved round by round and in a rotating order, so that drift
 * and the garbage one method leaves in the slots (a 12 MP upload) fall on all three alike.
 */
async function measureCompare(bench: BenchHost, pair: string, image: BenchImage): Promise<CompareCase> {
  const reach = await endpoints(bench);
  const predict = (slot: SlotId) => postImageToSlot(reach[slot], image.bytes, 'image/jpeg', 5);
  const methods = {
    compare: () => compareOnSlots(image.bytes, reach),
    sequential: async () => {
      await predict('asis');
      await predict('tobe');
    },
    concurrent: () => Promise.all(SLOT_IDS.map(predict)),
  };
  const names = Object.keys(methods) as (keyof typeof methods)[];
  const runs: Record<keyof typeof methods, number[]> = { compare: [], sequential: [], concurrent: [] };
  for (let round = 0; round < PLAN.compareWarmUp + PLAN.compareRounds; round++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length]!;
      const ms = await timed(methods[name]);
      if (round >= PLAN.compareWarmUp) runs[name].push(ms);
    }
  }
  return { pair, image: image.name, compareMs: median(runs.compare), sequentialMs: median(runs.sequential), concurrentMs: median(runs.concurrent) };
}

/**
 * AS-IS under load, in pairs of blocks with shadow mode off and at 100% (off-on, then on-off, so
 * drift in machine speed falls on both alike): an open loop (random arrivals) at `loadShare` of the
 * slot's capacity (as its closed-loop p50 gives it), the two blocks of a pair sending the same
 * seeded arrival schedule; or with `loadShare` null a closed loop of one connection that keeps
 * AS-IS busy all the time (the worst case for shadow mode, which only sends mirrors while AS-IS is
 * idle). With `onPercent` 0, a control: "on" blocks are off too, so the ratio shows the method's
 * own noise.
 */
async function measureShadow(bench: BenchHost, image: BenchImage, loadShare: number | null, onPercent = 100): Promise<ShadowResult> {
  const upload = buildMultipartBody(image.bytes);
  const closedLoop = async (): Promise<TimedRequest[]> => {
    const loop = startTimedLoop({ url: bench.url, upload, connections: 1 });
    await new Promise((resolve) => setTimeout(resolve, PLAN.shadowClosedLoopBlockSeconds * 1000));
    return loop.stop();
  };
  bench.host.updateSettings({ shadowPercent: 0 });
  let load = 'closed loop, 1 connection (AS-IS always busy)';
  let run: (pair: number) => Promise<TimedRequest[]> = closedLoop;
  if (loadShare !== null) {
    const capacity = 1000 / percentile((await closedLoop()).map((r) => r.end - r.start), 0.5);
    const ratePerSecond = capacity * loadShare;
    load = `random arrivals at ${ratePerSecond.toFixed(0)}/s (${Math.round(loadShare * 100)}% of capacity), ${PLAN.shadowOpenLoopBlockRequests} a block${onPercent === 0 ? '; control: shadow off in "on" blocks too' : ''}`;
    run = (pair) => runOpenLoop({ url: bench.url, upload, ratePerSecond, requests: PLAN.shadowOpenLoopBlockRequests, random: seededRandom(pair + 1).uniform });
  }
  const pairs: BlockPair[] = [];
  const before = (await bench.host.slots.asis.status()).shadow!;
  for (let pair = 0; pair < PLAN.shadowBlockPairs; pair++) {
    const latencies: BlockPair = { off: [], on: [] };
    for (const mode of pair % 2 === 0 ? ['off', 'on'] as const : ['on', 'off'] as const) {
      bench.host.updateSettings({ shadowPercent: mode === 'on' ? onPercent : 0 });
      await new Promise((resolve) => setTimeout(resolve, 500));
      latencies[mode] = (await run(pair)).filter((r) => r.status === 200).map((r) => r.end - r.start);
    }
    pairs.push(latencies);
  }
  bench.host.updateSettings({ shadowPercent: 0 });
  const after = (await bench.host.slots.asis.status()).shadow!;
  return {
    image: image.name,
    load,
    off: summarise(pairs.flatMap((p) => p.off)),
    on: summarise(pairs.flatMap((p) => p.on)),
    p99Ratio: p99RatioInterval(pairs),
    mirrored: after.mirrored - before.mirrored,
    dropped: after.dropped - before.dropped,
    pauses: after.targetPauses.pauses - before.targetPauses.pauses,
    pausedMs: after.targetPauses.pausedMs - before.targetPauses.pausedMs,
  };
}

/** AS-IS latencies (ms) of one off block and the on block measured next to it. */
interface BlockPair { off: number[]; on: number[] }

/**
 * A 95% interval for the pooled p99 on/off ratio: the pairs of blocks resampled with replacement
 * (a seeded bootstrap), so the interval shows how much the figure moves from block to block.
 */
function p99RatioInterval(pairs: readonly BlockPair[]): { low: number; high: number } {
  const random = seededRandom(PLAN.bootstrapSeed).uniform;
  const ratios: number[] = [];
  for (let i = 0; i < PLAN.bootstrapResamples; i++) {
    const drawn = pairs.map(() => pairs[Math.floor(random() * pairs.length)]!);
    ratios.push(percentile(drawn.flatMap((p) => p.on), 0.99) / percentile(drawn.flatMap((p) => p.off), 0.99));
  }
  return { low: percentile(ratios, 0.025), high: percentile(ratios, 0.975) };
}

/** A 10,000-image folder (100 distinct photos, hard-linked), evaluated while the host's memory is sampled. */
async function measureEvalMemory(bench: BenchHost, dir: string): Promise<EvalMemory> {
  const distinct = join(dir, 'distinct');
  const set = join(dir, 'set');
  await mkdir(distinct, { recursive: true });
  for (let i = 0; i < PLAN.evalDistinctImages; i++) {
    const jpeg = await sharp({ create: { width: 320, height: 240, channels: 3, background: { r: (i * 37) % 256, g: (i * 91) % 256, b: (i * 53) % 256 } } })
      .composite([{ input: { create: { width: 120, height: 90, channels: 3, background: { r: (i * 13) % 256, g: 255 - ((i * 29) % 256), b: (i * 71) % 256 } } }, left: (i * 7) % 200, top: (i * 3) % 150 }])
      .jpeg({ quality: 85 }).toBuffer();
    await writeFile(join(distinct, `${i}.jpg`), jpeg);
  }
  for (let i = 0; i < PLAN.evalImages; i++) {
    const classDir = join(set, `class-${i % 10}`);
    if (i < 10) await mkdir(classDir, { recursive: true });
    await link(join(distinct, `${i % PLAN.evalDistinctImages}.jpg`), join(classDir, `${String(i).padStart(5, '0')}.jpg`));
  }
  const rssAt: EvalMemory['rssAt'] = [];
  const marks = [1_000, 2_500, 5_000, 7_500, 10_000];
  const onProgress = (p: { done: number }): void => {
    while (marks.length > 0 && p.done >= marks[0]!) {
      const memory = process.memoryUsage();
      rssAt.push({ images: marks.shift()!, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20 });
    }
  };
  bench.host.evaluations.on('progress', onProgress);
  const started = performance.now();
  const summary = await bench.host.evaluations.run(set);
  bench.host.evaluations.off('progress', onProgress);
  onProgress({ done: summary.images });
  if (summary.state !== 'done' || summary.images !== PLAN.evalImages) throw new Error(`evaluation ${summary.state}: ${summary.error ?? ''} (${summary.images} images)`);
  return { images: summary.images, seconds: (performance.now() - started) / 1000, rssAt };
}

const ms = (value: number): string => value.toFixed(1);
const ratio = (value: number): string => `${value.toFixed(2)}x`;

interface ServingResults { compare: CompareCase[]; shadow: ShadowResult[]; memory: EvalMemory | null }

function render(machine: ReturnType<typeof describeMachine>, { compare, shadow, memory }: ServingResults): string {
  const sections = [
    '# Benchmarks: compare, shadow mode, evaluations',
    '',
    'Regenerated by `npm run bench` (`bench/serving-features.ts`); every figure comes from one run on the machine below. A benchmark, not a test.',
    '',
    '## Machine',
    '',
    markdownTable(['', ''], machineRows(machine)),
  ];
  if (compare.length > 0) sections.push(
    '',
    '## One-decode compare',
    '',
    `One image through both slots as the dashboard and \`litecnn compare\` do it (decoded once in the host, each slot given its tensor), against two independent \`/predict\` calls: one after the other, and both at once. Median of ${PLAN.compareRounds} rounds after ${PLAN.compareWarmUp} warm-up rounds, the three interleaved round by round in a rotating order (so the garbage a 12 MP upload leaves in a slot falls on each method alike). Target: compare at most 0.7x the two \`/predict\` calls on a 12 MP photo.`,
    '',
    markdownTable(['slots serve', 'image', 'compare ms', 'two /predict, one after the other', 'two /predict at once', 'compare / sequential', 'compare / at once'],
      compare.map((c) => [c.pair, c.image, ms(c.compareMs), ms(c.sequentialMs), ms(c.concurrentMs), ratio(c.compareMs / c.sequentialMs), ratio(c.compareMs / c.concurrentMs)]), [2, 3, 4, 5, 6]),
  );
  if (shadow.length > 0) sections.push(
    '',
    '## Shadow mode',
    '',
    `AS-IS\'s \`/predict\` latency as the client sees it, with shadow mode off and at 100% (every request sampled; a mirror goes to TO-BE once AS-IS has answered and has then had no request in progress for ${MIRROR_IDLE_GAP_MS} ms, one at a time, at most ${MAX_MIRRORS_WAITING} waiting, the rest dropped; TO-BE runs at nice 10 and, on Linux, SCHED_IDLE, and is held still with SIGSTOP while a mirror is in flight and AS-IS serves a client, at most ${MIRROR_PAUSE_BUDGET_MS} ms a mirror), in ${PLAN.shadowBlockPairs} pairs of blocks (off then on, then on then off, so drift in machine speed falls on both alike). Two loads: random arrivals at half the slot's capacity (traffic with idle moments, as real users send it; the two blocks of a pair send the same seeded arrival schedule, so neither mode gets more bunched-up arrivals), and a closed loop of ${PLAN.shadowClosedLoopBlockSeconds} s blocks that keeps AS-IS busy all the time (the worst case: TO-BE's work then always overlaps AS-IS's next request on the same two cores). Target: AS-IS p99 with shadow at 100% within 1.05x of without.`,
    '',
    markdownTable(['image', 'load', 'requests off / on', 'p50 off', 'p50 on', 'p99 off', 'p99 on', 'p99 on / off', '95% interval', 'mirrored', 'dropped', 'TO-BE held still'],
      shadow.map((s) => [s.image, s.load, `${s.off.samples} / ${s.on.samples}`, ms(s.off.p50), ms(s.on.p50), ms(s.off.p99), ms(s.on.p99), ratio(s.on.p99 / s.off.p99), `${ratio(s.p99Ratio.low)} - ${ratio(s.p99Ratio.high)}`, String(s.mirrored), String(s.dropped), `${s.pauses} times, ${(s.pausedMs / 1000).toFixed(1)} s`]), [3, 4, 5, 6, 7, 8, 10, 11]),
    '',
    `The 95% interval comes from resampling the ${PLAN.shadowBlockPairs} pairs of blocks (${PLAN.bootstrapResamples} times): in the open loop p99 is request ${Math.ceil(0.99 * PLAN.shadowBlockPairs * PLAN.shadowOpenLoopBlockRequests)} of ${PLAN.shadowBlockPairs * PLAN.shadowOpenLoopBlockRequests} in latency order, so a few slow moments of the machine move it. The control row measures shadow off against shadow off the same way: how far the ratio moves with nothing changed.`,
  );
  if (memory) {
    const first = memory.rssAt[0]!;
    const last = memory.rssAt.at(-1)!;
    sections.push(
      '',
      '## Evaluation memory',
      '',
      `\`host.evaluations.run\` over ${memory.images.toLocaleString('en')} images (${PLAN.evalDistinctImages} distinct 320x240 JPEGs, hard-linked into 10 class folders), both bundled models; the host process's memory when the evaluation passed each mark. Took ${memory.seconds.toFixed(0)} s (${(memory.images / memory.seconds).toFixed(0)} images/s). Target: flat.`,
      '',
      markdownTable(['images done', 'host RSS MB', 'host heap MB'], memory.rssAt.map((m) => [m.images.toLocaleString('en'), m.rssMb.toFixed(1), m.heapMb.toFixed(1)]), [0, 1, 2]),
      '',
      `RSS at ${last.images.toLocaleString('en')} images / at ${first.images.toLocaleString('en')}: ${ratio(last.rssMb / first.rssMb)}; heap: ${ratio(last.heapMb / first.heapMb)}.`,
    );
  }
  return [...sections, ''].join('\n');
}

const SECTIONS = ['compare', 'shadow', 'eval'] as const;
type Section = (typeof SECTIONS)[number];

/** `npm run bench:serving [-- compare|shadow|eval ...]`: some sections only (printed, not written to the report). */
function chosenSections(args: readonly string[]): Set<Section> {
  const unknown = args.filter((a) => !(SECTIONS as readonly string[]).includes(a));
  if (unknown.length > 0) throw new Error(`unknown section ${unknown.join(', ')}: choose from ${SECTIONS.join(', ')}, or none for all`);
  return new Set(args.length > 0 ? args as Section[] : SECTIONS);
}

async function main(): Promise<void> {
  const sections = chosenSections(process.argv.slice(2));
  const machine = describeMachine();
  const dir = await makeTempDir('litecnn-bench-serving-');
  try {
    const images = await makeBenchImages(dir);
    const twelve = images.find((i) => i.name === '12MP')!;
    const small = images.find((i) => i.name === '640x480')!;
    const results: ServingResults = { compare: [], shadow: [], memory: null };
    progress(`bundled AS-IS and TO-BE (one input spec): ${[...sections].join(', ')}`);
    const bundled = await startBenchHost();
    try {
      if (sections.has('compare')) {
        for (const image of [twelve, small]) results.compare.push(await measureCompare(bundled, 'bundled AS-IS + TO-BE, 224 both', image));
      }
      if (sections.has('shadow')) {
        const cases = [[small, 0.5, 100], [small, null, 100], [twelve, 0.5, 100], [twelve, 0.5, 0], [twelve, null, 100]] as const;
        for (const [image, loadShare, onPercent] of cases) {
          progress(`shadow mode on ${image.name}, ${loadShare === null ? 'closed loop' : `${loadShare * 100}% load`}${onPercent === 0 ? ', control' : ''}`);
          results.shadow.push(await measureShadow(bundled, image, loadShare, onPercent));
        }
      }
      if (sections.has('eval')) results.memory = await measureEvalMemory(bundled, dir);
    } finally {
      await bundled.stop();
    }
    if (sections.has('compare')) {
      progress('bundled AS-IS and a LiteCNN 160 in TO-BE (different input sizes): compare');
      const differing = await startBenchHost({ tobe: liteCnn160BenchModel() });
      try {
        results.compare.push(await measureCompare(differing, 'bundled AS-IS 224 + LiteCNN 160', twelve));
      } finally {
        await differing.stop();
      }
    }
    const report = render(machine, results);
    const complete = sections.size === SECTIONS.length;
    if (complete) await writeFile(REPORT_FILE, report);
    process.stdout.write(`${report}\n${complete ? `Written to ${REPORT_FILE}` : 'Some sections only: the report file is left as it was.'}\n`);
  } finally {
    await removeDir(dir);
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
