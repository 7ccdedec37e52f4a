import type { SlotId } from '../../shared/slot-api.js';
import { SLOT_PROCESS_ENTRY, type SlotProcessHandle, type SlotProcessLauncher } from './slot-launcher.js';

type ExitListener = Parameters<SlotProcessHandle['onExit']>[0];
type MessageListener = Parameters<SlotProcessHandle['onMessage']>[0];

/**
 * A launcher whose first launch of each slot hands over a process started earlier, so that a slot
 * loads its modules and its inference thread while the host is still loading its own (about half a
 * second of `litecnn serve` on two cores; docs/footprint.md). Later launches start new processes.
 * A prestarted process waits for its 'start' message like any other.
 */
export class PrestartedSlotLauncher implements SlotProcessLauncher {
  readonly #launcher: SlotProcessLauncher;
  readonly #waiting = new Map<SlotId, HeldProcess>();

  constructor(launcher: SlotProcessLauncher) {
    this.#launcher = launcher;
  }

  /** Starts a process for each slot now, to be handed over by its first `launch`. */
  prestart(slots: readonly SlotId[]): this {
    for (const slot of slots) {
      if (!this.#waiting.has(slot)) this.#waiting.set(slot, new HeldProcess(this.#launcher.launch(slot, SLOT_PROCESS_ENTRY)));
    }
    return this;
  }

  launch(slot: SlotId, entryFile: string): SlotProcessHandle {
    const held = this.#waiting.get(slot);
    if (!held || entryFile !== SLOT_PROCESS_ENTRY) return this.#launcher.launch(slot, entryFile);
    this.#waiting.delete(slot);
    return held.handOver();
  }

  /** Ends the prestarted processes no launch took (a host that failed before it started its slots). */
  discardUnused(): void {
    for (const held of this.#waiting.values()) held.process.kill();
    this.#waiting.clear();
  }
}

/** A started process whose messages and exit are kept until its new owner listens. */
class HeldProcess {
  readonly process: SlotProcessHandle;
  #exit: Parameters<ExitListener> | null = null;
  readonly #messages: Parameters<MessageListener>[0][] = [];
  readonly #exitListeners: ExitListener[] = [];
  readonly #messageListeners: MessageListener[] = [];

  constructor(process: SlotProcessHandle) {
    this.process = process;
    process.onMessage((message) => {
      if (this.#messageListeners.length === 0) this.#messages.push(message);
      for (const listener of this.#messageListeners) listener(message);
    });
    process.onExit((...exit) => {
      this.#exit = exit;
      for (const listener of this.#exitListeners) listener(...exit);
    });
  }

  handOver(): SlotProcessHandle {
    const { process } = this;
    return {
      get pid() {
        return process.pid;
      },
      send: (message) => process.send(message),
      onMessage: (listener) => {
        this.#messageListeners.push(listener);
        for (const message of this.#messages.splice(0)) listener(message);
      },
      onExit: (listener) => {
        this.#exitListeners.push(listener);
        const exit = this.#exit;
        if (exit) queueMicrotask(() => listener(...exit));
      },
      kill: () => process.kill(),
      resume: () => process.resume(),
    };
  }
}
