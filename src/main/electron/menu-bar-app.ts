import { join } from 'node:path';
import type * as Electron from 'electron';
import type { HostEvent, PathChoice, PathChooser, SlotAction, SlotStatus } from '../../shared/host-api.js';
import type { SlotId } from '../../shared/slot-api.js';
import type { Host } from '../host/host.js';
import type { AppHostSetup } from './app-host.js';
import { appPaths, type AppPaths } from './app-paths.js';
import { confirmed, nothingToRollBackNotice, promoteConfirmation, rollbackConfirmation, rollbackTarget } from './confirmations.js';
import { failureDialog, type FailedAction } from './failure-dialog.js';
import { languageFor, type Language } from './menu-bar-strings.js';
import { openDialogOptions } from './open-dialog-options.js';
import { deployResultNotification, notificationFor, type NotificationText } from './notifications.js';
import { buildTrayMenu, trayTitle, trayTooltip, type SlotTarget, type TrayActions, type TrayState } from './tray-menu.js';
import { utilityProcessLauncher } from './utility-process-launcher.js';
import { dashboardWindowOptions, hardenWebContents } from './window-options.js';

/** The parts of the `electron` module the app uses, passed in (tests pass fakes). */
export type MenuBarElectron = Pick<typeof Electron, 'app' | 'Tray' | 'Menu' | 'BrowserWindow' | 'Notification' | 'dialog' | 'shell' | 'nativeImage' | 'utilityProcess'>
  & Partial<Pick<typeof Electron, 'nativeTheme'>>;

/** What the app needs of the host. */
export type MenuBarHost = Pick<Host, 'dataDir' | 'controlUrl' | 'dashboardUrl' | 'start' | 'stop' | 'status' | 'act' | 'deploy' | 'promote' | 'rollback' | 'history' | 'watchStatus' | 'setWatch'>
  & { on(event: 'event', listener: (event: HostEvent) => void): unknown };

export interface MenuBarAppOptions {
  /** Makes the host from what the app provides (openAppHost). */
  createHost(setup: AppHostSetup): Promise<MenuBarHost>;
  /** Electron's `process.resourcesPath` by default. */
  resourcesPath?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The macOS menu-bar app: one instance, no Dock icon, a tray whose menu follows every host event,
 * the dashboard in one hardened window, notifications for releases and crashes, and a quit that
 * stops both slots before the app goes.
 */
export class MenuBarApp {
  readonly #electron: MenuBarElectron;
  readonly #options: MenuBarAppOptions;
  #paths: AppPaths | null = null;
  #language: Language = 'en';
  readonly #state: TrayState = { slots: [], watch: null, progress: null, launchAtLogin: false, language: 'en' };
  #host: MenuBarHost | null = null;
  #hostStarting: Promise<MenuBarHost> | null = null;
  #tray: Electron.Tray | null = null;
  #window: Electron.BrowserWindow | null = null;
  #refreshing: Promise<void> | null = null;
  #refreshAgain = false;
  readonly #pending = new Set<Promise<unknown>>();
  #quitting: Promise<void> | null = null;
  #mayQuit = false;
  #lastEventNotice = '';

  constructor(electron: MenuBarElectron, options: MenuBarAppOptions) {
    this.#electron = electron;
    this.#options = options;
  }

  /**
   * Claims the single instance (a second launch opens this one's dashboard and quits), then, once
   * Electron is ready, shows the tray and starts the host.
   */
  async run(): Promise<void> {
    const { app } = this.#electron;
    if (!app.requestSingleInstanceLock()) {
      this.#mayQuit = true;
      app.quit();
      return;
    }
    app.on('second-instance', () => this.#track(this.openDashboard()));
    // Closing the dashboard must not end an app that lives in the menu bar.
    app.on('window-all-closed', () => undefined);
    app.on('before-quit', (event) => {
      if (this.#mayQuit) return;
      event.preventDefault();
      this.#track(this.quit());
    });
    this.#paths = appPaths({
      isPackaged: app.isPackaged,
      appPath: app.getAppPath(),
      userData: app.getPath('userData'),
      resourcesPath: this.#options.resourcesPath ?? process.resourcesPath,
      env: this.#options.env ?? process.env,
    });
    await app.whenReady();
    app.dock?.hide();
    this.#language = languageFor(app.getPreferredSystemLanguages());
    this.#state.language = this.#language;
    this.#state.launchAtLogin = app.getLoginItemSettings().openAtLogin;
    this.#tray = this.#createTray(this.#paths.trayIcon);
    this.#render();
    this.#hostStarting = this.#startHost(this.#paths);
    try {
      await this.#hostStarting;
    } catch (error) {
      await this.#showDialog(failureDialog('launch', error, this.#language));
      await this.quit();
    }
  }

