import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client, SFTPWrapper, Stats } from 'ssh2';
import { LiteCnnError, describeError } from '../errors.js';
import type { SshTarget } from './ssh-target.js';
import { RUN_FILES, RUN_FILE_LIMITS, isSafeRunId, runFilePath, shellQuote, type TrainingRun } from './training-run.js';

const READY_TIMEOUT_MS = 15_000;
const EXEC_TIMEOUT_MS = 120_000;

/** Bytes done so far of one download, for progress bars. */
export interface TransferProgress {
  file: string;
  bytes: number;
  total: number;
}

/** `SHA256:<base64>` of a raw host key, exactly as `ssh-keygen -lf` prints it. */
export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/**
 * An open SSH connection to the GPU server, with its SFTP channel. The host key must match the
 * pinned fingerprint; with none pinned, the connection is refused and the error shows the key.
 */
export class GpuConnection {
  readonly target: SshTarget;
  readonly hostKey: string;
  readonly #client: Client;
  readonly #sftp: SFTPWrapper;

  private constructor(target: SshTarget, client: Client, sftp: SFTPWrapper, hostKey: string) {
    this.target = target;
    this.#client = client;
    this.#sftp = sftp;
    this.hostKey = hostKey;
  }

  /**
   * Connects and authenticates. With `acceptHostKey`, any host key is accepted (to show it, for
   * `litecnn gpu trust`); otherwise it must equal the pinned fingerprint.
   */
  static async open(target: SshTarget, options: { acceptHostKey?: boolean } = {}): Promise<GpuConnection> {
    const where = `${target.user}@${target.hostName}:${target.port}`;
    // ssh2 (with its crypto) is loaded on the first connection: a host without a GPU server never needs it.
    const { Client } = await import('ssh2');
    const client = new Client();
    let seenKey = '';
    const privateKey = target.auth.kind === 'key' ? await readFile(target.auth.keyFile).catch((error: Error) => {
      throw new LiteCnnError('GPU_AUTH_FAILED', `Cannot read the SSH key ${target.auth.kind === 'key' ? target.auth.keyFile : ''}: ${error.message}`, { subject: where });
    }) : undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        client.once('ready', resolve);
        client.once('error', reject);
        client.connect({
          host: target.hostName,
          port: target.port,
          username: target.user,
          readyTimeout: READY_TIMEOUT_MS,
          ...(target.auth.kind === 'agent' ? { agent: target.auth.socket } : { privateKey, ...(target.auth.passphrase ? { passphrase: target.auth.passphrase } : {}) }),
          // The pinned key is what stops a machine in the middle from posing as the GPU server.
          hostVerifier: (key: Buffer) => {
            seenKey = hostKeyFingerprint(key);
            return options.acceptHostKey === true || (target.pinnedFingerprint !== '' && seenKey === target.pinnedFingerprint);
          },
        });
      });
    } catch (error) {
      client.end();
      throw connectError(error, target, where, seenKey);
    }
    const sftp = await new Promise<SFTPWrapper>((resolve, reject) => client.sftp((error, channel) => (error ? reject(error) : resolve(channel)))).catch((error: Error) => {
      client.end();
      throw new LiteCnnError('GPU_TRANSFER_FAILED', `${where} refused the SFTP subsystem (${error.message}). Enable "Subsystem sftp" in its sshd_config.`, { subject: where });
    });
    return new GpuConnection(target, client, sftp, seenKey);
  }

  /** Complete runs (with DONE), newest first. Entries whose names are not safe run ids are skipped. */
  async completeRuns(): Promise<TrainingRun[]> {
    const entries = await this.#sftpCall<{ filename: string; attrs: Stats }[]>((done) => this.#sftp.readdir(this.target.runsDir, done), `list ${this.target.runsDir}`);
    const runs: TrainingRun[] = [];
    for (const entry of entries) {
      if (!entry.attrs.isDirectory() || !isSafeRunId(entry.filename)) continue;
      const done = await this.#stat(runFilePath(this.target.runsDir, entry.filename, RUN_FILES.done));
      if (done) runs.push({ id: entry.filename, completedAt: new Date(done.mtime * 1000).toISOString() });
    }
    return runs.sort((a, b) => b.completedAt.localeCompare(a.completedAt) || b.id.localeCompare(a.id));
  }

  /** The run with this id, if it exists and is complete. */
  async completeRun(runId: string): Promise<TrainingRun | null> {
    const done = await this.#stat(runFilePath(this.target.runsDir, runId, RUN_FILES.done));
    return done ? { id: runId, completedAt: new Date(done.mtime * 1000).toISOString() } : null;
  }

  /** sha256 of a remote file computed on the server (`sha256sum`), or null when it cannot. */
  async remoteSha256(path: string): Promise<string | null> {
    const output = await this.#exec(`sha256sum -- ${shellQuote(path)}`).catch(() => null);
    const hash = output && /^([0-9a-f]{64})\s/.exec(output);
    return hash ? hash[1]! : null;
  }

  /** Size of a remote file, or null when it does not exist. */
  async size(path: string): Promise<number | null> {
    return (await this.#stat(path))?.size ?? null;
  }

  /** A run's small JSON file (metrics.json), parsed; null when absent or not JSON. */
  async readRunJson(runId: string, file: 'metrics'): Promise<Record<string, unknown> | null> {
    const remote = runFilePath(this.target.runsDir, runId, RUN_FILES[file]);
    const size = await this.size(remote);
    if (size === null || size > RUN_FILE_LIMITS[file]) return null;
    const text = await new Promise<string | null>((resolve) => this.#sftp.readFile(remote, (error, data) => resolve(error ? null : data.toString('utf8'))));
    try {
      return text ? (JSON.parse(text) as Record<string, unknown>) : null;
    } catch {
      return null;
    }
  }

  /** Downloads one run file into `localDir`, refusing files over their limit; reports progress. */
  async download(runId: string, file: keyof typeof RUN_FILE_LIMITS, localDir: string, onProgress: (progress: TransferProgress) => void): Promise<string | null> {
    const name = RUN_FILES[file];
    const remote = runFilePath(this.target.runsDir, runId, name);
    const size = await this.size(remote);
    if (size === null) return null;
    if (size > RUN_FILE_LIMITS[file]) {
      throw new LiteCnnError('RUN_INVALID', `${remote} is ${size} bytes, over the ${RUN_FILE_LIMITS[file]}-byte limit for ${name}.`, { subject: remote });
    }
    const local = join(localDir, name);
    onProgress({ file: name, bytes: 0, total: size });
    await this.#sftpCall<void>((done) => this.#sftp.fastGet(remote, local, {
      fileSize: size,
      step: (bytes) => onProgress({ file: name, bytes, total: size }),
    }, done), `download ${remote}`);
    return local;
  }

  close(): void {
    this.#client.end();
  }

  async #stat(path: string): Promise<Stats | null> {
    return new Promise((resolve) => this.#sftp.stat(path, (error, stats) => resolve(error ? null : stats)));
  }

  #sftpCall<T>(call: (done: (error: Error | null | undefined, value?: T) => void) => void, what: string): Promise<T> {
    const where = `${this.target.user}@${this.target.hostName}:${this.target.port}`;
    return new Promise<T>((resolve, reject) => {
      const onClose = (): void => reject(new LiteCnnError('GPU_TRANSFER_FAILED', `The connection to ${where} closed during "${what}". The next check will try again.`, { subject: where }));
      this.#client.once('close', onClose);
      call((error, value) => {
        this.#client.off('close', onClose);
        if (error) reject(new LiteCnnError('GPU_TRANSFER_FAILED', `Could not ${what} on ${where}: ${describeError(error)}.`, { subject: where, cause: error }));
        else resolve(value as T);
      });
    });
  }

  #exec(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      this.#client.exec(command, (error, stream) => {
        if (error) return reject(error);
        let output = '';
        const timer = setTimeout(() => {
          stream.close();
          reject(new Error(`timed out: ${command}`));
        }, EXEC_TIMEOUT_MS);
        stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
        stream.stderr.resume();
        stream.on('close', (code: number | null) => {
          clearTimeout(timer);
          if (code === 0) resolve(output);
          else reject(new Error(`exit code ${code}: ${command}`));
        });
      });
    });
  }
}

