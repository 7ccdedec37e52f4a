import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';

/** Each component logs into its own folder under `<dataDir>/logs`, where `current.log` is the live file. */
export function logFolder(dataDir: string, component: string): string {
  return join(dataDir, 'logs', component);
}

/** The live log file of a component: a link to the newest rolled file. */
export function currentLogFile(dataDir: string, component: string): string {
  return join(logFolder(dataDir, component), 'current.log');
}

/** A JSON-lines logger writing to a size-rotated file (10 MB x 5 kept) for one component. */
export async function createFileLogger(dataDir: string, component: string, level = 'info'): Promise<Logger> {
  // pino-roll links current.log synchronously, before its own mkdir has run.
  await mkdir(logFolder(dataDir, component), { recursive: true });
  // Loaded here: pino-roll brings date-fns (about 0.1 s to load), which CLI commands that only read logs never need.
  const [{ default: pino }, { default: pinoRoll }] = await Promise.all([import('pino'), import('pino-roll')]);
  const stream = await pinoRoll({
    file: join(logFolder(dataDir, component), component),
    size: '10m',
    limit: { count: 5 },
    mkdir: true,
    symlink: true,
  });
  return pino({ level, base: { component } }, stream);
}
