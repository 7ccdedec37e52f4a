import { after } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { browserPath } from './test-tools.js';

/** Chromium (or Chrome; see test-tools.ts), headless, with the flags a closed-network machine needs. */
export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: browserPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  after(() => browser.close());
  return browser;
}

/** Fails the test on any script error or CSP violation the page reports. */
export function watchPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/Failed to load resource: the server responded with a status of (4|5)\d\d/.test(message.text())) errors.push(message.text());
  });
  return errors;
}
