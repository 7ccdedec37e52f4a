import type { Command } from 'commander';
import type { HostStatus } from '../../../shared/host-api.js';
import { SLOT_IDS, SLOT_TITLES } from '../../../shared/slot-api.js';
import { PRODUCT_NAME, PRODUCT_VERSION } from '../../product.js';
import type { Settings } from '../../settings/settings-schema.js';
import { openSettings } from '../../settings/settings-store.js';
import type { SlotStateChange } from '../../slot/slot-supervisor.js';
import type { Host } from '../../host/host.js';
import { controlFilePath } from '../../control/control-file.js';
import { dataDirOf, type GlobalOptions } from '../cli-context.js';
import { formatHostStatus } from '../format.js';
import { parsePort } from '../parse-options.js';

interface ServeOptions {
  asisPort?: number;
  tobePort?: number;
  controlPort?: number;
  host?: string;
}

/** `litecnn serve`: the headless host in the foreground, both slots and the control API. */
export function registerServe(program: Command, globals: () => GlobalOptions): void {
  program
    .command('serve')
    .description('run both inference servers and the control API in the foreground (Ctrl-C stops them)')
    .option('--asis-port <port>', 'AS-IS port (setting asisPort, default 8891)', parsePort)
    .option('--tobe-port <port>', 'TO-BE port (setting tobePort, default 8892)', parsePort)
    .option('--control-port <port>', 'control API port on 127.0.0.1 (setting controlPort, default 8890)', parsePort)
    .option('--host <address>', 'address both servers listen on (setting host, default 127.0.0.1)')
    .action(async (options: ServeOptions) => {
      const dataDir = dataDirOf(globals());
      // Both slot processes start first: they load their modules while the host loads its own.
      const [{ forkSlotLauncher }, { PrestartedSlotLauncher }] = await Promise.all([import('../../slot/slot-launcher.js'), import('../../slot/prestarted-launcher.js')]);
      const launcher = new PrestartedSlotLauncher(forkSlotLauncher).prestart(SLOT_IDS);
      let stopping = false;
      let host: Host;
      let status: HostStatus;
      try {
        const store = openSettings(dataDir);
        const settings: Settings = { ...store.all(), ...definedOnly(options) };
        // Imported here, not at the top: the host's modules take most of a CLI start, and only serve needs them.
        const { Host } = await import('../../host/host.js');
        host = new Host({ dataDir, settings, store, launcher, ...watcherDelay() });
        const stop = async (signal: string): Promise<void> => {
          if (stopping) return;
          stopping = true;
          process.stdout.write(`\n${signal}: stopping both servers...\n`);
          await host.stop();
          process.stdout.write('stopped.\n');
          process.exit(0);
        };
        process.on('SIGINT', () => void stop('SIGINT'));
        process.on('SIGTERM', () => void stop('SIGTERM'));
        status = await host.start();
      } finally {
        // A host that failed before it started its slots leaves their processes unused.
        launcher.discardUnused();
      }
      process.stdout.write(banner(status, dataDir, host.dashboardUrl));
      host.on('slot-state', ({ slot, state, error }: SlotStateChange) => {
        if (stopping) return;
        process.stdout.write(`[${new Date().toISOString()}] ${SLOT_TITLES[slot]} ${state}${error ? `: ${error.message}` : ''}\n`);
      });
    });
}

function banner(status: HostStatus, dataDir: string, dashboardUrl: string): string {
  const ready = status.slots.find((slot) => slot.url);
  return [
    `${PRODUCT_NAME} ${PRODUCT_VERSION}, data dir ${dataDir}`,
    '',
    formatHostStatus(status),
    '',
    ...status.slots.map((slot) => `${slot.title.padEnd(6)} ${slot.url ?? `not serving (${slot.state})`}`),
    `control ${status.host.controlUrl}  (token in ${controlFilePath(dataDir)})`,
    '',
    `Dashboard (open in any browser on this machine): ${dashboardUrl}`,
    '',
    ready ? `Try: curl -X POST ${ready.url}/predict -F "image=@photo.jpg"` : 'No slot is serving; see the errors above.',
    'Ctrl-C stops both servers.',
    '',
  ].join('\n');
}

/** LITECNN_WATCH_FIRST_CHECK_MS shortens the wait before the watcher's first check (tests, demos). */
function watcherDelay(): { watcherFirstCheckDelayMs?: number } {
  const ms = Number(process.env.LITECNN_WATCH_FIRST_CHECK_MS);
  return Number.isFinite(ms) && ms >= 0 && process.env.LITECNN_WATCH_FIRST_CHECK_MS ? { watcherFirstCheckDelayMs: ms } : {};
}

function definedOnly(options: ServeOptions): Partial<Settings> {
  const out: Partial<Settings> = {};
  if (options.asisPort !== undefined) out.asisPort = options.asisPort;
  if (options.tobePort !== undefined) out.tobePort = options.tobePort;
  if (options.controlPort !== undefined) out.controlPort = options.controlPort;
  if (options.host !== undefined) out.host = options.host;
  return out;
}
