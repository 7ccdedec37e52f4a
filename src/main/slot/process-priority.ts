import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/** How far TO-BE steps back while it receives shadow traffic (nice 10: a tenth of AS-IS's CPU share when both are busy). */
export const SHADOW_TARGET_NICENESS = 10;

/**
 * Lowers this process's CPU priority (raises its nice value), for every thread it already has:
 * on Linux each thread has its own nice value and new threads take their creator's. Raising it
 * back needs privileges, so it lasts until the process restarts. Best effort: a platform that
 * refuses leaves the priority as it is.
 */
export function lowerProcessPriority(niceness: number): void {
  let threads = [0];
  if (process.platform === 'linux') {
    try {
      threads = readdirSync('/proc/self/task').map(Number);
    } catch {
      threads = [0];
    }
  }
  for (const thread of threads) {
    try {
      setPriority(thread, niceness);
    } catch {
      // Not allowed here (or the thread ended): the priority stays as it was.
    }
  }
}
