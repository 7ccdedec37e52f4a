import type { EventEmitter } from 'node:events';
import { performance } from 'node:perf_hooks';
import type { HostEvent } from '../src/shared/host-api.js';
import type { DeployStep, ReleaseProgress, ReleaseStep } from '../src/shared/release-api.js';

type Step = DeployStep | ReleaseStep;

/** The host's progress events of one release operation, each with the time it arrived. */
export interface Timeline {
  /** When the operation was asked for. */
  called: number;
  /** When each step began: its first progress event. */
  stepStarts: Partial<Record<Step, number>>;
  /** When the last byte of model.onnx had arrived (its last download progress event). */
  modelDownloaded: number | null;
  modelBytes: number | null;
  /** The progress event that ends the operation (progress null). */
  ended: number | null;
}

/** Records the host's progress events from now on; `finish` stops recording. */
export function recordTimeline(host: EventEmitter): { timeline: Timeline; finish(): Timeline } {
  const timeline: Timeline = { called: performance.now(), stepStarts: {}, modelDownloaded: null, modelBytes: null, ended: null };
  const listener = (event: HostEvent): void => {
    if (event.type !== 'progress') return;
    const now = performance.now();
    const progress: ReleaseProgress | null = event.data;
    if (!progress) {
      timeline.ended ??= now;
      return;
    }
    timeline.stepStarts[progress.step] ??= now;
    if (progress.step === 'download' && progress.file === 'model.onnx' && progress.total !== undefined && progress.bytes === progress.total) {
      timeline.modelDownloaded = now;
      timeline.modelBytes = progress.total;
    }
  };
  host.on('event', listener);
  return {
    timeline,
    finish: () => {
      host.off('event', listener);
      return timeline;
    },
  };
}

/**
 * A deploy split into its parts, in milliseconds; consecutive, so they add up to `total`. Step
 * boundaries are the host's progress events, except that the download ends at the last byte of
 * model.onnx: the host reads the file back and hashes it before it reports "verify", and that
 * belongs with the hashing.
 */
export interface DeploySplit {
  /** deploy() called -> "connect": reading the current TO-BE bundle, resolving the SSH target. */
  prepare: number;
  /** SSH handshake and authentication, SFTP channel. */
  connect: number;
  /** Listing the runs folder and its DONE files. */
  findRun: number;
  /** sha256sum of model.onnx on the server, over an SSH exec channel. */
  identify: number;
  /** SFTP transfer of labels.json, preprocess.json, metrics.json and model.onnx. */
  download: number;
  /** Reading the download back and hashing it here. */
  localHash: number;
  /** Comparing the two hashes. */
  verify: number;
  /** Building the bundle (manifest, labels, preprocessing). */
  pack: number;
  /** Loading and warming up the bundle in a worker thread of the host, and a smoke inference. */
  validate: number;
  /** Keeping the replaced and the new bundle in weights/history, writing the journal. */
  archive: number;
  /** Writing the new bundle over TO-BE's file (atomically). */
  install: number;
  /** The TO-BE slot loading and warming up the new bundle in a new worker, then switching to it. */
  swap: number;
  /** state.json, history, the journal's end, pruning the archive; until deploy() resolves. */
  record: number;
  /** deploy() resolved -> the first /predict answer from TO-BE naming the new version. */
  confirm: number;
  total: number;
}

export const DEPLOY_PARTS = ['prepare', 'connect', 'findRun', 'identify', 'download', 'localHash', 'verify', 'pack', 'validate', 'archive', 'install', 'swap', 'record', 'confirm'] as const satisfies readonly (keyof DeploySplit)[];

/** Splits a deploy's timeline; `resolved` is when deploy() resolved, `answered` when TO-BE first answered with the new version. */
export function splitDeploy(timeline: Timeline, resolved: number, answered: number): DeploySplit {
  const at = (step: Step): number => {
    const time = timeline.stepStarts[step];
    if (time === undefined) throw new Error(`the deploy reported no "${step}" step`);
    return time;
  };
  if (timeline.modelDownloaded === null) throw new Error('the deploy reported no complete download of model.onnx');
  return {
    prepare: at('connect') - timeline.called,
    connect: at('find-run') - at('connect'),
    findRun: at('identify') - at('find-run'),
    identify: at('download') - at('identify'),
    download: timeline.modelDownloaded - at('download'),
    localHash: at('verify') - timeline.modelDownloaded,
    verify: at('pack') - at('verify'),
    pack: at('validate') - at('pack'),
    validate: at('archive') - at('validate'),
    archive: at('install') - at('archive'),
    install: at('swap') - at('install'),
    swap: at('record') - at('swap'),
    record: resolved - at('record'),
    confirm: answered - resolved,
    total: answered - timeline.called,
  };
}
