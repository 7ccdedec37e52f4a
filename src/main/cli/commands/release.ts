import type { Command } from 'commander';
import type { SlotId } from '../../../shared/slot-api.js';
import { ControlClient } from '../../control/control-client.js';
import { LiteCnnError } from '../../errors.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { describeEntry, formatGateVerdict, formatHistory } from '../format-history.js';
import { progressDisplay } from '../progress-display.js';

/** `litecnn deploy | promote | rollback | history`: the release process, against the running host. */
export function registerRelease(program: Command, globals: () => GlobalOptions): void {
  program
    .command('deploy')
    .description('deploy the newest complete GPU training run (or --run ID) to TO-BE; AS-IS is never touched')
    .option('--run <id>', 'deploy this run instead of the newest')
    .option('--dry-run', 'only say which run would be deployed')
    .option('--json', 'print the result as JSON')
    .action(async (options: { run?: string; dryRun?: boolean; json?: boolean }) => {
      const client = await ControlClient.connect(dataDirOf(globals()));
      const result = await withProgress(client, () => client.deploy({ ...(options.run ? { runId: options.run } : {}), ...(options.dryRun ? { dryRun: true } : {}) }));
      if (options.json) printJson(result);
      else process.stdout.write(`${result.message}\n`);
    });

  program
    .command('promote')
    .description('make TO-BE\'s model the AS-IS model (production), without dropping a request')
    .option('--tag <vX.Y.Z>', 'release tag (default: the next minor version)')
    .option('--check', 'only show the promotion gate\'s verdict (evaluating the gate set if needed); promote nothing')
    .option('--force', 'promote although the promotion gate fails (needs --reason, kept in the history)')
    .option('--reason <text>', 'why a failing gate is overridden')
    .option('--json', 'print the history entry (or with --check the verdict) as JSON')
    .action(async (options: { tag?: string; check?: boolean; force?: boolean; reason?: string; json?: boolean }) => {
      const client = await ControlClient.connect(dataDirOf(globals()));
      if (options.check) {
        const verdict = await client.promotionGate();
        if (options.json) printJson(verdict);
        else process.stdout.write(`${formatGateVerdict(verdict)}\n`);
        if (verdict && !verdict.passed) process.exitCode = 1;
        return;
      }
      const entry = await withProgress(client, () => client.promote({ ...(options.tag ? { tag: options.tag } : {}), ...(options.force ? { force: true } : {}), ...(options.reason !== undefined ? { reason: options.reason } : {}) }));
      if (options.json) printJson(entry);
      else process.stdout.write(`${describeEntry(entry)}\n${entry.gate ? `${formatGateVerdict(entry.gate)}\n` : ''}`);
    });

  program
    .command('rollback <slot>')
    .description('put a slot (asis or tobe) back to its previous version, or --to a named one')
    .option('--to <version>', 'version name (or sha256 prefix) from `litecnn history`')
    .option('--json', 'print the history entry as JSON')
    .action(async (slot: string, options: { to?: string; json?: boolean }) => {
      const client = await ControlClient.connect(dataDirOf(globals()));
      const entry = await withProgress(client, () => client.rollback({ slot: releaseSlot(slot), ...(options.to ? { to: options.to } : {}) }));
      if (options.json) printJson(entry);
      else process.stdout.write(`${describeEntry(entry)}\n`);
    });

  program
    .command('history')
    .description('every deploy, promote and rollback, newest first')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const entries = await (await ControlClient.connect(dataDirOf(globals()))).history();
      if (options.json) printJson(entries);
      else process.stdout.write(`${formatHistory(entries)}\n`);
    });
}

/** Runs a release call while showing its live progress. */
async function withProgress<T>(client: ControlClient, call: () => Promise<T>): Promise<T> {
  const display = progressDisplay();
  const unsubscribe = await client.subscribe(display.onEvent);
  try {
    return await call();
  } finally {
    display.done();
    unsubscribe();
  }
}

function releaseSlot(value: string): SlotId {
  const slot = value.toLowerCase().replace('-', '');
  if (slot === 'asis' || slot === '8891') return 'asis';
  if (slot === 'tobe' || slot === '8892') return 'tobe';
  throw new LiteCnnError('UNKNOWN_SLOT', `Unknown slot "${value}"; use asis or tobe.`);
}
