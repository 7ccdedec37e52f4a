import type { Settings } from '../../shared/settings.js';
import type { SlotId } from '../../shared/slot-api.js';
import { slotExposure } from '../security/slot-exposure.js';
import type { SlotProcessConfig } from '../slot/slot-messages.js';
import { slotBundleFile } from './data-dir.js';
import { slotPort } from './slot-roles.js';

/**
 * What a slot process is started with, from the settings. `hostTokenSha256` is the host's own
 * per-launch token (for compare and the local CLI); it is accepted only once the user has set a
 * token for the slot, since without one the slot needs none.
 */
export function slotProcessConfig(settings: Settings, slot: SlotId, dataDir: string, hostTokenSha256: string): SlotProcessConfig {
  const exposure = slotExposure(settings, slot);
  return {
    slot,
    host: exposure.host,
    port: slotPort(slot, settings),
    bundleFile: slotBundleFile(dataDir, slot),
    dataDir,
    maxUploadBytes: settings.maxUploadBytes,
    maxInputPixels: settings.maxInputPixels,
    logLevel: settings.logLevel,
    tokenSha256s: exposure.tokenSha256 ? [exposure.tokenSha256, hostTokenSha256] : [],
    tls: exposure.tls,
    rateLimit: { perSecond: settings.rateLimitPerSecond, burst: settings.rateLimitBurst },
    maxConcurrentInferences: settings.maxConcurrentInferences,
    inferenceThreads: settings.inferenceThreads,
    maxQueuedRequests: settings.maxQueuedRequests,
    headersTimeoutMs: settings.headersTimeoutMs,
    requestTimeoutMs: settings.requestTimeoutMs,
  };
}
