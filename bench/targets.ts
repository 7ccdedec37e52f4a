import { SLOT_TITLES } from '../src/shared/slot-api.js';
import type { ReleaseResult } from './release-bench.js';
import type { FootprintResult } from './footprint.js';
import { medianOf } from './footprint.js';
import { median } from './stats.js';
import type { CaseResult } from './results.js';

/**
 * p50 over HTTP at concurrency 1 may be at most this many times the bare node:http server's p50
 * (same decode + inference in a process of its own): two processes on two cores cannot reach the
 * in-process floor, so the slot is held to what any Node HTTP server would cost.
 */
export const MAX_LATENCY_RATIO = 1.05;
/**
 * Requests/s over HTTP at concurrency 8 must be at least this share of the bare node:http server's
 * at the same concurrency (issue 16 replaced issue 2's in-process ratios with the bare server).
 */
export const MIN_THROUGHPUT_RATIO = 0.9;
/** p99 of TO-BE's request loop during model swaps may be at most this many times its steady-state p99. */
export const MAX_SWAP_P99_RATIO = 1.5;
export const LATENCY_CONNECTIONS = 1;
export const THROUGHPUT_CONNECTIONS = 8;

/** One target checked on one case. */
export interface TargetCheck {
  model: string;
  image: string;
  name: string;
  /** The two figures compared, for the reader. */
  compared: string;
  measured: number;
  target: string;
  pass: boolean;
  /** The most CPU other programs used during the measurements compared (% of one core). */
  otherCpuPercent: number | null;
}

function mostOther(...values: (number | null)[]): number | null {
  const known = values.filter((value): value is number => value !== null);
  return known.length === 0 ? null : Math.max(...known);
}

/** Checks the latency and throughput ratios, and that no HTTP run got a non-2xx answer or an error. */
export function checkTargets(cases: readonly CaseResult[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  for (const c of cases) {
    const atOne = c.http.find((run) => run.connections === LATENCY_CONNECTIONS);
    const atEight = c.http.find((run) => run.connections === THROUGHPUT_CONNECTIONS);
    if (atOne) {
      const ratio = atOne.latency.p50 / c.bareAtOne.latency.p50;
      const otherCpuPercent = mostOther(c.bareAtOne.cpu.otherPercent, atOne.cpu.otherPercent);
      checks.push({ model: c.model, image: c.image, name: `p50 c=${LATENCY_CONNECTIONS} / bare node:http p50`, compared: `${atOne.latency.p50.toFixed(2)} / ${c.bareAtOne.latency.p50.toFixed(2)} ms`, measured: ratio, target: `<= ${MAX_LATENCY_RATIO.toFixed(2)}x`, pass: ratio <= MAX_LATENCY_RATIO, otherCpuPercent });
    }
    if (atEight) {
      const ratio = atEight.requestsPerSecond / c.bareAtEight.requestsPerSecond;
      const otherCpuPercent = mostOther(c.bareAtEight.cpu.otherPercent, atEight.cpu.otherPercent);
      checks.push({ model: c.model, image: c.image, name: `req/s c=${THROUGHPUT_CONNECTIONS} / bare node:http req/s c=${THROUGHPUT_CONNECTIONS}`, compared: `${atEight.requestsPerSecond.toFixed(1)} / ${c.bareAtEight.requestsPerSecond.toFixed(1)} req/s`, measured: ratio, target: `>= ${MIN_THROUGHPUT_RATIO.toFixed(2)}x`, pass: ratio >= MIN_THROUGHPUT_RATIO, otherCpuPercent });
    }
    const failures = c.http.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0);
    checks.push({ model: c.model, image: c.image, name: 'non-2xx + errors + timeouts, all runs', compared: `${c.http.reduce((sum, run) => sum + run.latency.samples, 0)} answers`, measured: failures, target: '= 0', pass: failures === 0, otherCpuPercent: null });
  }
  return checks;
}

/** Checks TO-BE's p99 during model swaps against steady state, and that the request loop never failed. */
export function checkReleaseTargets(release: ReleaseResult): TargetCheck[] {
  const { steady, duringSwap, swaps, loopImage, plan } = release;
  const model = `LiteCNN ${((release.deploys[0]?.modelBytes ?? 0) / 1e6).toFixed(1)} MB`;
  const ratio = duringSwap.p99 / steady.p99;
  const failed = steady.failed + release.swapBlocksFailed;
  return [
    {
      model,
      image: loopImage.name,
      name: `p99 c=${plan.loopConnections} during ${swaps.length} swaps / steady p99`,
      compared: `${duringSwap.p99.toFixed(2)} / ${steady.p99.toFixed(2)} ms`,
      measured: ratio,
      target: `<= ${MAX_SWAP_P99_RATIO.toFixed(2)}x`,
      pass: ratio <= MAX_SWAP_P99_RATIO,
      otherCpuPercent: mostOther(steady.cpu.otherPercent, release.swapBlocksCpu.otherPercent),
    },
    {
      model,
      image: loopImage.name,
      name: 'non-2xx + errors, request loop, swap and steady blocks',
      compared: `${steady.samples + swaps.reduce((sum, swap) => sum + swap.requestsInBlock, 0) + failed} requests`,
      measured: failed,
      target: '= 0',
      pass: failed === 0,
      otherCpuPercent: null,
    },
  ];
}

