// `npm run build`: compiles with `tsc -b`, copies the dashboard's assets and bundles the processes
// a user starts (dist/app/), unless nothing the build reads is newer than its last output. Plain JavaScript, because it runs before anything is
// compiled; the up-to-date check costs a few ms where loading TypeScript to ask `tsc -b` costs ~0.6 s.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { chmod, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = ['src', 'scripts', 'test', 'bench', 'tsconfig.json', 'tsconfig.renderer.json', 'package.json', 'package-lock.json'];
const OUTPUTS = ['dist/.tsbuildinfo/main.tsbuildinfo', 'dist/.tsbuildinfo/renderer.tsbuildinfo', 'dist/web/renderer/index.html', 'dist/app/litecnn.js', 'dist/app/slot-process.cjs', 'dist/app/inference-worker.cjs', 'dist/app/schema-validators.cjs', 'dist/src/main/schema-validators.cjs'];
const APP_DIR = join(root, 'dist', 'app');
// Native addons stay in node_modules, where they find their own libraries; electron is only ever the shell's.
const NOT_BUNDLED = ['onnxruntime-node', 'sharp', 'ssh2', 'electron'];
// CommonJS packages inside an ES module bundle still call require() and read __dirname.
const COMMONJS_GLOBALS = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join(' ');
// In the CommonJS bundles, what import.meta.url becomes: the bundle's own file URL, as in the others.
const IMPORT_META_URL = join(root, 'scripts', 'import-meta-url.js');
// pino-roll's require('date-fns') takes only the five functions it uses (0.1 s less CPU for each process that logs to a file).
const DATE_FNS_AS_PINO_ROLL_USES_IT = {
  name: 'date-fns-as-pino-roll-uses-it',
  setup: (build) => build.onResolve({ filter: /^date-fns$/ }, () => ({ path: join(root, 'scripts', 'date-fns-for-pino-roll.cjs') })),
};
// The inference worker's file as the bundles name it (src/main/inference/inference-thread.ts).
const WORKER_FILE = { LITECNN_INFERENCE_WORKER_FILE: JSON.stringify('./inference-worker.cjs') };

/**
 * The newest modification time of a file, or of any file below a folder (0 when missing). Synchronous:
 * some 400 stats take about 12 ms this way and 40 ms as promises, and `npm run serve` waits on them.
 */
function newest(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  return Math.max(info.mtimeMs, ...readdirSync(path).map((entry) => newest(join(path, entry))));
}

/** The oldest output, or 0 when one is missing. */
function oldestOutput() {
  return Math.min(...OUTPUTS.map((path) => newest(join(root, path))));
}

function run(command, args) {
  const { status } = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

const inputs = Math.max(...INPUTS.map((path) => newest(join(root, path))));
if (inputs >= oldestOutput()) await build();

async function build() {
  run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-b', 'tsconfig.json', 'tsconfig.renderer.json']);
  run(process.execPath, [join(root, 'dist', 'scripts', 'copy-dashboard-assets.js')]);
  await bundleApp();
  // Ajv's code for the app's JSON schemas, beside schema-validator.js compiled and bundled (a model swap no longer compiles the manifest schema).
  run(process.execPath, [join(root, 'dist', 'scripts', 'compile-schemas.js'), join(root, 'dist', 'src', 'main'), APP_DIR]);
  // npm makes an installed package's bin executable, but not the project's own: `npx litecnn` in a checkout needs it.
  await chmod(join(APP_DIR, 'litecnn.js'), 0o755);
  // tsc -b leaves its build info alone when an input was touched but not changed: mark the build as done.
  const now = new Date();
  await Promise.all(OUTPUTS.map((path) => utimes(join(root, path), now, now)));
}

/**
 * What a user starts, bundled side by side in dist/app/ with the packages each uses: resolving and
 * compiling some 400 modules one by one took about half of a slot's start (docs/footprint.md).
 * - The CLI (and the headless host it starts): ES modules in chunks, lazy imports kept lazy, so
 *   that `litecnn status` does not load the host.
 * - The slot process and the inference worker (each slot and each model swap starts one): one
 *   CommonJS file each, slot-process.cjs and inference-worker.cjs. A thread that loads no ES module
 *   never starts Node's ES module loader: a slot started with about 150 ms less CPU than from the
 *   same code as ES module chunks (docs/footprint.md).
 */
async function bundleApp() {
  const { build } = await import('esbuild');
  await rm(APP_DIR, { recursive: true, force: true });
  const shared = {
    outdir: APP_DIR,
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: NOT_BUNDLED,
    // Smaller source is less for V8 to keep in memory: the idle host holds about 2 MB less.
    // Identifiers are not minified, so functions and classes keep their own names for logs and
    // errors without esbuild's keepNames, whose defineProperty call for each one cost a start
    // 40-50 ms of CPU in each process (docs/footprint.md). Stack traces map back with node --enable-source-maps.
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    logLevel: 'warning',
    plugins: [DATE_FNS_AS_PINO_ROLL_USES_IT],
  };
  const entries = (names) => Object.fromEntries(names.map((entry) => [entry.split('/')[1], join(root, 'dist', 'src', 'main', `${entry}.js`)]));
  const commonJs = { format: 'cjs', outExtension: { '.js': '.cjs' }, define: { ...WORKER_FILE, 'import.meta.url': 'importMetaUrl' }, inject: [IMPORT_META_URL] };
  await Promise.all([
    build({ ...shared, entryPoints: entries(['cli/litecnn']), splitting: true, format: 'esm', define: WORKER_FILE, banner: { js: COMMONJS_GLOBALS } }),
    build({ ...shared, ...commonJs, entryPoints: entries(['slot/slot-process', 'inference/inference-worker']) }),
  ]);
}
