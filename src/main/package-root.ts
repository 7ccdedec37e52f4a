import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's root folder: the nearest folder above this module that holds package.json. The
 * same code runs compiled file by file (dist/src/main/...), bundled (dist/app/) and inside the
 * Electron app's archive, each at a different depth below the root.
 */
export const PACKAGE_ROOT = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

function findPackageRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) throw new Error(`No package.json above ${start}: the installation is incomplete; reinstall LiteCNN Dual.`);
  }
}
