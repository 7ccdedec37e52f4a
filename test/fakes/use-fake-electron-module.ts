import { register } from 'node:module';

/**
 * Makes `import 'electron'` in this test process load the fake module, so that a real
 * third-party package that imports Electron (electron-store) can run under plain Node. Call it
 * before importing such a package, with a dynamic `import()`.
 */
export function useFakeElectronModule(): void {
  register(new URL('./electron-module-hooks.js', import.meta.url));
}
