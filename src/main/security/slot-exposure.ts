import { isIP } from 'node:net';
import type { Settings } from '../../shared/settings.js';
import type { SlotId } from '../../shared/slot-api.js';
import { SLOT_TITLES } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';

/** How one slot faces the network: where it listens, whether it needs a token, and its TLS files. */
export interface SlotExposure {
  host: string;
  /** SHA-256 of the user's token for this slot; '' when none is set. */
  tokenSha256: string;
  tls: { certFile: string; keyFile: string } | null;
}

export function slotExposure(settings: Settings, slot: SlotId): SlotExposure {
  const host = (slot === 'asis' ? settings.asisHost : settings.tobeHost) || settings.host;
  const certFile = slot === 'asis' ? settings.asisTlsCert : settings.tobeTlsCert;
  const keyFile = slot === 'asis' ? settings.asisTlsKey : settings.tobeTlsKey;
  return {
    host,
    tokenSha256: slot === 'asis' ? settings.asisTokenSha256 : settings.tobeTokenSha256,
    tls: certFile || keyFile ? { certFile, keyFile } : null,
  };
}

/** Whether an address only accepts connections from this machine. */
export function isLoopbackAddress(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.startsWith('::ffff:127.');
  return false;
}

/**
 * Refuses settings that would expose a slot beyond this machine without a token, or give it only
 * half of a TLS configuration. Throws INSECURE_SETTINGS saying what to do.
 */
export function checkSlotExposure(settings: Settings): void {
  for (const slot of ['asis', 'tobe'] as const) {
    const exposure = slotExposure(settings, slot);
    const name = SLOT_TITLES[slot];
    if (!isLoopbackAddress(exposure.host) && !exposure.tokenSha256) {
      throw new LiteCnnError('INSECURE_SETTINGS', `${name} would listen on ${exposure.host}, beyond this machine, without an API token. Create one first with \`litecnn token rotate --slot ${slot}\`, or listen on 127.0.0.1.`, { httpStatus: 400, subject: exposure.host });
    }
    if (exposure.tls && (!exposure.tls.certFile || !exposure.tls.keyFile)) {
      throw new LiteCnnError('INSECURE_SETTINGS', `${name} has a TLS ${exposure.tls.certFile ? 'certificate but no key' : 'key but no certificate'}. Set both ${slot}TlsCert and ${slot}TlsKey (\`litecnn tls generate\` makes a pair), or neither.`, { httpStatus: 400 });
    }
  }
}
