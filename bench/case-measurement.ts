import type { ModelSession } from '../src/main/inference/model-session.js';
import type { PredictResponse } from '../src/shared/slot-api.js';
import { runLoad, type LoadSample } from './http-load.js';
import type { BenchImage } from './images.js';
import { waitUntilIdle } from './process-idle.js';
import { concurrentFloor, floorTop1, sequentialFloor, type ConcurrentSample, type SequentialSample } from './in-process-floor.js';
import { buildMultipartBody, type MultipartBody } from './multipart-body.js';
import type { QuietMachine } from './quiet-machine.js';
import type { BenchPlan } from './results.js';
import { summariseFloor, summariseLoad, type FloorResult, type HttpResult } from './summaries.js';
import { LATENCY_CONNECTIONS, THROUGHPUT_CONNECTIONS } from './targets.js';

/** Where one model is measured: a loaded session here, and a slot serving the same model. */
export interface CaseSubjects {
  session: ModelSession;
  slotUrl: string;
  slotPid: number;
  /** The bare reference server (bare-http-server.ts) with the same model. */
  bare: { url: string; pid: number };
}

/** The floor and the HTTP results of one model on one image. */
export interface CaseMeasurement {
  floor: FloorResult;
  /** Top-1 label of one HTTP /predict before the load, compared with the floor's. */
  httpTop1: string;
  http: HttpResult[];
  /** The bare reference server at LATENCY_CONNECTIONS, measured in the same blocks as the slot. */
  bareAtOne: HttpResult;
  /** The bare reference server at THROUGHPUT_CONNECTIONS, measured in the same blocks as the slot. */
  bareAtEight: HttpResult;
}

/**
 * Measures one model on one image. Each target compares the floor with HTTP, so the two are
 * measured in alternating blocks (ABBA...) rather than one after the other: the capacity of a
 * shared virtual machine drifts over seconds, and that drift would otherwise land in the ratio.
 */
export async function measureCase(subjects: CaseSubjects, image: BenchImage, plan: BenchPlan, quiet: QuietMachine, progress: (message: string) => void): Promise<CaseMeasurement> {
  const { session, slotUrl, slotPid } = subjects;
  const upload = buildMultipartBody(image.bytes);
  const top1 = await floorTop1(session, image);
  const httpTop1 = await predictOnce(slotUrl, upload);
  const blocks = plan.pairedBlocks;
  const blockSeconds = plan.httpSeconds / blocks;
  const load = async (connections: number, durationSeconds: number, server = { url: slotUrl, pid: slotPid }): Promise<LoadSample> => {
    const sample = await runLoad({ url: server.url, upload, connections, durationSeconds, serverPid: server.pid });
    await waitUntilIdle(server.pid);
    return sample;
  };
  // The bare server runs half as long: it is a reference, not a target. Which of the two goes first alternates.
  let turn = 0;
  const slotAndBare = async (connections: number, slot: LoadSample[], bare: LoadSample[]): Promise<void> => {
    const steps = [
      async () => void slot.push(await load(connections, blockSeconds)),
      async () => void bare.push(await load(connections, blockSeconds / 2, subjects.bare)),
    ];
    for (const step of turn++ % 2 === 0 ? steps : steps.reverse()) await step();
  };

  progress('warm-up');
  await sequentialFloor(session, image, plan.floorWarmUp);
  await concurrentFloor(session, image, plan.floorConcurrency, 1000);
  await load(THROUGHPUT_CONNECTIONS, plan.httpWarmUpSeconds);
  await load(THROUGHPUT_CONNECTIONS, plan.httpWarmUpSeconds / 2, subjects.bare);

  progress(`latency: floor ${plan.floorIterations} calls and HTTP c=${LATENCY_CONNECTIONS} ${plan.httpSeconds} s, in ${blocks} alternating blocks`);
  await quiet.wait();
  const sequential: SequentialSample[] = [];
  const atOne: LoadSample[] = [];
  const bareAtOne: LoadSample[] = [];
  await alternate(
    blocks,
    async () => {
      sequential.push(await sequentialFloor(session, image, Math.ceil(plan.floorIterations / blocks)));
    },
    () => slotAndBare(LATENCY_CONNECTIONS, atOne, bareAtOne),
  );

  progress(`throughput: floor ${plan.floorConcurrency} in flight and HTTP c=${THROUGHPUT_CONNECTIONS}, ${plan.httpSeconds} s each, in ${blocks} alternating blocks`);
  await quiet.wait();
  const concurrent: ConcurrentSample[] = [];
  const atEight: LoadSample[] = [];
  const bareAtEight: LoadSample[] = [];
  await alternate(
    blocks,
    async () => {
      concurrent.push(await concurrentFloor(session, image, plan.floorConcurrency, blockSeconds * 1000));
    },
    () => slotAndBare(THROUGHPUT_CONNECTIONS, atEight, bareAtEight),
  );

  const http = [summariseLoad(atOne), summariseLoad(atEight)];
  for (const connections of plan.httpConcurrencies.filter((c) => c !== LATENCY_CONNECTIONS && c !== THROUGHPUT_CONNECTIONS)) {
    progress(`HTTP c=${connections} ${plan.httpSeconds} s`);
    await quiet.wait();
    http.push(summariseLoad([await load(connections, plan.httpSeconds)]));
  }
  return { floor: summariseFloor(top1, sequential, concurrent, plan.floorConcurrency), httpTop1, http, bareAtOne: summariseLoad(bareAtOne), bareAtEight: summariseLoad(bareAtEight) };
}

/** Runs a and b `blocks` times each in the order a b b a a b ..., so neither always goes first. */
export async function alternate(blocks: number, a: () => Promise<void>, b: () => Promise<void>): Promise<void> {
  for (let i = 0; i < blocks; i++) {
    const [first, second] = i % 2 === 0 ? [a, b] : [b, a];
    await first();
    await second();
  }
}

/** One plain request before any load: the slot must answer 200, and its top-1 is compared with the floor's. */
async function predictOnce(url: string, upload: MultipartBody): Promise<string> {
  const response = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': upload.contentType }, body: upload.body });
  if (response.status !== 200) throw new Error(`POST ${url}/predict answered ${response.status}: ${await response.text()}`);
  const answer = (await response.json()) as PredictResponse;
  return answer.predictions[0]!.label;
}