function connectError(error: unknown, target: SshTarget, where: string, seenKey: string): LiteCnnError {
  const message = describeError(error);
  const level = (error as { level?: string }).level;
  if (seenKey && !target.pinnedFingerprint && /verification failed/i.test(message)) {
    return new LiteCnnError('GPU_HOST_KEY_UNPINNED', `${where} presented host key ${seenKey}, and no GPU host key is pinned yet. If that is your GPU server's key (check with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on it), pin it with \`litecnn gpu trust\` or \`litecnn config set gpuHostKeyFingerprint ${seenKey}\`.`, { subject: where });
  }
  if (seenKey && /verification failed/i.test(message)) {
    return new LiteCnnError('GPU_HOST_KEY_MISMATCH', `${where} presented host key ${seenKey}, but ${target.pinnedFingerprint} is pinned. Refusing to connect: this may not be your GPU server. If its key really changed, pin the new one with \`litecnn gpu trust\`.`, { subject: where });
  }
  if (level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    return new LiteCnnError('GPU_AUTH_FAILED', `${where} refused the login for user "${target.user}" with ${target.auth.kind === 'agent' ? 'the ssh-agent keys' : `key ${target.auth.keyFile}`}. Add the public key to ~/.ssh/authorized_keys on the GPU server, or fix gpuUser / gpuKeyPath.`, { subject: where });
  }
  if (/passphrase|encrypted/i.test(message)) {
    return new LiteCnnError('GPU_AUTH_FAILED', `The SSH key needs its passphrase (${message}): in the app, enter it in Preferences (kept in the keychain); for \`litecnn serve\`, set LITECNN_GPU_KEY_PASSPHRASE; or use ssh-agent (gpuUseAgent).`, { subject: where });
  }
  return new LiteCnnError('GPU_UNREACHABLE', `Cannot reach the GPU server ${where} (${message}). Check gpuHost and gpuPort, and that the server is up.`, { subject: where, cause: error });
}
