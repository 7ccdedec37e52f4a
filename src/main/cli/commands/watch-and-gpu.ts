import type { Command } from 'commander';
import { createInterface } from 'node:readline/promises';
import type { GpuCheck, WatchStatus } from '../../../shared/release-api.js';
import { ControlClient } from '../../control/control-client.js';
import { LiteCnnError } from '../../errors.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';

/** `litecnn watch status|on|off` and `litecnn gpu test|trust`. */
export function registerWatchAndGpu(program: Command, globals: () => GlobalOptions): void {
  program
    .command('watch [mode]')
    .description('the GPU server watcher: status (default), on or off (saved)')
    .option('--json', 'print as JSON')
    .action(async (mode: string | undefined, options: { json?: boolean }) => {
      const client = await ControlClient.connect(dataDirOf(globals()));
      const wanted = mode === undefined || mode === 'status' ? undefined : mode === 'on' ? true : mode === 'off' ? false : invalidMode(mode);
      const status = await client.watch(wanted);
      if (options.json) printJson(status);
      else process.stdout.write(describeWatch(status));
    });

  const gpu = program.command('gpu').description('the GPU training server');

  gpu
    .command('test')
    .description('connect: show the host key and the newest complete run')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const check = await (await ControlClient.connect(dataDirOf(globals()))).gpuCheck();
      if (options.json) printJson(check);
      else process.stdout.write(describeGpu(check));
    });

  gpu
    .command('trust')
    .description('pin the host key the GPU server presents, after you confirm it')
    .option('--yes', 'confirm without asking (only after checking the fingerprint another way)')
    .option('--fingerprint <SHA256:...>', 'pin only if the server presents exactly this key')
    .action(async (options: { yes?: boolean; fingerprint?: string }) => {
      const client = await ControlClient.connect(dataDirOf(globals()));
      const { target, hostKey, pinned } = await client.gpuHostKey();
      process.stdout.write(`${target} presents host key\n  ${hostKey}\n${pinned ? `currently pinned: ${pinned}\n` : 'no key is pinned yet\n'}`);
      if (options.fingerprint && options.fingerprint !== hostKey) {
        throw new LiteCnnError('GPU_HOST_KEY_MISMATCH', `The server presents ${hostKey}, not ${options.fingerprint}. Nothing was pinned.`);
      }
      if (!options.yes && !options.fingerprint && !(await confirm('Trust this key? Compare it with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server. [y/N] '))) {
        process.stdout.write('Nothing was pinned.\n');
        process.exitCode = 1;
        return;
      }
      await client.gpuTrust(hostKey);
      process.stdout.write(`pinned ${hostKey}\n`);
    });
}

function describeWatch(status: WatchStatus): string {
  const lines = [
    `auto-deploy: ${status.enabled ? 'on' : 'off'}${status.configured ? '' : ' (no GPU server configured: set gpuHost and gpuRunsDir)'}`,
    `interval:    every ${status.intervalMinutes} minutes`,
    `last check:  ${status.lastCheck ? `${status.lastCheck.at} ${status.lastCheck.outcome}: ${status.lastCheck.message}` : 'none yet'}`,
    `next check:  ${status.nextCheckAt ?? (status.checking ? 'checking now' : '-')}`,
  ];
  if (status.consecutiveFailures > 0) lines.push(`failures:    ${status.consecutiveFailures} in a row (retrying with backoff)`);
  if (status.progress) lines.push(`in progress: ${status.progress.operation} ${status.progress.step}${status.progress.percent !== undefined ? ` ${status.progress.percent}%` : ''}`);
  return `${lines.join('\n')}\n`;
}

function describeGpu(check: GpuCheck): string {
  const run = check.newestRun;
  return [
    `connected to ${check.target}`,
    `host key    ${check.hostKey} (pinned)`,
    `runs dir    ${check.runsDir}: ${check.completeRuns} complete run(s)`,
    `newest run  ${run ? `${run.id}, finished ${run.completedAt}${run.metrics ? `, metrics ${JSON.stringify(run.metrics)}` : ''}` : 'none'}`,
    '',
  ].join('\n');
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const answer = await rl.question(question);
  rl.close();
  return /^y(es)?$/i.test(answer.trim());
}

function invalidMode(mode: string): never {
  throw new LiteCnnError('BAD_REQUEST', `Unknown watch mode "${mode}"; use status, on or off.`);
}
