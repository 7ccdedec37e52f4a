import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** /proc where there is one (Linux); `ps` elsewhere (macOS). */
const PROC = process.platform === 'linux';

/**
 * libvips starts worker threads on demand as more images are decoded at once and keeps them, so
 * its count follows the load, not what a slot holds.
 */
const ON_DEMAND_THREAD_NAMES = new Set(['libvips worker']);

/** How many threads process `pid` has now (the `Threads:` line of /proc/<pid>/status; `ps -M` on macOS). */
export async function threadCount(pid: number): Promise<number> {
  if (!PROC) return (await run('ps', ['-M', '-p', String(pid)])).stdout.trim().split('\n').length - 1;
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = /^Threads:\s+(\d+)$/m.exec(status);
  if (!match) throw new Error(`/proc/${pid}/status has no Threads: line`);
  return Number(match[1]);
}

/**
 * How many of process `pid`'s threads are its own fixed ones (Node's, inference workers',
 * onnxruntime's), leaving out libvips' on-demand workers; read from /proc/<pid>/task/<tid>/comm.
 * Without /proc, where threads have no names to tell them apart, every thread.
 */
export async function heldThreadCount(pid: number): Promise<number> {
  if (!PROC) return threadCount(pid);
  const names = await Promise.all((await readdir(`/proc/${pid}/task`)).map((tid) => readFile(`/proc/${pid}/task/${tid}/comm`, 'utf8').then((name) => name.trim(), () => null)));
  return names.filter((name) => name !== null && !ON_DEMAND_THREAD_NAMES.has(name)).length;
}

/** The fields of a /proc/<pid>/stat line from field 3 (the state) on: the command name before it may hold spaces. */
export function statFieldsFromState(stat: string): string[] {
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** A process's state letter (field 3 of /proc/<pid>/stat, or `ps -o state`): `T` while it is stopped by a signal. */
export async function processState(pid: number): Promise<string> {
  if (!PROC) return (await run('ps', ['-o', 'state=', '-p', String(pid)])).stdout.trim().charAt(0);
  return statFieldsFromState(await readFile(`/proc/${pid}/stat`, 'utf8'))[0]!;
}
