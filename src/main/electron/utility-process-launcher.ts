import type { utilityProcess as ElectronUtilityProcess } from 'electron';
import { SLOT_TITLES } from '../../shared/slot-api.js';
import { SLOT_PROCESS_ENV, SLOT_PROCESS_EXEC_ARGV, type SignalProcess, type SlotProcessLauncher } from '../slot/slot-launcher.js';
import type { SlotToHostMessage } from '../slot/slot-messages.js';

/**
 * Launches slot processes as Electron utility processes (Chromium-managed Node processes, shown
 * by name in Activity Monitor). The slot side answers through `process.parentPort`
 * (see parent-channel.ts). The entry may lie inside app.asar: utility processes read ESM
 * entries and their imports from the archive.
 */
export function utilityProcessLauncher(utilityProcess: Pick<typeof ElectronUtilityProcess, 'fork'>, signalProcess: SignalProcess = process.kill.bind(process)): SlotProcessLauncher {
  return {
    launch(slot, entryFile) {
      // No `cwd`: the default is a real folder, while a folder inside app.asar would make the launch fail.
      const child = utilityProcess.fork(entryFile, [`--slot=${slot}`], {
        serviceName: `LiteCNN ${SLOT_TITLES[slot]} slot`,
        stdio: ['ignore', 'inherit', 'inherit'],
        execArgv: [...SLOT_PROCESS_EXEC_ARGV],
        env: { ...process.env, ...SLOT_PROCESS_ENV },
      });
      const signal = (name: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          signalProcess(child.pid, name);
        } catch {
          // Already gone.
        }
      };
      return {
        get pid() {
          return child.pid;
        },
        // Electron queues messages posted before the process is up and drops those posted after its exit (no EPIPE as with fork's IPC).
        send: (message) => child.postMessage(message),
        onMessage: (listener) => {
          child.on('message', (message: unknown) => listener(message as SlotToHostMessage));
        },
        // Electron reports no signal, only the waitpid code (the signal number when one killed it).
        onExit: (listener) => {
          child.on('exit', (code: number) => listener(code, null));
        },
        kill: () => {
          // utilityProcess.kill() sends SIGTERM, which a slot stuck in a blocking call never handles.
          if (child.pid === undefined) child.kill();
          else signal('SIGKILL');
        },
        resume: () => signal('SIGCONT'),
      };
    },
  };
}
