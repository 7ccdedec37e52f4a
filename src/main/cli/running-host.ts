import { ControlClient } from '../control/control-client.js';
import { LiteCnnError } from '../errors.js';

/** The host running on this data dir, or null when none answers (changes then go to the settings file). */
export async function runningHost(dataDir: string): Promise<ControlClient | null> {
  const client = await ControlClient.connect(dataDir).catch((error: unknown) => {
    if (error instanceof LiteCnnError && error.code === 'HOST_NOT_RUNNING') return null;
    throw error;
  });
  return client && (await client.status().then(() => true, () => false)) ? client : null;
}