  /** Shows the dashboard window (one at most), optionally at a section such as `preferences`. */
  async openDashboard(section?: string): Promise<void> {
    const host = await this.#hostStarting?.catch(() => null);
    if (!host) return;
    const { app, BrowserWindow, nativeTheme } = this.#electron;
    const open = this.#window;
    if (open && !open.isDestroyed()) {
      // The page keeps its token; only the fragment changes, so it does not reload.
      if (section) await open.loadURL(`${host.controlUrl}/#${section}`).catch(() => undefined);
      open.show();
      open.focus();
      app.focus({ steal: true });
      return;
    }
    const window = new BrowserWindow(dashboardWindowOptions({ dark: nativeTheme?.shouldUseDarkColors ?? false }));
    hardenWebContents(window.webContents, new URL(host.controlUrl).origin);
    window.once('ready-to-show', () => {
      window.show();
      app.focus({ steal: true });
    });
    window.on('closed', () => {
      if (this.#window === window) this.#window = null;
    });
    this.#window = window;
    // The dashboard takes `token=` out of the fragment and keeps the rest (`#preferences`).
    await window.loadURL(section ? `${host.dashboardUrl}&${section}` : host.dashboardUrl).catch(() => undefined);
  }

  /** Stops the host (both slots, the watcher, the control API), then quits. */
  quit(): Promise<void> {
    this.#quitting ??= (async () => {
      await this.#hostStarting?.catch(() => undefined);
      try {
        // Also after a failed start: it may have opened the control API or the log before failing.
        await this.#host?.stop();
      } catch (error) {
        console.error('LiteCNN Dual: stopping the host failed:', error);
      }
      this.#mayQuit = true;
      this.#tray?.destroy();
      this.#tray = null;
      this.#electron.app.quit();
    })();
    return this.#quitting;
  }

