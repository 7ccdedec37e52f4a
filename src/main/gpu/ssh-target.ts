import { readFile } from 'node:fs/promises';
import { environmentPassphrase, type KeyPassphraseSource } from './key-passphrase.js';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import SSHConfig from 'ssh-config';
import { LiteCnnError } from '../errors.js';
import type { Settings } from '../settings/settings-schema.js';

/** Everything needed to open an SSH connection to the GPU server, after resolving aliases. */
export interface SshTarget {
  /** What the user configured (host name or alias), for messages. */
  alias: string;
  hostName: string;
  port: number;
  user: string;
  auth: { kind: 'agent'; socket: string } | { kind: 'key'; keyFile: string; passphrase?: string };
  runsDir: string;
  pinnedFingerprint: string;
}

const DEFAULT_KEY_FILES = ['~/.ssh/id_ed25519', '~/.ssh/id_ecdsa', '~/.ssh/id_rsa'];

/** `~/x` -> `$HOME/x`. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}

/**
 * Resolves the GPU server settings the way `ssh` does: explicit settings win, then the first
 * matching values in the SSH config file (HostName, Port, User, IdentityFile), then defaults.
 * The key passphrase comes from `passphrase` (the environment, or the app's keychain), never from settings.
 */
export async function resolveSshTarget(settings: Settings, passphrase: KeyPassphraseSource = environmentPassphrase(), env: NodeJS.ProcessEnv = process.env): Promise<SshTarget> {
  if (!settings.gpuHost || !settings.gpuRunsDir) {
    throw new LiteCnnError('GPU_NOT_CONFIGURED', 'No GPU server is configured. Set it with `litecnn config set gpuHost HOST` (a host name or an ~/.ssh/config alias) and `litecnn config set gpuRunsDir /path/to/runs`.', { subject: 'gpuHost' });
  }
  const fromConfig = await sshConfigFor(settings.gpuHost, expandHome(settings.sshConfigPath));
  const port = settings.gpuPort || Number(fromConfig.Port ?? 22);
  const user = settings.gpuUser || (typeof fromConfig.User === 'string' ? fromConfig.User : userInfo().username);
  const identityFiles = ([] as string[]).concat(fromConfig.IdentityFile ?? []);
  let auth: SshTarget['auth'];
  if (settings.gpuUseAgent) {
    if (!env.SSH_AUTH_SOCK) throw new LiteCnnError('GPU_AUTH_FAILED', 'gpuUseAgent is on but no ssh-agent is running (SSH_AUTH_SOCK is not set). Start one and add your key (ssh-add), or set gpuKeyPath.', { subject: 'gpuUseAgent' });
    auth = { kind: 'agent', socket: env.SSH_AUTH_SOCK };
  } else {
    const candidates = settings.gpuKeyPath ? [settings.gpuKeyPath] : [...identityFiles, ...DEFAULT_KEY_FILES];
    const keyFile = await firstReadable(candidates.map(expandHome));
    if (!keyFile) throw new LiteCnnError('GPU_AUTH_FAILED', `No SSH private key found (looked at ${candidates.join(', ')}). Set one with \`litecnn config set gpuKeyPath FILE\`, or gpuUseAgent true.`, { subject: 'gpuKeyPath' });
    const secret = await passphrase.read();
    auth = { kind: 'key', keyFile, ...(secret ? { passphrase: secret } : {}) };
  }
  return {
    alias: settings.gpuHost,
    hostName: typeof fromConfig.HostName === 'string' ? fromConfig.HostName : settings.gpuHost,
    port,
    user,
    auth,
    runsDir: settings.gpuRunsDir,
    pinnedFingerprint: settings.gpuHostKeyFingerprint,
  };
}

async function sshConfigFor(host: string, file: string): Promise<Record<string, string | string[]>> {
  const text = await readFile(file, 'utf8').catch(() => '');
  if (!text) return {};
  return SSHConfig.parse(text).compute(host) as Record<string, string | string[]>;
}

async function firstReadable(files: string[]): Promise<string | undefined> {
  for (const file of files) {
    if (await readFile(file).then(() => true, () => false)) return file;
  }
  return undefined;
}
