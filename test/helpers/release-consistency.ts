import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { HostStatus } from '../../src/shared/host-api.js';
import type { HistoryEntry, ReleaseAction } from '../../src/shared/release-api.js';
import { SLOT_IDS, type SlotId } from '../../src/shared/slot-api.js';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { decodeBundle, sha256Hex } from '../../src/main/model/bundle-format.js';
import { ReleaseStateFile, type ReleaseState } from '../../src/main/release/release-state.js';

/** The sha256 of a slot's weights file, after checking that the file is a whole bundle. */
export async function slotBundleSha(dataDir: string, slot: SlotId): Promise<string> {
  const file = slotBundleFile(dataDir, slot);
  const bytes = await readFile(file);
  decodeBundle(bytes, file);
  return sha256Hex(bytes);
}

export function readReleaseState(dataDir: string): Promise<ReleaseState> {
  return new ReleaseStateFile(dataDir).read();
}

/**
 * No file damaged or left over: both slots' weights are whole bundles, every kept version in
 * weights/history still has the sha256 it is named by, and no temp file, staging folder or
 * release journal remains.
 */
export async function assertWeightsWhole(dataDir: string): Promise<void> {
  for (const slot of SLOT_IDS) await slotBundleSha(dataDir, slot);
  const weights = join(dataDir, 'weights');
  const history = join(weights, 'history');
  for (const dir of [weights, history]) {
    const temps = (await readdir(dir).catch(() => [] as string[])).filter((name) => /^\..*\.tmp$/.test(name));
    assert.deepEqual(temps, [], `no temp files left in ${dir}`);
  }
  for (const name of await readdir(history).catch(() => [] as string[])) {
    assert.match(name, /^[0-9a-f]{64}\.bin$/, `only kept versions in ${history}`);
    assert.equal(sha256Hex(await readFile(join(history, name))), name.slice(0, 64), `${name} is whole`);
  }
  assert.deepEqual(await readdir(join(dataDir, 'staging')).catch(() => []), [], 'staging cleaned');
  assert.deepEqual(await readdir(dataDir).then((names) => names.filter((n) => n === 'release-journal.json')), [], 'no release left half done');
}

/** A release operation that may or may not have happened, and what the host said afterwards. */
export interface OperationAftermath {
  dataDir: string;
  slot: SlotId;
  action: ReleaseAction;
  /** The slot's bundle sha256 before, and the one the operation installs. */
  oldBundle: string;
  newBundle: string;
  stateBefore: ReleaseState;
  /** History entries the operation added. */
  added: HistoryEntry[];
  status: HostStatus;
}

/**
 * The slot's file is the old or the new bundle, whole; the slot is ready and serves exactly that;
 * history holds one success for the change when it happened and none otherwise; state.json moved
 * with it (deploy: last deployed run, promote: last tag) or not at all. Returns which it was.
 */
export async function assertOperationConsistent(aftermath: OperationAftermath): Promise<'old' | 'new'> {
  const { dataDir, slot, action, oldBundle, newBundle, stateBefore } = aftermath;
  const file = slotBundleFile(dataDir, slot);
  const bytes = await readFile(file);
  const onDisk = sha256Hex(bytes);
  assert.ok(onDisk === oldBundle || onDisk === newBundle, `${slot} holds the old or the new bundle, not ${onDisk}`);
  const served = aftermath.status.slots.find((s) => s.slot === slot)!;
  assert.equal(served.state, 'ready', `${slot} serves: ${JSON.stringify(served.error)}`);
  assert.equal(served.model?.sha256, decodeBundle(bytes, file).manifest.onnx.sha256, `${slot} serves what is on disk`);
  const successes = aftermath.added.filter((e) => e.action === action && e.slot === slot && e.outcome === 'success');
  const state = await readReleaseState(dataDir);
  if (onDisk === oldBundle) {
    assert.deepEqual(successes, [], `no ${action} success recorded for a change that is not on disk`);
    assert.deepEqual(state, stateBefore, 'state.json unchanged');
    return 'old';
  }
  assert.equal(successes.length, 1, `history records the ${action} that is on disk, once`);
  assert.equal(successes[0]!.to!.bundleSha256, newBundle);
  if (action === 'deploy') assert.deepEqual({ ...state, lastDeploy: state.lastDeploy?.bundleSha256 }, { ...stateBefore, lastDeploy: newBundle }, 'state.json names the deployed bundle');
  if (action === 'promote') assert.deepEqual(state, { ...stateBefore, lastTag: successes[0]!.tag }, 'state.json has the new tag');
  return 'new';
}
