import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { after } from 'node:test';
import { LITECNN_CLI } from './paths.js';

/** Runs one `litecnn` command to completion. */
export function runCli(dataDir: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [LITECNN_CLI, '--data-dir', dataDir, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Starts `litecnn serve` through the bin's #! line (with its node flags, as users start it) on ephemeral ports and waits for its banner; killed after the test file if still running. */
export async function startServe(dataDir: string, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(LITECNN_CLI, ['--data-dir', dataDir, 'serve', '--asis-port', '0', '--tobe-port', '0', '--control-port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, output: await untilServing(child) };
}

/** Collects a starting serve's output (stdout and stderr) until its banner has ended; rejects if it exits first or takes longer than `timeoutMs`. */
export async function untilServing(child: ChildProcess, timeoutMs = 30_000): Promise<() => string> {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not become ready:\n${output}`)), timeoutMs);
    const check = (): void => {
      if (output.includes('Ctrl-C stops both servers.')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.on('exit', () => reject(new Error(`serve exited early:\n${output}`)));
  });
  return () => output;
}

/** Resolves with the exit code once the process has ended. */
export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.on('exit', (code) => resolve(code)));
}

/** True while a process with this pid exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
