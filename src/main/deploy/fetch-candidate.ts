import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeployStep, ReleaseProgress } from '../../shared/release-api.js';
import type { ModelManifest } from '../../shared/model-manifest.js';
import { LiteCnnError, describeError } from '../errors.js';
import { storageError } from '../fs/storage-errors.js';
import { GpuConnection } from '../gpu/gpu-connection.js';
import type { SshTarget } from '../gpu/ssh-target.js';
import { RUN_FILES, checkRunId, runFilePath, type TrainingRun } from '../gpu/training-run.js';
import { sha256Hex } from '../model/bundle-format.js';
import { parseLabels } from '../model/labels-file.js';
import { buildBundle } from '../model/pack.js';
import { resolvePreprocess } from '../model/preprocess-spec.js';

/** A run fetched from the GPU server, packed and proven to serve. */
export interface Candidate {
  run: TrainingRun & { metrics?: Record<string, unknown> };
  bytes: Buffer;
  manifest: ModelManifest;
}

/** What fetchCandidate needs besides the server. */
export interface FetchOptions {
  runId?: string;
  /** ONNX sha256s that mean "nothing to do": what TO-BE serves, and for automatic deploys the last deployed run. */
  skipSha256: string[];
  /** Name for the model when the run's metrics.json gives none. */
  defaultName: string;
  stagingRoot: string;
  /** Validation optimises the graph into this data dir's cache, so the slot's swap can reuse it. */
  graphCacheDataDir?: string;
  /** Stop after identifying the run: report what would be deployed. */
  dryRun?: boolean;
  onProgress: (progress: Omit<ReleaseProgress, 'operation' | 'slot'>) => void;
}

export type FetchOutcome =
  | { kind: 'candidate'; candidate: Candidate }
  | { kind: 'up-to-date' | 'dry-run'; run: TrainingRun; sha256: string | null };

/** A failure with the deploy step it happened at. */
export class DeployStepError extends LiteCnnError {
  readonly step: DeployStep;

  constructor(step: DeployStep, error: unknown) {
    const cause = error instanceof LiteCnnError ? error : new LiteCnnError('DEPLOY_FAILED', describeError(error), { cause: error });
    super(cause.code, `Deploy failed at step "${step}": ${cause.message}`, { httpStatus: cause.httpStatus === 500 ? 502 : cause.httpStatus, ...(cause.subject ? { subject: cause.subject } : {}), cause: error });
    this.step = step;
  }
}

/**
 * Source -> staging -> verify: finds the newest complete run (or the named one), identifies its
 * model by sha256, downloads it into a private staging folder, checks the bytes, packs a bundle
 * and validates it in a worker (loads, shapes, warm-up, smoke inference). Staging is always
 * removed; nothing outside it is touched.
 */
