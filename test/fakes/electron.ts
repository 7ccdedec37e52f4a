import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions, MessageBoxOptions, OpenDialogOptions } from 'electron';
import type { MenuBarElectron } from '../../src/main/electron/menu-bar-app.js';

/**
 * A hand-written stand-in for the parts of the `electron` module the app uses. Electron cannot
 * start here (and `import 'electron'` in plain Node throws), so glue code takes the module as a
 * parameter and tests pass this. Each call makes fresh fakes that record what the app did.
 */
export function createFakeElectron(options: FakeElectronOptions = {}) {
  const log = options.log ?? [];
  const menus: MenuItemConstructorOptions[][] = [];
  const trays: FakeTray[] = [];
  const windows: FakeBrowserWindow[] = [];
  const notifications: { title: string; body: string }[] = [];
  const dialogs: MessageBoxOptions[] = [];
  const dialogAnswers = [...(options.dialogAnswers ?? [])];
  const openDialogs: { options: OpenDialogOptions; window: FakeBrowserWindow | null }[] = [];
  const openDialogAnswers = [...(options.openDialogAnswers ?? [])];
  const openedPaths: string[] = [];
  const forks: FakeUtilityChild[] = [];

  class FakeMenu {
    constructor(readonly template: MenuItemConstructorOptions[]) {}
    static buildFromTemplate(template: MenuItemConstructorOptions[]): FakeMenu {
      menus.push(template);
      return new FakeMenu(template);
    }
  }

  class FakeTray {
    contextMenu: FakeMenu | null = null;
    title = '';
    toolTip = '';
    destroyed = false;
    constructor(readonly image: FakeNativeImage) {
      trays.push(this);
    }
    setContextMenu(menu: FakeMenu): void {
      this.contextMenu = menu;
    }
    setTitle(title: string): void {
      this.title = title;
    }
    setToolTip(toolTip: string): void {
      this.toolTip = toolTip;
    }
    destroy(): void {
      this.destroyed = true;
      log.push('tray.destroy');
    }
  }

  class FakeBrowserWindow extends EventEmitter {
    readonly webContents = new FakeWebContents();
    readonly loadedUrls: string[] = [];
    visible = false;
    destroyed = false;
    focused = false;
    minimized = false;
    constructor(readonly options: Record<string, unknown>) {
      super();
      windows.push(this);
    }
    loadURL(url: string): Promise<void> {
      this.loadedUrls.push(url);
      return Promise.resolve();
    }
    show(): void {
      this.visible = true;
    }
    isMinimized(): boolean {
      return this.minimized;
    }
    restore(): void {
      this.minimized = false;
    }
    focus(): void {
      this.focused = true;
    }
    isDestroyed(): boolean {
      return this.destroyed;
    }
    /** What the user closing the window does. */
    close(): void {
      this.destroyed = true;
      this.emit('closed');
    }
  }

  class FakeNotification {
    static isSupported(): boolean {
      return true;
    }
    constructor(readonly options: { title: string; body: string }) {}
    show(): void {
      notifications.push({ title: this.options.title, body: this.options.body });
      log.push(`notification:${this.options.title}`);
    }
  }

  const dialog = {
    /** Answers with the next scripted answer, else the dialog's cancel button. */
    showMessageBox: async (box: MessageBoxOptions) => {
      dialogs.push(box);
      log.push(`dialog:${box.message}`);
      return { response: dialogAnswers.shift() ?? box.cancelId ?? 0, checkboxChecked: false };
    },
    /** As Electron: (options) or (window, options); answers the next scripted path, else cancelled. */
    showOpenDialog: async (...args: [OpenDialogOptions] | [FakeBrowserWindow, OpenDialogOptions]) => {
      const [window, dialogOptions] = args.length === 2 ? args : [null, args[0]];
      openDialogs.push({ options: dialogOptions, window });
      log.push(`openDialog:${dialogOptions.title ?? ''}`);
      const path = openDialogAnswers.shift() ?? null;
      return { canceled: path === null, filePaths: path === null ? [] : [path] };
    },
  };

  const shell = {
    openPath: async (path: string) => {
      openedPaths.push(path);
      return options.openPathError ?? '';
    },
  };

  const nativeImage = { createFromPath: (path: string) => new FakeNativeImage(path) };

  const utilityProcess = {
    fork: (modulePath: string, args: string[] = [], forkOptions: Record<string, unknown> = {}) => {
      const child = new FakeUtilityChild(modulePath, args, forkOptions);
      forks.push(child);
      return child;
    },
  };

  const app = new FakeApp(log, options);

  const electron = {
    app, Tray: FakeTray, Menu: FakeMenu, BrowserWindow: FakeBrowserWindow, Notification: FakeNotification,
    dialog, shell, nativeImage, utilityProcess, nativeTheme: { shouldUseDarkColors: options.dark ?? false },
  };
  return {
    /** The fakes typed as the real module's parts, to pass to the code under test. */
    electron: electron as unknown as MenuBarElectron,
    app, log, menus, trays, windows, notifications, dialogs, dialogAnswers, openDialogs, openDialogAnswers, openedPaths, forks, utilityProcess,
    /** The newest menu template the app built. */
    lastMenu(): MenuItemConstructorOptions[] {
      const menu = menus.at(-1);
      if (!menu) throw new Error('no menu was built');
      return menu;
    },
  };
}

