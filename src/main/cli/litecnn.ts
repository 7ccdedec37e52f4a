#!/usr/bin/env -S node --max-semi-space-size=1 --no-opt
// V8's young generation at 1 MB semi-spaces: the host's JavaScript makes little garbage and a
// long-running host keeps 13 MB less; without the optimising compiler (HOST_ONLY_EXEC_ARGV, which
// slots do not inherit) 6 MB less (docs/footprint.md). package.json's serve script passes the same flags.
import { buildProgram } from './program.js';
import { reportCliError } from './errors-output.js';

buildProgram().parseAsync(process.argv).catch(reportCliError);
