import type { SlotStatus } from '../../shared/host-api.js';
import type { SlotEndpoint } from '../http/slot-endpoint.js';

/** How to reach a slot that is serving (null when it is not), with `token` if it requires one. */
export function slotEndpoint(status: SlotStatus, token: string | undefined): SlotEndpoint | null {
  if (!status.url) return null;
  return {
    url: status.url,
    tlsFingerprint256: status.tlsFingerprint256,
    input: status.input,
    ...(status.tokenRequired && token ? { token } : {}),
  };
}
