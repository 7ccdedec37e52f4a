import { readdir, readFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

/** CPU use during a measurement, each in % of one core (200% = two cores busy). */
export interface CpuShares {
  /** This process: the load generator, or the in-process floor. */
  ownPercent: number;
  /** The measured server process, when one was given; null where /proc is missing. */
  serverPercent: number | null;
  /**
   * All other processes together: programs competing for the cores; null where /proc is missing.
   * A process that both starts and ends during the measurement is missed.
   */
  otherPercent: number | null;
}

// Linux reports CPU times in clock ticks; USER_HZ is 100 on every mainstream kernel build.
const CLOCK_TICKS_PER_SECOND = 100;

/** Starts measuring; the returned function stops and gives the shares since the start. */
export async function startCpuMeter(serverPid?: number): Promise<() => Promise<CpuShares>> {
  const started = performance.now();
  const ownBefore = ownCpuSeconds();
  const serverBefore = serverPid === undefined ? null : await processCpuSeconds(serverPid);
  const measured = new Set([process.pid, ...(serverPid === undefined ? [] : [serverPid])]);
  const othersBefore = await otherProcessesCpuSeconds(measured);
  return async () => {
    const seconds = (performance.now() - started) / 1000;
    const own = ownCpuSeconds() - ownBefore;
    const serverAfter = serverPid === undefined ? null : await processCpuSeconds(serverPid);
    const othersAfter = await otherProcessesCpuSeconds(measured);
    const server = serverBefore !== null && serverAfter !== null ? serverAfter - serverBefore : null;
    let other: number | null = null;
    if (othersBefore && othersAfter) {
      other = 0;
      for (const [pid, cpu] of othersAfter) other += cpu - (othersBefore.get(pid) ?? 0);
    }
    const percent = (cpuSeconds: number | null): number | null => (cpuSeconds === null ? null : (cpuSeconds / seconds) * 100);
    return { ownPercent: percent(own)!, serverPercent: percent(server), otherPercent: percent(other) };
  };
}

/** The time-weighted mean of the shares of several measurements. */
export function pooledCpuShares(parts: readonly { seconds: number; cpu: CpuShares }[]): CpuShares {
  const seconds = parts.reduce((sum, part) => sum + part.seconds, 0);
  const mean = (pick: (cpu: CpuShares) => number | null): number | null => {
    if (parts.some((part) => pick(part.cpu) === null)) return null;
    return parts.reduce((sum, part) => sum + pick(part.cpu)! * part.seconds, 0) / seconds;
  };
  return { ownPercent: mean((cpu) => cpu.ownPercent)!, serverPercent: mean((cpu) => cpu.serverPercent), otherPercent: mean((cpu) => cpu.otherPercent) };
}

/** CPU use of other programs over `ms` milliseconds (this process not counted), in % of one core. */
export async function otherCpuPercent(ms: number): Promise<number | null> {
  const stop = await startCpuMeter();
  await new Promise((resolve) => setTimeout(resolve, ms));
  return (await stop()).otherPercent;
}

function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** CPU seconds (user + system, all threads) a process has used so far; null where /proc is missing. */
export async function processCpuSeconds(pid: number): Promise<number | null> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15 of the whole line.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by every process but `excluded`, by pid; null where /proc is missing.
 * Per process rather than /proc/stat's machine total: on this VM the machine total under full load
 * runs about a quarter of a core above the sum of all processes, which would read as phantom load.
 */
async function otherProcessesCpuSeconds(excluded: ReadonlySet<number>): Promise<Map<number, number> | null> {
  let entries: string[];
  try {
    entries = await readdir('/proc');
  } catch {
    return null;
  }
  const pids = entries.filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => !excluded.has(pid));
  const cpu = new Map<number, number>();
  await Promise.all(pids.map(async (pid) => {
    const seconds = await processCpuSeconds(pid);
    if (seconds !== null) cpu.set(pid, seconds);
  }));
  return cpu;
}
