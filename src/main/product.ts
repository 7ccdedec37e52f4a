import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.js';

const packageJson = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string; productName: string };

/** The version in package.json. */
export const PRODUCT_VERSION = packageJson.version;
export const PRODUCT_NAME = packageJson.productName;
