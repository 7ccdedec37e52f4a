import { test } from 'node:test';
import { checkDeployCrash, startCrashBench } from '../helpers/crash-recovery.js';

const bench = await startCrashBench();

test('the host SIGKILLed during a deploy (at swapped): each weights file is old or new, and history and state agree', () => checkDeployCrash(bench, 'swapped', 'new'));
test('the host SIGKILLed during a deploy (at state-written): each weights file is old or new, and history and state agree', () => checkDeployCrash(bench, 'state-written', 'new'));
