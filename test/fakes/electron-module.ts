import { tmpdir } from 'node:os';

/**
 * A stand-in for the `electron` module as a third-party package imports it (electron-store reads
 * `app` and `ipcMain` from its default export). Tests reach it through electron-module-hooks.
 */
const fakeElectronModule = {
  app: {
    getPath: (name: string): string => {
      if (name !== 'userData') throw new Error(`the fake electron module has no path "${name}"`);
      return tmpdir();
    },
    getVersion: (): string => '0.0.0-test',
  },
  ipcMain: { on: (): void => undefined },
  shell: {},
};

export default fakeElectronModule;