export interface FakeElectronOptions {
  /** Shared with other fakes, to check the order of calls. */
  log?: string[];
  hasSingleInstanceLock?: boolean;
  userData?: string;
  appPath?: string;
  preferredLanguages?: string[];
  /** Responses (button indexes) of the next message boxes, in order. */
  dialogAnswers?: number[];
  /** Paths the next open dialogs answer, in order (null: the user cancelled). */
  openDialogAnswers?: (string | null)[];
  openPathError?: string;
  dark?: boolean;
}

export class FakeApp extends EventEmitter {
  readonly isPackaged = false;
  readonly dock = { hide: () => { this.dockHidden = true; } };
  dockHidden = false;
  quitted = false;
  focusCalls = 0;
  loginItem = { openAtLogin: false };
  readonly #log: string[];
  readonly #options: FakeElectronOptions;

  constructor(log: string[], options: FakeElectronOptions) {
    super();
    this.#log = log;
    this.#options = options;
  }

  requestSingleInstanceLock(): boolean {
    return this.#options.hasSingleInstanceLock ?? true;
  }
  whenReady(): Promise<void> {
    return Promise.resolve();
  }
  getPath(name: string): string {
    if (name === 'home') return '/tmp/litecnn-fake-home';
    if (name !== 'userData') throw new Error(`the fake app has no path "${name}"`);
    return this.#options.userData ?? '/tmp/litecnn-fake-user-data';
  }
  getAppPath(): string {
    return this.#options.appPath ?? '/tmp/litecnn-fake-app';
  }
  getPreferredSystemLanguages(): string[] {
    return this.#options.preferredLanguages ?? ['en-US'];
  }
  getLoginItemSettings(): { openAtLogin: boolean } {
    return { ...this.loginItem };
  }
  setLoginItemSettings(settings: { openAtLogin?: boolean }): void {
    this.loginItem.openAtLogin = settings.openAtLogin ?? false;
    this.#log.push(`app.setLoginItemSettings:${String(settings.openAtLogin)}`);
  }
  focus(): void {
    this.focusCalls++;
  }
  /** As Electron does: `before-quit` first, and a listener may prevent the quit. */
  quit(): void {
    this.#log.push('app.quit');
    const event = { defaultPrevented: false, preventDefault(): void { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) {
      this.quitted = true;
      this.#log.push('app.quitted');
    }
  }
  /** What Electron does when the app is launched again while running. */
  launchSecondInstance(): void {
    this.emit('second-instance', {}, [], '/');
  }
}

export class FakeNativeImage {
  template = false;
  constructor(readonly path: string) {}
  setTemplateImage(template: boolean): void {
    this.template = template;
  }
}

export class FakeSession {
  permissionRequestHandler: ((contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null = null;
  permissionCheckHandler: ((...args: unknown[]) => boolean) | null = null;
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
}

export class FakeWebContents extends EventEmitter {
  readonly session = new FakeSession();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: FakeWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = handler;
  }
  /** Emits `will-navigate` as Electron does; true when a listener prevented the navigation. */
  navigate(url: string): boolean {
    const event = { url, defaultPrevented: false, preventDefault(): void { this.defaultPrevented = true; } };
    this.emit('will-navigate', event, url);
    return event.defaultPrevented;
  }
}

/** One forked utility process: records what the host posts and lets a test play the child. */
export class FakeUtilityChild extends EventEmitter {
  pid: number | undefined = 4242;
  readonly posted: unknown[] = [];
  killed = false;
  constructor(readonly modulePath: string, readonly args: string[], readonly options: Record<string, unknown>) {
    super();
  }
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    return true;
  }
}

/** The item with `id` anywhere in a menu template (submenus included). */
export function menuItem(template: readonly MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions {
  const found = findItem(template, id);
  if (!found) throw new Error(`no menu item "${id}" in ${template.map((item) => item.id ?? item.type).join(', ')}`);
  return found;
}

function findItem(template: readonly MenuItemConstructorOptions[], id: string): MenuItemConstructorOptions | undefined {
  for (const item of template) {
    if (item.id === id) return item;
    if (Array.isArray(item.submenu)) {
      const inner = findItem(item.submenu, id);
      if (inner) return inner;
    }
  }
  return undefined;
}

/** Clicks a template item as Electron would. */
export function clickItem(template: readonly MenuItemConstructorOptions[], id: string): void {
  const item = menuItem(template, id);
  if (item.enabled === false) throw new Error(`menu item "${id}" is disabled`);
  if (!item.click) throw new Error(`menu item "${id}" has no click handler`);
  (item.click as () => void)();
}
