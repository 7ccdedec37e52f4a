import type { DeploySplit } from './deploy-timeline.js';
import { busy, ms, percent } from './formats.js';
import { markdownTable } from './markdown-table.js';
import type { DeployRun, ReleaseResult } from './release-bench.js';
import { median } from './stats.js';

const megabytes = (bytes: number): string => (bytes / 1e6).toFixed(2);
const rate = (run: Pick<DeployRun, 'modelBytes'> & { split: Pick<DeploySplit, 'download'> }): string => (run.modelBytes / 1e6 / (run.split.download / 1000)).toFixed(1);
const whole = (value: number): string => value.toFixed(0);

/** What each part of a deploy does, for the breakdown table. */
const PART_TITLES: Record<Exclude<keyof DeploySplit, 'total'>, string> = {
  prepare: 'prepare: read the current TO-BE bundle, resolve the SSH target',
  connect: 'connect: SSH handshake, pinned host key, public-key login, SFTP channel',
  findRun: 'find-run: list the runs folder and the DONE files',
  identify: 'identify: `sha256sum model.onnx` on the server (an SSH exec channel: starts the user\'s shell there)',
  download: 'download: SFTP of labels, preprocess, metrics and model.onnx',
  localHash: 'read the download back and hash it here',
  verify: 'verify: compare the two hashes',
  pack: 'pack: build the bundle',
  validate: 'validate: load + warm up in a worker thread of the host, smoke inference',
  archive: 'archive: keep old and new bundle in weights/history, write the journal',
  install: 'install: write the bundle over TO-BE\'s file (atomic rename)',
  swap: 'swap: the TO-BE slot loads + warms up the bundle in a new worker, then switches',
  record: 'record: state.json, history, end the journal, prune the archive',
  confirm: 'confirm: the first /predict answer naming the new version',
};

/** The release section: deploy time and its parts, SFTP throughput, request latency during swaps. */
export function releaseSection(release: ReleaseResult): string {
  return [
    '## Release: a new run from the GPU server to TO-BE',
    '',
    methodBullets(release),
    '',
    deployTable(release),
    '',
    breakdownTable(release),
    '',
    swapTables(release),
  ].join('\n');
}

function methodBullets({ plan, deploys, loopImage, software }: ReleaseResult): string {
  const bytes = deploys[0]?.modelBytes ?? 0;
  return [
    `- GPU server: a real OpenSSH sshd (${software.openssh}) on 127.0.0.1 with its own host key (pinned) and an ed25519 user key, as the test suite runs it (\`test/helpers/sshd.ts\`); the host's client is ssh2 ${software.ssh2}. Each run is a new LiteCNN network (seeds from ${plan.firstSeed}, channel widths ${plan.widths.join(', ')}, 96x96 input): a ${megabytes(bytes)} MB (${(bytes / 2 ** 20).toFixed(1)} MiB) model.onnx, published with \`scripts/export-training-run.sh\`.`,
    '- Host: a real `Host` in the bench process (both slots in their own processes, ephemeral ports, auto-deploy off), starting from the bundled weights.',
    `- Deploy time: from calling \`host.deploy()\` right after a run was published (what the watcher calls when it finds a new run; the watcher's poll interval, \`pollIntervalMinutes\`, comes on top) to the first \`/predict\` answer from TO-BE that names the new version. The parts are split on the host's progress events, except that the download ends at the last byte of model.onnx (the host reads the file back and hashes it before it reports "verify"). ${plan.warmUpDeploys} warm-up deploy (it replaces the small bundled TO-BE, in a fresh process; shown, not in the medians), then ${plan.timedDeploys} timed ones on an idle host.`,
    '- SFTP throughput: model.onnx bytes / download time (the download also moves labels.json, preprocess.json and metrics.json, about 3 KB). MB = 10^6 bytes. Over loopback, so this is the cost of SSH encryption and ssh2\'s SFTP client, not of a network.',
    `- Swap latency: a loop keeps ${plan.loopConnections} \`POST /predict\` requests of the ${loopImage.name} JPEG (${(loopImage.bytes / 1024).toFixed(0)} KiB) in flight against TO-BE, each request timed. ${plan.swaps} swap blocks (alternately a deploy of a new run and a rollback to the previous version, so that each is a real model change; the loop runs ${plan.swapMarginSeconds} s before and after the operation) alternate (ABBA) with ${plan.swaps} steady-state blocks of ${plan.steadyBlockSeconds} s. "during swap steps" is every answered request in flight at some moment of a swap step (the slot loads and warms up the new model while serving, then switches); "during whole operations" widens that to the whole deploy or rollback (a deploy also downloads, hashes and validates, on the same two cores).`,
  ].join('\n');
}

