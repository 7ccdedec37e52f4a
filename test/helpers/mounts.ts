import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Why a test that mounts a file system cannot run here, or false when it can: mounting needs root
 * on Linux. CI runs as root, so it runs them all; as anyone else they are skipped with this reason.
 */
export const mountingUnavailable: string | false = process.platform !== 'linux'
  ? 'mounts a file system (tmpfs, bind mount), which needs Linux'
  : process.getuid?.() !== 0 ? 'mounts a file system (tmpfs, bind mount), which needs root; CI runs it as root' : false;

/** A real, small file system, to run out of space on. */
export interface SmallDisk {
  dir: string;
  /** Grows or shrinks it in place; the files on it stay. */
  resize(megabytes: number): Promise<void>;
}

/** Mounts a tmpfs of `megabytes` on a new folder; unmounted and removed when the enclosing test ends. */
export async function mountTmpfs(megabytes: number): Promise<SmallDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'litecnn-tmpfs-'));
  await run('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m,mode=0755`, 'tmpfs', dir]);
  after(async () => {
    // Lazily: a host that ran in the test process may still hold its log file open.
    await run('umount', ['--lazy', dir]);
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir,
    resize: async (size) => {
      await run('mount', ['-o', `remount,size=${size}m`, dir]);
    },
  };
}

/**
 * Makes `dir` read-only where it is (a read-only bind mount over itself) until `release()`.
 * Call `release()` in the test (a `finally`): a temp dir registered earlier is removed, by its own
 * `after` hook, before this one's would run.
 */
export async function mountReadOnly(dir: string): Promise<{ release(): Promise<void> }> {
  await run('mount', ['--bind', dir, dir]);
  let mounted = true;
  const release = async (): Promise<void> => {
    if (!mounted) return;
    mounted = false;
    await run('umount', ['--lazy', dir]);
  };
  after(release);
  await run('mount', ['-o', 'remount,bind,ro', dir]);
  return { release };
}