  /** Resolves once every action and menu refresh started so far has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0 || this.#refreshing) {
      await Promise.allSettled([...this.#pending, this.#refreshing]);
    }
  }

  readonly #actions: TrayActions = {
    slot: (target, action) => this.#track(this.#slotAction(target, action)),
    openDashboard: () => this.#track(this.openDashboard()),
    deployNow: () => this.#track(this.#deployNow()),
    promote: () => this.#track(this.#promote()),
    rollbackTobe: () => this.#track(this.#rollbackTobe()),
    setAutoDeploy: (enabled) => this.#track(this.#setAutoDeploy(enabled)),
    openLogsFolder: () => this.#track(this.#openLogsFolder()),
    openPreferences: () => this.#track(this.openDashboard('preferences')),
    setLaunchAtLogin: (enabled) => this.#setLaunchAtLogin(enabled),
    quit: () => this.#track(this.quit()),
  };

  async #startHost(paths: AppPaths): Promise<MenuBarHost> {
    const launcher = utilityProcessLauncher(this.#electron.utilityProcess);
    const choosePath: PathChooser = (choice) => this.#choosePath(choice);
    const host = await this.#options.createHost({ dataDir: paths.dataDir, bundledWeightsDir: paths.bundledWeightsDir, launcher, choosePath });
    this.#host = host;
    host.on('event', (event: HostEvent) => this.#onHostEvent(event));
    await host.start();
    this.#state.watch = host.watchStatus();
    await this.#refreshSlots();
    return host;
  }

  #createTray(iconFile: string): Electron.Tray {
    const { Tray, nativeImage } = this.#electron;
    const icon = nativeImage.createFromPath(iconFile);
    // Black on transparent: macOS recolours it for light and dark menu bars.
    icon.setTemplateImage(true);
    return new Tray(icon);
  }

  #render(): void {
    const tray = this.#tray;
    if (!tray) return;
    tray.setContextMenu(this.#electron.Menu.buildFromTemplate(buildTrayMenu(this.#state, this.#actions)));
    tray.setTitle(trayTitle(this.#state), { fontType: 'monospacedDigit' });
    tray.setToolTip(trayTooltip(this.#state));
  }

  #onHostEvent(event: HostEvent): void {
    switch (event.type) {
      case 'progress':
        this.#state.progress = event.data;
        this.#render();
        break;
      case 'watch':
        this.#state.watch = event.data;
        this.#render();
        break;
      case 'slot-state': {
        const { slot, state, error } = event.data;
        this.#state.slots = this.#state.slots.map((s) => (s.slot === slot ? { ...s, state, error } : s));
        this.#render();
        this.#track(this.#refreshSlots());
        break;
      }
      case 'history':
        this.#track(this.#refreshSlots());
        break;
    }
    const notice = notificationFor(event, this.#language);
    if (notice) {
      const key = `${notice.title}\n${notice.body}`;
      // A watcher that keeps failing the same way retries often; one notice says it.
      if (key !== this.#lastEventNotice) this.#notify(notice);
      this.#lastEventNotice = key;
    }
  }

  /** Re-reads both slots' status; events that come meanwhile cause one more read, not one each. */
  #refreshSlots(): Promise<void> {
    if (this.#refreshing) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    this.#refreshing = (async () => {
      try {
        do {
          this.#refreshAgain = false;
          const host = this.#host;
          if (!host) return;
          try {
            this.#state.slots = (await host.status()).slots;
          } catch {
            // Keep the last known status; the next event tries again.
          }
          this.#render();
        } while (this.#refreshAgain);
      } finally {
        this.#refreshing = null;
      }
    })();
    return this.#refreshing;
  }

  async #slotAction(target: SlotTarget, action: SlotAction): Promise<void> {
    await this.#withHost(action, async (host) => {
      this.#state.slots = (await host.act(target, action)).slots;
      this.#render();
    });
  }

  async #deployNow(): Promise<void> {
    await this.#withHost('deploy', async (host) => {
      const notice = deployResultNotification(await host.deploy({ trigger: 'app' }), this.#language);
      if (notice) this.#notify(notice);
    });
  }

  async #promote(): Promise<void> {
    await this.#withHost('promote', async (host) => {
      const { slots } = await host.status();
      const question = promoteConfirmation({ asis: slotIn(slots, 'asis'), tobe: slotIn(slots, 'tobe') }, this.#language);
      if (!confirmed(await this.#showDialog(question))) return;
      await host.promote({ trigger: 'app' });
    });
  }

  async #rollbackTobe(): Promise<void> {
    await this.#withHost('rollback', async (host) => {
      const [history, status] = await Promise.all([host.history(), host.status()]);
      const tobe = slotIn(status.slots, 'tobe');
      const target = rollbackTarget(history, 'tobe', tobe?.model ?? null);
      if (!target) {
        await this.#showDialog(nothingToRollBackNotice(this.#language));
        return;
      }
      if (!confirmed(await this.#showDialog(rollbackConfirmation(tobe, target, this.#language)))) return;
      // The exact version the user confirmed, even if history changed while the dialog was open.
      await host.rollback({ slot: 'tobe', to: target.bundleSha256, trigger: 'app' });
    });
  }

  async #setAutoDeploy(enabled: boolean): Promise<void> {
    await this.#withHost('autoDeploy', async (host) => {
      this.#state.watch = host.setWatch(enabled);
      this.#render();
    });
  }

  async #openLogsFolder(): Promise<void> {
    if (!this.#paths) return;
    const problem = await this.#electron.shell.openPath(join(this.#paths.dataDir, 'logs'));
    if (problem) await this.#showDialog(failureDialog('openLogs', problem, this.#language));
  }

  #setLaunchAtLogin(enabled: boolean): void {
    const { app } = this.#electron;
    app.setLoginItemSettings({ openAtLogin: enabled });
    this.#state.launchAtLogin = app.getLoginItemSettings().openAtLogin;
    this.#render();
  }

  /** Runs `work` against the started host; a failure is shown in an error box. */
  async #withHost(action: FailedAction, work: (host: MenuBarHost) => Promise<void>): Promise<void> {
    const host = this.#host;
    if (!host) return;
    try {
      await work(host);
    } catch (error) {
      await this.#showDialog(failureDialog(action, error, this.#language));
    }
  }

  /** The open dialog for a dashboard's "Choose…" button: a sheet on the dashboard window (brought back into view) when it is open. */
  async #choosePath(choice: PathChoice): Promise<string | null> {
    const { app, dialog } = this.#electron;
    app.focus({ steal: true });
    const options = openDialogOptions(choice, this.#language, app.getPath('home'));
    const window = this.#window && !this.#window.isDestroyed() ? this.#window : null;
    if (window?.isMinimized()) window.restore();
    window?.show();
    const { canceled, filePaths } = window ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
    return canceled ? null : (filePaths[0] ?? null);
  }

  #showDialog(options: Electron.MessageBoxOptions): Promise<Electron.MessageBoxReturnValue> {
    // A menu-bar app is not frontmost by itself; without this the dialog opens behind other apps.
    this.#electron.app.focus({ steal: true });
    return this.#electron.dialog.showMessageBox(options);
  }

  #notify(notice: NotificationText): void {
    const { Notification } = this.#electron;
    if (Notification.isSupported()) new Notification({ title: notice.title, body: notice.body }).show();
  }

  #track(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => console.error('LiteCNN Dual:', error)).finally(() => this.#pending.delete(tracked));
    this.#pending.add(tracked);
  }
}

function slotIn(slots: readonly SlotStatus[], id: SlotId): SlotStatus | undefined {
  return slots.find((s) => s.slot === id);
}
