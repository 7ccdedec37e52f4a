import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { PRODUCT_VERSION } from '../../src/main/product.js';
import { LITECNN_CLI, REPO_ROOT } from '../helpers/paths.js';

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
  const { scripts, bin } = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };
  assert.equal(join(REPO_ROOT, bin.litecnn!), LITECNN_CLI);
  assert.ok(scripts.serve!.includes(`node ${flags} ${bin.litecnn} serve`), `npm run serve: ${scripts.serve}`);
});
