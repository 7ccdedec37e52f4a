import type { Command } from 'commander';
import { SLOT_ACTIONS, type HostStatus, type SlotAction } from '../../../shared/host-api.js';
import { ControlClient } from '../../control/control-client.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { formatHostStatus } from '../format.js';

/** `litecnn status` and `litecnn start|stop|restart <target>`: the old server_manager.sh, against the running host. */
export function registerSlotControl(program: Command, globals: () => GlobalOptions): void {
  program
    .command('status')
    .description('show both slots: state, port, model, uptime, requests, latency, memory')
    .option('--json', 'print the full status as JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await (await ControlClient.connect(dataDirOf(globals()))).status();
      printStatus(status, options.json);
    });

  for (const action of SLOT_ACTIONS) {
    program
      .command(`${action} <target>`)
      .description(`${action} a slot: asis, tobe, all, or a port (8891, 8892)`)
      .option('--json', 'print the resulting status as JSON')
      .action(async (target: string, options: { json?: boolean }) => {
        const client = await ControlClient.connect(dataDirOf(globals()));
        const status = await client.act(target, action as SlotAction);
        printStatus(status, options.json);
        if (action !== 'stop' && status.slots.some((slot) => slot.state === 'failed')) process.exitCode = 1;
      });
  }
}

function printStatus(status: HostStatus, json: boolean | undefined): void {
  if (json) printJson(status);
  else process.stdout.write(`${formatHostStatus(status)}\n`);
}