export async function fetchCandidate(target: SshTarget, options: FetchOptions): Promise<FetchOutcome> {
  let step: DeployStep = 'connect';
  const at = async <T>(next: DeployStep, work: () => Promise<T>): Promise<T> => {
    step = next;
    options.onProgress({ step });
    return work();
  };
  let connection: GpuConnection | undefined;
  let staging: string | undefined;
  try {
    connection = await at('connect', () => GpuConnection.open(target));
    const gpu = connection;
    const run = await at('find-run', () => findRun(gpu, options.runId));
    const modelPath = runFilePath(target.runsDir, run.id, RUN_FILES.model);
    const remoteSha = await at('identify', () => gpu.remoteSha256(modelPath));
    if (remoteSha && options.skipSha256.includes(remoteSha) && !options.dryRun) return { kind: 'up-to-date', run, sha256: remoteSha };
    if (options.dryRun) return { kind: 'dry-run', run, sha256: remoteSha };
    await mkdir(options.stagingRoot, { recursive: true });
    staging = await mkdtemp(join(options.stagingRoot, `${run.id}-`));
    const files = await at('download', () => downloadRun(gpu, run.id, staging!, options.onProgress));
    const onnx = await readFile(files.model);
    const sha = sha256Hex(onnx);
    await at('verify', async () => {
      if (remoteSha && sha !== remoteSha) {
        throw new LiteCnnError('DEPLOY_HASH_MISMATCH', `model.onnx of run ${run.id} arrived with sha256 ${sha.slice(0, 12)}… but the server reported ${remoteSha.slice(0, 12)}…: the transfer was damaged. The next check will try again.`, { subject: run.id });
      }
    });
    if (options.skipSha256.includes(sha)) return { kind: 'up-to-date', run, sha256: sha };
    let metrics: Record<string, unknown> | undefined;
    const packed = await at('pack', async () => {
      metrics = files.metrics ? await readJson(files.metrics, run.id) : undefined;
      const labels = parseLabels(await readFile(files.labels, 'utf8'), `run ${run.id}: labels.json`);
      const preprocessing = resolvePreprocess(await readJson(files.preprocess, run.id), `run ${run.id}: preprocess.json`);
      return buildBundle({
        onnx,
        labels,
        ...preprocessing,
        name: typeof metrics?.name === 'string' ? metrics.name : options.defaultName,
        version: typeof metrics?.version === 'string' ? metrics.version : run.id,
        source: { kind: 'training-run', runId: run.id },
      }, `run ${run.id}`);
    });
    await at('validate', async () => {
      // The validating model and sharp are loaded when a candidate arrives, not when the host starts.
      const [{ WorkerModel }, { smokeTest }] = await Promise.all([import('../inference/worker-model.js'), import('../inference/smoke-test.js')]);
      const model = await WorkerModel.start({ bytes: new Uint8Array(packed.bytes) }, `run ${run.id}`, { graphCacheDataDir: options.graphCacheDataDir });
      try {
        await smokeTest(model, `run ${run.id}`);
      } finally {
        await model.release();
      }
    });
    return { kind: 'candidate', candidate: { run: { ...run, ...(metrics ? { metrics } : {}) }, bytes: packed.bytes, manifest: packed.manifest } };
  } catch (error) {
    throw error instanceof DeployStepError ? error : new DeployStepError(step, storageError(error, options.stagingRoot) ?? error);
  } finally {
    connection?.close();
    if (staging) await rm(staging, { recursive: true, force: true });
  }
}

async function findRun(gpu: GpuConnection, runId: string | undefined): Promise<TrainingRun> {
  if (runId !== undefined) {
    const run = await gpu.completeRun(checkRunId(runId));
    if (!run) throw new LiteCnnError('RUN_NOT_FOUND', `Run "${runId}" is not in ${gpu.target.runsDir}, or it has no DONE file yet (still training).`, { subject: runId, httpStatus: 404 });
    return run;
  }
  const [newest] = await gpu.completeRuns();
  if (!newest) throw new LiteCnnError('RUN_NOT_FOUND', `No complete training run in ${gpu.target.runsDir} (a run is a folder with model.onnx, labels.json, preprocess.json and a DONE file).`, { subject: gpu.target.runsDir, httpStatus: 404 });
  return newest;
}

async function downloadRun(gpu: GpuConnection, runId: string, dir: string, onProgress: FetchOptions['onProgress']) {
  const report = ({ file, bytes, total }: { file: string; bytes: number; total: number }): void =>
    onProgress({ step: 'download', file, bytes, total, percent: total ? Math.round((bytes / total) * 1000) / 10 : 100 });
  const required = async (file: 'model' | 'labels' | 'preprocess'): Promise<string> => {
    const local = await gpu.download(runId, file, dir, report);
    if (!local) throw new LiteCnnError('RUN_INVALID', `Run ${runId} has no ${RUN_FILES[file]}; a run needs model.onnx, labels.json and preprocess.json.`, { subject: runId });
    return local;
  };
  return {
    labels: await required('labels'),
    preprocess: await required('preprocess'),
    metrics: await gpu.download(runId, 'metrics', dir, report),
    model: await required('model'),
  };
}

async function readJson(file: string, runId: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new LiteCnnError('RUN_INVALID', `Run ${runId}: ${file.split('/').pop()} is not valid JSON (${describeError(error)}).`, { subject: runId });
  }
}
