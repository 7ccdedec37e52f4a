import { copyFile, mkdir, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Copies the dashboard's HTML and CSS next to its compiled scripts (dist/web/renderer). */
const source = fileURLToPath(new URL('../../src/renderer/', import.meta.url));
const target = fileURLToPath(new URL('../web/renderer/', import.meta.url));
await mkdir(target, { recursive: true });
for (const name of await readdir(source)) {
  if (['.html', '.css', '.svg', '.png'].includes(extname(name))) await copyFile(join(source, name), join(target, name));
}
