import { access, mkdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { SlotId } from '../../shared/slot-api.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { SLOT_ROLES } from './slot-roles.js';

/** The bundled default weights shipped with the project (`weights/` at the repository root). */
export const BUNDLED_WEIGHTS_DIR = join(PACKAGE_ROOT, 'weights');

/**
 * The data dir when none is given: `LITECNN_DATA_DIR`, else the OS's app data folder, the same
 * one the menu-bar app uses (macOS: ~/Library/Application Support/LiteCNN Dual).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.LITECNN_DATA_DIR) return env.LITECNN_DATA_DIR;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'LiteCNN Dual');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'LiteCNN Dual');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'litecnn-dual');
}

/** The served copy of a slot's weights inside the data dir. */
export function slotBundleFile(dataDir: string, slot: SlotId): string {
  return join(dataDir, 'weights', SLOT_ROLES[slot].bundleFileName);
}

/**
 * Creates the data dir and, on first run, seeds its weights folder from the bundled weights.
 * Existing weights are never overwritten.
 */
export async function prepareDataDir(dataDir: string, bundledWeightsDir = BUNDLED_WEIGHTS_DIR): Promise<void> {
  await mkdir(join(dataDir, 'weights'), { recursive: true });
  await mkdir(join(dataDir, 'logs'), { recursive: true });
  for (const role of Object.values(SLOT_ROLES)) {
    const target = slotBundleFile(dataDir, role.slot);
    if (await exists(target)) continue;
    await writeFileAtomic(target, await readFile(join(bundledWeightsDir, role.bundleFileName)));
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(() => true, () => false);
}
