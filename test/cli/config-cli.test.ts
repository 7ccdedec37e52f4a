import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readControlFile } from '../../src/main/control/control-file.js';
import { SETTING_KEYS } from '../../src/main/settings/settings-schema.js';
import type { HostStatus } from '../../src/shared/host-api.js';
import type { WatchStatus } from '../../src/shared/release-api.js';
import { SETTING_TAKES_EFFECT, type Settings } from '../../src/shared/settings.js';
import { runCli, startServe } from '../helpers/cli.js';
import { FIXTURE_IMAGES } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const dataDir = await tempDir('litecnn-config-');
await startServe(dataDir);

/**
 * A valid value other than the default for every setting that applies at once; autoDeploy first, so no GPU check starts.
 * Each one is checked in settings.json itself, not through `litecnn config get` (a CLI start per setting; `config get` is tested below).
 */
const AT_ONCE_VALUES: Partial<Settings> = {
  autoDeploy: false,
  gpuHost: 'gpu.invalid',
  gpuPort: 2222,
  gpuUser: 'trainer',
  gpuKeyPath: '/nonexistent/id_ed25519',
  gpuUseAgent: true,
  gpuRunsDir: '/srv/runs',
  gpuHostKeyFingerprint: `SHA256:${'A'.repeat(43)}`,
  sshConfigPath: '/nonexistent/ssh_config',
  pollIntervalMinutes: 5,
  historyLimit: 3,
  evaluationsKept: 50,
  shadowPercent: 100,
  shadowKeepImages: true,
  promotionGateSet: FIXTURE_IMAGES,
  promotionGateMaxDrop: 0.05,
  promotionGateMaxLatencyFactor: 2,
  deployGateMinimum: 0.5,
};

async function hostSettings(): Promise<Settings> {
  const control = await readControlFile(dataDir);
  return (await (await fetch(`${control.url}/api/settings`, { headers: { authorization: `Bearer ${control.token}` } })).json()) as Settings;
}

async function cliJson<T>(args: string[]): Promise<T> {
  const result = await runCli(dataDir, [...args, '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as T;
}

test('every setting marked "at once" reaches the running host through `litecnn config set`, and is saved', async () => {
  const atOnce = SETTING_KEYS.filter((key) => SETTING_TAKES_EFFECT[key] === 'at once');
  assert.deepEqual([...atOnce].sort(), Object.keys(AT_ONCE_VALUES).sort(), 'a test value for each');
  for (const [key, value] of Object.entries(AT_ONCE_VALUES) as [keyof Settings, Settings[keyof Settings]][]) {
    const set = await runCli(dataDir, ['config', 'set', key, String(value)]);
    assert.equal(set.code, 0, set.stderr);
    assert.equal(set.stdout.trim(), `${key} = ${JSON.stringify(value)} (applied to the running host)`);
    assert.equal((await hostSettings())[key], value, `${key} in the running host`);
    assert.deepEqual(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))[key], value, `${key} in settings.json`);
  }
  // What the running host does with them, without a restart.
  const status = await cliJson<HostStatus>(['status']);
  const shadow = status.slots.find((slot) => slot.slot === 'asis')!.shadow!;
  assert.deepEqual([shadow.percent, shadow.keepImages], [100, true], 'AS-IS mirrors all of its traffic to TO-BE');
  const watch = await cliJson<WatchStatus>(['watch']);
  assert.deepEqual([watch.enabled, watch.intervalMinutes, watch.configured], [false, 5, true]);
});

test('a setting that waits for a restart is saved in the running host, and the command says which restart', async () => {
  const slot = await runCli(dataDir, ['config', 'set', 'tobePort', '18992']);
  assert.equal(slot.stdout.trim(), 'tobePort = 18992 (saved; the running host uses it once the slot restarts: `litecnn restart tobe`)');
  const host = await runCli(dataDir, ['config', 'set', 'controlPort', '18990']);
  assert.equal(host.stdout.trim(), 'controlPort = 18990 (saved; the running host uses it once restarted: stop `litecnn serve` and start it again)');
  assert.deepEqual([(await hostSettings()).tobePort, (await hostSettings()).controlPort], [18992, 18990]);
  assert.equal((await runCli(dataDir, ['config', 'get', 'tobePort'])).stdout.trim(), '18992');
});

test('a value of the wrong type or out of range is refused with what the setting takes, and nothing changes', async () => {
  const word = await runCli(dataDir, ['config', 'set', 'asisPort', 'eighty']);
  assert.equal(word.code, 1);
  assert.match(word.stderr, /Cannot set asisPort to "eighty": it takes a number \(now 8891\)/);
  const flag = await runCli(dataDir, ['config', 'set', 'shadowKeepImages', 'maybe']);
  assert.match(flag.stderr, /Cannot set shadowKeepImages to "maybe": it takes true or false/);
  const range = await runCli(dataDir, ['config', 'set', 'shadowPercent', '150']);
  assert.equal(range.code, 1);
  assert.match(range.stderr, /shadowPercent must be <= 100/);
  assert.equal((await hostSettings()).shadowPercent, 100);
  assert.equal((await runCli(dataDir, ['config', 'get', 'shadowPercent'])).stdout.trim(), '100');
});

test('with no host running, `config set` writes settings.json for the next serve', async () => {
  const idle = await tempDir('litecnn-config-idle-');
  const set = await runCli(idle, ['config', 'set', 'shadowPercent', '25']);
  assert.equal(set.stdout.trim(), 'shadowPercent = 25 (no host is running: the next `litecnn serve` uses it)');
  assert.equal((await runCli(idle, ['config', 'get', 'shadowPercent'])).stdout.trim(), '25');
});
