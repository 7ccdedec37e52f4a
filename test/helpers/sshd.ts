import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { after } from 'node:test';
import { tempDir } from './temp-dir.js';
import { sshdPath } from './test-tools.js';

/** A real OpenSSH server on 127.0.0.1, standing in for the GPU training server. */
export interface TestSshd {
  port: number;
  dir: string;
  runsDir: string;
  userKeyFile: string;
  hostKeyFingerprint: string;
  user: string;
  /** Starts sshd again on the same port (after `kill`). */
  start(): Promise<void>;
  /**
   * Makes the server's `sha256sum` answer `hash` for every file (null: the real one), to test a
   * transfer that arrives different from what the server reported.
   */
  fakeRemoteSha256(hash: string | null): Promise<void>;
  /** SIGKILLs the listener and every session process it forked, at once; resolves when it is gone. */
  kill(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function accepting(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Every descendant of `pid`, listed synchronously (`ps`, on Linux and macOS): a kill must land at
 * once, in the middle of a transfer, not after the transfer has had time to finish.
 */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const line of execFileSync('ps', ['-A', '-o', 'pid=,ppid=']).toString().split('\n')) {
    const [child, parent] = line.trim().split(/\s+/).map(Number);
    if (!child || parent === undefined) continue;
    if (!children.has(parent)) children.set(parent, []);
    children.get(parent)!.push(child);
  }
  const out: number[] = [];
  const walk = (p: number): void => (children.get(p) ?? []).forEach((c) => { out.push(c); walk(c); });
  walk(pid);
  return out;
}

/**
 * Starts sshd with its own host key, user key, authorized_keys and runs folder in a temp dir, as
 * the current user (root or not) on a free high port: the only user it lets in is that one.
 */
export async function startTestSshd(): Promise<TestSshd> {
  const dir = await tempDir('litecnn-sshd-');
  const runsDir = join(dir, 'runs');
  await mkdir(runsDir);
  const sshd = sshdPath();
  // Debian's sshd, started by root, wants its privilege separation folder; as anyone else it does not use one.
  if (process.getuid?.() === 0 && process.platform === 'linux') await mkdir('/run/sshd', { recursive: true });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'test-host', '-f', join(dir, 'host_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'litecnn-test', '-f', join(dir, 'user_key')]);
  await writeFile(join(dir, 'authorized_keys'), await readFile(join(dir, 'user_key.pub')));
  await chmod(join(dir, 'authorized_keys'), 0o600);
  const hostKeyFingerprint = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')]).toString().split(' ')[1]!;
  const bin = join(dir, 'bin');
  const fakeHashFile = join(dir, 'fake-sha256');
  await mkdir(bin);
  // The real one where there is one (Linux), else shasum (macOS), which prints the same.
  await writeFile(join(bin, 'sha256sum'), `#!/bin/sh\nif [ -f '${fakeHashFile}' ]; then echo "$(cat '${fakeHashFile}')  $2"; elif [ -x /usr/bin/sha256sum ]; then exec /usr/bin/sha256sum "$@"; else exec shasum -a 256 "$@"; fi\n`);
  await chmod(join(bin, 'sha256sum'), 0o755);
  const port = await freePort();
  const config = join(dir, 'sshd_config');
  await writeFile(config, [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'StrictModes no',
    'UsePAM no',
    'Subsystem sftp internal-sftp',
    'LogLevel ERROR',
    `SetEnv PATH=${bin}:/usr/local/bin:/usr/bin:/bin`,
    '',
  ].join('\n'));
  let child: ChildProcess | null = null;
  const server: TestSshd = {
    port, dir, runsDir, hostKeyFingerprint,
    userKeyFile: join(dir, 'user_key'),
    user: userInfo().username,
    async start() {
      child = spawn(sshd, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const deadline = Date.now() + 10_000;
      while (!(await accepting(port))) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`sshd did not start: ${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async fakeRemoteSha256(hash) {
      if (hash === null) await rm(fakeHashFile, { force: true });
      else await writeFile(fakeHashFile, hash);
    },
    async kill() {
      if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
      const pid = child.pid;
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      for (const p of [pid, ...descendants(pid)]) {
        try { process.kill(p, 'SIGKILL'); } catch { /* already gone */ }
      }
      await exited;
    },
  };
  after(() => server.kill());
  await server.start();
  return server;
}
