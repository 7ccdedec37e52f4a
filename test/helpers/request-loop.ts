import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp from 'sharp';
import type { PredictResponse } from '../../src/shared/slot-api.js';
import { BUNDLED_WEIGHTS_DIR } from '../../src/main/host/data-dir.js';
import { SLOT_ROLES } from '../../src/main/host/slot-roles.js';
import { resizeCropSide } from '../../src/main/inference/input-tensor.js';
import { readBundleFile } from '../../src/main/model/bundle-file.js';
import { fixtureImage } from './paths.js';
import { postMultipart } from './running-host.js';

/** What a request loop saw: how many answers, failures, and which model versions answered. */
export interface LoopResult {
  ok: number;
  failed: number;
  failures: string[];
  /** When (performance.now()) the first failure came, or null. */
  firstFailureAt: number | null;
  versions: Set<string>;
}

/**
 * After a failure, a worker waits this long: a slot that is down fails at once, and a loop that
 * never waits on I/O would starve the event loop of an in-process host (which then never
 * restarts the slot).
 */
const PAUSE_AFTER_FAILURE_MS = 20;
/**
 * What the loop sends: the smallest photo (275x183, 7 KB) resized to the square the bundled
 * models' preprocessing resizes to (256x256, their shorter side), so that a slot on them decodes it
 * with no resize: 2.3-3.0 ms of CPU a request, against 6.0-6.7 ms for the photo as it is, which
 * libvips enlarges. A loop checks answers, not what they say.
 */
const LOOP_IMAGE = 'dog-golden-retriever-tiny.jpg';
let loopPhoto: Promise<Buffer> | undefined;

async function makeLoopPhoto(): Promise<Buffer> {
  const { manifest } = await readBundleFile(join(BUNDLED_WEIGHTS_DIR, SLOT_ROLES.asis.bundleFileName));
  const side = resizeCropSide(manifest.input);
  return sharp(await readFile(fixtureImage(LOOP_IMAGE))).resize(side, side, { fit: 'fill' }).jpeg().toBuffer();
}

/** A running request loop (startRequestLoop). */
export interface RequestLoop {
  /** Resolves once some answer came from model `version` (a swap is done for new requests, but the loop may not have sent one yet); rejects after `timeoutMs`. */
  answeredBy(version: string, timeoutMs?: number): Promise<void>;
  stop: () => Promise<LoopResult>;
}

/**
 * Sends /predict requests to `url()` back to back (with `concurrency` in flight) until stopped,
 * each worker waiting `pauseMs` after each answer. `url` is re-read for every request, so a loop
 * can follow a slot whose address it looks up.
 */
export async function startRequestLoop(url: () => Promise<string> | string, concurrency = 2, pauseMs = 0): Promise<RequestLoop> {
  loopPhoto ??= makeLoopPhoto();
  const photo = await loopPhoto;
  const result: LoopResult = { ok: 0, failed: 0, failures: [], firstFailureAt: null, versions: new Set() };
  const fail = (why: string): void => {
    result.failed++;
    result.failures.push(why);
    result.firstFailureAt ??= performance.now();
  };
  let running = true;
  const worker = async (): Promise<void> => {
    while (running) {
      try {
        const response = await postMultipart(await url(), photo);
        const body = (await response.json()) as PredictResponse;
        if (response.status === 200) {
          result.ok++;
          result.versions.add(body.model.version);
        } else {
          fail(`${response.status} ${JSON.stringify(body)}`);
        }
        if (pauseMs > 0) await sleep(pauseMs);
      } catch (error) {
        fail(String(error));
        await sleep(PAUSE_AFTER_FAILURE_MS);
      }
    }
  };
  const workers = Array.from({ length: concurrency }, worker);
  return {
    answeredBy: async (version, timeoutMs = 15_000) => {
      const deadline = performance.now() + timeoutMs;
      while (!result.versions.has(version)) {
        if (performance.now() > deadline) throw new Error(`no answer from ${version} in ${timeoutMs} ms (seen: ${[...result.versions].join(', ')}; ${result.failed} failed)`);
        await sleep(20);
      }
    },
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return result;
    },
  };
}
