import { test } from 'node:test';
import { checkDeployCrash, startCrashBench } from '../helpers/crash-recovery.js';

const bench = await startCrashBench();

test('the host SIGKILLed during a deploy (at journal-written): each weights file is old or new, and history and state agree', () => checkDeployCrash(bench, 'journal-written', 'old'));
test('the host SIGKILLed during a deploy (at bundle-written): each weights file is old or new, and history and state agree', () => checkDeployCrash(bench, 'bundle-written', 'new'));
