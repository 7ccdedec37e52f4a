import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { minimatch } from 'minimatch';
import { appPaths } from '../../src/main/electron/app-paths.js';
import { defaultDataDir } from '../../src/main/host/data-dir.js';
import { SLOT_ROLES } from '../../src/main/host/slot-roles.js';

// This file runs as dist/test/electron/electron-builder-config.test.js.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
// js-yaml is the parser electron-builder reads electron-builder.yml with; it ships no types.
const { load: parseYaml } = require('js-yaml') as { load(text: string): unknown };

interface Pattern {
  from?: string;
  to?: string;
  filter?: string[];
}
interface MacTarget {
  target: string;
  arch: string[];
}
interface BuilderConfig {
  appId: string;
  productName: string;
  directories: { output: string; buildResources: string };
  files: string[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources: Pattern[];
  mac: {
    target: MacTarget[];
    icon: string;
    category: string;
    hardenedRuntime: boolean;
    darkModeSupport: boolean;
    extendInfo: Record<string, unknown>;
  };
}

const config = parseYaml(await readFile(join(ROOT, 'electron-builder.yml'), 'utf8')) as BuilderConfig;
const packageJson = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { main: string; productName: string; scripts: Record<string, string> };

/** Whether electron-builder's file patterns select `file` (it matches them with minimatch, dot files included, the last matching pattern winning). */
function selected(patterns: readonly string[], file: string): boolean {
  let result = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith('!');
    if (minimatch(file, negated ? pattern.slice(1) : pattern, { dot: true })) result = !negated;
  }
  return result;
}

