import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Host } from '../src/main/host/host.js';
import { slotBundleFile } from '../src/main/host/data-dir.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/main/settings/settings-schema.js';
import { forkSlotLauncher } from '../src/main/slot/slot-launcher.js';
import { SLOT_IDS, type SlotId } from '../src/shared/slot-api.js';
import type { BenchModel } from './models.js';
import { makeTempDir, removeDir } from './temp-dir.js';

/** A real host, in this process, whose two slot processes both serve the model under test. */
export interface BenchHost {
  host: Host;
  /** The AS-IS slot, which takes the load. */
  url: string;
  pid: number;
  /** Each slot's URL and process id (a model swap keeps both; only a restart changes them). */
  slots: Record<SlotId, { url: string; pid: number }>;
  /** Each slot process's resident set size, in bytes. */
  slotRss(): Promise<Record<SlotId, number | null>>;
  stop(): Promise<void>;
}

/**
 * Starts a host on ephemeral loopback ports with a temp data dir holding `models` in their slots
 * (a slot without one serves its bundled weights, which prepareDataDir seeds), with `settings`
 * over the defaults (e.g. a GPU server).
 */
export async function startBenchHost(models: Partial<Record<SlotId, BenchModel>> = {}, settings: Partial<Settings> = {}): Promise<BenchHost> {
  const dataDir = await makeTempDir('litecnn-bench-host-');
  // prepareDataDir seeds only missing weights, so files written first are what the slots serve.
  for (const slot of SLOT_IDS) {
    const model = models[slot];
    if (!model) continue;
    const file = slotBundleFile(dataDir, slot);
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, model.bytes);
  }
  const host = new Host({
    dataDir,
    // No auto-deploy: a background model swap must not land in the middle of a measurement.
    settings: { ...DEFAULT_SETTINGS, ...settings, asisPort: 0, tobePort: 0, controlPort: 0, autoDeploy: false },
    launcher: forkSlotLauncher,
  });
  const stop = async (): Promise<void> => {
    await host.stop();
    await removeDir(dataDir);
  };
  try {
    const status = await host.start();
    const notReady = status.slots.filter((slot) => slot.state !== 'ready');
    if (notReady.length > 0) {
      throw new Error(`slots not ready: ${notReady.map((slot) => `${slot.slot} ${slot.state} ${slot.error?.message ?? ''}`).join('; ')}`);
    }
    const slots = Object.fromEntries(status.slots.map((slot) => [slot.slot, { url: slot.url!, pid: slot.pid! }])) as BenchHost['slots'];
    return {
      host,
      url: slots.asis.url,
      pid: slots.asis.pid,
      slots,
      slotRss: async () => {
        const { slots } = await host.status();
        return Object.fromEntries(slots.map((slot) => [slot.slot, slot.memory?.rssBytes ?? null])) as Record<SlotId, number | null>;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
