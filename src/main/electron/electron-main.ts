/**
 * The Electron entry (package.json `main`): the only module that loads `electron` (and
 * electron-store, which loads it) at run time. Everything it starts takes them as parameters.
 */
import { app, BrowserWindow, dialog, Menu, nativeImage, nativeTheme, Notification, safeStorage, shell, Tray, utilityProcess } from 'electron';
import Store from 'electron-store';
import { openAppHost } from './app-host.js';
import { MenuBarApp } from './menu-bar-app.js';

const menuBarApp = new MenuBarApp(
  { app, BrowserWindow, dialog, Menu, nativeImage, nativeTheme, Notification, shell, Tray, utilityProcess },
  { createHost: (setup) => openAppHost(setup, Store, safeStorage) },
);
void menuBarApp.run();
