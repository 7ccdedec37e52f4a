import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { after } from 'node:test';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { Host, type HostOptions } from '../../src/main/host/host.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/main/settings/settings-schema.js';
import { forkSlotLauncher } from '../../src/main/slot/slot-launcher.js';
import type { SlotId } from '../../src/shared/slot-api.js';
import { tempDir } from './temp-dir.js';

/**
 * A real host (both slot processes, the control API) on ephemeral loopback ports. Stopped when the
 * enclosing test ends, or after the test file when called at the top level (not from a before hook).
 */
export async function startTestHost(overrides: Partial<Settings> = {}, dataDir?: string, options: Pick<HostOptions, 'choosePath' | 'watcherFirstCheckDelayMs'> = {}): Promise<{ host: Host; dataDir: string; url: (slot: SlotId) => Promise<string> }> {
  const dir = dataDir ?? (await tempDir('litecnn-host-'));
  const host = new Host({
    dataDir: dir,
    settings: { ...DEFAULT_SETTINGS, asisPort: 0, tobePort: 0, controlPort: 0, ...overrides },
    launcher: forkSlotLauncher,
    ...options,
  });
  after(() => host.stop());
  await host.start();
  const url = async (slot: SlotId): Promise<string> => {
    const status = await host.slots[slot].status();
    if (!status.url) throw new Error(`${slot} is not serving: ${status.state} ${status.error?.message ?? ''}`);
    return status.url;
  };
  return { host, dataDir: dir, url };
}

/** A new data dir whose slots hold these bundles; a slot left out gets the bundled default when a host starts. */
export async function dataDirWithBundles(bundles: Partial<Record<SlotId, Uint8Array>>): Promise<string> {
  const dir = await tempDir('litecnn-host-');
  for (const [slot, bytes] of Object.entries(bundles) as [SlotId, Uint8Array][]) {
    await mkdir(dirname(slotBundleFile(dir, slot)), { recursive: true });
    await writeFile(slotBundleFile(dir, slot), bytes);
  }
  return dir;
}

/** A control API request with the host's token, as any API client sends it (a JSON body when given). */
export function controlRequest(host: Host, path: string, options: { method?: string; body?: unknown } = {}): Promise<Response> {
  const { method = options.body === undefined ? 'GET' : 'POST', body } = options;
  return fetch(`${host.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${host.controlToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** POSTs image bytes as multipart field `field` (default "image"), as curl -F does. */
export async function postMultipart(url: string, bytes: Uint8Array, field = 'image', type = 'image/jpeg'): Promise<Response> {
  const form = new FormData();
  form.append(field, new Blob([bytes], { type }), 'upload.jpg');
  return fetch(`${url}/predict`, { method: 'POST', body: form });
}

/** Waits until `check` passes or the time is up. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 15_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}
