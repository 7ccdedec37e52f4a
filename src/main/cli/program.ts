import { Command } from 'commander';
import { PRODUCT_VERSION } from '../product.js';
import type { GlobalOptions } from './cli-context.js';
import { registerConfig } from './commands/config.js';
import { registerEval } from './commands/eval.js';
import { registerExport } from './commands/export.js';
import { registerLogs } from './commands/logs.js';
import { registerModelFiles } from './commands/model-files.js';
import { registerPredict } from './commands/predict.js';
import { registerServe } from './commands/serve.js';
import { registerSlotControl } from './commands/slot-control.js';
import { registerRelease } from './commands/release.js';
import { registerSecurity } from './commands/security.js';
import { registerWatchAndGpu } from './commands/watch-and-gpu.js';

/** The `litecnn` command line. */
export function buildProgram(): Command {
  const program = new Command('litecnn')
    .description('LiteCNN Dual: an AS-IS (production) and a TO-BE (experiment) image classifier side by side')
    .version(PRODUCT_VERSION)
    .option('--data-dir <dir>', 'data dir (weights, logs, settings); default $LITECNN_DATA_DIR or the OS app data folder')
    .showHelpAfterError()
    .enablePositionalOptions(false);
  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerServe(program, globals);
  registerSlotControl(program, globals);
  registerPredict(program, globals);
  registerEval(program, globals);
  registerRelease(program, globals);
  registerWatchAndGpu(program, globals);
  registerModelFiles(program);
  registerExport(program, globals);
  registerLogs(program, globals);
  registerConfig(program, globals);
  registerSecurity(program, globals);
  return program;
}
