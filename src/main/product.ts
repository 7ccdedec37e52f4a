import { readFileSync } from 'node:fs';

const packageJson = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string; productName: string };

/** The version in package.json. */
export const PRODUCT_VERSION = packageJson.version;
export const PRODUCT_NAME = packageJson.productName;
