import type { SlotId } from '../src/shared/slot-api.js';
import type { CpuSteadiness } from './cpu-steadiness.js';
import type { MachineInfo } from './machine.js';
import type { ReleaseResult } from './release-bench.js';
import type { FootprintResult } from './footprint.js';
import type { FloorResult, HttpResult } from './summaries.js';

/** One model on one image: the in-process floor and the HTTP runs against a slot serving it. */
export interface CaseResult {
  model: string;
  modelInput: string;
  image: string;
  imageBytes: number;
  floor: FloorResult;
  /** Top-1 label of one HTTP /predict before the load, compared with the floor's. */
  httpTop1: string;
  http: HttpResult[];
  /** The bare Node HTTP reference server (see bare-http-server.ts) at LATENCY_CONNECTIONS. */
  bareAtOne: HttpResult;
  /** The same at THROUGHPUT_CONNECTIONS. */
  bareAtEight: HttpResult;
}

/** How the run was set up, for the report's method section. */
export interface BenchPlan {
  floorWarmUp: number;
  floorIterations: number;
  floorConcurrency: number;
  httpConcurrencies: readonly number[];
  /** Measured time of each HTTP concurrency, and of the floor's throughput. */
  httpSeconds: number;
  httpWarmUpSeconds: number;
  /** The floor and HTTP measurements that a target compares alternate in this many blocks each. */
  pairedBlocks: number;
  startupRuns: number;
  /** Of the start-up runs, how many also read the host's RSS at 2 s and 15 s after the banner. */
  hostRssRuns: number;
  /** 12 MP requests in each of the footprint's two load rounds, and how many in flight. */
  footprintLoadRequests: number;
  footprintInFlight: number;
  sourcePhoto: string;
  /** Before each measurement, wait for other programs' CPU use to drop under this (% of one core)... */
  quietThresholdPercent: number;
  /** ...for at most this long in the whole run. */
  quietBudgetSeconds: number;
}

/** Everything one `npm run bench` measured. */
export interface BenchResults {
  machine: MachineInfo;
  steadiness: CpuSteadiness;
  plan: BenchPlan;
  cases: CaseResult[];
  footprint: FootprintResult;
  /** The release path: deploys from the GPU server, and TO-BE's latency during model swaps. */
  release: ReleaseResult;
  /** Time spent waiting for other programs to stop using the CPU. */
  quietWaitSeconds: number;
  totalSeconds: number;
}
