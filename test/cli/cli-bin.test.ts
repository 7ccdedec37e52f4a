import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { controlFilePath } from '../../src/main/control/control-file.js';
import { PRODUCT_VERSION } from '../../src/main/product.js';
import { exited, untilServing } from '../helpers/cli.js';
import { LITECNN_CLI, REPO_ROOT } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const run = promisify(execFile);

test('the built bin (the bundle in dist/app) runs through its #! line, and `npx litecnn` and `npm exec litecnn` run it from the checkout', async () => {
  assert.equal((await run(LITECNN_CLI, ['--version'])).stdout.trim(), PRODUCT_VERSION);
  assert.equal((await run('npx', ['--no-install', 'litecnn', '--version'], { cwd: REPO_ROOT })).stdout.trim(), PRODUCT_VERSION);
  assert.equal((await run('npm', ['exec', '--no', '--', 'litecnn', '--version'], { cwd: REPO_ROOT })).stdout.trim(), PRODUCT_VERSION);
});

test('the host runs with the same V8 flags however it is started: the bin\'s #! line and `npm run serve`', async () => {
  const shebang = (await readFile(LITECNN_CLI, 'utf8')).split('\n')[0]!;
  const flags = /^#!\/usr\/bin\/env -S node (.+)$/.exec(shebang)?.[1];
  assert.ok(flags, `the #! line passes node flags: ${shebang}`);
  const { bin } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  assert.equal(join(REPO_ROOT, bin.litecnn!), LITECNN_CLI);

  // `npm run serve` serves from the process that checked the build: its command line carries the flags.
  const dataDir = await tempDir();
  const serve = spawn('npm', ['run', '-s', 'serve', '--', '--asis-port', '0', '--tobe-port', '0', '--control-port', '0'], { cwd: REPO_ROOT, env: { ...process.env, LITECNN_DATA_DIR: dataDir }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  try {
    // Its build check may build first.
    await untilServing(serve, 60_000);
    const { pid } = JSON.parse(await readFile(controlFilePath(dataDir), 'utf8')) as { pid: number };
    const hostCommand = (await run('ps', ['-o', 'args=', '-p', String(pid)])).stdout.trim();
    for (const flag of flags.split(' ')) assert.ok(hostCommand.split(' ').includes(flag), `the host of npm run serve runs with ${flag}: ${hostCommand}`);
  } finally {
    process.kill(-serve.pid!, 'SIGINT');
    await exited(serve);
  }
});
