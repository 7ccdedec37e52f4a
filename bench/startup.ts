import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { controlFilePath } from '../src/main/control/control-file.js';
import type { HostStatus } from '../src/shared/host-api.js';
import { LITECNN_CLI, REPO_ROOT } from '../test/helpers/paths.js';
import { makeTempDir, removeDir } from './temp-dir.js';

/** One start of the headless host, in milliseconds from spawning the command. */
export interface StartupRun {
  /** host.json written: the control API listens. */
  controlReadyMs: number;
  /** The banner printed: both slots have loaded and warmed up their models. */
  slotsReadyMs: number;
  /** The host process's RSS 2 s after the banner, when the bench started it directly (null through npm). */
  hostIdleRss: number | null;
  /** The same 15 s after the banner: an idle host's level once V8's memory reducer has collected (it runs some 8 s after allocation slows). */
  hostSettledRss: number | null;
}

/** How the host is started: `litecnn serve` (the bin itself, through its #! line, as `npx litecnn serve` runs it), or `npm run serve` (which first checks the build). */
export type ServeCommand = 'litecnn serve' | 'npm run serve';

// The banner's last line: serve prints it once host.start() has settled both slots.
const BANNER_END = 'Ctrl-C stops both servers.';
const START_TIMEOUT_MS = 60_000;
const HOST_SETTLE_MS = 2_000;
const HOST_SETTLED_MS = 15_000;
const EPHEMERAL_PORTS = ['--asis-port', '0', '--tobe-port', '0', '--control-port', '0'];
const run = promisify(execFile);

/** Starts the host once with a fresh temp data dir and ports 0, and stops it; with `hostRss`, it first reads the host's RSS at 2 s and 15 s (`litecnn serve` only). */
export async function startServeOnce(command: ServeCommand, hostRss = true): Promise<StartupRun> {
  const dataDir = await makeTempDir('litecnn-bench-startup-');
  const started = performance.now();
  const child = command === 'litecnn serve'
    ? spawn(LITECNN_CLI, ['--data-dir', dataDir, 'serve', ...EPHEMERAL_PORTS], { stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    : spawn('npm', ['run', '-s', 'serve', '--', ...EPHEMERAL_PORTS], { cwd: REPO_ROOT, env: { ...process.env, LITECNN_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    const controlReady = waitForFile(controlFilePath(dataDir), child).then(() => performance.now() - started);
    controlReady.catch(() => undefined); // awaited below; the banner's failure is the one to report
    const slotsReadyMs = (await waitForOutput(child, BANNER_END)) - started;
    const controlReadyMs = await controlReady;
    await checkBothSlotsReady(dataDir);
    let hostIdleRss: number | null = null;
    let hostSettledRss: number | null = null;
    if (command === 'litecnn serve' && hostRss) {
      await new Promise((resolve) => setTimeout(resolve, HOST_SETTLE_MS));
      hostIdleRss = await processRss(child.pid!);
      await new Promise((resolve) => setTimeout(resolve, HOST_SETTLED_MS - HOST_SETTLE_MS));
      hostSettledRss = await processRss(child.pid!);
    }
    return { controlReadyMs, slotsReadyMs, hostIdleRss, hostSettledRss };
  } finally {
    await stopProcessGroup(child);
    await removeDir(dataDir);
  }
}

/** A process's resident set size in bytes (`ps`, on Linux and macOS alike). */
async function processRss(pid: number): Promise<number> {
  const { stdout } = await run('ps', ['-o', 'rss=', '-p', String(pid)]);
  return Number(stdout.trim()) * 1024;
}

/** Resolves with performance.now() when `text` has appeared on the child's stdout. */
function waitForOutput(child: ChildProcess, text: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    let errors = '';
    const timer = setTimeout(() => reject(new Error(`${child.spawnfile} did not print "${text}" in ${START_TIMEOUT_MS} ms:\n${output}${errors}`)), START_TIMEOUT_MS);
    child.stderr!.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(text)) {
        clearTimeout(timer);
        resolve(performance.now());
      }
    });
    child.on('exit', (code) => reject(new Error(`${child.spawnfile} exited with code ${code}:\n${output}${errors}`)));
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

/** Stops a child started with `detached` and everything it started (npm's shell and node too). */
export async function stopProcessGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = (name: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const killer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(killer);
}
