import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { copyFile, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { keychainPassphrase, type SafeStorageLike } from '../../src/main/electron/keychain-passphrase.js';
import { Host } from '../../src/main/host/host.js';
import { DEFAULT_SETTINGS } from '../../src/main/settings/settings-schema.js';
import { forkSlotLauncher } from '../../src/main/slot/slot-launcher.js';
import { launchChromium, watchPageErrors } from '../helpers/browser.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { startTestHost } from '../helpers/running-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';

/** Electron's safeStorage as far as this app sees it: AES-GCM with a key only "the keychain" holds. */
function fakeSafeStorage(available = true): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    encryptString(plainText) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plainText, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, cipher.getAuthTag(), body]);
    },
    decryptString(encrypted) {
      const decipher = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      decipher.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([decipher.update(encrypted.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

test('the passphrase is kept encrypted (0600, never in plain text), read back, and forgotten with an empty one', async () => {
  const dataDir = await tempDir();
  const source = keychainPassphrase(fakeSafeStorage(), dataDir);
  assert.equal(await source.read(), undefined);
  await source.save!('correct horse battery staple');
  const file = join(dataDir, 'gpu-key-passphrase.bin');
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.ok(!(await readFile(file)).includes('correct horse'), 'the file holds no plain text');
  assert.equal(await source.read(), 'correct horse battery staple');
  await source.save!('');
  assert.equal(await source.read(), undefined);
  await source.save!('');
});

test('without a keychain nothing is stored; a file the keychain cannot decrypt is a clear error', async () => {
  const dataDir = await tempDir();
  await assert.rejects(keychainPassphrase(fakeSafeStorage(false), dataDir).save!('secret'), { code: 'NOT_SUPPORTED', message: /no keychain.*ssh-agent/ });
  await assert.rejects(stat(join(dataDir, 'gpu-key-passphrase.bin')), { code: 'ENOENT' });
  await writeFile(join(dataDir, 'gpu-key-passphrase.bin'), randomBytes(64));
  await assert.rejects(keychainPassphrase(fakeSafeStorage(), dataDir).read(), { code: 'GPU_AUTH_FAILED', message: /cannot be decrypted.*Preferences/ });
});

test('through the control API, the app stores the passphrase of an encrypted key and then reaches the real sshd with it', async () => {
  const sshd = await startTestSshd();
  const dataDir = await tempDir();
  const protectedKey = join(dataDir, 'protected_key');
  await copyFile(sshd.userKeyFile, protectedKey);
  execFileSync('ssh-keygen', ['-q', '-p', '-P', '', '-N', 'open sesame', '-f', protectedKey]);
  const host = new Host({
    dataDir,
    settings: { ...DEFAULT_SETTINGS, asisPort: 0, tobePort: 0, controlPort: 0, ...gpuSettings(sshd, { gpuKeyPath: protectedKey }) },
    launcher: forkSlotLauncher,
    keyPassphrase: keychainPassphrase(fakeSafeStorage(), dataDir),
  });
  try {
    await host.start();
    const api = (method: string, path: string, body?: unknown): Promise<Response> => fetch(`${host.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${host.controlToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    assert.deepEqual(await (await api('GET', '/api/gpu/passphrase')).json(), { storable: true, stored: false, where: 'the macOS keychain (Electron safeStorage)' });
    const locked = await api('GET', '/api/gpu');
    assert.ok(locked.status >= 400 && locked.status < 600);
    assert.match(((await locked.json()) as { error: { code: string; message: string } }).error.message, /needs its passphrase.*Preferences/);
    await api('PUT', '/api/gpu/passphrase', { passphrase: 'wrong' });
    assert.notEqual((await api('GET', '/api/gpu')).status, 200);
    // The user types it into the dashboard's Preferences, in a real browser.
    const page = await (await launchChromium()).newPage({ locale: 'en-US' });
    const errors = watchPageErrors(page);
    await page.goto(host.dashboardUrl);
    await page.goto(`${new URL(host.dashboardUrl).origin}/#preferences`);
    await page.locator('#pref-gpu-passphrase').fill('open sesame');
    await page.getByRole('button', { name: 'Keep' }).click();
    // The note said "stored" already (the wrong one); it turns 'ok' only once this save has answered.
    await page.locator('[data-testid="passphrase-message"].ok').filter({ hasText: 'A passphrase is stored' }).waitFor();
    assert.equal(await page.locator('#pref-gpu-passphrase').inputValue(), '', 'the field is cleared');
    assert.deepEqual(errors, []);
    const reached = await api('GET', '/api/gpu');
    assert.equal(reached.status, 200, await reached.clone().text());
    assert.equal(((await reached.json()) as { hostKey: string }).hostKey, sshd.hostKeyFingerprint);
    assert.ok(!(await readFile(join(dataDir, 'settings.json'), 'utf8').catch(() => '')).includes('open sesame'));
    await page.getByRole('button', { name: 'Forget' }).click();
    await page.getByTestId('passphrase-message').filter({ hasText: 'No passphrase is stored' }).waitFor();
    assert.notEqual((await api('GET', '/api/gpu')).status, 200);
  } finally {
    await host.stop();
  }
});

test('the headless host cannot keep a passphrase and says where it reads one from', async () => {
  const { host } = await startTestHost();
  assert.deepEqual(await host.gpuPassphrase(), { storable: false, stored: false, where: 'the environment variable LITECNN_GPU_KEY_PASSPHRASE' });
  await assert.rejects(host.setGpuPassphrase('secret'), { code: 'NOT_SUPPORTED', message: /LITECNN_GPU_KEY_PASSPHRASE/ });
});
