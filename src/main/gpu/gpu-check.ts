import type { GpuCheck } from '../../shared/release-api.js';
import { LiteCnnError } from '../errors.js';
import type { Settings } from '../settings/settings-schema.js';
import { GpuConnection } from './gpu-connection.js';
import type { KeyPassphraseSource } from './key-passphrase.js';
import { resolveSshTarget } from './ssh-target.js';

/** Connects to the GPU server and reports its host key and newest complete run (`litecnn gpu test`). */
export async function checkGpuServer(settings: Settings, passphrase?: KeyPassphraseSource): Promise<GpuCheck> {
  const target = await resolveSshTarget(settings, passphrase);
  const connection = await GpuConnection.open(target);
  try {
    const runs = await connection.completeRuns();
    const newest = runs[0];
    const metrics = newest ? await connection.readRunJson(newest.id, 'metrics') : null;
    return {
      target: `${target.user}@${target.hostName}:${target.port}`,
      hostKey: connection.hostKey,
      pinned: true,
      runsDir: target.runsDir,
      newestRun: newest ? { ...newest, ...(metrics ? { metrics } : {}) } : null,
      completeRuns: runs.length,
    };
  } finally {
    connection.close();
  }
}

/** The host key the GPU server presents right now, whatever is pinned (to show before trusting it). */
export async function presentedHostKey(settings: Settings, passphrase?: KeyPassphraseSource): Promise<{ target: string; hostKey: string; pinned: string }> {
  const target = await resolveSshTarget(settings, passphrase);
  const connection = await GpuConnection.open(target, { acceptHostKey: true });
  connection.close();
  return { target: `${target.user}@${target.hostName}:${target.port}`, hostKey: connection.hostKey, pinned: target.pinnedFingerprint };
}

/**
 * Pins the GPU server's host key after the user confirmed `fingerprint`: it must be the key the
 * server presents now, so a key nobody looked at is never trusted.
 */
export async function confirmHostKey(settings: Settings, fingerprint: string, passphrase?: KeyPassphraseSource): Promise<string> {
  const { hostKey, target } = await presentedHostKey(settings, passphrase);
  if (hostKey !== fingerprint) {
    throw new LiteCnnError('GPU_HOST_KEY_MISMATCH', `${target} presents ${hostKey}, not the confirmed ${fingerprint}. Nothing was pinned.`, { subject: target, httpStatus: 409 });
  }
  return hostKey;
}
