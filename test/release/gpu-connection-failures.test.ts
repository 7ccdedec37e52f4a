import assert from 'node:assert/strict';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createServer } from 'node:net';
import type { HostEvent } from '../../src/shared/host-api.js';
import { slotBundleFile } from '../../src/main/host/data-dir.js';
import { resolveSshTarget } from '../../src/main/gpu/ssh-target.js';
import { DEFAULT_SETTINGS } from '../../src/main/settings/settings-schema.js';
import { gpuSettings } from '../helpers/gpu-host.js';
import { startTestHost } from '../helpers/running-host.js';
import { startTestSshd } from '../helpers/sshd.js';
import { tempDir } from '../helpers/temp-dir.js';
import { liteCnnRun, publishRun } from '../helpers/training-runs.js';

const sshd = await startTestSshd();
const { host, dataDir } = await startTestHost(gpuSettings(sshd));
const tobeFile = slotBundleFile(dataDir, 'tobe');

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function expectFailure(code: RegExp | string, message: RegExp): Promise<void> {
  const before = await readFile(tobeFile);
  await assert.rejects(host.deploy({ trigger: 'cli' }), (error: Error & { code?: string; step?: string }) => {
    assert.match(error.code ?? '', typeof code === 'string' ? new RegExp(`^${code}$`) : code, error.message);
    assert.match(error.message, message);
    return true;
  });
  assert.deepEqual(await readFile(tobeFile), before);
}

test('sshd killed in the middle of a download: nothing changes, and the next check succeeds', async () => {
  // A ~15 MB model, so the transfer is still running when the server dies.
  await publishRun(sshd.runsDir, 'big-001', liteCnnRun(11, [64, 128, 256, 512, 1024, 1024, 1024, 1024]));
  const before = await readFile(tobeFile);
  let killed = false;
  const killMidway = (event: HostEvent): void => {
    if (!killed && event.type === 'progress' && event.data?.file === 'model.onnx' && (event.data.bytes ?? 0) > 0 && (event.data.percent ?? 100) < 50) {
      killed = true;
      void sshd.kill();
    }
  };
  host.on('event', killMidway);
  try {
    await assert.rejects(host.deploy({ trigger: 'cli' }), (error: Error & { step?: string }) => {
      assert.equal(error.step, 'download', error.message);
      return true;
    });
  } finally {
    host.off('event', killMidway);
    await sshd.kill();
    await sshd.start();
  }
  assert.ok(killed, 'the server was killed during the transfer');
  assert.deepEqual(await readFile(tobeFile), before);
  assert.deepEqual(await readdir(join(dataDir, 'staging')).catch(() => []), []);
  const retry = await host.deploy({ trigger: 'cli' });
  assert.equal(retry.outcome, 'deployed');
  assert.equal(retry.run?.id, 'big-001');
  const [success, failure] = await host.history();
  assert.equal(success!.outcome, 'success');
  assert.equal(failure!.outcome, 'failed');
  assert.equal(failure!.error?.step, 'download');
});

test('a host key other than the pinned one is refused', async () => {
  host.settings.gpuHostKeyFingerprint = `SHA256:${'A'.repeat(43)}`;
  try {
    await expectFailure('GPU_HOST_KEY_MISMATCH', new RegExp(`presented host key ${sshd.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}.*Refusing`));
  } finally {
    host.settings.gpuHostKeyFingerprint = sshd.hostKeyFingerprint;
  }
});

test('with no key pinned, the connection is refused and the error shows the key to check', async () => {
  host.settings.gpuHostKeyFingerprint = '';
  try {
    await expectFailure('GPU_HOST_KEY_UNPINNED', /no GPU host key is pinned.*litecnn gpu trust/);
    const shown = await host.gpuHostKey();
    assert.equal(shown.hostKey, sshd.hostKeyFingerprint);
    await assert.rejects(host.gpuTrust(`SHA256:${'B'.repeat(43)}`), { code: 'GPU_HOST_KEY_MISMATCH' });
    assert.equal(host.settings.gpuHostKeyFingerprint, '', 'a key nobody confirmed is never pinned');
    assert.deepEqual(await host.gpuTrust(shown.hostKey), { hostKey: sshd.hostKeyFingerprint });
    assert.equal(host.settings.gpuHostKeyFingerprint, sshd.hostKeyFingerprint);
  } finally {
    host.settings.gpuHostKeyFingerprint = sshd.hostKeyFingerprint;
  }
});

test('a user key the server does not know is a clear authentication error', async () => {
  const dir = await tempDir();
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'stranger')]);
  host.settings.gpuKeyPath = join(dir, 'stranger');
  try {
    await expectFailure('GPU_AUTH_FAILED', /refused the login.*authorized_keys/);
  } finally {
    host.settings.gpuKeyPath = sshd.userKeyFile;
  }
});

test('an unreachable GPU server is a clear error at the connect step', async () => {
  host.settings.gpuPort = await closedPort();
  try {
    await expectFailure('GPU_UNREACHABLE', /step "connect".*Cannot reach the GPU server.*ECONNREFUSED/);
  } finally {
    host.settings.gpuPort = sshd.port;
  }
  const [entry] = await host.history();
  assert.equal(entry!.error?.step, 'connect');
});

test('no GPU server configured is a clear error', async () => {
  await assert.rejects(resolveSshTarget({ ...DEFAULT_SETTINGS }), { code: 'GPU_NOT_CONFIGURED', message: /litecnn config set gpuHost/ });
});

test('a Host alias is resolved from the SSH config file the way ssh does', async () => {
  const dir = await tempDir();
  const config = join(dir, 'ssh_config');
  await writeFile(config, `Host gpu-box\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n  IdentityFile ${sshd.userKeyFile}\n\nHost *\n  User nobody\n  Port 1\n`);
  const target = await resolveSshTarget({ ...DEFAULT_SETTINGS, gpuHost: 'gpu-box', gpuRunsDir: sshd.runsDir, sshConfigPath: config });
  assert.deepEqual([target.hostName, target.port, target.user, target.auth], ['127.0.0.1', sshd.port, sshd.user, { kind: 'key', keyFile: sshd.userKeyFile }]);
  const saved = { ...host.settings };
  Object.assign(host.settings, { gpuHost: 'gpu-box', gpuPort: 0, gpuUser: '', gpuKeyPath: '', sshConfigPath: config });
  try {
    const check = await host.gpuCheck();
    assert.equal(check.target, `${sshd.user}@127.0.0.1:${sshd.port}`);
    assert.equal(check.newestRun?.id, 'big-001');
  } finally {
    Object.assign(host.settings, saved);
  }
});