/** A slot's idle RSS may exceed its floor process's by at most this; after the load, by FOOTPRINT_AFTER_LOAD_MIB. */
export const FOOTPRINT_IDLE_MIB = 16;
export const FOOTPRINT_AFTER_LOAD_MIB = 24;
/** "Flat": a second round of the same load may add at most this. */
export const FOOTPRINT_GROWTH_MIB = 8;
export const HOST_IDLE_MIB = 64;
export const MAX_STARTUP_RATIO = 1.5;
export const MAX_NPM_SERVE_RATIO = 1.3;

const mib = (bytes: number): number => bytes / 2 ** 20;

/** Checks the footprint targets of issue 16: slot memory against its floor, host memory, start-up, second serve. */
export function checkFootprintTargets({ slots, startup }: FootprintResult): TargetCheck[] {
  const check = (model: string, name: string, compared: string, measured: number, target: string, pass: boolean): TargetCheck => ({ model, image: model === 'host' ? '-' : '12MP', name, compared, measured, target, pass, otherCpuPercent: null });
  const checks = slots.flatMap((s) => [
    check(`${SLOT_TITLES[s.slot]} slot`, 'slot idle RSS - floor idle RSS (MiB)', `${mib(s.idle).toFixed(0)} - ${mib(s.floorIdle).toFixed(0)} MiB`, mib(s.idle - s.floorIdle), `<= ${FOOTPRINT_IDLE_MIB}`, mib(s.idle - s.floorIdle) <= FOOTPRINT_IDLE_MIB),
    check(`${SLOT_TITLES[s.slot]} slot`, 'slot RSS after the load - floor after it (MiB)', `${mib(s.afterLoad).toFixed(0)} - ${mib(s.floorAfterLoad).toFixed(0)} MiB`, mib(s.afterLoad - s.floorAfterLoad), `<= ${FOOTPRINT_AFTER_LOAD_MIB}`, mib(s.afterLoad - s.floorAfterLoad) <= FOOTPRINT_AFTER_LOAD_MIB),
    check(`${SLOT_TITLES[s.slot]} slot`, 'slot RSS growth over a second load round (MiB)', `${mib(s.afterMoreLoad).toFixed(0)} - ${mib(s.afterLoad).toFixed(0)} MiB`, mib(s.afterMoreLoad - s.afterLoad), `<= ${FOOTPRINT_GROWTH_MIB}`, mib(s.afterMoreLoad - s.afterLoad) <= FOOTPRINT_GROWTH_MIB),
  ]);
  const hostStarted = mib(medianOf(startup.serve, (run) => run.hostIdleRss));
  const hostIdle = mib(medianOf(startup.serve, (run) => run.hostSettledRss));
  const serveMs = medianOf(startup.serve, (run) => run.slotsReadyMs);
  const npmMs = medianOf(startup.npmServe, (run) => run.slotsReadyMs);
  const floorMs = median(startup.floorPairMs);
  checks.push(
    check('host', 'headless host idle RSS, 15 s after start-up (MiB)', `${hostIdle.toFixed(0)} MiB (${hostStarted.toFixed(0)} at 2 s)`, hostIdle, `<= ${HOST_IDLE_MIB}`, hostIdle <= HOST_IDLE_MIB),
    check('host', 'litecnn serve to both slots ready / two floor processes ready', `${serveMs.toFixed(0)} / ${floorMs.toFixed(0)} ms`, serveMs / floorMs, `<= ${MAX_STARTUP_RATIO.toFixed(2)}x`, serveMs / floorMs <= MAX_STARTUP_RATIO),
    check('host', 'second npm run serve / litecnn serve', `${npmMs.toFixed(0)} / ${serveMs.toFixed(0)} ms`, npmMs / serveMs, `<= ${MAX_NPM_SERVE_RATIO.toFixed(2)}x`, npmMs / serveMs <= MAX_NPM_SERVE_RATIO),
  );
  return checks;
}
