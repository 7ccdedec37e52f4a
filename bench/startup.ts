import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { controlFilePath } from '../src/main/control/control-file.js';
import type { HostStatus } from '../src/shared/host-api.js';
import { LITECNN_CLI } from '../test/helpers/paths.js';
import { median } from './stats.js';
import { makeTempDir, removeDir } from './temp-dir.js';

/** Times of one `litecnn serve` start, in milliseconds from spawning it. */
export interface StartupRun {
  /** host.json written: the control API listens. */
  controlReadyMs: number;
  /** The banner printed: both slots have loaded and warmed up their models. */
  slotsReadyMs: number;
}

export interface StartupResult {
  runs: StartupRun[];
  medianControlReadyMs: number;
  medianSlotsReadyMs: number;
}

// The banner's last line: serve prints it once host.start() has settled both slots.
const BANNER_END = 'Ctrl-C stops both servers.';
const START_TIMEOUT_MS = 60_000;
const run = promisify(execFile);

/** Starts `litecnn serve` (fresh temp data dir, ports 0) `times` times and reports the median time to ready. */
export async function measureStartup(times: number): Promise<StartupResult> {
  const runs: StartupRun[] = [];
  for (let i = 0; i < times; i++) runs.push(await startOnce());
  return {
    runs,
    medianControlReadyMs: median(runs.map((r) => r.controlReadyMs)),
    medianSlotsReadyMs: median(runs.map((r) => r.slotsReadyMs)),
  };
}

async function startOnce(): Promise<StartupRun> {
  const dataDir = await makeTempDir('litecnn-bench-startup-');
  const started = performance.now();
  const child = spawn(process.execPath, [LITECNN_CLI, '--data-dir', dataDir, 'serve', '--asis-port', '0', '--tobe-port', '0', '--control-port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const controlReady = waitForFile(controlFilePath(dataDir), child).then(() => performance.now() - started);
    controlReady.catch(() => undefined); // awaited below; the banner's failure is the one to report
    const slotsReadyMs = (await waitForOutput(child, BANNER_END)) - started;
    const controlReadyMs = await controlReady;
    await checkBothSlotsReady(dataDir);
    return { controlReadyMs, slotsReadyMs };
  } finally {
    await stopChild(child);
    await removeDir(dataDir);
  }
}

/** Resolves with performance.now() when `text` has appeared on the child's stdout. */
function waitForOutput(child: ChildProcess, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`litecnn serve did not get ready in ${START_TIMEOUT_MS} ms:\n${output}${errors}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    child.on('exit', (code) => reject(new Error(`litecnn serve exited with code ${code}:\n${output}${errors}`)));
  });
}

async function waitForFile(file: string, child: ChildProcess): Promise<void> {
  while (child.exitCode === null) {
    if (await access(file).then(() => true, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`litecnn serve exited before writing ${file}`);
}

/** `litecnn status --json` must agree that both slots serve. */
async function checkBothSlotsReady(dataDir: string): Promise<void> {
  const { stdout } = await run(process.execPath, [LITECNN_CLI, '--data-dir', dataDir, 'status', '--json']);
  const status = JSON.parse(stdout) as HostStatus;
  const notReady = status.slots.filter((slot) => slot.state !== 'ready' || !slot.url);
  if (notReady.length > 0) throw new Error(`after the banner, litecnn status reports: ${notReady.map((s) => `${s.slot} ${s.state}`).join(', ')}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}
