import type { Settings } from '../../src/main/settings/settings-schema.js';
import type { TestSshd } from './sshd.js';

/** Settings that point a host at the test sshd as its GPU server. */
export function gpuSettings(sshd: TestSshd, overrides: Partial<Settings> = {}): Partial<Settings> {
  return {
    gpuHost: '127.0.0.1',
    gpuPort: sshd.port,
    gpuUser: sshd.user,
    gpuKeyPath: sshd.userKeyFile,
    gpuRunsDir: sshd.runsDir,
    gpuHostKeyFingerprint: sshd.hostKeyFingerprint,
    sshConfigPath: '/nonexistent/ssh_config',
    autoDeploy: false,
    ...overrides,
  };
}
