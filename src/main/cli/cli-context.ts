import { resolve } from 'node:path';
import { defaultDataDir } from '../host/data-dir.js';

/** Options every command shares. */
export interface GlobalOptions {
  dataDir?: string;
}

/** The data dir a command works on: --data-dir, else LITECNN_DATA_DIR, else the OS default. */
export function dataDirOf(options: GlobalOptions): string {
  return resolve(options.dataDir ?? defaultDataDir());
}

/** Prints JSON for `--json` output. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
