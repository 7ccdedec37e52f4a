import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The programs the tests run for real beside Node: an OpenSSH server (the GPU server stand-in,
 * run as the current user on a high port), a Chromium-based browser (the dashboard's tests) and
 * Prometheus with promtool (the metrics' tests). Each is found through an environment variable,
 * then where Linux and macOS usually install it.
 */
interface TestTool {
  name: string;
  variable: string;
  candidates: () => string[];
  install: string;
}

const SSHD: TestTool = {
  name: 'an OpenSSH server (sshd)',
  variable: 'LITECNN_TEST_SSHD',
  candidates: () => ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/opt/homebrew/sbin/sshd'],
  install: process.platform === 'darwin'
    ? 'macOS ships /usr/sbin/sshd (Remote Login need not be on); or `brew install openssh`'
    : '`sudo apt-get install -y openssh-server` (Debian, Ubuntu) or `sudo dnf install -y openssh-server` (Fedora); the tests run their own sshd as you, on a high port',
};

const BROWSER: TestTool = {
  name: 'Chromium or Google Chrome',
  variable: 'CHROMIUM_PATH',
  candidates: () => [
    '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable', '/snap/bin/chromium',
    ...['/Applications', join(homedir(), 'Applications')].flatMap((apps) => [
      join(apps, 'Chromium.app', 'Contents', 'MacOS', 'Chromium'),
      join(apps, 'Google Chrome.app', 'Contents', 'MacOS', 'Google Chrome'),
    ]),
  ],
  install: process.platform === 'darwin'
    ? '`brew install --cask chromium`, or install Google Chrome'
    : '`sudo apt-get install -y chromium fonts-noto-cjk` (Debian; fonts-noto-cjk draws the Korean labels)',
};

const PROMETHEUS_INSTALL = process.platform === 'darwin'
  ? '`brew install prometheus`'
  : '`sudo apt-get install -y prometheus` (Debian, Ubuntu; it brings promtool)';

const PROMETHEUS: TestTool = {
  name: 'Prometheus (prometheus)',
  variable: 'LITECNN_TEST_PROMETHEUS',
  candidates: () => ['/usr/bin/prometheus', '/usr/local/bin/prometheus', '/opt/homebrew/bin/prometheus'],
  install: PROMETHEUS_INSTALL,
};

const PROMTOOL: TestTool = {
  name: "Prometheus's promtool",
  variable: 'LITECNN_TEST_PROMTOOL',
  candidates: () => ['/usr/bin/promtool', '/usr/local/bin/promtool', '/opt/homebrew/bin/promtool'],
  install: PROMETHEUS_INSTALL,
};

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function find(tool: TestTool): string | null {
  const chosen = process.env[tool.variable];
  if (chosen) return executable(chosen) ? chosen : null;
  return tool.candidates().find(executable) ?? null;
}

function required(tool: TestTool): string {
  const path = find(tool);
  if (!path) throw new Error(missingMessage(tool));
  return path;
}

function missingMessage(tool: TestTool): string {
  const chosen = process.env[tool.variable];
  return chosen
    ? `${tool.variable}=${chosen} is not an executable file: point it at ${tool.name}.`
    : `The tests need ${tool.name}, found in none of the usual places. Install it: ${tool.install}. Or set ${tool.variable} to its path.`;
}

/** The sshd the tests start. */
export function sshdPath(): string {
  return required(SSHD);
}

/** The browser the dashboard's tests drive (playwright-core; nothing is downloaded). */
export function browserPath(): string {
  return required(BROWSER);
}

/** The Prometheus server a test scrapes the slots with. */
export function prometheusPath(): string {
  return required(PROMETHEUS);
}

/** promtool, which lints /metrics. */
export function promtoolPath(): string {
  return required(PROMTOOL);
}

/** What is missing, each with how to install it: `npm test` stops with these before it runs a test. */
export function missingTestTools(): string[] {
  return [SSHD, BROWSER, PROMETHEUS, PROMTOOL].flatMap((tool) => (find(tool) ? [] : [missingMessage(tool)]));
}
