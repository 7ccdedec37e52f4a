import type { BrowserWindowConstructorOptions, WebContents } from 'electron';

/**
 * The dashboard window's options. The page is the dashboard the host's control API serves (the
 * same one a browser gets), and it talks only to that API over HTTP, so it needs no preload and
 * no Node: it runs as a sandboxed web page.
 */
export function dashboardWindowOptions(options: { dark?: boolean } = {}): BrowserWindowConstructorOptions {
  return {
    title: 'LiteCNN Dual',
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    // Shown on 'ready-to-show', so the user never sees an empty frame.
    show: false,
    backgroundColor: options.dark ? '#1e1e1e' : '#ffffff',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      // A dropped file is for the compare view, never a reason to leave the dashboard.
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/**
 * Keeps a window on the dashboard: no new windows, no navigation to another origin, and no
 * permission (camera, notifications, geolocation, ...) for the page, asked or checked.
 */
export function hardenWebContents(contents: WebContents, allowedOrigin: string): void {
  // A link that opens a window could show a page with none of these protections.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => {
    if (originOf(event.url) !== allowedOrigin) event.preventDefault();
  });
  // The dashboard needs none of the browser's powers; a hijacked page gets none either.
  contents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  contents.session.setPermissionCheckHandler(() => false);
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
