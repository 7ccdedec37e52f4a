import { SLOT_TITLES, type SlotId } from '../../shared/slot-api.js';
import type { Settings } from '../settings/settings-schema.js';

/**
 * What makes AS-IS and TO-BE different; everything else about the two slots is the same code.
 * AS-IS changes only by a deliberate human act (promote, manual install, rollback);
 * automatic deploys may target TO-BE only.
 */
export interface SlotRole {
  slot: SlotId;
  title: string;
  /** File name inside the weights folder; kept from the old scripts (model_8891.bin, model_8892.bin). */
  bundleFileName: string;
  /** The setting that holds this slot's port. */
  portSetting: 'asisPort' | 'tobePort';
  /** The port the old scripts used, also accepted as the slot's name on the command line. */
  legacyPort: number;
  acceptsAutomaticDeploy: boolean;
  /** In shadow mode, this slot's traffic is mirrored to the other one (AS-IS to TO-BE, never back). */
  mirrorsToShadow: boolean;
}

export const SLOT_ROLES: Readonly<Record<SlotId, SlotRole>> = {
  asis: { slot: 'asis', title: SLOT_TITLES.asis, bundleFileName: 'model_8891.bin', portSetting: 'asisPort', legacyPort: 8891, acceptsAutomaticDeploy: false, mirrorsToShadow: true },
  tobe: { slot: 'tobe', title: SLOT_TITLES.tobe, bundleFileName: 'model_8892.bin', portSetting: 'tobePort', legacyPort: 8892, acceptsAutomaticDeploy: true, mirrorsToShadow: false },
};

/** The slot's configured port. */
export function slotPort(slot: SlotId, settings: Pick<Settings, 'asisPort' | 'tobePort'>): number {
  return settings[SLOT_ROLES[slot].portSetting];
}