describe('electron-builder.yml', () => {
  test('is valid against the schema electron-builder validates it with', async () => {
    const schema = JSON.parse(await readFile(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
    // The options of app-builder-lib/out/util/config/schemaValidator.js.
    const validate = new Ajv({ allErrors: true, verbose: true, coerceTypes: true, strict: false }).compile(schema);
    const valid = validate(structuredClone(config));
    assert.ok(valid, JSON.stringify(validate.errors?.map((e) => `${e.instancePath} ${e.message}`), null, 2));
  });

  test('the schema check catches a mistake (so the test above can fail)', async () => {
    const schema = JSON.parse(await readFile(join(ROOT, 'node_modules', 'app-builder-lib', 'scheme.json'), 'utf8')) as object;
    const validate = new Ajv({ allErrors: true, verbose: true, coerceTypes: true, strict: false }).compile(schema);
    assert.equal(validate({ ...structuredClone(config), mac: { ...config.mac, hardendRuntime: true } }), false);
  });

  test('a menu-bar-only app: LSUIElement', () => {
    assert.equal(config.mac.extendInfo.LSUIElement, true);
  });

  test('Apple silicon only, as dmg and zip', () => {
    assert.deepEqual(config.mac.target.map((t) => t.target).sort(), ['dmg', 'zip']);
    for (const target of config.mac.target) assert.deepEqual(target.arch, ['arm64'], target.target);
  });

  test('hardened runtime and dark mode support', () => {
    assert.equal(config.mac.hardenedRuntime, true);
    assert.equal(config.mac.darkModeSupport, true);
    assert.equal(config.mac.category, 'public.app-category.developer-tools');
  });

  test('native code is unpacked from app.asar: sharp and libvips, onnxruntime’s addon with its dylib', () => {
    for (const glob of ['**/node_modules/sharp/**/*', '**/node_modules/@img/**/*', '**/node_modules/onnxruntime-node/bin/**/*']) {
      assert.ok(config.asarUnpack.includes(glob), glob);
    }
    for (const file of [
      'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib',
      'node_modules/sharp/lib/sharp.js',
      'node_modules/@img/sharp-darwin-arm64/lib/sharp-darwin-arm64.node',
      'node_modules/@img/sharp-libvips-darwin-arm64/lib/libvips-cpp.8.17.3.dylib',
    ]) {
      assert.ok(selected(config.asarUnpack, file), file);
    }
  });

  test('the slot process and inference worker entries stay in app.asar, beside the modules they import', () => {
    assert.equal(config.asar, true);
    for (const file of ['dist/app/slot-process.cjs', 'dist/app/inference-worker.cjs', 'dist/src/main/errors.js', 'dist/app/schema-validators.cjs', 'dist/src/main/schema-validators.cjs']) {
      assert.equal(selected(config.asarUnpack, file), false, file);
      assert.equal(selected(config.files, file), true, file);
    }
  });

  test('the app holds the entry, the host, the dashboard and package.json, but no tests', () => {
    assert.equal(packageJson.main, 'dist/src/main/electron/electron-main.js');
    for (const file of [packageJson.main, 'dist/src/main/host/host.js', 'dist/web/renderer/index.html', 'package.json']) {
      assert.equal(selected(config.files, file), true, file);
    }
    for (const file of ['dist/test/electron/tray-menu.test.js', 'dist/bench/run-all.js', 'dist/src/main/host/host.js.map', 'src/main/host/host.ts']) {
      assert.equal(selected(config.files, file), false, file);
    }
    assert.ok(!config.files.some((p) => !p.startsWith('!') && p.includes('node_modules')), 'electron-builder adds production dependencies itself');
  });

  test('the output folder is not dist/, which electron-builder would leave out of the app', () => {
    assert.notEqual(config.directories.output.replace(/\/$/, ''), 'dist');
    assert.ok(!config.directories.output.startsWith('dist/'));
  });

  test('the bundled weights ship as extraResources (Contents/Resources/weights), every slot’s file', async () => {
    const weights = config.extraResources.find((r) => r.from === 'weights');
    assert.equal(weights?.to, 'weights');
    for (const role of Object.values(SLOT_ROLES)) {
      await access(join(ROOT, 'weights', role.bundleFileName));
      assert.ok(weights?.filter?.some((glob) => minimatch(role.bundleFileName, glob)), role.bundleFileName);
    }
  });

  test('the licence and notice of the model the weights derive from ship beside them', async () => {
    const licence = config.extraResources.find((r) => r.from === 'third_party/mobilenetv2-12-int8');
    assert.equal(licence?.to, 'licenses/mobilenetv2-12-int8');
    for (const file of ['LICENSE', 'README.md']) {
      await access(join(ROOT, 'third_party', 'mobilenetv2-12-int8', file));
      assert.ok(licence?.filter?.includes(file), file);
    }
    const notices = config.extraResources.find((r) => r.from === 'THIRD_PARTY_NOTICES.md');
    assert.equal(notices?.to, 'licenses/THIRD_PARTY_NOTICES.md');
    await access(join(ROOT, 'THIRD_PARTY_NOTICES.md'));
  });

  test('the tray icons ship as extraResources (Contents/Resources/icons), where appPaths looks', () => {
    const icons = config.extraResources.find((r) => r.to === 'icons');
    assert.equal(icons?.from, config.directories.buildResources);
    assert.deepEqual(icons?.filter, ['trayTemplate.png', 'trayTemplate@2x.png']);
    const packaged = appPaths({ isPackaged: true, appPath: '/A.app/Contents/Resources/app.asar', userData: '/u', resourcesPath: '/A.app/Contents/Resources', env: {} });
    assert.equal(packaged.trayIcon, `/A.app/Contents/Resources/${icons?.to}/trayTemplate.png`);
  });

  test('no rebuild of native modules (prebuilt Node-API binaries)', () => {
    assert.equal(config.npmRebuild, false);
  });

  test('the icons exist', async () => {
    await access(join(ROOT, config.mac.icon));
    await access(join(ROOT, config.directories.buildResources, 'trayTemplate.png'));
  });

  test('the product name names the data dir that `litecnn serve` uses on macOS', () => {
    assert.equal(config.productName, packageJson.productName);
    assert.equal(basename(defaultDataDir({}, 'darwin')), config.productName);
    assert.equal(config.appId, 'dev.litecnn.dual');
  });

  test('npm scripts: start launches Electron, dist:mac packages, icons redraws the icons', () => {
    assert.match(packageJson.scripts.start ?? '', /\belectron \.$/);
    assert.match(packageJson.scripts['dist:mac'] ?? '', /electron-builder --mac/);
    assert.match(packageJson.scripts.icons ?? '', /make-tray-icons\.js/);
  });
});
