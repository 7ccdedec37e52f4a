import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SlotId } from '../../src/shared/slot-api.js';

/** Where the hardening tests leave their figures for scripts/reliability-report.ts; unset, nothing is written. */
export const RELIABILITY_DIR_ENV = 'LITECNN_RELIABILITY_DIR';

/** Answers counted by HTTP status ("200": 9876); status "0" is a request that got no answer. */
export type StatusCounts = Record<string, number>;

/** One slot's memory before and after a run, from its own /info. */
export type MemoryFigures = { beforeBytes: number; afterBytes: number; boundBytes: number };

/** What test/security/load.test.ts saw. */
export type LoadFigures = {
  requests: number;
  warmUpRequests: number;
  connections: number;
  image: string;
  /** The upload's width and height: the photo resized, as the slots' preprocessing would. */
  uploadSize: number;
  seconds: number;
  slots: Record<SlotId, { requests: number; statuses: StatusCounts; versions: string[]; restarts: number; peakRssBytes: number; memory: MemoryFigures; threadsBefore: number; threadsAfter: number }>;
  releases: { action: string; slot: SlotId; ms: number; requestsDuring: number }[];
};

/** What test/security/swap-soak.test.ts saw. */
export type SoakFigures = {
  slot: SlotId;
  swaps: number;
  warmUpSwaps: number;
  versions: string[];
  /** Requests the loop kept in flight. */
  concurrency: number;
  requests: number;
  failedRequests: number;
  restarts: number;
  seconds: number;
  /** RSS after the warm-up swaps (before) and after the last swap (after). */
  memory: MemoryFigures;
  /** Every thread (/proc/PID/status), and the highest right after a swap. */
  threadsAfterWarmUp: number;
  threadsAfter: number;
  threadsMax: number;
  /** Threads other than libvips' on-demand workers: what a swap could leak. */
  heldThreadsAfterWarmUp: number;
  heldThreadsAfter: number;
};

/** What test/security/bad-request-corpus.test.ts saw. */
export type CorpusFigures = {
  casesPerSlot: number;
  slots: Record<SlotId, { statuses: StatusCounts; goodRequests: number; restarts: number; memory: MemoryFigures }>;
};

/** What test/security/fuzz.test.ts saw: each property's inputs and what they came to. */
export type FuzzFigures = {
  properties: { name: string; inputs: number; outcomes: Record<string, number> }[];
};

/** What test/security/release-faults.test.ts injected: each fault, how often, and what the slots answered meanwhile. */
export type ReleaseFaultFigures = {
  faults: { fault: string; injected: number; requestsDuring?: number; outcomes?: string[] }[];
};

/** The figures each test file records, by the name it records them under. */
export interface ReliabilityFigures {
  load: LoadFigures;
  'swap-soak': SoakFigures;
  'bad-request-corpus': CorpusFigures;
  fuzz: FuzzFigures;
  'release-faults': ReleaseFaultFigures;
}

/**
 * Writes a test file's figures to `$LITECNN_RELIABILITY_DIR/<name>.json` for the reliability
 * report; does nothing when that variable is unset (a plain `npm test`).
 */
export async function recordFigures<K extends keyof ReliabilityFigures>(name: K, figures: ReliabilityFigures[K]): Promise<void> {
  const dir = process.env[RELIABILITY_DIR_ENV];
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(figures, null, 2)}\n`);
}

/** Whether memory ended within its bound of where it started. */
export function withinBound(memory: MemoryFigures): boolean {
  return memory.afterBytes <= memory.beforeBytes + memory.boundBytes;
}

/** Memory figures as people read them: "226 MiB -> 240 MiB (+14 MiB; bound +64 MiB)". */
export function describeMemory(memory: MemoryFigures): string {
  const change = memory.afterBytes - memory.beforeBytes;
  return `${mib(memory.beforeBytes)} -> ${mib(memory.afterBytes)} (${change >= 0 ? '+' : '-'}${mib(Math.abs(change))}; bound +${mib(memory.boundBytes)})`;
}

export function mib(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
}

/** Adds one answer to a status tally. */
export function countStatus(counts: StatusCounts, status: number): void {
  counts[status] = (counts[status] ?? 0) + 1;
}
