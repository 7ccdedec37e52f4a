import type { HostToSlotMessage, SlotToHostMessage } from './slot-messages.js';

/** The slot process's side of the pipe to the host. */
export interface ParentChannel {
  send(message: SlotToHostMessage): void;
  onMessage(handler: (message: HostToSlotMessage) => void): void;
  /** Called when the host goes away without saying goodbye (it crashed or was killed). */
  onHostGone(handler: () => void): void;
}

interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

/**
 * Connects to the host over whatever launched this process: Electron's `utilityProcess`
 * (`process.parentPort`) or Node's `child_process.fork` (`process.send`).
 */
export function connectToHost(): ParentChannel {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (message) => parentPort.postMessage(message),
      onMessage: (handler) => parentPort.on('message', (event) => handler(event.data as HostToSlotMessage)),
      // Electron ends utility processes together with the main process.
      onHostGone: () => undefined,
    };
  }
  if (process.send) {
    return {
      send: (message) => {
        if (process.connected) process.send!(message);
      },
      onMessage: (handler) => process.on('message', (message) => handler(message as HostToSlotMessage)),
      onHostGone: (handler) => process.on('disconnect', handler),
    };
  }
  throw new Error('slot-process must be launched by the LiteCNN host (child_process.fork or utilityProcess).');
}
