import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EvalSummary } from '../../../shared/eval-api.js';
import type { HostEvent } from '../../../shared/host-api.js';
import { ControlClient } from '../../control/control-client.js';
import { EvalStore } from '../../eval/eval-store.js';
import { LiteCnnError } from '../../errors.js';
import { dataDirOf, printJson, type GlobalOptions } from '../cli-context.js';
import { formatEvalList, formatEvalSummary } from '../format-eval.js';

interface EvalOptions {
  list?: boolean;
  show?: string;
  cancel?: string;
  csv?: string;
  html?: string;
  json?: boolean;
}

/** `litecnn eval`: run a folder of images through both models, and read stored evaluations. */
export function registerEval(program: Command, globals: () => GlobalOptions): void {
  program
    .command('eval [dir]')
    .description('evaluate AS-IS against TO-BE on a folder of images (labelled by class subfolder, or not); stored with a CSV and an HTML report')
    .option('--list', 'list stored evaluations, newest first')
    .option('--show <id>', 'print a stored evaluation')
    .option('--cancel <id>', 'stop a running evaluation')
    .option('--csv <file>', 'also copy the per-image results to this file')
    .option('--html <file>', 'also copy the HTML report to this file')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string | undefined, options: EvalOptions) => {
      const dataDir = dataDirOf(globals());
      const client = await ControlClient.connect(dataDir);
      const store = new EvalStore(dataDir);
      if (options.list) {
        const summaries = await client.evals();
        if (options.json) printJson(summaries);
        else process.stdout.write(`${formatEvalList(summaries)}\n`);
        return;
      }
      let summary: EvalSummary;
      if (options.show) summary = await client.evalSummary(options.show);
      else if (options.cancel) summary = await client.cancelEval(options.cancel);
      else if (dir) summary = await runWithProgress(client, dir);
      else throw new LiteCnnError('EVAL_SET_INVALID', 'Give the folder to evaluate (`litecnn eval ~/photos/breeds`), or --list / --show ID.');
      if (options.csv) await writeFile(options.csv, await client.evalFile(summary.id, 'results.csv'));
      if (options.html) await writeFile(options.html, await client.evalFile(summary.id, 'report.html'));
      const files = store.files(summary.id);
      if (options.json) printJson(summary);
      else process.stdout.write(`${formatEvalSummary(summary, { report: files.report, csv: files.csv })}\n`);
      if (summary.state !== 'done') process.exitCode = 1;
    });
}

/** Starts the evaluation and shows its progress until its summary arrives; Ctrl-C cancels it. */
async function runWithProgress(client: ControlClient, dir: string): Promise<EvalSummary> {
  const stream = process.stderr;
  let bar: cliProgress.SingleBar | null = null;
  let id: string | null = null;
  let finish: (summary: EvalSummary) => void = () => undefined;
  let lost: (error: Error) => void = () => undefined;
  const finished = new Promise<EvalSummary>((resolve, reject) => {
    finish = resolve;
    lost = reject;
  });
  const early: EvalSummary[] = [];
  const unsubscribe = await client.subscribe((event: HostEvent) => {
    if (event.type === 'eval-progress' && event.data.id === id && bar) bar.update(event.data.done);
    if (event.type === 'eval') {
      if (event.data.id === id) finish(event.data);
      else early.push(event.data);
    }
  }, () => lost(new LiteCnnError('HOST_NOT_RUNNING', `The host stopped during the evaluation${id ? ` (${id}); \`litecnn eval --show ${id}\` shows what it counted once the host runs again` : ''}.`)));
  const cancel = (): void => {
    if (id) void client.cancelEval(id).catch(() => undefined);
  };
  process.once('SIGINT', cancel);
  try {
    const started = await client.startEval(resolve(dir));
    id = started.id;
    const already = early.find((summary) => summary.id === id);
    if (already) return already;
    stream.write(`Evaluating ${started.setName}: ${started.found} images (evaluation ${started.id})\n`);
    if (stream.isTTY) {
      bar = new cliProgress.SingleBar({ stream, format: '  [{bar}] {percentage}% {value}/{total} images, eta {eta_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
      bar.start(started.found, 0);
    }
    return await finished;
  } finally {
    bar?.stop();
    process.off('SIGINT', cancel);
    unsubscribe();
  }
}
