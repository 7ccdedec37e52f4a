import { join } from 'node:path';
import { BUNDLED_WEIGHTS_DIR } from '../host/data-dir.js';

/** Where the menu-bar app finds and keeps its files. */
export interface AppPaths {
  /** The data dir, the same one `litecnn serve` uses by default. */
  dataDir: string;
  /** The default weights that seed a new data dir. */
  bundledWeightsDir: string;
  /** The tray icon (its `@2x` sibling is found by name). */
  trayIcon: string;
}

/** What the paths depend on: Electron's `app` paths, `process.resourcesPath` and the environment. */
export interface AppPathInputs {
  isPackaged: boolean;
  /** `app.getAppPath()`: the repository in development, `.../Resources/app.asar` when packaged. */
  appPath: string;
  /** `app.getPath('userData')`: ~/Library/Application Support/LiteCNN Dual on macOS. */
  userData: string;
  resourcesPath: string;
  env: NodeJS.ProcessEnv;
}

/**
 * The app's paths. The data dir honours LITECNN_DATA_DIR as the CLI does, so a `litecnn`
 * command in the same shell finds the app's host. A packaged app's weights and tray icons are
 * extraResources (`Resources/weights`, `Resources/icons`), plain files outside app.asar.
 */
export function appPaths(inputs: AppPathInputs): AppPaths {
  return {
    dataDir: inputs.env.LITECNN_DATA_DIR || inputs.userData,
    bundledWeightsDir: inputs.isPackaged ? join(inputs.resourcesPath, 'weights') : BUNDLED_WEIGHTS_DIR,
    trayIcon: inputs.isPackaged ? join(inputs.resourcesPath, 'icons', 'trayTemplate.png') : join(inputs.appPath, 'build', 'trayTemplate.png'),
  };
}
