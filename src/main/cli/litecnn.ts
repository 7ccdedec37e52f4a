#!/usr/bin/env node
import { buildProgram } from './program.js';
import { reportCliError } from './errors-output.js';

buildProgram().parseAsync(process.argv).catch(reportCliError);
