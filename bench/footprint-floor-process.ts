import { readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { ModelSession } from '../src/main/inference/model-session.js';
import { readBundleFile } from '../src/main/model/bundle-file.js';

/**
 * The floor a slot process is measured against: a plain Node process that loads onnxruntime-node
 * and sharp, creates the bundle's session with a slot's options (ModelSession) and pushes images
 * through decode + inference on its own thread, without HTTP, threads or the host.
 *
 *   node footprint-floor-process.js <bundle file> <image file> <requests per round> <rounds> <in flight>
 *
 * Prints one JSON line per stage on stdout: "ready" (with ms since the process started), then
 * "loaded" after each round; each with the process's RSS in bytes.
 */
export interface FloorStage {
  stage: 'ready' | 'loaded';
  sinceStartMs: number;
  rssBytes: number;
}

const [bundleFile, imageFile, requests, rounds, inFlight] = process.argv.slice(2);
const report = (stage: FloorStage['stage']): void => {
  const line: FloorStage = { stage, sinceStartMs: performance.now(), rssBytes: process.memoryUsage.rss() };
  process.stdout.write(`${JSON.stringify(line)}\n`);
};

const session = await ModelSession.load(await readBundleFile(bundleFile!), bundleFile!);
const image = await readFile(imageFile!);
await session.classify(image, 5);
report('ready');
for (let round = 0; round < Number(rounds); round++) {
  let left = Number(requests);
  const worker = async (): Promise<void> => {
    while (left-- > 0) await session.classify(image, 5);
  };
  await Promise.all(Array.from({ length: Number(inFlight) }, worker));
  report('loaded');
}
await session.release();
