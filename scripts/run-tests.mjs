// `npm test`: every test file under dist/test, most of them several at a time (each file is its own
// process with its own ephemeral ports, temp dirs and sshd), then the files whose assertions
// depend on timing one at a time, so that a neighbour's load cannot make them fail.
// `node scripts/run-tests.mjs FILE...` runs only those files (paths under dist/test), the same way.
// Plain JavaScript, like build.mjs: it runs after the build, on the compiled tests.
import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testDir = join(root, 'dist', 'test');
/** Three files at a time on two cores: most of a test's time is spent waiting on processes it started. */
const CONCURRENCY = 3;
/** Deadlines, latency bounds, pause budgets or load: run alone, after the rest. */
const ALONE = new Set([
  'host/host-isolation.test.js',
  'inference/preprocess.test.js',
  'inference/worker-model.test.js',
  'release/gpu-connection-failures.test.js',
  'security/load.test.js',
  'security/request-limits.test.js',
  'security/swap-soak.test.js',
  'slot/shadow-mode.test.js',
  'slot/shadow-target-pause.test.js',
]);

/**
 * The longest of the files run together, started first so that none of them is left running
 * alone at the end (the runner starts files in the order it is given them).
 */
const LONGEST_FIRST = [
  'release/deploy.test.js',
  'security/release-faults.test.js',
  'release/promote-rollback.test.js',
  'renderer/dashboard.e2e.test.js',
  'release/crash-recovery-deploy-early.test.js',
  'release/crash-recovery-deploy-late.test.js',
];

async function testFiles(dir) {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.js') ? [path] : [];
  }));
  return nested.flat().sort();
}

// An sshd or a browser missing: say so now, with how to install it, not deep inside a test.
const { missingTestTools } = await import(pathToFileURL(join(testDir, 'helpers', 'test-tools.js')).href);
const missingTools = missingTestTools();
if (missingTools.length > 0) {
  process.stderr.write(`npm test cannot run yet:\n${missingTools.map((line) => `- ${line}`).join('\n')}\n`);
  process.exit(1);
}

const name = (file) => relative(testDir, file).split('\\').join('/');
const chosen = process.argv.slice(2);
const allFiles = await testFiles(testDir);
const unknown = chosen.filter((wanted) => !allFiles.some((file) => name(file) === wanted));
if (unknown.length > 0) {
  process.stderr.write(`No such test files under dist/test: ${unknown.join(', ')}\n`);
  process.exit(1);
}
const files = chosen.length ? allFiles.filter((file) => chosen.includes(name(file))) : allFiles;
const missing = [...ALONE, ...LONGEST_FIRST].filter((listed) => !allFiles.some((file) => name(file) === listed));
if (missing.length > 0) {
  process.stderr.write(`scripts/run-tests.mjs lists test files that do not exist: ${missing.join(', ')}\n`);
  process.exit(1);
}
const startOrder = (file) => {
  const rank = LONGEST_FIRST.indexOf(name(file));
  return rank === -1 ? LONGEST_FIRST.length : rank;
};
const together = files.filter((file) => !ALONE.has(name(file))).sort((a, b) => startOrder(a) - startOrder(b));
const alone = files.filter((file) => ALONE.has(name(file)));

let failed = false;
for (const [group, concurrency] of [[together, CONCURRENCY], [alone, 1]]) {
  if (group.length === 0) continue;
  const { status } = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, ...group], { cwd: root, stdio: 'inherit' });
  if (status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
