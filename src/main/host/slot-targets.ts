import { SLOT_IDS, type SlotId } from '../../shared/slot-api.js';
import { LiteCnnError } from '../errors.js';
import { SLOT_ROLES } from './slot-roles.js';

/** One slot as users type it: asis, tobe, as-is, to-be (any case); UNKNOWN_SLOT otherwise. */
export function parseSlotId(value: string): SlotId {
  const slot = value.trim().toLowerCase().replace('-', '');
  if (slot === 'asis' || slot === 'tobe') return slot;
  throw new LiteCnnError('UNKNOWN_SLOT', `Unknown slot "${value}"; use asis or tobe.`, { subject: value, httpStatus: 400 });
}

/**
 * Which slots a command-line or API target names: `asis`, `tobe`, `all`, `as-is`, `to-be`,
 * a slot's current port, or the old scripts' ports 8891 / 8892.
 */
export function resolveSlotTargets(target: string, ports: Readonly<Record<SlotId, number>>): SlotId[] {
  const name = target.trim().toLowerCase().replace('-', '');
  if (name === 'all') return [...SLOT_IDS];
  if (name === 'asis' || name === 'tobe') return [name];
  if (/^\d+$/.test(name)) {
    const port = Number(name);
    const byPort = SLOT_IDS.find((slot) => ports[slot] === port) ?? SLOT_IDS.find((slot) => SLOT_ROLES[slot].legacyPort === port);
    if (byPort) return [byPort];
  }
  throw new LiteCnnError('UNKNOWN_SLOT', `Unknown slot "${target}". Use asis, tobe, all, or a slot's port (${ports.asis} or ${ports.tobe}).`, { subject: target, httpStatus: 400 });
}
