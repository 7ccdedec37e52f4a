import { fork } from 'node:child_process';
import { join } from 'node:path';
import type { SlotId } from '../../shared/slot-api.js';
import { PACKAGE_ROOT } from '../package-root.js';
import type { HostToSlotMessage, SlotToHostMessage } from './slot-messages.js';

/** Sends a signal to a process; `process.kill` unless a test passes its own. */
export type SignalProcess = (pid: number, signal: NodeJS.Signals) => void;

/** The host's handle on one running slot process. */
export interface SlotProcessHandle {
  readonly pid: number | undefined;
  send(message: HostToSlotMessage): void;
  onMessage(listener: (message: SlotToHostMessage) => void): void;
  onExit(listener: (exitCode: number | null, signal: string | null) => void): void;
  /** Ends the process at once (SIGKILL). */
  kill(): void;
  /** Lets the process go on if it is held still (SIGCONT; see ShadowTargetPause). */
  resume(): void;
}

/**
 * Starts slot processes. Headless mode forks Node processes; the Electron app passes an
 * implementation built on `utilityProcess.fork`.
 */
export interface SlotProcessLauncher {
  launch(slot: SlotId, entryFile: string): SlotProcessHandle;
}

/**
 * The slot process entry point: the bundle the build writes (scripts/build.mjs), however the host
 * itself was loaded (the CLI's bundle, or the compiled modules in the Electron app and the tests).
 * One CommonJS file: a slot starts with about 0.4 s less CPU than one loading its modules file by
 * file, and 0.13 s less than one loading the same bundle as ES module chunks.
 */
export const SLOT_PROCESS_ENTRY = join(PACKAGE_ROOT, 'dist', 'app', 'slot-process.cjs');

/**
 * How a slot process runs, measured on the bundled models (docs/footprint.md): V8's young
 * generation at 1 MB semi-spaces (a slot's JavaScript makes little garbage; its images and tensors
 * live outside the V8 heap), and glibc's malloc limited to two arenas, so libvips' and
 * onnxruntime's threads do not each keep one (other C libraries ignore the variable).
 */
export const SLOT_PROCESS_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=1'];
/**
 * The headless host runs without V8's optimising compiler (the bin's #! line): its JavaScript waits
 * on I/O far more than it computes, and an idle host keeps about 6 MB less (docs/footprint.md).
 * A slot's request path wants it, so a slot does not inherit it.
 */
export const HOST_ONLY_EXEC_ARGV: readonly string[] = ['--no-opt'];

/** A forked slot's node flags: the host's own (a test's loader, say), less the host-only ones and those the slot sets itself, then the slot's. */
export function slotExecArgv(hostExecArgv: readonly string[]): string[] {
  return [...hostExecArgv.filter((flag) => !HOST_ONLY_EXEC_ARGV.includes(flag) && !SLOT_PROCESS_EXEC_ARGV.includes(flag)), ...SLOT_PROCESS_EXEC_ARGV];
}

export const SLOT_PROCESS_ENV: Readonly<Record<string, string>> = { MALLOC_ARENA_MAX: '2' };

/** Launches slot processes with `child_process.fork`. */
export const forkSlotLauncher: SlotProcessLauncher = {
  launch(slot, entryFile) {
    const child = fork(entryFile, [`--slot=${slot}`], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'advanced', execArgv: slotExecArgv(process.execArgv), env: { ...process.env, ...SLOT_PROCESS_ENV } });
    return {
      get pid() {
        return child.pid;
      },
      send: (message) => {
        // A process that is ending may close its channel under a send; its exit is handled, so the write error is not.
        if (child.connected) child.send(message, () => undefined);
      },
      onMessage: (listener) => child.on('message', (message) => listener(message as SlotToHostMessage)),
      onExit: (listener) => child.on('exit', (code, signal) => listener(code, signal)),
      kill: () => {
        child.kill('SIGKILL');
      },
      resume: () => {
        child.kill('SIGCONT');
      },
    };
  },
};