function deployTable({ deploys, medianSftpMBps }: ReleaseResult): string {
  const columns = (split: DeploySplit): number[] => [
    split.prepare + split.connect + split.findRun,
    split.identify + split.localHash + split.verify,
    split.download,
    split.pack + split.validate,
    split.archive,
    split.install,
    split.swap,
    split.record + split.confirm,
    split.total,
  ];
  const rows = deploys.map((run, i) => [
    `${i + 1}${run.warmUp ? ' (warm-up)' : ''}`,
    run.runId,
    ...columns(run.split).map(ms),
    rate(run),
    percent(run.cpu.serverPercent),
    busy(run.cpu.otherPercent),
  ]);
  const timed = deploys.filter((run) => !run.warmUp).map((run) => columns(run.split));
  const medians = timed[0]?.map((_, column) => median(timed.map((values) => values[column]!))) ?? [];
  rows.push(['median', `of ${timed.length} timed`, ...medians.map(ms), medianSftpMBps.toFixed(1), '', '']);
  return [
    '### Deploy of one new run, by step (ms)',
    '',
    '"prepare + connect" runs from the deploy() call through find-run; "verify" is both hashes: `sha256sum` on the server (identify) and the read-back + hash here; "load + warm" is pack + validate; "record + confirm" runs from the swap\'s end to TO-BE\'s first answer naming the new version.',
    'The median row is the median of each column on its own. "TO-BE CPU" is the TO-BE slot process over the whole deploy (100% = one core).',
    '',
    markdownTable(
      ['Run', 'run id', 'prepare + connect', 'verify', 'download', 'load + warm', 'archive', 'install', 'swap', 'record + confirm', 'total', 'SFTP MB/s', 'TO-BE CPU', 'other CPU'],
      rows,
      [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
    ),
  ].join('\n');
}

function breakdownTable({ medianSplit }: ReleaseResult): string {
  const parts = Object.keys(PART_TITLES) as (keyof typeof PART_TITLES)[];
  const sum = parts.reduce((total, part) => total + medianSplit[part], 0);
  const rows = parts.map((part) => [PART_TITLES[part], ms(medianSplit[part]), percent((medianSplit[part] / sum) * 100)]);
  rows.push(['sum of the medians', ms(sum), '100%']);
  rows.push(['median total', ms(medianSplit.total), '']);
  return [
    '### Where a deploy\'s time goes (median of the timed runs)',
    '',
    markdownTable(['Part', 'ms', 'share'], rows, [1, 2]),
  ].join('\n');
}

function swapTables({ plan, steady, duringSwap, duringOperation, swaps, swapBlocksFailed, swapBlocksCpu }: ReleaseResult): string {
  const summary = [
    [`steady state (${steady.blocks} blocks, ${steady.seconds.toFixed(0)} s)`, String(steady.samples), ms(steady.p50), ms(steady.p99), String(steady.failed), percent(steady.cpu.serverPercent), busy(steady.cpu.otherPercent)],
    [`during swap steps (${swaps.length} swaps)`, String(duringSwap.samples), ms(duringSwap.p50), ms(duringSwap.p99), String(swapBlocksFailed), percent(swapBlocksCpu.serverPercent), busy(swapBlocksCpu.otherPercent)],
    ['during whole operations', String(duringOperation.samples), ms(duringOperation.p50), ms(duringOperation.p99), '', '', ''],
  ];
  const perSwap = swaps.map((swap, i) => [
    String(i + 1),
    swap.kind,
    `${swap.from} -> ${swap.to}`,
    whole(swap.swapMs),
    whole(swap.operationMs),
    String(swap.duringSwap.samples),
    ms(swap.duringSwap.p50),
    ms(swap.duringSwap.p99),
    ms(swap.maxMs),
    String(swap.failed),
    String(swap.versions.length),
  ]);
  return [
    `### Request latency on TO-BE during model swaps (c=${plan.loopConnections})`,
    '',
    '"failed" counts non-2xx answers and errors: in the steady blocks, and in the whole of each swap block. CPU figures cover whole blocks ("TO-BE CPU" is the slot process; the deploy\'s own work runs in the bench process and in sshd).',
    '',
    markdownTable(['Window', 'requests', 'p50 ms', 'p99 ms', 'failed', 'TO-BE CPU', 'other CPU'], summary, [1, 2, 3, 4, 5, 6]),
    '',
    'Each swap: its swap step and whole operation (ms), the answered requests in flight during the swap step, and the model versions that answered during the block (2 = the loop saw the old model, then the new one).',
    '',
    markdownTable(['Swap', 'operation', 'from -> to', 'swap step', 'operation', 'requests', 'p50 ms', 'p99 ms', 'max ms', 'failed', 'versions'], perSwap, [3, 4, 5, 6, 7, 8, 9, 10]),
    '',
  ].join('\n');
}
