import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

function runTests(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(REPO_ROOT, 'scripts', 'run-tests.mjs'), ...args], { env: { ...process.env, ...env }, timeout: 30_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stderr });
    });
  });
}

test('npm test stops before any test when a program it needs is missing, naming it and how to point at it', async () => {
  const browser = await runTests([], { CHROMIUM_PATH: '/nonexistent/chromium' });
  assert.equal(browser.code, 1);
  assert.match(browser.stderr, /npm test cannot run yet:\n- CHROMIUM_PATH=\/nonexistent\/chromium is not an executable file: point it at Chromium or Google Chrome\./);
  const sshd = await runTests([], { LITECNN_TEST_SSHD: '/nonexistent/sshd', LITECNN_TEST_PROMTOOL: '/nonexistent/promtool' });
  assert.equal(sshd.code, 1);
  assert.match(sshd.stderr, /LITECNN_TEST_SSHD=\/nonexistent\/sshd is not an executable file/);
  assert.match(sshd.stderr, /LITECNN_TEST_PROMTOOL=\/nonexistent\/promtool is not an executable file/);
});

test('run-tests refuses a test file that does not exist, before running any', async () => {
  const result = await runTests(['no/such.test.js'], {});
  assert.equal(result.code, 1);
  assert.match(result.stderr, /No such test files under dist\/test: no\/such\.test\.js/);
});
